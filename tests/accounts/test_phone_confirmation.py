"""Issue 14: a phone number becomes a login only once confirmed, so nobody can block a citizen by
registering their number first. By a code where WhatsApp/SMS is configured; by staff at verification
where none is."""

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from pembinaan.accounts import roles
from pembinaan.accounts.models import User
from pembinaan.enrolment.models import Registration
from pembinaan.notifications.models import OutboxMessage
from pembinaan.registry.models import Business, BusinessStatus
from tests.enrolment.helpers import PASSWORD, owner_data, register
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NUMBER = "0812-7777-0001"
E164 = "+6281277770001"


def _register(client, gateway, django_capture_on_commit_callbacks, **owner):
    """Register through the three steps; returns the code WhatsApp carried to the number."""
    before = len(gateway.received)
    with django_capture_on_commit_callbacks(execute=True):
        register(client, owner=owner_data(**{"phone": NUMBER, "email": "", **owner}))
    bodies = [r.json()["text"]["body"] for r in gateway.received[before:]]
    codes = [re.search(r"\b(\d{6})\b", body).group(1) for body in bodies if "konfirmasi" in body]
    return codes[-1] if codes else None


def _logs_in(username, password=PASSWORD) -> bool:
    return (
        Client().post(reverse("accounts:login"), {"username": username, "password": password}).status_code
        == 302
    )


def _confirm(client, code):
    return client.post(reverse("accounts:phone-confirm"), {"code": code})


def test_a_phone_only_owner_gets_a_code_and_the_number_is_a_login_only_after_entering_it(
    anon_client, whatsapp_gateway, django_capture_on_commit_callbacks
):
    code = _register(anon_client, whatsapp_gateway, django_capture_on_commit_callbacks)
    assert code is not None
    done = anon_client.get(reverse("enrolment:done")).content.decode()
    assert "data-phone-confirm" in done and NUMBER in done
    assert not _logs_in(NUMBER)
    response = _confirm(anon_client, code)
    assert response.status_code == 302
    user = User.objects.get(phone=E164)
    assert user.phone_confirmed_at is not None and user.phone_confirmed_by is None
    assert _logs_in(NUMBER)
    assert "data-phone-confirm" not in anon_client.get(reverse("ownerspace:home")).content.decode()


def test_a_wrong_code_is_refused_with_a_plain_message_and_five_wrong_tries_spend_the_code(
    anon_client, whatsapp_gateway, django_capture_on_commit_callbacks
):
    code = _register(anon_client, whatsapp_gateway, django_capture_on_commit_callbacks)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    response = _confirm(anon_client, wrong)
    assert response.status_code == 200
    assert "Kode salah atau sudah tidak berlaku" in response.content.decode()
    for _ in range(4):
        _confirm(anon_client, wrong)
    _confirm(anon_client, code)  # right, but too late
    assert User.objects.get(phone=E164).phone_confirmed_at is None


def test_a_code_is_valid_ten_minutes(anon_client, whatsapp_gateway, django_capture_on_commit_callbacks):
    code = _register(anon_client, whatsapp_gateway, django_capture_on_commit_callbacks)
    with freeze_time(timezone.now() + datetime.timedelta(minutes=11)):
        _confirm(anon_client, code)
    assert User.objects.get(phone=E164).phone_confirmed_at is None


def test_someone_who_registered_a_stranger_s_number_first_cannot_block_them(
    whatsapp_gateway, django_capture_on_commit_callbacks
):
    squatter, citizen = Client(), Client()
    _register(squatter, whatsapp_gateway, django_capture_on_commit_callbacks, name="Orang Lain")
    # The citizen registers with their own number: not refused; the registration is flagged.
    code = _register(citizen, whatsapp_gateway, django_capture_on_commit_callbacks, name="Siti Aminah")
    assert User.objects.filter(phone=E164).count() == 2
    assert Registration.objects.filter(notice=Registration.Notice.SHARED_PHONE).count() == 1
    # Only the citizen has the phone, so only the citizen has the code; the number is now theirs.
    assert _confirm(citizen, code).status_code == 302
    assert User.objects.get(phone=E164, phone_confirmed_at__isnull=False).full_name == "Siti Aminah"
    # The squatter asks for a code of their own: it goes to the citizen's phone, and even a right
    # code could not take the number any more.
    squatter.post(reverse("accounts:phone-confirm"), {"action": "resend"})
    assert User.objects.filter(phone=E164, phone_confirmed_at__isnull=False).count() == 1
    assert _logs_in(NUMBER)  # the citizen, with their password (the same in these helpers)
    squatter_account = User.objects.get(phone=E164, full_name="Orang Lain")
    assert not squatter_account.phone_confirmed


def test_a_number_confirmed_elsewhere_cannot_be_confirmed_again(
    anon_client, whatsapp_gateway, django_capture_on_commit_callbacks
):
    code = _register(anon_client, whatsapp_gateway, django_capture_on_commit_callbacks)
    User.objects.create_user(
        email="lain@contoh.test", phone=E164, full_name="Lain", phone_confirmed_at=timezone.now()
    )
    response = _confirm(anon_client, code)
    assert "sudah dikonfirmasi pada akun lain" in response.content.decode()
    assert User.objects.filter(phone=E164, phone_confirmed_at__isnull=False).get().email == "lain@contoh.test"


def test_resetting_the_password_by_a_code_to_the_number_confirms_it_and_lifts_a_lockout(
    anon_client, whatsapp_gateway, django_capture_on_commit_callbacks
):
    _register(anon_client, whatsapp_gateway, django_capture_on_commit_callbacks)
    for _ in range(5):
        _logs_in(NUMBER, "salah-semua-123")
    assert AccessAttempt.objects.filter(username=E164).exists()
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password-reset"), {"email": NUMBER})
    code = re.search(r"\b(\d{6})\b", whatsapp_gateway.received[-1].json()["text"]["body"]).group(1)
    new = "Pisang-Goreng-2027"
    response = client.post(
        reverse("accounts:password-reset-code"),
        {"identifier": NUMBER, "code": code, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert User.objects.get(phone=E164).phone_confirmed
    assert not AccessAttempt.objects.filter(username=E164).exists()
    assert _logs_in(NUMBER, new)


def test_the_confirmation_page_is_for_logged_in_owners_with_an_unconfirmed_number(client, owner_user):
    anonymous = Client().get(reverse("accounts:phone-confirm"))
    assert anonymous.status_code == 302 and reverse("accounts:login") in anonymous.url
    client.force_login(owner_user)  # no number, or a confirmed one: nothing to confirm
    assert client.get(reverse("accounts:phone-confirm")).status_code == 302


# --- Where no code can be sent: staff confirm at verification -----------------------------------


@pytest.fixture
def no_channel(settings):
    # In production without WhatsApp or SMS settings, no code can reach a phone.
    settings.PRODUCTION = True


def test_without_a_channel_no_code_is_sent_and_the_owner_can_still_log_in_by_number(
    no_channel, anon_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        register(anon_client, owner=owner_data(phone=NUMBER, email=""))
    assert not OutboxMessage.objects.exists()
    done = anon_client.get(reverse("enrolment:done")).content.decode()
    assert "Staf dinas memastikannya saat memeriksa pendaftaran" in done
    assert _logs_in(NUMBER)


def test_without_a_channel_a_second_registration_with_the_number_is_flagged_and_staff_settle_it(
    no_channel, staff_client, staff_user
):
    first, second = Client(), Client()
    register(first, owner=owner_data(phone=NUMBER, email="", name="Orang Lain"))
    register(second, owner=owner_data(phone=NUMBER, email="", name="Siti Aminah"))
    flagged = Registration.objects.get(notice=Registration.Notice.SHARED_PHONE)
    earlier = Registration.objects.exclude(pk=flagged.pk).get()
    page = staff_client.get(reverse("enrolment:review", args=[flagged.business.pk])).content.decode()
    assert "Nomor HP ini juga dipakai pendaftaran lain" in page and earlier.number in page
    assert "belum dikonfirmasi" in page
    # Staff called the number and spoke to Siti: verifying with the box ticked confirms it.
    staff_client.post(
        reverse("enrolment:review", args=[flagged.business.pk]), {"action": "verify", "phone_checked": "on"}
    )
    siti = User.objects.get(full_name="Siti Aminah")
    assert siti.phone_confirmed and siti.phone_confirmed_by == staff_user
    assert Business.objects.get(pk=flagged.business.pk).status == BusinessStatus.VERIFIED
    # Now only Siti logs in with the number; the other account's password no longer opens it by number.
    orang_lain = User.objects.get(full_name="Orang Lain")
    assert not orang_lain.phone_confirmed
    # Verifying the other registration cannot take the number as well: refused, nothing changes.
    response = staff_client.post(
        reverse("enrolment:review", args=[earlier.business.pk]), {"action": "verify", "phone_checked": "on"}
    )
    assert "sudah dikonfirmasi pada akun lain" in response.content.decode()
    assert Business.objects.get(pk=earlier.business.pk).status == BusinessStatus.SUBMITTED


def test_without_a_channel_verifying_without_the_box_leaves_the_number_unconfirmed(no_channel, staff_client):
    register(Client(), owner=owner_data(phone=NUMBER, email=""))
    business = Business.objects.get()
    staff_client.post(reverse("enrolment:review", args=[business.pk]), {"action": "verify"})
    assert Business.objects.get().status == BusinessStatus.VERIFIED
    assert not User.objects.get(phone=E164).phone_confirmed


def test_an_owner_whose_number_is_confirmed_logs_in_only_as_themselves_by_number(no_channel):
    # With no channel, unconfirmed accounts log in by number and the password tells them apart;
    # once one account confirmed the number, the others no longer can.
    UserFactory(role=roles.OWNER, email=None, phone=E164, phone_confirmed_at=None, full_name="A")
    b = UserFactory(
        role=roles.OWNER, email="b@contoh.test", phone=E164, phone_confirmed_at=None, full_name="B"
    )
    b.set_password("Kata-Sandi-B-2026")
    b.save()
    assert _logs_in(NUMBER, "rahasia-uji-123")  # A's password
    assert _logs_in(NUMBER, "Kata-Sandi-B-2026")
    b.phone_confirmed_at = timezone.now()
    b.save()
    assert not _logs_in(NUMBER, "rahasia-uji-123")
    assert _logs_in(NUMBER, "Kata-Sandi-B-2026")


def _admin_change(admin_client, user, **changes):
    group = user.groups.get()
    data = {
        "email": user.email or "",
        "phone": user.phone or "",
        "phone_confirmed_at_0": "",
        "phone_confirmed_at_1": "",
        "full_name": user.full_name,
        "is_active": "on",
        "groups": [group.pk],
        **changes,
    }
    if user.phone_confirmed_at and "phone_confirmed_at_0" not in changes:
        local = timezone.localtime(user.phone_confirmed_at)
        data["phone_confirmed_at_0"], data["phone_confirmed_at_1"] = f"{local:%Y-%m-%d}", f"{local:%H:%M:%S}"
    return admin_client.post(reverse("admin:accounts_user_change", args=[user.pk]), data)


def test_an_admin_who_changes_an_account_s_number_leaves_the_new_number_unconfirmed(admin_client):
    owner = UserFactory(role=roles.OWNER, phone=E164)
    assert owner.phone_confirmed
    response = _admin_change(admin_client, owner, phone="+6281277779999")
    assert response.status_code == 302, response.content.decode()[:3000]
    owner.refresh_from_db()
    assert owner.phone == "+6281277779999" and not owner.phone_confirmed


def test_an_admin_cannot_confirm_a_number_another_account_confirmed(admin_client):
    UserFactory(role=roles.OWNER, phone=E164)
    second = UserFactory(role=roles.OWNER, phone=E164, phone_confirmed_at=None)
    response = _admin_change(
        admin_client, second, phone_confirmed_at_0="2026-12-01", phone_confirmed_at_1="10:00:00"
    )
    assert response.status_code == 200
    assert "sudah dikonfirmasi pada akun lain" in response.content.decode()
    second.refresh_from_db()
    assert not second.phone_confirmed
