"""Coaching reads: activity lists, a business's coaching history, grants and their totals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from pembinaan.coaching.models import Activity, Participation, ParticipationStatus
from pembinaan.funding.models import CapitalAssistance
from pembinaan.lib.identifiers import parse_nib, parse_nik
from pembinaan.registry.models import Business


def resolve_businesses(lines: list[str]) -> tuple[list[Business], list[str]]:
    """Find businesses by pasted NIBs or owner NIKs, one per line; returns (found, errors per line)."""
    found: list[Business] = []
    errors: list[str] = []
    for number, raw in enumerate(lines, start=1):
        text = raw.strip()
        if not text:
            continue
        compact = "".join(text.split())
        match = None
        try:
            match = Business.objects.active().filter(nib=parse_nib(compact)).first()
        except ValidationError:
            try:
                nik = parse_nik(compact).nik
            except ValidationError as exc:
                errors.append(
                    _("Baris %(n)s (%(text)s): %(error)s")
                    % {"n": number, "text": text, "error": " ".join(exc.messages)}
                )
                continue
            owned = list(Business.objects.active().filter(owner__nik=nik)[:2])
            if len(owned) > 1:
                errors.append(
                    _(
                        "Baris %(n)s (%(text)s): pemilik ini punya lebih dari satu usaha; pakai NIB atau tambah satu per satu."
                    )
                    % {"n": number, "text": text}
                )
                continue
            match = owned[0] if owned else None
        if match is None:
            errors.append(
                _("Baris %(n)s (%(text)s): tidak ditemukan di registri.") % {"n": number, "text": text}
            )
        elif match in found:
            errors.append(
                _("Baris %(n)s (%(text)s): tertulis lebih dari sekali.") % {"n": number, "text": text}
            )
        else:
            found.append(match)
    return found, errors


def activity_list(*, filters: dict[str, Any] | None = None) -> QuerySet[Activity]:
    filters = filters or {}
    qs = Activity.objects.select_related("coaching_type", "funding_source", "kecamatan").annotate(
        participant_count=Count(
            "participations", filter=~Q(participations__status=ParticipationStatus.CANCELLED)
        ),
        attended_count=Count("participations", filter=Q(participations__status=ParticipationStatus.ATTENDED)),
    )
    if filters.get("q"):
        for word in filters["q"].split()[:5]:
            qs = qs.filter(Q(title__icontains=word) | Q(venue__icontains=word) | Q(trainer__icontains=word))
    for key, lookup in (
        ("coaching_type", "coaching_type"),
        ("status", "status"),
        ("year", "fiscal_year"),
        ("kecamatan", "kecamatan"),
        ("funding_source", "funding_source"),
        ("format", "format"),
    ):
        if filters.get(key):
            qs = qs.filter(**{lookup: filters[key]})
    return qs.order_by("-start_date", "-pk")


def activity_participants(activity: Activity) -> QuerySet[Participation]:
    """An activity's participants as its page lists them (and its export writes them)."""
    return activity.participations.select_related(
        "business__kelurahan__kecamatan", "business__owner"
    ).order_by("business__name", "pk")


def business_coaching_history(business: Business) -> QuerySet[Participation]:
    """A business's participations, newest first, with the activity's type and funding source."""
    return (
        Participation.objects.filter(business=business)
        .select_related("activity__coaching_type", "activity__funding_source")
        .order_by("-activity__start_date", "-pk")
    )


def grant_list(*, filters: dict[str, Any] | None = None) -> QuerySet[CapitalAssistance]:
    filters = filters or {}
    qs = CapitalAssistance.objects.select_related(
        "business__kelurahan__kecamatan", "budget_line__source", "activity"
    )
    if filters.get("year"):
        qs = qs.filter(budget_line__fiscal_year=filters["year"])
    if filters.get("source"):
        qs = qs.filter(budget_line__source=filters["source"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("kecamatan"):
        qs = qs.filter(business__kelurahan__kecamatan=filters["kecamatan"])
    if filters.get("form"):
        qs = qs.filter(form=filters["form"])
    return qs.order_by("-date", "-pk")


# Most real money first; cancelled last, shown beside the totals but never inside them.
GRANT_STATUS_ORDER = (
    CapitalAssistance.Status.DISBURSED,
    CapitalAssistance.Status.APPROVED,
    CapitalAssistance.Status.PROPOSED,
    CapitalAssistance.Status.CANCELLED,
)


@dataclass(frozen=True)
class StatusTotal:
    status: str
    label: str
    n: int
    amount: int

    @property
    def counted(self) -> bool:
        return self.status != CapitalAssistance.Status.CANCELLED


@dataclass(frozen=True)
class GrantTotals:
    """Grants counted and summed per status (every status, zeros included); the headline `n` and
    `amount` leave cancelled grants out, because money that was never given is no one's figure."""

    by_status: tuple[StatusTotal, ...]

    @property
    def n(self) -> int:
        return sum(t.n for t in self.by_status if t.counted)

    @property
    def amount(self) -> int:
        return sum(t.amount for t in self.by_status if t.counted)


def grant_totals(qs: QuerySet[CapitalAssistance]) -> GrantTotals:
    """Count and sum of exactly the filtered rows, per status, by the database."""
    found = {
        r["status"]: (r["n"], r["amount"] or 0)
        for r in qs.order_by().values("status").annotate(n=Count("pk"), amount=Sum("amount"))
    }
    return GrantTotals(
        by_status=tuple(
            StatusTotal(status, str(status.label), *found.get(status, (0, 0)))
            for status in GRANT_STATUS_ORDER
        )
    )
