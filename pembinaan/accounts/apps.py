from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "pembinaan.accounts"
    verbose_name = _("Akun dan peran")

    def ready(self):
        # Connected once the apps are loaded (the middleware module reads the user model).
        from django.contrib.auth.signals import user_logged_in  # noqa: PLC0415

        from pembinaan.accounts.middleware import stamp_staff_login  # noqa: PLC0415

        user_logged_in.connect(stamp_staff_login, dispatch_uid="staff-idle-clock")
