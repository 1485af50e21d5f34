from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.template import loader
from django.utils.translation import gettext_lazy as _

from pembinaan.accounts import services
from pembinaan.lib import messaging
from pembinaan.lib.identifiers import parse_phone


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
    """The reset email goes to the outbox (the message port): the page answers at once and a worker sends it."""

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
        messaging.send_email(
            recipient=to_email,
            subject=loader.render_to_string(subject_template_name, context),
            body=loader.render_to_string(email_template_name, context),
            holds_secret=True,
        )


class ResetRequestForm(OutboxPasswordResetForm):
    """ "Lupa kata sandi" with an email (a link by email) or an owner's phone number (a code)."""

    # The field keeps Django's name so that the email path stays Django's own reset.
    email = forms.CharField(
        label=_("Email atau nomor HP"),
        max_length=254,
        help_text=_(
            "Dengan email, kami kirim tautan. Dengan nomor HP, kami kirim kode lewat WhatsApp atau SMS."
        ),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    phone = ""

    def clean_email(self) -> str:
        value = self.cleaned_data["email"].strip()
        if "@" in value:
            try:
                validate_email(value)
            except ValidationError:
                raise ValidationError(
                    _("Masukkan alamat email yang benar, atau nomor HP."), code="invalid"
                ) from None
            return value
        self.phone = parse_phone(value)  # its own Indonesian messages for a malformed number
        return value


def _code_field() -> forms.CharField:
    return forms.CharField(
        label=_("Kode 6 angka"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]*"}
        ),
        error_messages={"min_length": _("Kode terdiri dari 6 angka.")},
    )


def _clean_code(value: str) -> str:
    code = value.strip()
    if not (code.isascii() and code.isdigit()):
        raise ValidationError(_("Kode terdiri dari 6 angka."), code="digits")
    return code


class PhoneConfirmForm(forms.Form):
    """The code sent to the owner's number when they registered (or asked again)."""

    code = _code_field()

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_code(self) -> str:
        return _clean_code(self.cleaned_data["code"])

    def clean(self):
        if not self.errors:
            try:
                services.phone_confirm_with_code(user=self.user, code=self.cleaned_data["code"])
            except ValidationError as exc:
                self.add_error("code", exc)
        return self.cleaned_data


class ResetCodeForm(SetPasswordForm):
    """The code from WhatsApp/SMS (or from staff) and the new password, on one page.

    The account is only known once the code matches; the password validators then run against it.
    """

    identifier = forms.CharField(
        label=_("Email atau nomor HP"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    code = _code_field()
    field_order = ["identifier", "code", "new_password1", "new_password2"]

    error_messages = {
        **SetPasswordForm.error_messages,
        "invalid_code": _("Kode salah atau sudah tidak berlaku. Periksa kode, atau minta kode baru."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(None, *args, **kwargs)
        self.reset_code = None

    def clean_code(self) -> str:
        return _clean_code(self.cleaned_data["code"])

    def clean(self):
        self.validate_passwords("new_password1", "new_password2")
        if self.errors:
            return self.cleaned_data  # a typo in the form spends none of the code's tries
        self.reset_code = services.reset_code_check(
            identifier=self.cleaned_data["identifier"], code=self.cleaned_data["code"]
        )
        if self.reset_code is None:
            self.add_error("code", ValidationError(self.error_messages["invalid_code"], code="invalid_code"))
            return self.cleaned_data
        # The validators (similarity to the name, email, number) need the account.
        self.user = self.reset_code.user
        self.validate_password_for_user(self.user, "new_password2")
        return self.cleaned_data

    def save(self, commit=True):
        return services.password_set_with_code(
            reset_code=self.reset_code, password=self.cleaned_data["new_password1"]
        )


class IssueCodeForm(forms.Form):
    """Staff confirm that the owner stands in front of them."""

    confirm = forms.BooleanField(
        label=_("Pemilik hadir langsung dan identitasnya (KTP) sudah saya periksa"),
        error_messages={"required": _("Centang kotak ini setelah memeriksa KTP pemilik.")},
    )
