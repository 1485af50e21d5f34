from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoachingConfig(AppConfig):
    name = "pembinaan.coaching"
    verbose_name = _("Pembinaan")

    def ready(self) -> None:
        from pembinaan.coaching.exports import participants_table
        from pembinaan.jobs.export_jobs import register_export_source

        register_export_source("peserta", participants_table)

        from pembinaan.coaching import business_page  # noqa: PLC0415 — registered once the apps are loaded
        from pembinaan.registry.extensions import register_business_section  # noqa: PLC0415 — idem

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
            "coaching-figures",
            order=50,
            template="coaching/_business_figures.html",
            context=business_page.figures_context,
        )
