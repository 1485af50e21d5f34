from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.template import loader
from django.utils.translation import gettext_lazy as _

from pembinaan.notifications.services import queue_rendered_email


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Email atau nomor HP"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    error_messages = {
        "invalid_login": _(
            "Email/nomor HP atau kata sandi salah. Perhatikan huruf besar dan kecil pada kata sandi."
        ),
        "inactive": _("Akun ini tidak aktif. Hubungi Dinas."),
    }


class OutboxPasswordResetForm(PasswordResetForm):
    """The reset email goes through the outbox: the page answers at once and a worker sends it."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        # Rendered here, in the language of the person asking (it is their own account).
        queue_rendered_email(
            recipient=to_email,
            subject=loader.render_to_string(subject_template_name, context),
            body=loader.render_to_string(email_template_name, context),
            holds_secret=True,
        )
