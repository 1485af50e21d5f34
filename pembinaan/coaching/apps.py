from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoachingConfig(AppConfig):
    name = "pembinaan.coaching"
    verbose_name = _("Pembinaan")
