from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "pembinaan.jobs"
    verbose_name = _("Pekerjaan latar belakang")

    def ready(self) -> None:
        # Registrations need the models loaded: at start-up, not when this module is imported.
        from pembinaan.jobs import export_jobs, services, tasks, upkeep  # noqa: PLC0415

        services.use_job_task(tasks.run_job)
        services.register_job_kind(kind="ekspor", run=export_jobs.export_run)
        # Recovery runs in the upkeep thread itself: it is what rescues the tasks the engine lost.
        upkeep.register_chore(name="jobs-recover", run=services.jobs_recover, every_seconds=15)
        upkeep.register_chore(name="jobs-expire-results", run=tasks.expire_results_enqueue, every_seconds=600)
        upkeep.register_chore(name="workers-forget", run=services.workers_forget, every_seconds=3600)
