from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgressConfig(AppConfig):
    name = "pembinaan.progress"
    verbose_name = _("Target dan capaian")

    def ready(self) -> None:
        from pembinaan.jobs.export_jobs import register_export_source  # noqa: PLC0415 — models must be ready
        from pembinaan.jobs.upkeep import register_chore  # noqa: PLC0415 — as above
        from pembinaan.progress import signals, tasks  # noqa: PLC0415 — as above
        from pembinaan.progress.exports import budget_overview_table  # noqa: PLC0415 — as above
        from pembinaan.registry.signals import businesses_changed  # noqa: PLC0415 — as above

        signals.connect()
        businesses_changed.connect(signals.refresh_tallies, dispatch_uid="progress-refresh-tallies")
        register_export_source("anggaran", budget_overview_table)
        register_chore(name="progress-check", run=tasks.check_progress_enqueue, every_seconds=24 * 3600)

        from pembinaan.progress import business_page  # noqa: PLC0415 — registered once the apps are loaded
        from pembinaan.registry.extensions import (  # noqa: PLC0415 — idem
            register_business_list_filter,
            register_business_section,
        )

        register_business_section(
            "coaching-status",
            order=10,
            template="progress/_business_coaching_status.html",
            context=business_page.coaching_status_context,
        )
        register_business_list_filter("terbina", business_page.coached_for)
