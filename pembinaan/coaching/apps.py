from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoachingConfig(AppConfig):
    name = "pembinaan.coaching"
    verbose_name = _("Pembinaan")

    def ready(self) -> None:
        from pembinaan.coaching.exports import grants_table, participants_table  # noqa: PLC0415 — models must be ready
        from pembinaan.jobs.export_jobs import register_export_source  # noqa: PLC0415 — as above

        register_export_source("peserta", participants_table)
        register_export_source("bantuan", grants_table)
