from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgressConfig(AppConfig):
    name = "pembinaan.progress"
    verbose_name = _("Target dan capaian")

    def ready(self) -> None:
        from pembinaan.progress import signals

        signals.connect()
