from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "pembinaan.imports"
    verbose_name = _("Impor data")

    def ready(self) -> None:
        # Registrations need the models loaded: at start-up, not when this module is imported.
        from pembinaan.imports import jobs, tasks  # noqa: PLC0415
        from pembinaan.jobs.services import register_job_kind  # noqa: PLC0415
        from pembinaan.jobs.upkeep import register_chore  # noqa: PLC0415

        register_job_kind(kind="impor-pratinjau", run=jobs.import_preview_run)
        register_job_kind(kind="impor", run=jobs.import_confirm_run)
        register_chore(name="imports-drop-old-files", run=tasks.drop_old_files_enqueue, every_seconds=600)
