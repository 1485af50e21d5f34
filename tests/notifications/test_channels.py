"""WhatsApp, SMS and console channels, each against a real HTTP server on 127.0.0.1."""

import datetime
import time

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from pembinaan.notifications import delivery, gateways, services
from pembinaan.notifications.models import Channel, OutboxMessage
from tests.factories import OwnerFactory, UserFactory

pytestmark = pytest.mark.django_db

PHONE = "+6281234567890"


def _text(**kwargs):
    kwargs.setdefault("phone", PHONE)
    kwargs.setdefault("purpose", services.PURPOSE_ACCESS_CODE)
    return services.queue_message(subject="Kode Portal UMKM", text="Kode Anda: 123456", **kwargs)


def test_a_whatsapp_message_is_posted_to_the_cloud_api_with_the_token_and_a_62_number(whatsapp_gateway):
    message = _text(holds_secret=True)
    assert message.channel == Channel.WHATSAPP
    assert delivery.deliver(message_id=message.pk) is True
    [got] = whatsapp_gateway.received
    assert got.method == "POST"
    assert got.path == "/v21.0/1234567890/messages"
    assert got.headers["authorization"] == "Bearer token-uji"
    assert got.headers["content-type"].startswith("application/json")
    assert got.json() == {
        "messaging_product": "whatsapp",
        "to": "6281234567890",
        "type": "text",
        "text": {"body": "Kode Portal UMKM\n\nKode Anda: 123456"},
    }
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.body == ""  # the code is not kept once sent


def test_a_message_the_gateway_refuses_with_4xx_fails_after_one_attempt(whatsapp_gateway):
    whatsapp_gateway.status = 400
    message = _text()
    assert delivery.deliver(message_id=message.pk) is False
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert message.attempts == 1
    assert "HTTP 400" in message.last_error
    # Never tried again, not even a day later.
    assert delivery.send_due(now=timezone.now() + datetime.timedelta(days=1)) == (0, 0)
    assert len(whatsapp_gateway.received) == 1
    assert message in OutboxMessage.objects.needing_attention()


def test_a_5xx_is_retried_with_the_outbox_backoff_until_it_goes_out(whatsapp_gateway):
    whatsapp_gateway.status = 503
    message = _text()
    now = timezone.now()
    assert delivery.deliver(message_id=message.pk, now=now) is False
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert message.attempts == 1
    assert "503" in message.last_error
    assert message.next_attempt_at == now + datetime.timedelta(minutes=5)
    whatsapp_gateway.status = 200
    assert delivery.send_due(now=now + datetime.timedelta(minutes=6)) == (1, 0)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert len(whatsapp_gateway.received) == 2


def test_too_many_requests_is_retried_not_given_up(whatsapp_gateway):
    whatsapp_gateway.status = 429
    message = _text()
    delivery.deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING


def test_a_gateway_that_never_answers_costs_one_attempt_of_message_timeout(
    whatsapp_gateway, silent_gateway, settings
):
    settings.WHATSAPP_API_URL = silent_gateway.url
    settings.MESSAGE_TIMEOUT = 1
    message = _text()
    started = time.monotonic()
    assert delivery.deliver(message_id=message.pk) is False
    assert 0.9 < time.monotonic() - started < 5
    assert silent_gateway.connections  # it really did connect
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert message.attempts == 1
    assert "timed out" in message.last_error
    assert message.next_attempt_at > timezone.now() + datetime.timedelta(minutes=1)


def test_an_sms_is_posted_as_a_form_with_the_configured_names_and_auth_header(sms_gateway):
    message = _text()
    assert message.channel == Channel.SMS
    assert delivery.deliver(message_id=message.pk) is True
    [got] = sms_gateway.received
    assert got.method == "POST"
    assert got.path == "/kirim" and got.query == {"akun": "dinas"}
    assert got.headers["x-api-key"] == "kunci-uji"
    assert got.form() == {"nomor": "6281234567890", "pesan": "Kode Portal UMKM\n\nKode Anda: 123456"}


def test_an_sms_gateway_can_take_the_message_in_the_query_string(sms_gateway, settings):
    settings.SMS_GATEWAY_METHOD = "GET"
    message = _text()
    assert delivery.deliver(message_id=message.pk) is True
    [got] = sms_gateway.received
    assert got.method == "GET"
    assert got.query == {
        "akun": "dinas",
        "nomor": "6281234567890",
        "pesan": "Kode Portal UMKM\n\nKode Anda: 123456",
    }


def test_sms_4xx_fails_at_once_and_5xx_is_retried(sms_gateway):
    sms_gateway.status = 401
    refused = _text()
    delivery.deliver(message_id=refused.pk)
    refused.refresh_from_db()
    assert refused.status == OutboxMessage.Status.FAILED
    sms_gateway.status = 502
    later = _text()
    delivery.deliver(message_id=later.pk)
    later.refresh_from_db()
    assert later.status == OutboxMessage.Status.PENDING and later.attempts == 1


def test_whatsapp_is_chosen_before_sms_when_both_are_configured(whatsapp_gateway, sms_gateway):
    assert _text().channel == Channel.WHATSAPP


def test_without_a_gateway_a_code_goes_to_the_console_in_development(no_text_gateway, capsys):
    message = _text()
    assert message.channel == Channel.CONSOLE
    assert delivery.deliver(message_id=message.pk) is True
    assert "Kode Anda: 123456" in capsys.readouterr().out


def test_without_a_gateway_a_code_goes_nowhere_in_production(no_text_gateway, settings):
    settings.PRODUCTION = True
    assert _text() is None
    assert not OutboxMessage.objects.exists()


def test_a_channel_counts_as_configured_only_with_all_its_settings(settings, no_text_gateway):
    settings.WHATSAPP_TOKEN = "x"
    assert not gateways.configured(Channel.WHATSAPP)
    settings.WHATSAPP_PHONE_NUMBER_ID = "1"
    assert gateways.configured(Channel.WHATSAPP)
    settings.SMS_GATEWAY_URL, settings.SMS_NUMBER_PARAM, settings.SMS_TEXT_PARAM = "http://x", "to", ""
    assert not gateways.configured(Channel.SMS)


def test_a_notice_never_goes_to_the_console(no_text_gateway):
    assert _text(purpose=services.PURPOSE_NOTICE) is None


def test_a_person_with_email_gets_email_unless_they_chose_whatsapp(whatsapp_gateway):
    owner = OwnerFactory(email="pemilik@contoh.test", phone=PHONE)
    message = services.queue_message(owner=owner, subject="Halo", text="Isi")
    assert (message.channel, message.recipient) == (Channel.EMAIL, "pemilik@contoh.test")
    message = services.queue_message(owner=owner, subject="Halo", text="Isi", prefer=Channel.WHATSAPP)
    assert (message.channel, message.recipient) == (Channel.WHATSAPP, PHONE)


def test_an_owner_without_email_gets_whatsapp_and_a_user_is_reached_through_their_account(whatsapp_gateway):
    owner = OwnerFactory(email="", phone=PHONE)
    assert services.queue_message(owner=owner, subject="Halo", text="Isi").channel == Channel.WHATSAPP
    user = UserFactory(email=None, phone="+6281299990000")
    message = services.queue_message(user=user, subject="Halo", text="Isi")
    assert (message.channel, message.recipient) == (Channel.WHATSAPP, "+6281299990000")


def test_nobody_is_reached_without_an_address(whatsapp_gateway):
    assert services.queue_message(owner=OwnerFactory(email="", phone=""), subject="Halo", text="Isi") is None


def test_a_gateway_url_that_is_not_http_is_never_opened(sms_gateway, settings):
    settings.SMS_GATEWAY_URL = "file:///etc/passwd"
    message = _text()
    assert delivery.deliver(message_id=message.pk) is False
    message.refresh_from_db()
    assert "http:// or https://" in message.last_error
    assert sms_gateway.received == []


# --- WhatsApp templates: a business may start a conversation only with an approved template ------


def test_a_code_goes_in_the_configured_authentication_template_and_is_not_kept_once_sent(
    whatsapp_gateway, settings
):
    settings.WHATSAPP_CODE_TEMPLATE = "kode_portal_umkm"
    message = _text(code="123456")
    assert message.holds_secret
    assert delivery.deliver(message_id=message.pk) is True
    [got] = whatsapp_gateway.received
    code = [{"type": "text", "text": "123456"}]
    assert got.json() == {
        "messaging_product": "whatsapp",
        "to": "6281234567890",
        "type": "template",
        "template": {
            "name": "kode_portal_umkm",
            "language": {"code": "id"},
            "components": [
                {"type": "body", "parameters": code},
                {"type": "button", "sub_type": "url", "index": "0", "parameters": code},
            ],
        },
    }
    message.refresh_from_db()
    assert (message.body, message.code) == ("", "")


def test_a_notice_goes_in_the_notice_template_as_one_line_of_at_most_1024_characters(
    whatsapp_gateway, settings
):
    settings.WHATSAPP_NOTICE_TEMPLATE = "pemberitahuan_umkm"
    settings.WHATSAPP_TEMPLATE_LANGUAGE = "en"
    long_text = "Usaha Anda sudah diverifikasi.\n\nBaris kedua\tdengan tab.  " + "x" * 2000
    message = services.queue_message(
        phone=PHONE, subject="Pemberitahuan", text=long_text, purpose=services.PURPOSE_NOTICE
    )
    assert delivery.deliver(message_id=message.pk) is True
    template = whatsapp_gateway.received[0].json()["template"]
    assert template["name"] == "pemberitahuan_umkm" and template["language"] == {"code": "en"}
    [parameter] = template["components"][0]["parameters"]
    assert parameter["text"].startswith(
        "Pemberitahuan Usaha Anda sudah diverifikasi. Baris kedua dengan tab. x"
    )
    assert "\n" not in parameter["text"] and "\t" not in parameter["text"] and "  " not in parameter["text"]
    assert len(parameter["text"]) == 1024 and parameter["text"].endswith("…")


def test_without_a_code_template_a_code_still_goes_as_text_but_a_notice_template_is_not_used_for_it(
    whatsapp_gateway, settings
):
    settings.WHATSAPP_NOTICE_TEMPLATE = "pemberitahuan_umkm"  # never for a code: Meta forbids it
    message = _text(code="123456")
    delivery.deliver(message_id=message.pk)
    assert whatsapp_gateway.received[0].json()["type"] == "text"


def test_a_claimant_s_own_choice_of_whatsapp_is_followed_before_their_email(whatsapp_gateway):
    from pembinaan.privacy.models import NoticePreference

    user = UserFactory(email="klaim@contoh.test", phone=PHONE)  # an account with no owner record yet
    NoticePreference.objects.create(user=user, channel=NoticePreference.Channel.WHATSAPP)
    message = services.queue_message(user=user, subject="Kabar", text="Isi", purpose=services.PURPOSE_NOTICE)
    assert (message.channel, message.recipient) == (Channel.WHATSAPP, PHONE)


def test_without_a_registered_reader_of_the_chosen_channel_a_notice_is_refused_not_sent_by_guess(monkeypatch):
    monkeypatch.setattr(services, "_channel_choices", [])
    with pytest.raises(ImproperlyConfigured, match="notice-channel choice"):
        services.queue_message(owner=OwnerFactory(email="pemilik@contoh.test"), subject="Halo", text="Isi")
    assert not OutboxMessage.objects.exists()
