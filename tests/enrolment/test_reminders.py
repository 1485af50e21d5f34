"""The day-before reminder to owners signed up for an activity, queued hourly by a chore."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pembinaan.coaching.models import Activity, ParticipationStatus
from pembinaan.enrolment import tasks
from pembinaan.jobs.upkeep import registered_chores
from pembinaan.lib.tasks import MESSAGES_QUEUE
from pembinaan.notifications.models import OutboxMessage
from tests.coaching.factories import ActivityFactory, ParticipationFactory
from tests.factories import BusinessFactory, OwnerFactory, UserFactory

pytestmark = pytest.mark.django_db


def _tomorrow(**kwargs):
    kwargs.setdefault("status", Activity.Status.PLANNED)
    return ActivityFactory(start_date=timezone.localdate() + datetime.timedelta(days=1), **kwargs)


def _participant(activity, email="pemilik@contoh.test", **kwargs):
    return ParticipationFactory(
        activity=activity, business=BusinessFactory(owner=OwnerFactory(email=email)), **kwargs
    )


def test_registered_participants_of_tomorrows_activities_are_reminded_once(
    django_capture_on_commit_callbacks,
):
    activity = _tomorrow(title="Klinik Kemasan", venue="Aula Dinas", start_time=datetime.time(9, 0))
    _participant(activity)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_activity_reminders", stdout=None)
    assert len(mail.outbox) == 1
    assert "Klinik Kemasan" in mail.outbox[0].subject
    assert "Aula Dinas" in mail.outbox[0].body and "09.00 WITA" in mail.outbox[0].body
    # A second run (cron twice, or a retry of the job) reminds nobody again.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_activity_reminders")
    assert len(mail.outbox) == 1
    assert OutboxMessage.objects.count() == 1


def test_nobody_else_is_reminded():
    tomorrow = _tomorrow()
    _participant(tomorrow, email="")  # no email given
    _participant(tomorrow, status=ParticipationStatus.CANCELLED)
    _participant(_tomorrow(status=Activity.Status.CANCELLED, cancel_reason="banjir"))
    _participant(ActivityFactory(start_date=timezone.localdate() + datetime.timedelta(days=2)))
    _participant(ActivityFactory(start_date=timezone.localdate()))
    call_command("send_activity_reminders")
    assert not OutboxMessage.objects.exists()


def test_an_owner_who_withdrew_consent_gets_no_reminder(django_capture_on_commit_callbacks):
    from pembinaan.privacy.services import consent_withdraw

    activity = _tomorrow()
    withdrawn = _participant(activity, email="tarik@contoh.test")
    _participant(activity, email="tetap@contoh.test")
    owner = withdrawn.business.owner
    owner.user = UserFactory(role="Pelaku UMKM")
    owner.save()
    consent_withdraw(owner=owner, by=owner.user)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_activity_reminders")
    assert [m.to for m in mail.outbox] == [["tetap@contoh.test"]]


def _reminders_chore():
    return next(chore for chore in registered_chores() if chore.name == "reminders")


def test_reminders_are_queued_every_hour_by_a_chore_that_only_queues_the_task(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "jobs"]}
    }
    assert _reminders_chore().every_seconds == 3600
    _reminders_chore().run()
    queued = DBTaskResult.objects.get(task_path="pembinaan.enrolment.tasks.send_activity_reminders")
    assert queued.queue_name == MESSAGES_QUEUE


def test_the_reminder_task_reminds_tomorrows_participants_once():
    _participant(_tomorrow(), email="a@contoh.test")
    assert tasks.send_activity_reminders.enqueue().return_value == 1
    assert tasks.send_activity_reminders.enqueue().return_value == 0
    assert OutboxMessage.objects.get().recipient == "a@contoh.test"
