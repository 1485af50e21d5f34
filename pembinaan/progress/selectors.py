"""Every number the council sees, counted by the rules of docs/rules.md 6–8.

Who counts as coached is not written here but in `pembinaan/coaching/counting.py`; the dashboard,
the open-data API and the report ask it through this module.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# COUNTED_STATUSES and business_coaching_status stay importable from here for the callers not yet
# moved to coaching.counting (progress.services, registry); this module itself only uses the rest.
from pembinaan.coaching.counting import COUNTED_STATUSES as COUNTED_STATUSES
from pembinaan.coaching.counting import business_coaching_status as business_coaching_status
from pembinaan.coaching.counting import coached_businesses, qualifying_participations
from pembinaan.coaching.models import CoachingType, Outcome, OutcomeType
from pembinaan.funding.models import FundingSource
from pembinaan.progress.filtered import ANY, ANY_YEAR
from pembinaan.progress.models import (
    CoachedBusiness,
    FigureCorrection,
    FilteredTally,
    Tally,
    TallyState,
    Target,
)
from pembinaan.progress.money import budget_overview, money_by_source
from pembinaan.reference.models import KbliCategory, Kecamatan, Kelurahan
from pembinaan.registry.models import Gender
from pembinaan.registry.scale import Scale


def kecamatan_lookup(prefix: str = "") -> str:
    """Where a business is by kecamatan (rule 8b): its kelurahan's parent, as the reference data says.

    The one source for the fresh count and the maintained facts (never the kelurahan code's first
    characters, which stop agreeing when Admin Dinas moves a kelurahan to another kecamatan).
    """
    return f"{prefix}kelurahan__kecamatan"


def _percent(part: int, whole: int) -> float:
    if not whole:
        return 0.0
    return float((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), ROUND_HALF_UP))


def progress(target: Target, *, today: datetime.date | None = None) -> dict:
    """Every figure of `GET /api/v1/progress/`: the dashboard's own numbers in the contract's shape.

    Taken from `dashboard()` so that the open data and the dashboard agree to the unit. Lists are
    complete (zero rows included) and ordered by code or year; field names are a public
    contract: add, never rename.
    """
    figures = _open_data(target, dashboard(target, today=today))
    return {
        "target": figures.pop("target"),
        "as_of": timezone.localtime().replace(microsecond=0).isoformat(),
        **figures,
    }


def _open_data(target: Target, d: dict) -> dict:
    return {
        "target": {
            "id": target.pk,
            "name": target.name,
            "period_start": target.period_start.isoformat(),
            "period_end": target.period_end.isoformat(),
            "value": target.value,
        },
        "coached_total": d["coached_total"],
        "percent_of_target": d["percent_of_target"],
        "new_entrepreneurs": d["new_entrepreneurs"],
        # The pace the council's dashboard judges by (`_assemble`), public too since issue 14.
        "expected_today": d["expected_today"],
        "projected": d["projected"],
        "on_track": d["on_track"],
        "by_year": [
            {"year": r["year"], "coached_new": r["new"], "coached_cumulative": r["cumulative"]}
            for r in d["by_year"]
        ],
        "by_kecamatan": [
            {"code": r["code"], "name": r["name"], "coached": r["coached"]} for r in d["by_kecamatan"]
        ],
        "by_type": d["by_type"],
        "by_funding_source": d["by_funding_source"],
    }


# --- The dashboard -------------------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardFilters:
    """The dashboard's filters, carried in the URL so that a view can be shared."""

    fiscal_year: int | None = None
    kecamatan: str | None = None  # Kemendagri code
    coaching_type: str | None = None  # stable code
    funding_source: str | None = None  # stable code

    def activities(self) -> Q | None:
        q = Q()
        if self.fiscal_year:
            q &= Q(activity__fiscal_year=self.fiscal_year)
        if self.coaching_type:
            q &= Q(activity__coaching_type__code=self.coaching_type)
        if self.funding_source:
            q &= Q(activity__funding_source__code=self.funding_source)
        return q or None


def _counts(qs: QuerySet, field: str) -> dict:
    return {
        ("" if key is None else key): n
        for key, n in qs.values(field).order_by().annotate(n=Count("pk")).values_list(field, "n")
    }


@dataclass
class Counts:
    """The raw counts a dashboard is assembled from, wherever they come from (fresh or maintained)."""

    total: int
    new: int
    recent: int
    year: dict
    kecamatan: dict
    kelurahan: dict
    type: dict
    source: dict
    kbli: dict
    scale: dict
    gender: dict
    outcome: dict
    # Under a kecamatan filter: every kecamatan's count under the other filters, so that the other
    # kecamatan can be shown (greyed) with their real numbers instead of the zero the filter gives.
    kecamatan_all: dict | None = None


def _fresh_counts(target: Target, filters: DashboardFilters, today: datetime.date) -> Counts:
    """Rule 6–8 over the raw tables: the reference the maintained figures are checked against."""
    start, end = target.period_start, target.period_end
    activities = filters.activities()
    coached = coached_businesses(period_start=start, period_end=end, activities=activities)
    kecamatan_all = None
    if filters.kecamatan:
        kecamatan_all = _counts(coached, kecamatan_lookup())
        coached = coached.filter(**{kecamatan_lookup(): filters.kecamatan})

    def first_coached_after(cutoff: datetime.date):
        """Coached businesses whose first qualifying attendance falls after `cutoff`.

        Written as two semi-joins, which the database plans as hash joins, rather than a
        per-business "first date" subquery, which it evaluates row by row.
        """
        return coached.filter(
            ~Exists(
                qualifying_participations(
                    period_start=start, period_end=min(cutoff, end), activities=activities
                ).filter(business=OuterRef("pk"))
            )
        )

    years = range(start.year, min(end.year, today.year) + 1)
    # Businesses first coached after each year's eve, from which the count per year follows.
    after_eve = (
        {y: first_coached_after(datetime.date(y - 1, 12, 31)).count() for y in [*years, years[-1] + 1]}
        if years
        else {}
    )
    attended = qualifying_participations(period_start=start, period_end=end, activities=activities).filter(
        business__in=coached.values("pk")
    )

    def distinct_by(qs, field):
        return dict(
            qs.values(field).order_by().annotate(n=Count("business", distinct=True)).values_list(field, "n")
        )

    return Counts(
        total=coached.count(),
        new=coached.filter(start_year__gte=start.year).count(),
        recent=first_coached_after(today - datetime.timedelta(days=365)).count(),
        year={str(y): after_eve[y] - after_eve[y + 1] for y in years},
        kecamatan=_counts(coached, kecamatan_lookup()),
        kelurahan=_counts(coached, "kelurahan"),
        type=distinct_by(attended, "activity__coaching_type__code"),
        source=distinct_by(attended, "activity__funding_source__code"),
        kbli=_counts(coached, "kbli_category"),
        scale=_counts(coached, "scale"),
        gender=_counts(coached, "owner__gender"),
        outcome=distinct_by(
            Outcome.objects.filter(business__in=coached.values("pk"), achieved_on__range=(start, end)),
            "outcome_type__code",
        ),
        kecamatan_all=kecamatan_all,
    )


def _maintained_counts(target: Target, today: datetime.date) -> Counts:
    """The unfiltered counts from the maintained tallies: one query, plus one for the last twelve months."""
    by: dict[str, dict[str, int]] = {}
    for dimension, key, n in Tally.objects.filter(target=target).values_list("dimension", "key", "count"):
        if n:
            by.setdefault(dimension, {})[key] = n
    recent = CoachedBusiness.objects.filter(
        target=target, first_coached_on__gt=today - datetime.timedelta(days=365)
    ).count()
    return Counts(
        total=by.get("total", {}).get("", 0),
        new=by.get("new", {}).get("", 0),
        recent=recent,
        **{
            name: by.get(name, {})
            for name in (
                "year",
                "kecamatan",
                "kelurahan",
                "type",
                "source",
                "kbli",
                "scale",
                "gender",
                "outcome",
            )
        },
    )


def _filtered_counts(target: Target, filters: DashboardFilters, today: datetime.date) -> Counts:
    """A filtered view's counts from its maintained cells (progress/filtered.py): one indexed query.

    Under a kecamatan filter the same query also reads the view's city-wide counts by kecamatan,
    so that the other kecamatan are shown with their real numbers.
    """
    view = {
        "target": target,
        "fiscal_year": filters.fiscal_year or ANY_YEAR,
        "coaching_type": filters.coaching_type or ANY,
        "funding_source": filters.funding_source or ANY,
    }
    cells = FilteredTally.objects.filter(**view, kecamatan=filters.kecamatan or ANY)
    city: dict[str, int] = {}
    if filters.kecamatan and filters == DashboardFilters(kecamatan=filters.kecamatan):
        # Only a kecamatan filter: the city-wide view beside it is the unfiltered one, Tally's.
        city = dict(
            Tally.objects.filter(target=target, dimension="kecamatan", count__gt=0).values_list(
                "key", "count"
            )
        )
    elif filters.kecamatan:
        cells = FilteredTally.objects.filter(
            Q(kecamatan=filters.kecamatan) | Q(kecamatan=ANY, dimension="kecamatan"), **view
        )
    by: dict[str, dict[str, int]] = {}
    for kecamatan, dimension, key, n in cells.values_list("kecamatan", "dimension", "key", "count"):
        if not n:
            continue
        if filters.kecamatan and kecamatan == ANY:
            city[key] = n
        else:
            by.setdefault(dimension, {})[key] = n
    year: dict[str, int] = {}
    recent_since = (today - datetime.timedelta(days=365)).isoformat()
    recent = 0
    for day, n in by.get("day", {}).items():
        year[day[:4]] = year.get(day[:4], 0) + n
        recent += n if day > recent_since else 0
    total = by.get("total", {}).get("", 0)
    return Counts(
        total=total,
        new=by.get("new", {}).get("", 0),
        recent=recent,
        year=year,
        kecamatan=({filters.kecamatan: total} if total else {})
        if filters.kecamatan
        else by.get("kecamatan", {}),
        kecamatan_all=city if filters.kecamatan else None,
        **{
            name: by.get(name, {})
            for name in ("kelurahan", "type", "source", "kbli", "scale", "gender", "outcome")
        },
    )


def _assemble(target: Target, filters: DashboardFilters, today: datetime.date, c: Counts) -> dict:
    start, end = target.period_start, target.period_end
    shares = dict(target.shares.values_list("kecamatan_id", "value"))
    # What the headline and the pace compare with: the city's target, or under a kecamatan filter
    # that kecamatan's share of it (docs/rules.md#figures). A kecamatan without a share has no goal:
    # its count is never set against the whole city's target.
    goal = shares.get(filters.kecamatan) if filters.kecamatan else target.value
    # Pace: linear from the period start, and the last twelve months projected to the end.
    days = (end - start).days + 1
    elapsed = min(max((today - start).days + 1, 0), days)
    expected_today = round(goal * elapsed / days) if goal else None
    remaining = max((end - today).days, 0)
    projected = c.total + round(c.recent * remaining / 365)

    milestones = dict(target.milestones.values_list("year", "cumulative_value"))
    by_year, cumulative = [], 0
    for year in range(start.year, min(end.year, today.year) + 1):
        cumulative += c.year.get(str(year), 0)
        by_year.append(
            {
                "year": year,
                "new": c.year.get(str(year), 0),
                "cumulative": cumulative,
                "milestone": milestones.get(year),
            }
        )
    by_kelurahan = []
    if filters.kecamatan:
        by_kelurahan = [
            {"code": k.code, "name": k.name, "coached": c.kelurahan.get(k.code, 0)}
            for k in Kelurahan.objects.filter(kecamatan=filters.kecamatan).order_by("code")
        ]
    fiscal = (filters.fiscal_year, filters.fiscal_year) if filters.fiscal_year else (start.year, end.year)
    money = _money(target, first_year=fiscal[0], last_year=fiscal[1])
    kecamatan_rows = [
        {
            "code": k.code,
            "name": k.name,
            "coached": c.kecamatan.get(k.code, 0),
            "share": shares.get(k.code),
            "outside": False,
        }
        for k in Kecamatan.objects.order_by("code")
    ]
    if filters.kecamatan:
        for row in kecamatan_rows:
            if row["code"] != filters.kecamatan:
                # Outside the filter: its real number where known, else unknown (None, shown "–").
                row["outside"] = True
                row["coached"] = None if c.kecamatan_all is None else c.kecamatan_all.get(row["code"], 0)
    return {
        "target": target,
        "filters": filters,
        "goal": goal,
        "goal_is_share": bool(filters.kecamatan),
        "kecamatan_name": next(
            (r["name"] for r in kecamatan_rows if r["code"] == filters.kecamatan), filters.kecamatan
        ),
        "coached_total": c.total,
        "percent_of_target": _percent(c.total, goal) if goal else None,
        "expected_today": expected_today,
        "behind_by": max(expected_today - c.total, 0) if goal else None,
        "projected": projected,
        "on_track": projected >= goal if goal else None,
        "coached_last_12_months": c.recent,
        "new_entrepreneurs": c.new,
        "by_year": by_year,
        "by_kecamatan": kecamatan_rows,
        "by_kelurahan": by_kelurahan,
        "per_kelurahan": c.kelurahan,
        "per_kecamatan": c.kecamatan if c.kecamatan_all is None else c.kecamatan_all,
        "by_type": [
            {"code": t.code, "name": t.name, "coached": c.type.get(t.code, 0)}
            for t in CoachingType.objects.order_by("code")
        ],
        "by_funding_source": [
            {
                "code": s.code,
                "name": s.name,
                "coached": c.source.get(s.code, 0),
                "budget": money.get(s.pk, (0, 0))[0],
                "realized": money.get(s.pk, (0, 0))[1],
            }
            for s in FundingSource.objects.order_by("code")
        ],
        "by_kbli": [
            {"code": k.code, "name": k.name, "coached": c.kbli.get(k.code, 0)}
            for k in KbliCategory.objects.order_by("code")
        ]
        + [{"code": "", "name": _("Belum diisi"), "coached": c.kbli.get("", 0)}],
        "by_scale": [
            {"code": v, "name": str(label), "coached": c.scale.get(v, 0)} for v, label in Scale.choices
        ]
        + [{"code": "", "name": _("Belum dapat ditentukan"), "coached": c.scale.get("", 0)}],
        "by_gender": [
            {"code": v, "name": str(label), "coached": c.gender.get(v, 0)} for v, label in Gender.choices
        ]
        + [{"code": "", "name": _("Tidak diketahui"), "coached": c.gender.get("", 0)}],
        "by_outcome": [
            {"code": t.code, "name": t.name, "businesses": c.outcome.get(t.code, 0)}
            for t in OutcomeType.objects.order_by("order")
        ],
    }


def dashboard_fresh(
    target: Target, filters: DashboardFilters | None = None, *, today: datetime.date | None = None
) -> dict:
    """The dashboard computed from the raw tables: for filtered views and to check the aggregates."""
    filters = filters or DashboardFilters()
    today = today or timezone.localdate()
    d = _assemble(target, filters, today, _fresh_counts(target, filters, today))
    d["figures_as_of"] = timezone.now()
    return d


def dashboard(
    target: Target, filters: DashboardFilters | None = None, *, today: datetime.date | None = None
) -> dict:
    """Every figure of the council's dashboard, from the maintained aggregates (fast at any size).

    Unfiltered from the tallies, under any filter or combination of filters from the filtered
    views' cells; only a target whose aggregates were never built is computed fresh.
    """
    filters = filters or DashboardFilters()
    today = today or timezone.localdate()
    state = TallyState.objects.filter(target=target).first()
    if state is None:
        return dashboard_fresh(target, filters, today=today)
    if filters == DashboardFilters():
        counts = _maintained_counts(target, today)
    else:
        counts = _filtered_counts(target, filters, today)
    d = _assemble(target, filters, today, counts)
    d["figures_as_of"] = state.changed_at
    return d


FIGURES = (
    "coached_total", "percent_of_target", "expected_today", "projected", "new_entrepreneurs",
    "coached_last_12_months", "by_year", "by_kecamatan", "per_kelurahan", "by_type",
    "by_funding_source", "by_kbli", "by_scale", "by_gender", "by_outcome",
)  # fmt: skip


def check_aggregates(target: Target, *, today: datetime.date | None = None) -> list[str]:
    """The figures where the maintained aggregates differ from a fresh computation (empty: all agree)."""
    if not TallyState.objects.filter(target=target).exists():
        return [f"{target}: aggregates not built (run rebuild_progress)"]
    today = today or timezone.localdate()
    maintained = _assemble(target, DashboardFilters(), today, _maintained_counts(target, today))
    fresh = _assemble(target, DashboardFilters(), today, _fresh_counts(target, DashboardFilters(), today))
    return [
        f"{target}: {key}: maintained {maintained[key]!r} != fresh {fresh[key]!r}"
        for key in FIGURES
        if maintained[key] != fresh[key]
    ]


def filter_names(d: dict) -> list[dict]:
    """The dashboard filters of a view, named as a reader knows them (printed on reports)."""
    f: DashboardFilters = d["filters"]

    def name_of(rows: list[dict], code: str) -> str:
        return next((str(r["name"]) for r in rows if r["code"] == code), code)

    # (query parameter, code, label, the name a reader knows), in the order reports print them
    chosen = (
        ("kecamatan", f.kecamatan, _("Kecamatan"), lambda: str(d["kecamatan_name"])),
        ("jenis", f.coaching_type, _("Jenis pembinaan"), lambda: name_of(d["by_type"], f.coaching_type)),
        (
            "sumber",
            f.funding_source,
            _("Sumber dana"),
            lambda: name_of(d["by_funding_source"], f.funding_source),
        ),
        ("tahun", f.fiscal_year, _("Tahun anggaran"), lambda: str(f.fiscal_year)),
    )
    return [
        {"field": field, "code": code, "label": str(label), "value": value()}
        for field, code, label, value in chosen
        if code
    ]


def closed_year_corrections(target: Target, *, since: datetime.datetime | None = None) -> list[dict]:
    """Changes that moved a closed year's figures (newest first), as plain values for a report."""
    rows = FigureCorrection.objects.filter(target=target).order_by("-made_at", "-pk")
    if since:
        rows = rows.filter(made_at__gt=since)
    return [
        {
            "made_at": timezone.localtime(c.made_at).replace(microsecond=0).isoformat(),
            "year": c.year,
            "reason": c.reason,
            "coached_before": c.coached_before,
            "coached_after": c.coached_after,
            "new_before": c.new_before,
            "new_after": c.new_after,
        }
        for c in rows[:200]
    ]


def filters_from_names(names: list[dict]) -> DashboardFilters:
    """The filters a frozen report was made with (its `filters`), to compare it with today's figures."""
    codes = {n["field"]: n["code"] for n in names}
    return DashboardFilters(
        fiscal_year=codes.get("tahun"),
        kecamatan=codes.get("kecamatan"),
        coaching_type=codes.get("jenis"),
        funding_source=codes.get("sumber"),
    )


def report_figures(
    target: Target, filters: DashboardFilters | None = None, *, today: datetime.date | None = None
) -> dict:
    """Everything a printed report shows, as plain JSON values (what a snapshot freezes).

    The same view as the dashboard with the same filters: a council member who filtered by a
    kecamatan or a funding source prints that view, and the report names the filters.
    """
    filters = filters or DashboardFilters()
    d = dashboard(target, filters, today=today)
    figures = _open_data(target, d)
    figures.update(
        {
            "as_of": timezone.localtime().replace(microsecond=0).isoformat(),
            "filters": filter_names(d),
            "goal": d["goal"],
            "goal_is_share": d["goal_is_share"],
            "behind_by": d["behind_by"],
            "by_kbli": d["by_kbli"],
            "by_scale": d["by_scale"],
            "by_gender": d["by_gender"],
            # Businesses that achieved each outcome, under the same field name as the other tables.
            "by_outcome": [
                {"code": r["code"], "name": r["name"], "coached": r["businesses"]} for r in d["by_outcome"]
            ],
            # For the report's map: the figure of each kelurahan (under a kecamatan filter, of that
            # kecamatan's) and of each kecamatan.
            "per_kelurahan": dict(d["per_kelurahan"]),
            "per_kecamatan": dict(d["per_kecamatan"]),
        }
    )
    # Money is kept per year and funding source: those two filters narrow the budget table; a
    # kecamatan or coaching-type filter cannot (the report says so under the table).
    figures["budget"] = [
        {
            "year": r.year,
            "source": r.source.name,
            "budget": r.budget,
            "realized": r.realized,
            "absorbed_percent": float(r.absorbed_percent) if r.absorbed_percent is not None else None,
            "coached": r.coached,
        }
        for r in budget_overview()
        if target.period_start.year <= r.year <= target.period_end.year
        and (not filters.fiscal_year or r.year == filters.fiscal_year)
        and (not filters.funding_source or r.source.code == filters.funding_source)
    ]
    figures["budget_whole_city"] = bool(filters.kecamatan or filters.coaching_type)
    figures["corrections"] = closed_year_corrections(target)
    # Lazy translations become plain text: a frozen report keeps the words it was printed with.
    for key in ("by_kbli", "by_scale", "by_gender"):
        figures[key] = [{**row, "name": str(row["name"])} for row in figures[key]]
    return figures


def snapshot_differences(frozen: dict, live: dict) -> dict:
    """Live minus frozen for the headline and each breakdown row, matched by code or year."""
    diff = {"coached_total": live["coached_total"] - frozen["coached_total"]}
    for key, field, ident in (
        ("by_kecamatan", "coached", "code"),
        ("by_type", "coached", "code"),
        ("by_funding_source", "coached", "code"),
        ("by_year", "coached_new", "year"),
    ):
        now = {row[ident]: row[field] for row in live.get(key, [])}
        diff[key] = {row[ident]: now.get(row[ident], 0) - row[field] for row in frozen.get(key, [])}
    return diff


def _money(target: Target, *, first_year: int, last_year: int) -> dict[int, tuple[int, int]]:
    """Pagu and realisasi per source, cached until an activity, budget line or grant changes.

    The sums read whole tables (hundreds of milliseconds at a million businesses) while the
    tallies beside them cost a few; attendance, the common change, never moves them.
    """
    version = TallyState.objects.filter(target=target).values_list("money_changed_at", flat=True).first()
    if version is None:
        return money_by_source(first_year=first_year, last_year=last_year)
    key = f"progress:money:{first_year}:{last_year}:{version.isoformat()}"
    return cache.get_or_set(key, lambda: money_by_source(first_year=first_year, last_year=last_year), 3600)
