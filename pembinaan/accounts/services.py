"""Getting back in without email: one-time codes that let an owner set a new password.

A code is 6 digits from `secrets`, stored only as a hash (Django's password hashers), valid for
RESET_CODE_MINUTES and RESET_CODE_TRIES wrong tries; a newer code replaces the older ones. It
reaches the owner by WhatsApp or SMS (the outbox), or from staff at the office. Nothing here
tells the caller whether a number has an account: the pages answer the same either way.
"""

from __future__ import annotations

import datetime
import logging
import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from pembinaan.accounts import roles
from pembinaan.accounts.models import ResetCode, User
from pembinaan.lib.identifiers import parse_phone
from pembinaan.lib.ratelimit import count_in_window
from pembinaan.notifications import services as outbox

log = logging.getLogger(__name__)


def account_for(identifier: str) -> User | None:
    """The active account an email or (owners only, as for login) a phone number belongs to."""
    identifier = identifier.strip()
    if "@" in identifier:
        return User.objects.filter(email=identifier.lower(), is_active=True).first()
    try:
        phone = parse_phone(identifier)
    except ValidationError:
        return None
    return User.objects.filter(phone=phone, groups__name=roles.OWNER, is_active=True).first()


def _live_codes(user: User, now: datetime.datetime):
    return ResetCode.objects.filter(
        user=user, used_at__isnull=True, expires_at__gt=now, failed_tries__lt=settings.RESET_CODE_TRIES
    )


@transaction.atomic
def reset_code_issue(*, user: User, via: str, issued_by: User | None = None) -> tuple[str, ResetCode]:
    """A fresh code for `user` (returned once, in clear, to be sent or handed over); older codes die."""
    now = timezone.now()
    _live_codes(user, now).update(expires_at=now)
    code = f"{secrets.randbelow(10**6):06d}"
    row = ResetCode.objects.create(
        user=user,
        code_hash=make_password(code),
        via=via,
        issued_by=issued_by,
        created_at=now,
        expires_at=now + datetime.timedelta(minutes=settings.RESET_CODE_MINUTES),
    )
    return code, row


def reset_code_send(*, phone: str) -> None:
    """Send a code to `phone` (E.164) when an owner's account has that number; else do nothing.

    At most RESET_CODES_PER_NUMBER codes per number per window, counted for unknown numbers too,
    so that the limit itself reveals nothing.
    """
    if (
        count_in_window(f"reset-code:{phone}", window=settings.RESET_RATE_WINDOW_SECONDS)
        > settings.RESET_CODES_PER_NUMBER
    ):
        return
    user = User.objects.filter(phone=phone, groups__name=roles.OWNER, is_active=True).first()
    if user is None:
        return
    if outbox.text_channel(purpose=outbox.PURPOSE_ACCESS_CODE) is None:
        log.warning("A reset code was asked for but no WhatsApp or SMS gateway is configured")
        return
    code, _row = reset_code_issue(user=user, via=ResetCode.Via.PHONE)
    # The stored text is in the portal's language, like every other message.
    with override(settings.LANGUAGE_CODE):
        text = _(
            "Kode untuk membuat kata sandi baru di Portal UMKM: %(code)s. Berlaku %(minutes)s menit. "
            "Jangan berikan kode ini kepada siapa pun, termasuk petugas."
        ) % {"code": code, "minutes": settings.RESET_CODE_MINUTES}
        subject = _("Kode atur ulang kata sandi Portal UMKM")
    outbox.queue_message(
        phone=phone,
        subject=subject,
        text=text,
        purpose=outbox.PURPOSE_ACCESS_CODE,
        holds_secret=True,
    )


def reset_code_check(*, identifier: str, code: str) -> ResetCode | None:
    """The live code of the account behind `identifier` when `code` matches; a wrong code costs a try."""
    now = timezone.now()
    user = account_for(identifier)
    live = _live_codes(user, now).order_by("-created_at", "-pk").first() if user else None
    if live is None:
        make_password(code)  # about the time a real check takes, so timing reveals no account
        return None
    if check_password(code, live.code_hash):
        return live
    ResetCode.objects.filter(pk=live.pk).update(failed_tries=F("failed_tries") + 1)
    return None


@transaction.atomic
def password_set_with_code(*, reset_code: ResetCode, password: str) -> User:
    """Spend the code and set the new password; the code cannot be used twice, even at once."""
    now = timezone.now()
    row = ResetCode.objects.select_for_update().filter(pk=reset_code.pk).first()
    if row is None or row.used_at or row.expires_at <= now or row.failed_tries >= settings.RESET_CODE_TRIES:
        raise ValidationError(_("Kode salah atau sudah tidak berlaku. Minta kode baru."), code="invalid_code")
    row.used_at = now
    row.save(update_fields=["used_at"])
    _live_codes(row.user, now).update(expires_at=now)
    user = row.user
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


def reset_code_issue_by_staff(*, user: User | None, by: User) -> tuple[str, ResetCode]:
    """A code staff read out to an owner at the office; the row records who gave it to whom, when.

    Only owners' accounts: a code for a staff or council account would let one staff member into
    another's, past the email-only rule for those accounts.
    """
    if user is None:
        raise ValidationError(
            _("Pelaku usaha ini belum punya akun untuk masuk ke portal."), code="no_account"
        )
    if not user.is_active or roles.OWNER not in user.role_names or user.is_staf_dinas:
        raise ValidationError(
            _("Kode hanya dapat diberikan untuk akun pelaku usaha yang aktif."), code="not_owner"
        )
    if user.pk == by.pk:
        raise ValidationError(_("Anda tidak dapat memberikan kode untuk akun Anda sendiri."), code="self")
    return reset_code_issue(user=user, via=ResetCode.Via.STAFF, issued_by=by)
