"""Reads for the enrolment pages: the verification queue, claims, open activities."""

from __future__ import annotations

import datetime
import re

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from pembinaan.accounts.models import User
from pembinaan.coaching.models import Activity, Participation, ParticipationStatus
from pembinaan.enrolment.models import ClaimRequest, Registration
from pembinaan.reference.models import Kelurahan
from pembinaan.registry.models import Business, BusinessStatus, DuplicatePair, Owner

OPEN = DuplicatePair.Status.OPEN
# Oldest first: whoever has waited longest is seen first. A record without the time (older data)
# counts as oldest on every database (SQLite and PostgreSQL place NULLs differently by default).
QUEUE_ORDER = (F("status_changed_at").asc(nulls_first=True), "pk")


def submitted_businesses(*, search: str = "") -> QuerySet[Business]:
    """Self-registrations waiting for a decision, optionally narrowed by the queue's search box.

    An NIK (16 digits) or NIB (13 digits) matches exactly, as staff copy it from a KTP or the OSS
    print-out; anything else is a part of the business's or the owner's name.
    """
    qs = Business.objects.active().filter(status=BusinessStatus.SUBMITTED)
    text = search.strip()
    if not text:
        return qs
    compact = re.sub(r"[\s.\-]", "", text)
    if compact.isdigit() and compact.isascii() and len(compact) == 16:
        return qs.filter(owner__nik=compact)
    if compact.isdigit() and compact.isascii() and len(compact) == 13:
        return qs.filter(nib=compact)
    return qs.filter(Q(name__icontains=text) | Q(owner__name__icontains=text))


def verification_queue(*, search: str = "") -> QuerySet[Business]:
    """Submitted businesses, the longest-waiting first, with their number of open duplicate flags."""
    return (
        submitted_businesses(search=search)
        .select_related("owner", "kelurahan__kecamatan", "kbli_category")
        .annotate(
            flags_a=Count("duplicate_pairs_as_a", filter=Q(duplicate_pairs_as_a__status=OPEN), distinct=True),
            flags_b=Count("duplicate_pairs_as_b", filter=Q(duplicate_pairs_as_b__status=OPEN), distinct=True),
        )
        .order_by(*QUEUE_ORDER)
    )


def next_in_queue(*, after: Business, search: str = "") -> Business | None:
    """The submission to open once `after` is decided: the next one in queue order under the same
    search, else the longest-waiting one left (those skipped earlier still wait), else None.

    `after` must carry its place in the queue as it was before the decision (the decision moves
    its status_changed_at).
    """
    rest = submitted_businesses(search=search).exclude(pk=after.pk).order_by(*QUEUE_ORDER)
    if after.status_changed_at is None:
        later = rest.filter(Q(status_changed_at__isnull=False) | Q(pk__gt=after.pk))
    else:
        later = rest.filter(
            Q(status_changed_at__gt=after.status_changed_at)
            | Q(status_changed_at=after.status_changed_at, pk__gt=after.pk)
        )
    return later.only("pk").first() or rest.only("pk").first()


def duplicate_pairs_of(business: Business) -> QuerySet[DuplicatePair]:
    return (
        DuplicatePair.objects.filter(Q(business_a=business) | Q(business_b=business), status=OPEN)
        .select_related(
            "business_a__owner", "business_a__kelurahan", "business_b__owner", "business_b__kelurahan"
        )
        .order_by("pk")
    )


def claim_list() -> QuerySet[ClaimRequest]:
    """Pending claims first (oldest first), then the decided ones, newest first."""
    return ClaimRequest.objects.select_related("owner", "user", "decided_by").order_by(
        "-status", "created_at", "pk"
    )


def open_activities(*, now: datetime.datetime | None = None, owner_businesses=None) -> QuerySet[Activity]:
    """Activities owners can sign up for: open, not cancelled, not yet started; soonest first.

    An activity without a start time starts at the beginning of its day, so today's are closed
    unless they start later today. With `owner_businesses`, the owner's own participations come along.
    """
    now = timezone.localtime(now)
    qs = (
        Activity.objects.not_cancelled()
        .filter(open_for_signup=True)
        .filter(Q(start_date__gt=now.date()) | Q(start_date=now.date(), start_time__gt=now.time()))
        .select_related("coaching_type", "kecamatan")
        .annotate(
            taken=Count("participations", filter=~Q(participations__status=ParticipationStatus.CANCELLED))
        )
        .order_by("start_date", "start_time", "pk")
    )
    if owner_businesses is not None:
        qs = qs.prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.filter(business__in=owner_businesses)
                .exclude(status=ParticipationStatus.CANCELLED)
                .select_related("business"),
                to_attr="mine",
            )
        )
    return qs


def pending_claim(user) -> ClaimRequest | None:
    """The account's claim on a record already held by the dinas, while it waits for proof."""
    return ClaimRequest.objects.filter(user=user, status=ClaimRequest.Status.PENDING).order_by("-pk").first()


def pending_claim_as_registration(user) -> tuple[Owner, Business] | None:
    """What a claimant typed, shaped as a submitted registration (unsaved), until the proof succeeds.

    The issue's rule: the claimant is told the same thing whether or not the NIK was on record, so
    "Usaha Saya" shows their own entries as "submitted, being checked" like any new registration,
    and nothing of the record they claim.
    """
    claim = pending_claim(user)
    if claim is None:
        return None
    typed_owner = claim.submitted.get("owner") or {}
    typed_business = claim.submitted.get("business") or {}
    owner = Owner(
        name=typed_owner.get("name", ""),
        nik=typed_owner.get("nik") or None,
        phone=typed_owner.get("phone", ""),
        email=typed_owner.get("email", ""),
    )
    business = Business(
        name=typed_business.get("name", ""),
        kelurahan=Kelurahan.objects.select_related("kecamatan")
        .filter(pk=typed_business.get("kelurahan_id"))
        .first(),
        status=BusinessStatus.SUBMITTED,
    )
    business.attended = 0
    business.pending_changes = False
    return owner, business


def registration_outcome(user) -> dict | None:
    """What the registration's last page tells this visitor.

    - "registered": their registration number; staff verify it next. A claimant (the NIK/NIB was on
      record) sees exactly the same page: telling them would tell anyone who types a stranger's NIK
      that the dinas holds it. The page explains to everyone how a claim is checked; the claimant
      gets the confirmation link at the email on record, or is checked at the office.
    - "check": not logged in, as after registering with a phone or email that already had an
      account: no account was made, the account's owner was told, so check your messages.
    None for someone logged in who never registered (staff, council).
    """
    if not user.is_authenticated:
        return {"kind": "check"}
    registration = Registration.objects.filter(user=user).order_by("-pk").first()
    if registration is None:
        return None
    return {"kind": "registered", "number": registration.number}


def unreachable_account_attempts(*, limit: int = 20) -> list[Registration]:
    """Registrations with the phone of an account that has no email: its owner could not be told."""
    return list(
        Registration.objects.filter(notice=Registration.Notice.NO_CHANNEL)
        .select_related("existing_account")
        .order_by("-created_at", "-pk")[:limit]
    )


def login_phone_check(business: Business) -> dict | None:
    """For the review screen: the owner's login number when nobody confirmed it yet, and the
    registrations of other accounts that carry the same number (someone may have used a stranger's)."""
    account = business.owner.user
    if account is None or not account.phone or account.phone_confirmed:
        return None
    others = User.objects.filter(phone=account.phone).exclude(pk=account.pk)
    return {
        "phone": account.phone,
        "others": list(Registration.objects.filter(user__in=others).order_by("created_at", "pk")),
    }
