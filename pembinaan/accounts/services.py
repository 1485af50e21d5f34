"""Owners' phone numbers as logins: one-time codes that confirm a number or set a new password.

A code is 6 digits from `secrets`, stored only as a hash (Django's password hashers), valid for
RESET_CODE_MINUTES and RESET_CODE_TRIES wrong tries; a newer code of the same kind replaces the
older ones. It reaches the owner by WhatsApp or SMS (the outbox, through the message port
pembinaan.lib.messaging), or from staff at the office.
Nothing here tells the caller whether a number has an account: the pages answer the same either way.

A number becomes a login once confirmed (issue 14): by a code sent to it where a channel is
configured, else by staff at verification. Until then several accounts may carry it, so that nobody
blocks a citizen by registering their number first; at most one of them can confirm it.
"""

from __future__ import annotations

import datetime
import logging
import secrets

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from pembinaan.accounts import roles
from pembinaan.accounts.models import ResetCode, User
from pembinaan.lib import messaging
from pembinaan.lib.identifiers import parse_phone
from pembinaan.lib.ratelimit import count_in_window

log = logging.getLogger(__name__)


RESET_VIA = (ResetCode.Via.PHONE, ResetCode.Via.STAFF)
CONFIRM_VIA = (ResetCode.Via.CONFIRM,)


def codes_reach_phones() -> bool:
    """True when a code can be sent to a phone: WhatsApp, SMS, or (outside production) the console."""
    return messaging.codes_reach_phones()


def spend_code_time() -> None:
    """Take the time that issuing a code takes (one password hash), on the paths that issue none,
    so that how long a page takes tells nobody whether a number or an account exists."""
    make_password(secrets.token_hex(3))


def _owner_accounts(phone: str):
    return User.objects.filter(phone=phone, groups__name=roles.OWNER, is_active=True)


def phone_holder(phone: str) -> User | None:
    """The owner's account a code for this number goes to: the account that confirmed the number;
    when none did, the newest that carries it (the code then proves the number and confirms it)."""
    confirmed = User.objects.filter(phone=phone, phone_confirmed_at__isnull=False).first()
    if confirmed is not None:
        return confirmed if confirmed.is_active and roles.OWNER in confirmed.role_names else None
    return _owner_accounts(phone).order_by("-date_joined", "-pk").first()


def phone_login_accounts(phone: str) -> list[User]:
    """The owners' accounts that may log in with this number.

    The one that confirmed it; when none did and no code can reach a phone, those that carry it
    (staff confirm numbers at verification there, and owners must get in meanwhile; the password
    tells them apart). Where codes can be sent, an unconfirmed number is not a login.
    """
    confirmed = _owner_accounts(phone).filter(phone_confirmed_at__isnull=False).first()
    if confirmed is not None:
        return [confirmed]
    if User.objects.filter(phone=phone, phone_confirmed_at__isnull=False).exists():
        return []  # confirmed by a staff or council account: never an owner's login
    if codes_reach_phones():
        return []
    return list(_owner_accounts(phone).order_by("-date_joined", "-pk")[:5])


def account_for(identifier: str) -> User | None:
    """The active account an email or (owners only, as for login) a phone number belongs to."""
    identifier = identifier.strip()
    if "@" in identifier:
        return User.objects.filter(email=identifier.lower(), is_active=True).first()
    try:
        phone = parse_phone(identifier)
    except ValidationError:
        return None
    return phone_holder(phone) if phone else None


def _live_codes(user: User, now: datetime.datetime, *, kinds=RESET_VIA):
    return ResetCode.objects.filter(
        user=user,
        via__in=kinds,
        used_at__isnull=True,
        expires_at__gt=now,
        failed_tries__lt=settings.RESET_CODE_TRIES,
    )


@transaction.atomic
def reset_code_issue(*, user: User, via: str, issued_by: User | None = None) -> tuple[str, ResetCode]:
    """A fresh code for `user` (returned once, in clear, to be sent or handed over); older codes of
    the same kind (a reset, or a confirmation) die."""
    now = timezone.now()
    _live_codes(user, now, kinds=CONFIRM_VIA if via == ResetCode.Via.CONFIRM else RESET_VIA).update(
        expires_at=now
    )
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
    user = phone_holder(phone)
    if user is None:
        spend_code_time()
        return
    if not codes_reach_phones():
        log.warning("A reset code was asked for but no WhatsApp or SMS gateway is configured")
        spend_code_time()
        return
    _code_text(
        user=user,
        phone=phone,
        via=ResetCode.Via.PHONE,
        message=gettext_lazy(
            "Kode untuk membuat kata sandi baru di Portal UMKM: %(code)s. Berlaku %(minutes)s menit. "
            "Jangan berikan kode ini kepada siapa pun, termasuk petugas."
        ),
        subject=gettext_lazy("Kode atur ulang kata sandi Portal UMKM"),
    )


def _code_text(*, user: User, phone: str, via: str, message, subject) -> None:
    """Issue a code of kind `via` for `user` and queue it to `phone` by WhatsApp or SMS.

    `message` and `subject` are lazy translations, read here in the portal's language like every
    other stored message; `message` takes %(code)s and %(minutes)s.
    """
    code, _row = reset_code_issue(user=user, via=via)
    with override(settings.LANGUAGE_CODE):
        text = str(message) % {"code": code, "minutes": settings.RESET_CODE_MINUTES}
        subject = str(subject)
    messaging.send_code(phone=phone, subject=subject, text=text, code=code)


def reset_code_check(*, identifier: str, code: str) -> ResetCode | None:
    """The live code of the account behind `identifier` when `code` matches; a wrong code costs a try."""
    now = timezone.now()
    user = account_for(identifier)
    live = _live_codes(user, now).order_by("-created_at", "-pk").first() if user else None
    if live is None:
        spend_code_time()  # about the time a real check takes, so timing reveals no account
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
    if row.via == ResetCode.Via.PHONE and not user.phone_confirmed:
        # The code reached this number, so the number is the owner's: it becomes their login,
        # unless another account confirmed it first (then this one keeps its email or staff help).
        try:
            with transaction.atomic():
                phone_confirm(user=user, by=None)
        except ValidationError:
            log.warning("Account %s reset by a code to a number another account confirmed", user.pk)
    # Failed logins before the reset no longer lock the owner out.
    for login_name in (user.phone, user.email):
        if login_name:  # never None: axes would then clear every lockout
            axes_reset(username=login_name)
    return user


@transaction.atomic
def phone_confirm(*, user: User, by: User | None) -> User:
    """Make the account's number its login: after a code sent to it, or by staff (`by`) who called it.

    Refused when another account confirmed the number first.
    """
    if not user.phone:
        raise ValidationError(_("Akun ini tidak punya nomor HP."), code="no_phone")
    if user.phone_confirmed:
        return user
    taken = _("Nomor HP ini sudah dikonfirmasi pada akun lain. Hubungi dinas dengan membawa KTP.")
    if User.objects.filter(phone=user.phone, phone_confirmed_at__isnull=False).exclude(pk=user.pk).exists():
        raise ValidationError(taken, code="phone_taken")
    user.phone_confirmed_at = timezone.now()
    user.phone_confirmed_by = by
    try:
        with transaction.atomic():
            user.save(update_fields=["phone_confirmed_at", "phone_confirmed_by"])
    except IntegrityError:  # confirmed by another account at the same moment
        user.phone_confirmed_at = user.phone_confirmed_by = None
        raise ValidationError(taken, code="phone_taken") from None
    return user


def phone_confirmation_send(*, user: User) -> bool:
    """Send `user` a code that confirms their number; False when none went (confirmed already,
    no channel, or RESET_CODES_PER_NUMBER codes in the window for this number)."""
    if not user.phone or user.phone_confirmed or not codes_reach_phones():
        return False
    if (
        count_in_window(f"confirm-code:{user.phone}", window=settings.RESET_RATE_WINDOW_SECONDS)
        > settings.RESET_CODES_PER_NUMBER
    ):
        return False
    _code_text(
        user=user,
        phone=user.phone,
        via=ResetCode.Via.CONFIRM,
        message=gettext_lazy(
            "Kode konfirmasi nomor HP Anda di Portal UMKM: %(code)s. Berlaku %(minutes)s menit. "
            "Jangan berikan kode ini kepada siapa pun, termasuk petugas."
        ),
        subject=gettext_lazy("Kode konfirmasi nomor HP Portal UMKM"),
    )
    return True


def phone_confirm_with_code(*, user: User, code: str) -> User:
    """Confirm the account's number with the code sent to it; a wrong code costs a try."""
    now = timezone.now()
    invalid = ValidationError(
        _("Kode salah atau sudah tidak berlaku. Periksa pesan terakhir, atau minta kode baru."),
        code="invalid_code",
    )
    live = _live_codes(user, now, kinds=CONFIRM_VIA).order_by("-created_at", "-pk").first()
    if live is None:
        raise invalid
    if not check_password(code.strip(), live.code_hash):
        ResetCode.objects.filter(pk=live.pk).update(failed_tries=F("failed_tries") + 1)
        raise invalid
    with transaction.atomic():
        if ResetCode.objects.filter(pk=live.pk, used_at__isnull=True).update(used_at=now) != 1:
            raise invalid  # the same code, sent twice at once: one wins
        return phone_confirm(user=user, by=None)


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
