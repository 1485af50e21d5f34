from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoachingConfig(AppConfig):
    name = "pembinaan.coaching"
    verbose_name = _("Pembinaan")

    def ready(self) -> None:
        from pembinaan.coaching.exports import participants_table
        from pembinaan.jobs.export_jobs import register_export_source

        register_export_source("peserta", participants_table)
