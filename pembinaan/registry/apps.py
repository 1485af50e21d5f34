from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "pembinaan.registry"
    verbose_name = _("Registri UMKM")

    def ready(self) -> None:
        from pembinaan.jobs.export_jobs import register_export_source
        from pembinaan.registry.exports import business_list_table

        register_export_source("usaha", business_list_table)
