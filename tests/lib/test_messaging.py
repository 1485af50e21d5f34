"""The message port: accounts sends through it, the outbox is plugged in at start-up, and with
nothing plugged in a message is refused loudly rather than dropped."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from pembinaan.lib import messaging
from pembinaan.notifications.models import OutboxMessage


@pytest.fixture
def unplugged():
    plugged = messaging._sender
    messaging.plug_in(None)
    yield
    messaging.plug_in(plugged)


@pytest.mark.parametrize(
    "call",
    [
        lambda: messaging.send_email(recipient="pemilik@contoh.test", subject="Halo", body="Isi"),
        lambda: messaging.send_code(
            phone="+6281355500001", subject="Kode", text="Kode: 123456", code="123456"
        ),
        messaging.codes_reach_phones,
    ],
    ids=["email", "code", "codes_reach_phones"],
)
def test_with_no_sender_plugged_in_every_call_raises_instead_of_dropping_the_message(unplugged, call):
    with pytest.raises(ImproperlyConfigured, match="No message sender is plugged in"):
        call()


@pytest.mark.django_db
def test_the_outbox_is_plugged_in_at_start_up_and_stores_what_is_sent():
    messaging.send_email(
        recipient="pemilik@contoh.test", subject="Atur ulang", body="Tautan", holds_secret=True
    )
    message = OutboxMessage.objects.get()
    assert (message.channel, message.recipient, message.subject, message.holds_secret) == (
        "email",
        "pemilik@contoh.test",
        "Atur ulang",
        True,
    )
