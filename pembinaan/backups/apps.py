from django.apps import AppConfig


class BackupsConfig(AppConfig):
    """`manage.py backup` and `manage.py restore`: no models, no pages."""

    name = "pembinaan.backups"
