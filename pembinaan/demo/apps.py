from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """`manage.py seed_demo`: demo data written through every app (the top layer, beside `front`)."""

    name = "pembinaan.demo"
    verbose_name = _("Data demo")
