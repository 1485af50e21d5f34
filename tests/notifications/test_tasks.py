import datetime
import logging

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pembinaan.jobs.upkeep import registered_chores
from pembinaan.lib.tasks import MESSAGES_QUEUE, TaskResultStatus
from pembinaan.notifications import delivery, services, tasks
from pembinaan.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "jobs"]}}


@pytest.fixture
def tasks_only_queue(settings):
    """Tasks wait in the database for a worker, as in production."""
    settings.TASKS = DATABASE_TASKS


@pytest.fixture
def queue_down(monkeypatch):
    """Queueing any task fails, as with the RQ backend when Redis is down."""

    def refuse(self, *args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(type(tasks.deliver_message), "enqueue", refuse)


def _chore(name):
    return next(chore for chore in registered_chores() if chore.name == name)


def _queued(task_path):
    return DBTaskResult.objects.filter(task_path=f"pembinaan.notifications.tasks.{task_path}")


def _queue():
    return services.queue_rendered_email(recipient="pemilik@contoh.test", subject="Halo", body="Isi")


def test_the_outbox_is_swept_every_minute():
    assert _chore("outbox").every_seconds == 60


def test_the_outbox_chore_queues_a_sweep_for_a_worker_when_a_message_is_due(tasks_only_queue):
    _queue()
    _chore("outbox").run()
    sweep = _queued("send_outbox").get()
    assert sweep.queue_name == MESSAGES_QUEUE
    assert sweep.status == TaskResultStatus.READY
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.PENDING  # the worker sends it


def test_the_outbox_chore_queues_nothing_when_nothing_is_due(tasks_only_queue):
    message = _queue()
    OutboxMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() + datetime.timedelta(hours=1)
    )
    _chore("outbox").run()
    assert not _queued("send_outbox").exists()


def test_a_queued_email_becomes_a_delivery_task_at_commit(
    tasks_only_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue()
    task = _queued("deliver_message").get()
    assert task.args_kwargs == {"args": [message.pk], "kwargs": {}}
    assert task.queue_name == MESSAGES_QUEUE
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.PENDING
    assert mail.outbox == []


def test_the_delivery_task_sends_the_message():
    message = _queue()
    result = tasks.deliver_message.enqueue(message.pk)
    assert result.status == TaskResultStatus.SUCCESSFUL and result.return_value is True
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert mail.outbox[0].to == ["pemilik@contoh.test"]


def test_the_sweep_task_sends_what_is_due_and_says_how_much():
    _queue()
    _queue()
    result = tasks.send_outbox.enqueue()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == {"sent": 2, "failed": 0}
    assert len(mail.outbox) == 2


def test_a_message_whose_task_cannot_be_queued_waits_for_the_sweep(
    queue_down, django_capture_on_commit_callbacks, caplog
):
    with caplog.at_level(logging.WARNING, logger="pembinaan.notifications.services"):
        with django_capture_on_commit_callbacks(execute=True):
            message = _queue()
    assert "periodic outbox sweep" in caplog.text
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING and message.attempts == 0
    assert mail.outbox == []
    assert delivery.send_due() == (1, 0)
    assert mail.outbox[0].to == ["pemilik@contoh.test"]


def test_a_message_is_never_sent_twice():
    message = _queue()
    now = timezone.now()
    assert delivery.deliver(message_id=message.pk, now=now) is True
    assert delivery.deliver(message_id=message.pk, now=now) is False
    assert len(mail.outbox) == 1


def test_a_message_whose_last_attempt_never_reported_back_is_given_up(settings):
    # The worker stopped while sending the last allowed attempt: the claim was counted, no outcome.
    settings.OUTBOX_MAX_ATTEMPTS = 2
    message = _queue()
    OutboxMessage.objects.filter(pk=message.pk).update(attempts=2)
    assert delivery.deliver(message_id=message.pk) is False
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert mail.outbox == []
