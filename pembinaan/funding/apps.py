from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "pembinaan.funding"
    verbose_name = _("Pendanaan")

    def ready(self) -> None:
        # Registrations need the models loaded: at start-up, not when this module is imported.
        from pembinaan.funding.exports import (  # noqa: PLC0415
            budget_lines_table,
            budget_overview_table,
            grants_table,
        )
        from pembinaan.funding.importers import BudgetLineImporter  # noqa: PLC0415
        from pembinaan.imports.importers import register_importer  # noqa: PLC0415
        from pembinaan.jobs.export_jobs import register_export_source  # noqa: PLC0415

        register_export_source("bantuan", grants_table)
        register_export_source("pagu", budget_lines_table)
        register_export_source("anggaran", budget_overview_table)

        from pembinaan.funding import business_page  # noqa: PLC0415 — registered once the apps are loaded
        from pembinaan.registry.extensions import register_business_section  # noqa: PLC0415 — idem

        register_business_section(
            "capital-assistance",
            order=40,
            template="funding/_business_capital_assistance.html",
            context=business_page.capital_assistance_context,
        )
        # Budget lines are Admin Dinas's (docs/rules.md, roles).
        register_importer(kind="pagu", importer=BudgetLineImporter, permission="imports.import_budget")
