from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnrolmentConfig(AppConfig):
    name = "pembinaan.enrolment"
    verbose_name = _("Pendaftaran mandiri")
