from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from pembinaan.accounts import services
from pembinaan.accounts.forms import (
    LoginForm,
    PhoneConfirmForm,
    ResetCodeForm,
    ResetRequestForm,
)
from pembinaan.accounts.login_limit import login_over_limit
from pembinaan.accounts.selectors import phone_confirmation
from pembinaan.lib.identifiers import format_phone
from pembinaan.lib.ratelimit import over_limit

# What the person typed on "Lupa kata sandi", to fill in the code page that follows.
RESET_IDENTIFIER_KEY = "reset_identifier"


def _reset_limited(request: HttpRequest, scope: str) -> bool:
    return over_limit(
        request, scope=scope, limit=settings.RESET_RATE_LIMIT, window=settings.RESET_RATE_WINDOW_SECONDS
    )


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        # django-axes locks one login name per address after a few failures; this caps what one
        # address may try across many names, counted with the admin's login (accounts.login_limit).
        if login_over_limit(request):
            return render(request, "accounts/rate_limited.html", status=429)
        return super().post(request, *args, **kwargs)


class LogoutView(auth_views.LogoutView):
    """Signing out also empties the browser's storage for the portal: the participant lists and
    queued changes a field officer kept for offline attendance (issue 20) leave with the person."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"storage"'
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password-change-done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    """An email gets Django's reset link; an owner's phone number gets a code (accounts.services).

    Known and unknown addresses get the same answer: the same redirect, the same next page.
    """

    template_name = "accounts/password_reset.html"
    form_class = ResetRequestForm
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")

    def post(self, request, *args, **kwargs):
        # Each post may send a message: cap what one address can make the portal send.
        if _reset_limited(request, "password-reset"):
            return render(request, "accounts/rate_limited.html", status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        if form.phone:
            services.reset_code_send(phone=form.phone)
            self.request.session[RESET_IDENTIFIER_KEY] = format_phone(form.phone)
            return redirect("accounts:password-reset-code")
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@sensitive_post_parameters("code", "new_password1", "new_password2")
@never_cache
def password_reset_code(request: HttpRequest) -> HttpResponse:
    """Enter the code (from WhatsApp, SMS or staff) and a new password."""
    if request.method == "POST" and _reset_limited(request, "password-reset-code"):
        return render(request, "accounts/rate_limited.html", status=429)
    form = ResetCodeForm(
        request.POST if request.method == "POST" else None,
        initial={"identifier": request.session.get(RESET_IDENTIFIER_KEY, "")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except ValidationError as exc:  # the same code used twice at once: one wins
            form.add_error("code", exc)
        else:
            request.session.pop(RESET_IDENTIFIER_KEY, None)
            return redirect("accounts:password-reset-complete")
    return render(
        request, "accounts/password_reset_code.html", {"form": form, "minutes": settings.RESET_CODE_MINUTES}
    )


@login_required
@sensitive_post_parameters("code")
@never_cache
def phone_confirm(request: HttpRequest) -> HttpResponse:
    """An owner confirms their number with the code sent to it, or asks for a new code.

    Until then the number is not a login (accounts.services); where no code can be sent, the page
    says that staff confirm it at verification.
    """
    user = request.user
    if not user.phone or user.phone_confirmed:
        return redirect("front:home")
    form = PhoneConfirmForm(None, user=user)
    if request.method == "POST":
        if _reset_limited(request, "phone-confirm"):
            return render(request, "accounts/rate_limited.html", status=429)
        if request.POST.get("action") == "resend":
            services.phone_confirmation_send(user=user)
            messages.info(request, _("Bila kode dapat dikirim, kode baru sudah dalam perjalanan."))
            return redirect("accounts:phone-confirm")
        form = PhoneConfirmForm(request.POST, user=user)
        if form.is_valid():
            messages.success(request, _("Nomor HP Anda sudah dikonfirmasi: kini dapat dipakai untuk masuk."))
            return redirect("front:home")
    return render(request, "accounts/phone_confirm.html", {"form": form, "confirm": phone_confirmation(user)})
