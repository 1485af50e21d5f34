from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OwnerspaceConfig(AppConfig):
    name = "pembinaan.ownerspace"
    verbose_name = _("Usaha Saya")
