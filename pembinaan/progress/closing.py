"""Closed years: a change that moves the figures of a year whose report was published needs a
reason, and is recorded with who, when, why and how much it moved (docs/rules.md#figures).

The tally refresh (services.refresh_businesses) tells this module what changed per business; when a
change reaches a closed year (the business's first coached date is in or before it: that year's
report printed cumulative figures), the reason carried with the request or job is required
(`pembinaan.lib.corrections`) and a FigureCorrection row is written in the same transaction.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils.translation import gettext as _

from pembinaan.accounts.models import User
from pembinaan.lib.corrections import current_correction_reason
from pembinaan.progress.models import ClosedYear, CoachedBusiness, FigureCorrection, Tally, Target

FACT = ("first_coached_on", "kelurahan", "kecamatan", "kbli", "scale", "gender", "is_new_entrepreneur")


class ClosedYearChange(ValidationError):
    """Refused: the change would move a closed year's figures and no reason was given."""

    def __init__(self, years: list[int]):
        self.years = years
        super().__init__(
            _(
                "Perubahan ini menggeser angka tahun %(years)s yang sudah ditutup. Tuliskan alasan "
                "koreksi di halaman “Koreksi setelah tutup tahun”, lalu ulangi."
            )
            % {"years": ", ".join(str(y) for y in years)},
            code="closed_year",
        )


def closed_years() -> list[int]:
    return sorted(ClosedYear.objects.values_list("year", flat=True))


@dataclass
class Watch:
    target: Target
    years: list[int]
    # For each closed year: the businesses whose facts changed, and the change of the count of
    # businesses first coached in each year (to tell the before and after of the tallies).
    changed: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    new_delta: Counter = field(default_factory=Counter)


def watch(target: Target, years: list[int]) -> Watch | None:
    years = [y for y in years if target.period_start.year <= y <= target.period_end.year]
    return Watch(target, years) if years else None


def note(w: Watch | None, old: list[CoachedBusiness], new: list[CoachedBusiness], old_attr, new_attr) -> None:
    """Record which closed years one chunk of refreshed businesses moves."""
    if w is None:
        return
    before = {f.business_id: f for f in old}
    after = {f.business_id: f for f in new}
    attrs_before, attrs_after = defaultdict(set), defaultdict(set)
    for b, d, k in old_attr:
        attrs_before[b].add((d, k))
    for b, d, k in new_attr:
        attrs_after[b].add((d, k))
    for business in before.keys() | after.keys():
        o, n = before.get(business), after.get(business)
        same = (
            o is not None
            and n is not None
            and all(getattr(o, a) == getattr(n, a) for a in FACT)
            and attrs_before[business] == attrs_after[business]
        )
        if same:
            continue
        first = min(f.first_coached_on.year for f in (o, n) if f is not None)
        for year in w.years:
            if first <= year:
                w.changed[year].add(business)
        if o is not None:
            w.new_delta[o.first_coached_on.year] -= 1
        if n is not None:
            w.new_delta[n.first_coached_on.year] += 1


def settle(w: Watch | None) -> None:
    """After the tallies moved: refuse without a reason, else record one correction per closed year."""
    if w is None or not w.changed:
        return
    reason = current_correction_reason()
    if reason is None:
        raise ClosedYearChange(sorted(w.changed))
    per_year = dict(Tally.objects.filter(target=w.target, dimension="year").values_list("key", "count"))
    made_by = User.objects.filter(pk=reason.user_id).first() if reason.user_id else None
    for year, businesses in sorted(w.changed.items()):
        coached_after = sum(n for key, n in per_year.items() if int(key) <= year)
        moved = sum(n for y, n in w.new_delta.items() if y <= year)
        new_after = per_year.get(str(year), 0)
        FigureCorrection.objects.create(
            target=w.target,
            year=year,
            reason=reason.text,
            made_by=made_by,
            coached_before=coached_after - moved,
            coached_after=coached_after,
            new_before=new_after - w.new_delta.get(year, 0),
            new_after=new_after,
            businesses=len(businesses),
        )


def guard_rebuild(rebuild_all: Callable[[], object]) -> None:
    """A bulk change (a large import) recounts everything: the same rule, compared by year."""
    years = closed_years()
    if not years:
        rebuild_all()
        return

    def counts() -> dict[int, dict[str, int]]:
        return {
            t: dict(Tally.objects.filter(target_id=t, dimension="year").values_list("key", "count"))
            for t in Target.objects.values_list("pk", flat=True)
        }

    before = counts()
    rebuild_all()
    after = counts()
    reason = current_correction_reason()
    moved_years: set[int] = set()
    rows = []
    for target in Target.objects.all():
        old, new = before.get(target.pk, {}), after.get(target.pk, {})
        for year in years:
            if not target.period_start.year <= year <= target.period_end.year:
                continue
            coached_before = sum(n for k, n in old.items() if int(k) <= year)
            coached_after = sum(n for k, n in new.items() if int(k) <= year)
            if (coached_before, old.get(str(year), 0)) == (coached_after, new.get(str(year), 0)):
                continue
            moved_years.add(year)
            rows.append(
                FigureCorrection(
                    target=target,
                    year=year,
                    reason=reason.text if reason else "",
                    made_by_id=reason.user_id if reason else None,
                    coached_before=coached_before,
                    coached_after=coached_after,
                    new_before=old.get(str(year), 0),
                    new_after=new.get(str(year), 0),
                    businesses=abs(coached_after - coached_before),
                )
            )
    if moved_years and reason is None:
        raise ClosedYearChange(sorted(moved_years))
    FigureCorrection.objects.bulk_create(rows)


def corrections_since(target: Target, since=None):
    qs = FigureCorrection.objects.filter(target=target).select_related("made_by")
    return qs.filter(made_at__gt=since) if since else qs


def coached_until(target: Target, year: int) -> int:
    """The cumulative count up to the end of a year, from the tallies (for the closing page)."""
    return (
        Tally.objects.filter(target=target, dimension="year", key__lte=str(year)).aggregate(n=Sum("count"))[
            "n"
        ]
        or 0
    )
