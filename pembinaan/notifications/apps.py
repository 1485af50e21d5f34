from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "pembinaan.notifications"
    verbose_name = _("Notifikasi")

    def ready(self) -> None:
        from pembinaan.jobs.upkeep import register_chore
        from pembinaan.notifications import tasks

        # Every minute: retries that are due and messages whose own task was never queued.
        register_chore(name="outbox", run=tasks.outbox_chore, every_seconds=60)
        # Every hour, so that a sign-up made today for tomorrow is still reminded (dedupe keys
        # make the repeats harmless).
        register_chore(name="reminders", run=tasks.reminders_chore, every_seconds=3600)
