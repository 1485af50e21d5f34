from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgressConfig(AppConfig):
    name = "pembinaan.progress"
    verbose_name = _("Target dan capaian")

    def ready(self) -> None:
        from pembinaan.jobs.upkeep import register_chore
        from pembinaan.progress import signals, tasks
        from pembinaan.registry.signals import businesses_changed

        signals.connect()
        businesses_changed.connect(signals.refresh_tallies, dispatch_uid="progress-refresh-tallies")
        register_chore(name="progress-check", run=tasks.check_progress_enqueue, every_seconds=24 * 3600)
