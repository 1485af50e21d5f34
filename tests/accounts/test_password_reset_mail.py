"""The password-reset email goes through the outbox: the page never waits on a mail server."""

import datetime
import logging
import socket
import threading
import time

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pembinaan.notifications import services, tasks
from pembinaan.notifications.delivery import deliver
from pembinaan.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "jobs"]}}
RESET_LINK = "http://testserver/akun/atur-ulang/"


@pytest.fixture
def silent_mail_server(settings, request):
    """A mail server that accepts connections and never says a word (not even its greeting)."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    stop = threading.Event()
    connections = []

    def accept():
        while not stop.is_set():
            try:
                connection, _address = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            connections.append(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()

    def close():
        stop.set()
        thread.join(timeout=2)
        listener.close()
        for connection in connections:
            connection.close()

    request.addfinalizer(close)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = listener.getsockname()
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 1
    return connections


def _ask_for_reset(client, email="staf@dinas.test"):
    return client.post(reverse("accounts:password-reset"), {"email": email})


def test_a_password_reset_answers_at_once_and_leaves_the_email_in_the_outbox(client, staff_user):
    response = _ask_for_reset(client)
    assert response.status_code == 302
    assert response.url == reverse("accounts:password-reset-done")
    message = OutboxMessage.objects.get()
    assert message.recipient == "staf@dinas.test"
    assert message.status == OutboxMessage.Status.PENDING
    assert message.subject == "Atur ulang kata sandi Portal UMKM"
    assert RESET_LINK in message.body
    assert mail.outbox == []  # nothing was sent in the request


def test_the_reset_email_is_sent_by_the_task_queued_at_commit(
    client, staff_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _ask_for_reset(client)
    assert [m.to for m in mail.outbox] == [["staf@dinas.test"]]
    assert RESET_LINK in mail.outbox[0].body
    message = OutboxMessage.objects.get()
    assert message.status == OutboxMessage.Status.SENT
    # Once sent, the outbox keeps no live link.
    assert message.body == ""


def test_the_admin_never_shows_a_reset_link(client, staff_user, admin_client):
    _ask_for_reset(client)
    reset = OutboxMessage.objects.get()
    other = services.queue_rendered_email(recipient="a@contoh.test", subject="Halo", body="Isi biasa")
    page = admin_client.get(reverse("admin:notifications_outboxmessage_change", args=[reset.pk]))
    assert page.status_code == 200
    assert "atur-ulang" not in page.content.decode()
    page = admin_client.get(reverse("admin:notifications_outboxmessage_change", args=[other.pk]))
    assert "Isi biasa" in page.content.decode()


def test_a_reset_answers_quickly_while_the_mail_server_hangs(
    client, staff_user, silent_mail_server, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS  # queued for a worker, as in production
    settings.EMAIL_TIMEOUT = 5
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = _ask_for_reset(client)
    assert time.monotonic() - started < 2
    assert response.status_code == 302
    message = OutboxMessage.objects.get()
    assert message.status == OutboxMessage.Status.PENDING and message.attempts == 0
    task = DBTaskResult.objects.get(task_path="pembinaan.notifications.tasks.deliver_message")
    assert task.args_kwargs == {"args": [message.pk], "kwargs": {}}


def test_a_hanging_mail_server_costs_one_attempt_of_email_timeout_then_a_retry_later(
    client, staff_user, silent_mail_server, settings
):
    settings.TASKS = DATABASE_TASKS
    _ask_for_reset(client)
    message = OutboxMessage.objects.get()
    started = time.monotonic()
    assert deliver(message_id=message.pk) is False
    elapsed = time.monotonic() - started
    assert 0.9 < elapsed < 5
    assert silent_mail_server  # it really did connect
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert message.attempts == 1
    assert message.last_error
    assert message.next_attempt_at > timezone.now() + datetime.timedelta(minutes=1)
    assert RESET_LINK in message.body  # kept for the retry


def test_a_reset_still_succeeds_when_the_task_queue_is_down(
    client, staff_user, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    def refuse(self, *args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(type(tasks.deliver_message), "enqueue", refuse)
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        response = _ask_for_reset(client)
    assert response.status_code == 302
    assert response.url == reverse("accounts:password-reset-done")
    message = OutboxMessage.objects.get()
    assert message.status == OutboxMessage.Status.PENDING and message.attempts == 0
    assert "ConnectionError" in caplog.text
    assert mail.outbox == []
