"""An owner with only a phone number gets back in: a 6-digit code by WhatsApp or SMS, then a new password."""

import datetime
import re

import pytest
from django.contrib.auth.hashers import check_password
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from pembinaan.accounts import roles, services
from pembinaan.accounts.models import ResetCode
from pembinaan.notifications.models import Channel, OutboxMessage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PHONE = "+6281377700001"
NEW_PASSWORD = "Pisang-Goreng-2027"


@pytest.fixture
def phone_owner(db):
    return UserFactory(role=roles.OWNER, email=None, phone=PHONE, full_name="Siti Aminah")


def _ask(client, identifier="0813-7770-0001"):
    return client.post(reverse("accounts:password-reset"), {"email": identifier})


def _code_sent(django_capture_on_commit_callbacks, client, gateway, identifier="0813-7770-0001"):
    with django_capture_on_commit_callbacks(execute=True):
        response = _ask(client, identifier)
    text = gateway.received[-1].json()["text"]["body"]
    return response, re.search(r"\b(\d{6})\b", text).group(1)


def _logs_in(username, password=NEW_PASSWORD) -> bool:
    response = Client().post(reverse("accounts:login"), {"username": username, "password": password})
    return response.status_code == 302


def _enter(client, code, identifier="0813-7770-0001", password=NEW_PASSWORD, password2=None):
    return client.post(
        reverse("accounts:password-reset-code"),
        {
            "identifier": identifier,
            "code": code,
            "new_password1": password,
            "new_password2": password2 or password,
        },
    )


def test_an_owner_gets_a_code_on_whatsapp_and_sets_a_new_password_with_it(
    client, phone_owner, whatsapp_gateway, django_capture_on_commit_callbacks
):
    response, code = _code_sent(django_capture_on_commit_callbacks, client, whatsapp_gateway)
    assert response.status_code == 302
    assert response.url == reverse("accounts:password-reset-code")
    assert whatsapp_gateway.received[0].json()["to"] == "6281377700001"
    assert "Berlaku 10 menit" in whatsapp_gateway.received[0].json()["text"]["body"]
    page = client.get(response.url)
    assert 'value="0813-7770-0001"' in page.content.decode()  # the number is filled in
    response = _enter(client, code)
    assert response.status_code == 302
    assert response.url == reverse("accounts:password-reset-complete")
    assert _logs_in("081377700001")
    # The code was sent, then not kept: neither in the outbox nor in clear in the database.
    message = OutboxMessage.objects.get()
    assert message.channel == Channel.WHATSAPP and message.body == ""
    row = ResetCode.objects.get()
    assert code not in row.code_hash and check_password(code, row.code_hash)
    assert row.used_at is not None


def test_a_code_works_only_once(client, phone_owner, whatsapp_gateway, django_capture_on_commit_callbacks):
    _response, code = _code_sent(django_capture_on_commit_callbacks, client, whatsapp_gateway)
    assert _enter(client, code).status_code == 302
    response = _enter(client, code, password="Lain-Lagi-Sandi-99")
    assert response.status_code == 200
    assert "Kode salah atau sudah tidak berlaku" in response.content.decode()


def test_without_whatsapp_the_code_goes_by_sms(
    client, phone_owner, sms_gateway, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _ask(client)
    [got] = sms_gateway.received
    assert got.form()["nomor"] == "6281377700001"
    assert re.search(r"\b\d{6}\b", got.form()["pesan"])


def test_without_any_gateway_the_code_is_printed_on_the_console_in_development(
    client, phone_owner, no_text_gateway, django_capture_on_commit_callbacks, capsys
):
    with django_capture_on_commit_callbacks(execute=True):
        _ask(client)
    assert OutboxMessage.objects.get().channel == Channel.CONSOLE
    code = re.search(r"\b(\d{6})\b", capsys.readouterr().out).group(1)
    assert _enter(client, code).status_code == 302


def test_a_known_and_an_unknown_number_get_the_same_answer(client, phone_owner, whatsapp_gateway):
    known = _ask(client)
    known_page = client.get(known.url).content.decode().replace("0813-7770-0001", "X")
    unknown = _ask(client, "0813-7770-0999")
    unknown_page = client.get(unknown.url).content.decode().replace("0813-7770-0999", "X")
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    strip = lambda html: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)  # noqa: E731
    assert strip(known_page) == strip(unknown_page)
    assert OutboxMessage.objects.count() == 1  # only the real account got a message


def test_a_known_and_an_unknown_email_get_the_same_answer(client, staff_user):
    known = _ask(client, "staf@dinas.test")
    unknown = _ask(client, "tidak-ada@dinas.test")
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert known.url == reverse("accounts:password-reset-done")


def test_a_wrong_code_for_a_known_or_unknown_number_reads_the_same(client, phone_owner, whatsapp_gateway):
    _ask(client)
    known = _enter(client, "000000")
    unknown = _enter(client, "000000", identifier="0813-7770-0999")
    assert known.status_code == unknown.status_code == 200
    assert "Kode salah atau sudah tidak berlaku" in known.content.decode()
    assert "Kode salah atau sudah tidak berlaku" in unknown.content.decode()


def test_a_staff_phone_number_never_gets_a_code(client, whatsapp_gateway):
    UserFactory(role=roles.STAFF, email="staf2@dinas.test", phone=PHONE)
    response = _ask(client)
    assert response.status_code == 302
    assert not ResetCode.objects.exists() and not OutboxMessage.objects.exists()


def test_five_wrong_tries_kill_the_code(
    client, phone_owner, whatsapp_gateway, django_capture_on_commit_callbacks
):
    _response, code = _code_sent(django_capture_on_commit_callbacks, client, whatsapp_gateway)
    wrong = "111111" if code != "111111" else "222222"
    for _ in range(5):
        assert _enter(client, wrong).status_code == 200
    response = _enter(client, code)
    assert response.status_code == 200
    assert "Kode salah atau sudah tidak berlaku" in response.content.decode()
    assert not _logs_in(PHONE)


def test_a_code_is_dead_after_ten_minutes(
    client, phone_owner, whatsapp_gateway, django_capture_on_commit_callbacks
):
    _response, code = _code_sent(django_capture_on_commit_callbacks, client, whatsapp_gateway)
    with freeze_time(timezone.now() + datetime.timedelta(minutes=10, seconds=1)):
        assert _enter(client, code).status_code == 200
    assert ResetCode.objects.get().used_at is None


def test_a_new_code_replaces_the_one_before(
    client, phone_owner, whatsapp_gateway, django_capture_on_commit_callbacks
):
    _response, first = _code_sent(django_capture_on_commit_callbacks, client, whatsapp_gateway)
    _response, second = _code_sent(django_capture_on_commit_callbacks, client, whatsapp_gateway)
    if first != second:
        assert _enter(client, first).status_code == 200
    assert _enter(client, second).status_code == 302


def test_a_mistyped_password_keeps_the_code_and_its_tries(
    client, phone_owner, whatsapp_gateway, django_capture_on_commit_callbacks
):
    _response, code = _code_sent(django_capture_on_commit_callbacks, client, whatsapp_gateway)
    response = _enter(client, code, password2="Bukan-Yang-Sama-1")
    assert response.status_code == 200
    assert ResetCode.objects.get().failed_tries == 0
    # The validators run against the account: a password like the owner's name is refused.
    response = _enter(client, code, password="sitiaminah")
    assert response.status_code == 200
    assert 'class="is-invalid' in response.content.decode() or "is-invalid" in response.content.decode()
    assert _enter(client, code).status_code == 302


def test_bad_input_is_shown_in_indonesian_on_the_form(client):
    response = _ask(client, "12345")
    assert response.status_code == 200
    assert "Nomor HP harus diawali 08, 628 atau +628." in response.content.decode()
    response = _ask(client, "bukan@email")
    assert "Masukkan alamat email yang benar, atau nomor HP." in response.content.decode()
    response = _enter(client, "12ab56")
    assert response.status_code == 200
    assert "Kode terdiri dari 6 angka." in response.content.decode()


def test_codes_per_number_are_limited(client, phone_owner, whatsapp_gateway, settings):
    settings.RESET_CODES_PER_NUMBER = 2
    for _ in range(4):
        assert _ask(client).status_code == 302  # the answer never changes
    assert ResetCode.objects.count() == 2


def test_requests_and_code_tries_per_address_are_limited(client, phone_owner, settings):
    settings.RESET_RATE_LIMIT = 3
    for _ in range(3):
        _ask(client)
    assert _ask(client).status_code == 429
    for _ in range(3):
        _enter(client, "123456")
    assert _enter(client, "123456").status_code == 429


def test_the_service_never_tells_whether_a_number_has_an_account(phone_owner, whatsapp_gateway):
    assert services.reset_code_send(phone=PHONE) is None
    assert services.reset_code_send(phone="+6281377700999") is None
    assert services.reset_code_check(identifier="081377700999", code="123456") is None
    row = ResetCode.objects.get()
    assert row.expires_at == row.created_at + datetime.timedelta(minutes=10)
    assert timezone.now() < row.expires_at
