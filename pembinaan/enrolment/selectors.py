"""Reads for the enrolment pages: the verification queue, claims, open activities."""

from __future__ import annotations

import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from pembinaan.coaching.models import Activity, Participation, ParticipationStatus
from pembinaan.enrolment.models import ClaimRequest
from pembinaan.reference.models import Kelurahan
from pembinaan.registry.models import Business, BusinessStatus, DuplicatePair, Owner

OPEN = DuplicatePair.Status.OPEN


def verification_queue() -> QuerySet[Business]:
    """Submitted businesses, the longest-waiting first, with their number of open duplicate flags."""
    return (
        Business.objects.active()
        .filter(status=BusinessStatus.SUBMITTED)
        .select_related("owner", "kelurahan__kecamatan", "kbli_category")
        .annotate(
            flags_a=Count("duplicate_pairs_as_a", filter=Q(duplicate_pairs_as_a__status=OPEN), distinct=True),
            flags_b=Count("duplicate_pairs_as_b", filter=Q(duplicate_pairs_as_b__status=OPEN), distinct=True),
        )
        .order_by("status_changed_at", "pk")
    )


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


def pending_claim_as_registration(user) -> tuple[Owner, Business] | None:
    """What a claimant typed, shaped as a submitted registration (unsaved), until the proof succeeds.

    The issue's rule: the claimant is told the same thing whether or not the NIK was on record, so
    "Usaha Saya" shows their own entries as "submitted, being checked" like any new registration,
    and nothing of the record they claim.
    """
    claim = ClaimRequest.objects.filter(user=user, status=ClaimRequest.Status.PENDING).order_by("-pk").first()
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
