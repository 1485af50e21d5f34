from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from pembinaan.jobs.upkeep import register_chore


class EnrolmentConfig(AppConfig):
    name = "pembinaan.enrolment"
    verbose_name = _("Pendaftaran mandiri")

    def ready(self) -> None:
        from pembinaan.enrolment import tasks  # noqa: PLC0415 — it uses models, loaded only now

        # Every hour, so that a sign-up made today for tomorrow is still reminded (dedupe keys
        # make the repeats harmless).
        register_chore(name="reminders", run=tasks.reminders_chore, every_seconds=3600)
