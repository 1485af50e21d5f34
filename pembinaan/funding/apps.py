from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "pembinaan.funding"
    verbose_name = _("Pendanaan")

    def ready(self) -> None:
        from pembinaan.funding.exports import budget_lines_table, budget_overview_table, grants_table
        from pembinaan.jobs.export_jobs import register_export_source

        register_export_source("bantuan", grants_table)
        register_export_source("pagu", budget_lines_table)
        register_export_source("anggaran", budget_overview_table)
