from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoachingConfig(AppConfig):
    name = "pembinaan.coaching"
    verbose_name = _("Pembinaan")

    def ready(self) -> None:
        # Registrations need the models loaded: at start-up, not when this module is imported.
        from pembinaan.coaching import business_page  # noqa: PLC0415
        from pembinaan.coaching.exports import grants_table, participants_table  # noqa: PLC0415
        from pembinaan.coaching.importers import (  # noqa: PLC0415
            CapitalAssistanceImporter,
            OutcomeImporter,
            ParticipantImporter,
        )
        from pembinaan.imports.importers import register_importer  # noqa: PLC0415
        from pembinaan.jobs.export_jobs import register_export_source  # noqa: PLC0415
        from pembinaan.registry.extensions import register_business_section  # noqa: PLC0415

        register_export_source("peserta", participants_table)
        register_export_source("bantuan", grants_table)

        register_business_section(
            "coaching-activities",
            order=20,
            template="coaching/_business_activities.html",
            context=business_page.activities_context,
        )
        register_business_section(
            "coaching-outcomes",
            order=30,
            template="coaching/_business_outcomes.html",
            context=business_page.outcomes_context,
        )
        register_business_section(
            "capital-assistance",
            order=40,
            template="coaching/_business_capital_assistance.html",
            context=business_page.capital_assistance_context,
        )
        register_business_section(
            "coaching-figures",
            order=50,
            template="coaching/_business_figures.html",
            context=business_page.figures_context,
        )
        register_importer(kind="peserta", importer=ParticipantImporter)
        register_importer(kind="capaian", importer=OutcomeImporter)
        # Recording a grant from a file is proposing it: the same permission as the grant screen.
        register_importer(
            kind="bantuan", importer=CapitalAssistanceImporter, permission="funding.add_capitalassistance"
        )
