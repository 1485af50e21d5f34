from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "pembinaan.accounts"
    verbose_name = _("Akun dan peran")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from pembinaan.accounts.middleware import stamp_staff_login

        user_logged_in.connect(stamp_staff_login, dispatch_uid="staff-idle-clock")
