import re

import pytest
from django.urls import reverse
from django.utils import timezone

from pembinaan.accounts import roles
from pembinaan.accounts.models import User
from pembinaan.enrolment import consent
from pembinaan.enrolment.models import ClaimRequest, Registration
from pembinaan.notifications.models import OutboxMessage
from pembinaan.registry.models import Business, BusinessSource, BusinessStatus, DuplicatePair, Owner
from tests.enrolment.helpers import PASSWORD, business_data, owner_data, register
from tests.factories import BusinessFactory, OwnerFactory

pytestmark = pytest.mark.django_db


def _nothing_saved():
    return not (
        User.objects.filter(groups__name=roles.OWNER).exists()
        or Owner.objects.exists()
        or Business.objects.exists()
        or Registration.objects.exists()
    )


def test_the_start_page_and_each_step_render_for_anonymous_visitors(anon_client):
    assert anon_client.get(reverse("enrolment:start")).status_code == 200
    response = anon_client.get(reverse("enrolment:owner"))
    assert response.status_code == 200
    assert 'name="nik"' in response.content.decode()
    # Steps further on wait for the earlier ones.
    assert anon_client.get(reverse("enrolment:business")).url == reverse("enrolment:owner")
    assert anon_client.get(reverse("enrolment:consent")).url == reverse("enrolment:owner")


def test_a_registration_creates_account_owner_and_submitted_business_and_logs_in(anon_client):
    data = owner_data()
    response = register(anon_client, owner=data)
    assert response.status_code == 302
    assert response.url == reverse("enrolment:done")

    owner = Owner.objects.get()
    business = Business.objects.get()
    user = owner.user
    assert owner.nik == data["nik"]
    assert owner.gender == "P"  # from the NIK: 40 added to the day for women
    assert owner.phone == "+6281277770001"
    assert owner.email == "siti@contoh.test"
    assert owner.consent_version == consent.VERSION
    assert owner.consent_at is not None
    assert user.groups.filter(name=roles.OWNER).exists()
    assert user.check_password(PASSWORD)
    assert business.owner == owner
    assert business.source == BusinessSource.SELF
    assert business.status == BusinessStatus.SUBMITTED
    assert business.annual_sales == 60_000_000
    assert business.capital == 15_000_000
    assert business.status_changes.get().to_status == BusinessStatus.SUBMITTED
    assert anon_client.session["_auth_user_id"] == str(user.pk)

    done = anon_client.get(response.url).content.decode()
    assert "Staf dinas memeriksa data Anda" in done


def test_the_new_owner_can_log_in_with_email_at_once_and_with_the_phone_once_confirmed(
    anon_client, client, django_capture_on_commit_callbacks, capsys
):
    with django_capture_on_commit_callbacks(execute=True):
        register(anon_client)
    code = re.search(r"\b(\d{6})\b", capsys.readouterr().out).group(1)  # the console channel

    def logs_in(login):
        client.logout()
        response = client.post(reverse("accounts:login"), {"username": login, "password": PASSWORD})
        return response.status_code == 302

    assert logs_in("SITI@contoh.test")
    assert not logs_in("0812 7777 0001")
    anon_client.post(reverse("accounts:phone-confirm"), {"code": code})
    assert logs_in("0812 7777 0001")


def test_email_is_optional(anon_client):
    register(anon_client, owner=owner_data(email=""))
    owner = Owner.objects.get()
    assert owner.email == ""
    assert owner.user.email is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nik", "6371011506850000", "0000"),
        ("nik", "6.371E+15", "Excel"),
        ("phone", "12345", "nomor HP"),
        ("email", "bukan-email", "email"),
        ("name", "", "tidak boleh kosong"),
        ("password1", "12345678", "angka"),
        ("password2", "Lain-Sekali-2026", "tidak sama"),
    ],
)
def test_the_owner_step_shows_indonesian_field_messages_and_saves_nothing(anon_client, field, value, message):
    response = anon_client.post(reverse("enrolment:owner"), owner_data(**{field: value}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Periksa kembali isian yang ditandai" in html
    assert message.lower() in html.lower()
    assert _nothing_saved()


def test_a_password_like_the_name_is_refused(anon_client):
    response = anon_client.post(
        reverse("enrolment:owner"),
        owner_data(
            name="Sasirangan Banjarmasin",
            password1="sasiranganbanjarmasin",
            password2="sasiranganbanjarmasin",
        ),
    )
    assert response.status_code == 200
    assert "terlalu mirip" in response.content.decode() or "too similar" in response.content.decode()


def test_a_phone_already_used_by_an_account_goes_on_like_any_other_at_the_first_step(anon_client, owner_user):
    # Issue 14: the first step no longer tells a stranger that the phone has an account.
    response = anon_client.post(reverse("enrolment:owner"), owner_data(phone=owner_user.phone))
    assert response.status_code == 302
    assert response.url == reverse("enrolment:business")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("kelurahan", "", "tidak boleh kosong"),
        ("kbli_category", "Z", "pilihan"),
        ("start_year", "2999", "masa depan"),
        ("annual_sales", "enam puluh juta", "rupiah"),
        ("employees", "-1", ""),
        ("nib", "123", "13"),
    ],
)
def test_the_business_step_shows_field_messages_and_keeps_the_owner_step(anon_client, field, value, message):
    anon_client.post(reverse("enrolment:owner"), owner_data())
    response = anon_client.post(reverse("enrolment:business"), business_data(**{field: value}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Periksa kembali isian yang ditandai" in html
    assert message.lower() in html.lower()
    assert _nothing_saved()
    # Progress survives the error: the owner's step is still filled in, the next post goes on.
    assert anon_client.session["enrolment"]["owner"]["name"] == "Siti Aminah"
    assert anon_client.post(reverse("enrolment:business"), business_data()).status_code == 302


def test_going_back_shows_what_was_typed_and_keeps_the_password(anon_client):
    anon_client.post(reverse("enrolment:owner"), owner_data())
    page = anon_client.get(reverse("enrolment:owner")).content.decode()
    assert 'value="Siti Aminah"' in page
    assert PASSWORD not in page
    # Posting the step again without a password keeps the one chosen before.
    response = anon_client.post(
        reverse("enrolment:owner"), owner_data(password1="", password2="", name="Siti A.")
    )
    assert response.status_code == 302
    anon_client.post(reverse("enrolment:business"), business_data())
    anon_client.post(reverse("enrolment:consent"), {"agree": "on"})
    owner = Owner.objects.get()
    assert owner.name == "Siti A."
    assert owner.user.check_password(PASSWORD)


def test_the_password_is_never_kept_in_the_session_in_clear(anon_client):
    anon_client.post(reverse("enrolment:owner"), owner_data())
    assert PASSWORD not in str(dict(anon_client.session))


def test_without_consent_nothing_is_saved(anon_client):
    response = register(anon_client, consent={"agree": ""})
    assert response.status_code == 200
    assert "Centang persetujuan" in response.content.decode()
    assert _nothing_saved()


def test_the_consent_page_shows_the_purpose_and_version(anon_client):
    anon_client.post(reverse("enrolment:owner"), owner_data())
    anon_client.post(reverse("enrolment:business"), business_data())
    page = anon_client.get(reverse("enrolment:consent")).content.decode()
    assert consent.VERSION in page
    assert "program pembinaan UMKM" in page
    assert "Amplang Bu Siti" in page


def test_a_phone_confirmed_meanwhile_makes_no_second_account_and_tells_the_account_owner(anon_client):
    anon_client.post(reverse("enrolment:owner"), owner_data())
    anon_client.post(reverse("enrolment:business"), business_data())
    User.objects.create_user(
        email="lain@contoh.test", phone="+6281277770001", full_name="Lain", phone_confirmed_at=timezone.now()
    )
    response = anon_client.post(reverse("enrolment:consent"), {"agree": "on"})
    # Issue 14: the registrant is not told the phone has an account; its owner is.
    assert response.status_code == 302
    assert response.url == reverse("enrolment:done")
    assert "sudah dipakai" not in anon_client.get(response.url).content.decode()
    assert not Owner.objects.exists() and not Business.objects.exists()
    assert User.objects.filter(phone="+6281277770001").count() == 1
    assert "_auth_user_id" not in anon_client.session
    assert list(OutboxMessage.objects.values_list("recipient", flat=True)) == ["lain@contoh.test"]


def test_a_phone_carried_by_an_unconfirmed_account_is_not_refused_but_flagged(anon_client):
    # Someone registered this number first (perhaps not theirs) and never confirmed it.
    earlier = User.objects.create_user(email=None, phone="+6281277770001", full_name="Pendaftar Lain")
    register(anon_client)
    registration = Registration.objects.get()
    assert registration.user is not None and registration.user.phone == "+6281277770001"
    assert registration.existing_account == earlier
    assert registration.notice == Registration.Notice.SHARED_PHONE
    assert Owner.objects.get().user == registration.user


def test_double_submit_creates_one_registration(anon_client):
    anon_client.post(reverse("enrolment:owner"), owner_data())
    anon_client.post(reverse("enrolment:business"), business_data())
    # A second tab of the same session holds the same form; both are sent.
    state = dict(anon_client.session["enrolment"])
    first = anon_client.post(reverse("enrolment:consent"), {"agree": "on"})
    session = anon_client.session
    session["enrolment"] = state
    session.save()
    anon_client.logout()  # the second tab may even have lost the login
    session = anon_client.session
    session["enrolment"] = state
    session.save()
    second = anon_client.post(reverse("enrolment:consent"), {"agree": "on"})
    assert first.status_code == second.status_code == 302
    assert second.url == reverse("enrolment:done")
    assert Owner.objects.count() == 1
    assert Business.objects.count() == 1
    assert Registration.objects.count() == 1
    assert User.objects.filter(phone="+6281277770001").count() == 1


def test_the_honeypot_pretends_success_and_saves_nothing(anon_client):
    response = anon_client.post(reverse("enrolment:owner"), owner_data(website="http://spam.example"))
    assert response.status_code == 302
    assert response.url == reverse("enrolment:done")
    assert "enrolment" not in anon_client.session
    anon_client.post(reverse("enrolment:owner"), owner_data())
    anon_client.post(reverse("enrolment:business"), business_data())
    response = anon_client.post(reverse("enrolment:consent"), {"agree": "on", "website": "x"})
    assert response.url == reverse("enrolment:done")
    assert _nothing_saved()


def test_a_registration_raises_duplicate_flags_for_staff(anon_client):
    BusinessFactory(name="AMPLANG  bu siti", kelurahan_id=business_data()["kelurahan"])
    register(anon_client)
    new = Business.objects.get(source=BusinessSource.SELF)
    pair = DuplicatePair.objects.get()
    assert new.pk in (pair.business_a_id, pair.business_b_id)
    assert pair.same_name


def test_a_logged_in_user_is_not_offered_the_registration(owner_client, staff_client):
    for client in (owner_client, staff_client):
        response = client.post(reverse("enrolment:owner"), owner_data())
        assert response.status_code == 200
        assert "Anda sudah masuk" in response.content.decode()
    assert not Business.objects.exists()


def test_the_registration_page_fits_a_phone_screen(anon_client):
    page = anon_client.get(reverse("enrolment:owner")).content.decode()
    assert 'name="viewport" content="width=device-width' in page
    assert 'inputmode="numeric"' in page and 'inputmode="tel"' in page


def test_the_kelurahan_list_is_grouped_by_kecamatan_and_kbli_has_plain_hints(anon_client):
    anon_client.post(reverse("enrolment:owner"), owner_data())
    page = anon_client.get(reverse("enrolment:business")).content.decode()
    assert "<optgroup" in page and "Banjarmasin Selatan" in page
    assert "warung makan" in page


def test_existing_owner_records_do_not_get_a_second_owner(anon_client):
    data = owner_data()
    OwnerFactory(nik=data["nik"], email="")
    register(anon_client, owner=data)
    assert Owner.objects.filter(nik=data["nik"]).count() == 1
    assert ClaimRequest.objects.count() == 1


def test_a_new_password_typed_once_when_going_back_is_refused(anon_client):
    anon_client.post(reverse("enrolment:owner"), owner_data())
    response = anon_client.post(
        reverse("enrolment:owner"), owner_data(password1="Baru-Sekali-2026", password2="")
    )
    assert response.status_code == 200
    assert "tidak sama" in response.content.decode()


def test_a_second_click_arriving_after_the_login_lands_on_the_same_outcome(anon_client):
    register(anon_client)
    response = anon_client.post(reverse("enrolment:consent"), {"agree": "on"})
    assert response.status_code == 302
    assert response.url == reverse("enrolment:done")
    assert Owner.objects.count() == 1
