from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "pembinaan.funding"
    verbose_name = _("Pendanaan")

    def ready(self) -> None:
        # Registrations need the models loaded: at start-up, not when this module is imported.
        from pembinaan.funding.exports import budget_lines_table  # noqa: PLC0415
        from pembinaan.funding.importers import BudgetLineImporter  # noqa: PLC0415
        from pembinaan.imports.importers import register_importer  # noqa: PLC0415
        from pembinaan.jobs.export_jobs import register_export_source  # noqa: PLC0415

        register_export_source("pagu", budget_lines_table)
        # Budget lines are Admin Dinas's (docs/rules.md, roles).
        register_importer(kind="pagu", importer=BudgetLineImporter, permission="imports.import_budget")
