"""Self-registration and claims: one atomic step each, built on the registry's services.

A registration creates the account, the owner and the business together, or nothing. When the NIK
(or the NIB) is already on a record, no second owner is made: a ClaimRequest waits for proof, and
the claimant is told how the claim is checked (issue 14). When the phone or email already has an
account, no second account is made and the account's owner is told, never the registrant.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from pembinaan.accounts import roles
from pembinaan.accounts import services as accounts_services
from pembinaan.accounts.models import User
from pembinaan.enrolment.models import ClaimRequest, Registration, new_nonce
from pembinaan.notifications.models import Channel
from pembinaan.notifications.services import PURPOSE_NOTICE, queue_email, queue_message
from pembinaan.reference.models import KbliCategory, Kelurahan
from pembinaan.registry import services as registry
from pembinaan.registry.models import Business, BusinessSource, Owner, normalise_name

CLAIM_SALT = "pembinaan.enrolment.claim"
log = logging.getLogger(__name__)


def _existing_accounts(*, phone: str, email: str | None) -> list[User]:
    """Accounts that already have this email, or have confirmed this phone, the phone's first.

    A number carried by accounts that never confirmed it does not count: whoever registered it
    first may not own it (issue 14), so a second registration with it is made and flagged instead.
    """
    match = Q(phone=phone, phone_confirmed_at__isnull=False)
    if email:
        match |= Q(email__iexact=email)
    accounts = list(User.objects.filter(match))
    return sorted(accounts, key=lambda account: account.phone != phone)


def _flag_shared_phone(*, registration: Registration, user: User) -> None:
    """Note an earlier account that carries the same unconfirmed number, for staff to settle."""
    other = (
        User.objects.filter(phone=user.phone, phone_confirmed_at__isnull=True)
        .exclude(pk=user.pk)
        .order_by("-date_joined", "-pk")
        .first()
    )
    if other is not None:
        registration.existing_account = other
        registration.notice = Registration.Notice.SHARED_PHONE


def _account_create(*, owner_data: dict[str, Any], password_hash: str) -> User | None:
    """The new owner's account, or None when the phone or email was taken meanwhile."""
    user = User(
        email=owner_data.get("email") or None,
        phone=owner_data["phone"],
        full_name=owner_data["name"],
        password=password_hash,
    )
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        return None
    user.groups.add(Group.objects.get(name=roles.OWNER))
    return user


def _notify_existing_accounts(*, registration: Registration, accounts: list[User]) -> Registration:
    """Tell each account's owner that someone tried to register with their phone or email.

    The registrant is told nothing of it (the page they see is the same kind for everyone), so
    nobody can use the registration to learn who has an account. An account with no email is
    told by text where WhatsApp or SMS is configured; else it is logged and flagged for staff on
    the claims page.
    """
    base = settings.PORTAL_BASE_URL.rstrip("/")
    when = date_format(timezone.localtime(), "j F Y H.i")
    unreachable = None
    by_text = False
    for account in accounts:
        if not account.email:
            # No email: a short text to the confirmed number, by WhatsApp or SMS where configured.
            with override(settings.LANGUAGE_CODE):
                text = _(
                    "Seseorang mencoba mendaftar di Portal UMKM dengan nomor HP Anda pada %(when)s. "
                    "Anda sudah punya akun: masuk di %(login)s. Bila bukan Anda, abaikan pesan ini."
                ) % {"when": when, "login": base + reverse("accounts:login")}
                subject = _("Pendaftaran dengan nomor HP Anda")
            sent = queue_message(
                user=account, subject=subject, text=text, purpose=PURPOSE_NOTICE, prefer=Channel.WHATSAPP
            )
            if sent is not None:
                by_text = True
                continue
            unreachable = unreachable or account
            log.warning(
                "Registration %s used the phone of account %s, which has no email and no text "
                "channel is configured; flagged for staff",
                registration.pk,
                account.pk,
            )
        else:
            queue_email(
                recipient=account.email,
                template="enrolment/email/account_exists",
                context={
                    "account": account,
                    "when": when,
                    "login_link": base + reverse("accounts:login"),
                    "reset_link": base + reverse("accounts:password-reset"),
                },
            )
    registration.existing_account = unreachable or (accounts[0] if accounts else None)
    if accounts:
        if unreachable:
            registration.notice = Registration.Notice.NO_CHANNEL
        else:
            registration.notice = Registration.Notice.MESSAGED if by_text else Registration.Notice.EMAILED
    registration.save(update_fields=["existing_account", "notice"])
    return registration


def _existing_owner(*, nik: str, nib: str | None) -> tuple[Owner | None, str]:
    owner = Owner.objects.filter(nik=nik).first()
    matched_by = ClaimRequest.MatchedBy.NIK
    if owner is None and nib:
        business = Business.objects.filter(nib=nib).select_related("owner").first()
        owner = business.owner if business else None
        matched_by = ClaimRequest.MatchedBy.NIB
    # A merged-away record points at the one that was kept.
    while owner is not None and owner.merged_into_id:
        owner = owner.merged_into
    return owner, matched_by


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in data.items():
        if hasattr(value, "pk"):
            out[f"{key}_id"] = value.pk
        else:
            out[key] = value
    return out


def _business_fields(submitted: dict[str, Any]) -> dict[str, Any]:
    fields = {k: v for k, v in submitted.items() if k in registry.BUSINESS_FIELDS}
    if submitted.get("kelurahan_id"):
        fields["kelurahan"] = Kelurahan.objects.get(pk=submitted["kelurahan_id"])
    if submitted.get("kbli_category_id"):
        fields["kbli_category"] = KbliCategory.objects.get(pk=submitted["kbli_category_id"])
    return fields


@transaction.atomic
def registration_submit(
    *,
    token: uuid.UUID,
    owner_data: dict[str, Any],
    business_data: dict[str, Any],
    password_hash: str,
    consent_version: str,
) -> Registration:
    """Register an owner and their business, or file a claim on the record that has this NIK/NIB.

    Submitting the same form twice (two clicks, two tabs) returns the first registration. When the
    phone or email already has an account, nothing but the registration row is kept (its `user`
    empty) and that account's owner is told; the caller shows the registrant the same kind of page.
    """
    existing = Registration.objects.filter(token=token).select_related("user").first()
    if existing is not None:
        return existing
    try:
        # Taking the token first: a concurrent twin waits here and then finds the row.
        with transaction.atomic():
            registration = Registration.objects.create(token=token)
    except IntegrityError:
        return Registration.objects.select_related("user").get(token=token)

    now = timezone.now()
    # A phone or email that already has an account makes no second account; its owner is told.
    accounts = _existing_accounts(phone=owner_data["phone"], email=owner_data.get("email"))
    user = None if accounts else _account_create(owner_data=owner_data, password_hash=password_hash)
    if user is None:
        # Either known before, or taken by a concurrent registration between the check and now.
        accounts = accounts or _existing_accounts(phone=owner_data["phone"], email=owner_data.get("email"))
        accounts_services.spend_code_time()  # as long as a new account's confirmation code takes
        return _notify_existing_accounts(registration=registration, accounts=accounts)
    registration.user = user
    _flag_shared_phone(registration=registration, user=user)
    # Where a code can reach the phone, the number becomes a login once the owner enters it.
    if not accounts_services.phone_confirmation_send(user=user):
        accounts_services.spend_code_time()  # every registration takes one hash's time
    nik, nib = owner_data["nik"], business_data.get("nib")
    owner, matched_by = _existing_owner(nik=nik, nib=nib)
    if owner is None:
        owner_fields = {k: owner_data[k] for k in ("nik", "name", "phone", "email") if owner_data.get(k)}
        try:
            owner = registry.owner_create(by=user, **owner_fields)
        except ValidationError as exc:
            # Lost a race with a concurrent registration of the same NIK: that one owns the record.
            if not (hasattr(exc, "error_dict") and "nik" in exc.error_dict):
                raise
            owner, matched_by = _existing_owner(nik=nik, nib=None)
            if owner is None:
                raise
        else:
            owner.user = user
            owner.consent_version = consent_version
            owner.consent_at = now
            owner._history_user = user
            owner.save(update_fields=["user", "consent_version", "consent_at", "updated_at"])
            registration.owner = owner
            registration.business = registry.business_create(
                by=user, owner=owner, source=BusinessSource.SELF, **business_data
            )
            registration.save(update_fields=["user", "owner", "business", "existing_account", "notice"])
            return registration

    claim = ClaimRequest(
        user=user,
        owner=owner,
        matched_by=matched_by,
        submitted={"owner": _jsonable(owner_data), "business": _jsonable(business_data)},
        consent_version=consent_version,
        consent_at=now,
    )
    claim._history_user = user
    claim.save()
    if owner.email:
        claim_send_link(claim=claim)
    registration.save(update_fields=["user", "existing_account", "notice"])
    return registration


@transaction.atomic
def submission_verify(*, business: Business, by: User, phone_checked: bool = False) -> Business:
    """Verify a submitted business. Staff who reached the owner on the account's number (a call, a
    WhatsApp chat) say so, and the number becomes the owner's login: the way numbers are confirmed
    where no code can be sent. Refused, verification included, when another account confirmed it."""
    business = registry.business_verify(business=business, by=by)
    account = business.owner.user
    if phone_checked and account is not None and account.phone and not account.phone_confirmed:
        accounts_services.phone_confirm(user=account, by=by)
    return business


def phone_tail(phone: str | None) -> str:
    """The claimant's number as the record's owner sees it: enough to recognise, not to call."""
    return f"**** {phone[-4:]}" if phone else "–"


def claim_token(claim: ClaimRequest) -> str:
    return signing.dumps({"c": claim.pk, "n": claim.link_nonce}, salt=CLAIM_SALT)


def claim_send_link(*, claim: ClaimRequest) -> None:
    """Send the one-time link to the email already on the record (never to the claimant's)."""
    link = settings.PORTAL_BASE_URL.rstrip("/") + reverse(
        "enrolment:claim-confirm", args=[claim_token(claim)]
    )
    queue_email(
        recipient=claim.owner.email,
        template="enrolment/email/claim_link",
        context={
            "owner": claim.owner,
            "claimant_phone": phone_tail(claim.user.phone),
            "link": link,
            "hours": settings.ENROLMENT_CLAIM_LINK_HOURS,
        },
    )
    claim.link_sent_at = timezone.now()
    claim.save(update_fields=["link_sent_at"])


def claim_from_token(token: str) -> ClaimRequest | None:
    """The pending claim a link names, or None when the link is forged, used or expired."""
    try:
        data = signing.loads(token, salt=CLAIM_SALT, max_age=settings.ENROLMENT_CLAIM_LINK_HOURS * 3600)
    except signing.BadSignature:
        return None
    claim = (
        ClaimRequest.objects.select_related("owner", "user")
        .filter(pk=data.get("c"), status=ClaimRequest.Status.PENDING)
        .first()
    )
    if claim is None or claim.link_nonce != data.get("n"):
        return None
    return claim


def _decide(
    claim: ClaimRequest, *, status: str, method: str, by: User | None, note: str = ""
) -> ClaimRequest:
    claim.status = status
    claim.method = method
    claim.decided_by = by
    claim.decided_at = timezone.now()
    claim.decision_note = note
    claim.link_nonce = new_nonce()  # any link already sent stops working
    claim._history_user = by
    claim.save()
    return claim


@transaction.atomic
def claim_approve(*, claim: ClaimRequest, by: User | None, method: str, note: str = "") -> ClaimRequest:
    """Link the claimant's account to the record; their consent and new business come with it."""
    claim = ClaimRequest.objects.select_for_update().select_related("user").get(pk=claim.pk)
    if claim.status != ClaimRequest.Status.PENDING:
        raise ValidationError(_("Permintaan ini sudah diputuskan."))
    owner = Owner.objects.select_for_update().get(pk=claim.owner_id)
    while owner.merged_into_id:
        owner = Owner.objects.select_for_update().get(pk=owner.merged_into_id)
    if owner.user_id and owner.user_id != claim.user_id:
        raise ValidationError(
            _("Data ini sudah terhubung dengan akun lain. Putuskan dulu akun mana yang benar.")
        )
    owner.user = claim.user
    owner.consent_version = claim.consent_version
    owner.consent_at = claim.consent_at
    if not owner.email and claim.user.email:
        owner.email = claim.user.email
    owner._history_user = by or claim.user
    owner.save(update_fields=["user", "consent_version", "consent_at", "email", "updated_at"])
    submitted = claim.submitted.get("business") or {}
    if claim.matched_by == ClaimRequest.MatchedBy.NIK and submitted.get("name"):
        # The business they registered joins the record, unless the record already has it.
        names = {normalise_name(n) for n in owner.businesses.active().values_list("name", flat=True)}
        if normalise_name(submitted["name"]) not in names:
            registry.business_create(
                by=claim.user, owner=owner, source=BusinessSource.SELF, **_business_fields(submitted)
            )
    return _decide(claim, status=ClaimRequest.Status.APPROVED, method=method, by=by, note=note)


@transaction.atomic
def claim_refuse(*, claim: ClaimRequest, by: User | None, method: str, note: str = "") -> ClaimRequest:
    claim = ClaimRequest.objects.select_for_update().get(pk=claim.pk)
    if claim.status != ClaimRequest.Status.PENDING:
        raise ValidationError(_("Permintaan ini sudah diputuskan."))
    return _decide(claim, status=ClaimRequest.Status.REFUSED, method=method, by=by, note=note)
