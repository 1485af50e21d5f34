from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "pembinaan.registry"
    verbose_name = _("Registri UMKM")

    def ready(self) -> None:
        # Registrations need the models loaded: at start-up, not when this module is imported.
        from pembinaan.imports.importers import register_importer  # noqa: PLC0415
        from pembinaan.jobs.export_jobs import register_export_source  # noqa: PLC0415
        from pembinaan.registry.exports import business_list_table  # noqa: PLC0415
        from pembinaan.registry.importers import OwnerBusinessImporter  # noqa: PLC0415

        register_export_source("usaha", business_list_table)
        register_importer(kind="usaha", importer=OwnerBusinessImporter)
