import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from pembinaan.notifications import delivery, services
from pembinaan.notifications.models import Channel, OutboxMessage

pytestmark = pytest.mark.django_db


class Broken(Exception):
    pass


@pytest.fixture
def broken_gateway(monkeypatch):
    calls = []

    def fail(message):
        calls.append(message.pk)
        raise Broken("SMTP 421 service not available")

    monkeypatch.setitem(delivery.SENDERS, Channel.EMAIL, fail)
    return calls


def _queue(**kwargs):
    return services.queue_email(
        recipient="pemilik@contoh.test",
        template="enrolment/email/activity_reminder",
        context={
            "activity": {"title": "Workshop", "start_date": datetime.date(2026, 12, 1)},
            "business": {"name": "X"},
        },
        **kwargs,
    )


def test_a_queued_email_is_stored_and_sent_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.attempts == 1 and message.sent_at is not None
    assert mail.outbox[0].to == ["pemilik@contoh.test"]
    assert mail.outbox[0].subject == message.subject == "Pengingat: Workshop besok"


def test_nothing_is_stored_for_an_empty_recipient():
    assert services.queue_email(recipient="", template="x", context={}) is None
    assert not OutboxMessage.objects.exists()


def test_a_rolled_back_change_sends_nothing(django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            _queue()
            raise RuntimeError
    assert not OutboxMessage.objects.exists()
    assert mail.outbox == []


def test_a_failed_send_is_retried_with_growing_pauses_then_marked_failed(broken_gateway, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    message = _queue()
    now = timezone.now()
    assert delivery.deliver(message_id=message.pk, now=now) is False
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert message.attempts == 1
    assert "SMTP 421" in message.last_error
    assert message.next_attempt_at == now + datetime.timedelta(minutes=5)
    # Not due yet: a cron run now does not try again.
    assert delivery.send_due(now=now + datetime.timedelta(minutes=1)) == (0, 0)
    assert len(broken_gateway) == 1
    later = now + datetime.timedelta(minutes=6)
    delivery.send_due(now=later)
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.next_attempt_at == later + datetime.timedelta(minutes=10)
    delivery.send_due(now=later + datetime.timedelta(minutes=11))
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert message.attempts == 3
    assert delivery.send_due(now=later + datetime.timedelta(days=2)) == (0, 0)  # given up


def test_the_send_outbox_command_sends_what_is_due(capsys):
    _queue()
    _queue()
    call_command("send_outbox")
    assert len(mail.outbox) == 2
    assert "2 sent" in capsys.readouterr().out
    assert not OutboxMessage.objects.exclude(status=OutboxMessage.Status.SENT).exists()


def test_a_message_that_recovers_is_sent_on_the_next_run(broken_gateway, monkeypatch):
    message = _queue()
    delivery.deliver(message_id=message.pk)
    monkeypatch.setitem(delivery.SENDERS, Channel.EMAIL, delivery._send_email)
    delivery.send_due(now=timezone.now() + datetime.timedelta(hours=1))
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert len(mail.outbox) == 1


def test_staff_see_failed_messages_and_can_send_them_again(
    staff_client, broken_gateway, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    message = _queue()
    delivery.deliver(message_id=message.pk)
    sent = _queue()
    OutboxMessage.objects.filter(pk=sent.pk).update(status=OutboxMessage.Status.SENT)
    page = staff_client.get(reverse("notifications:failed-list")).content.decode()
    assert "SMTP 421" in page and "Gagal" in page
    assert page.count("pemilik@contoh.test") == 1

    monkeypatch.setitem(delivery.SENDERS, Channel.EMAIL, delivery._send_email)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("notifications:message-retry", args=[message.pk]))
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert len(mail.outbox) == 1


def test_the_failed_list_needs_a_constant_number_of_queries(staff_client, django_assert_max_num_queries):
    for _ in range(3):
        OutboxMessage.objects.create(recipient="a@b.test", subject="s", body="b", status="gagal", attempts=6)
    with django_assert_max_num_queries(10) as few:
        staff_client.get(reverse("notifications:failed-list"))
    for _ in range(20):
        OutboxMessage.objects.create(recipient="a@b.test", subject="s", body="b", status="gagal", attempts=6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        staff_client.get(reverse("notifications:failed-list"))
