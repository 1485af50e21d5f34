from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "pembinaan.funding"
    verbose_name = _("Pendanaan")

    def ready(self) -> None:
        from pembinaan.funding.exports import budget_lines_table  # noqa: PLC0415 — models must be ready
        from pembinaan.jobs.export_jobs import register_export_source  # noqa: PLC0415 — as above

        register_export_source("pagu", budget_lines_table)
