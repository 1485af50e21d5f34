"""Keeping the dashboard's aggregates true as the data changes (issue: dashboard, "Speed").

Every service that can move a figure (attendance, verification, rejection, merge, cancelling or
moving an activity, editing a business's kelurahan, KBLI, sales or owner) calls
`refresh_businesses` with the businesses it touched, inside its own transaction. The facts of those
businesses are recomputed with the counting rule of selectors.py and the tallies adjusted by the
difference, so a change costs a few small queries whatever the size of the registry.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import BooleanField, Case, Count, DateTimeField, F, Min, Value, When
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from pembinaan.accounts.models import User
from pembinaan.coaching.counting import attended_participations, counted_business, in_period
from pembinaan.coaching.models import Outcome
from pembinaan.lib.bulk_insert import add_to_counts, indexes_deferred
from pembinaan.lib.uploads import check_upload, clean_image
from pembinaan.lib.write_batch import WriteBatch
from pembinaan.progress import closing, filtered, independent_check, reach
from pembinaan.progress.models import (
    ClosedYear,
    CoachedActivity,
    CoachedAttribution,
    CoachedBusiness,
    FilteredTally,
    Letterhead,
    ProgressCheck,
    ReportSnapshot,
    Tally,
    TallyState,
    Target,
)
from pembinaan.progress.selectors import (
    COUNTED_STATUSES,
    check_aggregates,
    kecamatan_lookup,
    qualifying_participations,
)
from pembinaan.reference.models import Kelurahan

A = CoachedAttribution.Dimension
SCALAR_DIMENSIONS = ("kecamatan", "kelurahan", "kbli", "scale", "gender")


def _qualifying(target: Target, business_ids: Iterable[int] | None = None):
    qualifying = qualifying_participations(
        period_start=target.period_start, period_end=target.period_end
    ).filter(business__status__in=COUNTED_STATUSES, business__merged_into__isnull=True)
    if business_ids is not None:
        qualifying = qualifying.filter(business_id__in=list(business_ids))
    return qualifying.order_by()


def _fact_columns(target: Target) -> dict:
    """What a coached business's fact is grouped by besides its first date: the same on each of
    its rows, as the business is now (rules 7 and 8b)."""
    return {
        "kecamatan": F(kecamatan_lookup("business__")),
        "kelurahan": F("business__kelurahan_id"),
        "kbli": Coalesce("business__kbli_category_id", Value("")),
        "scale": Coalesce("business__scale", Value("")),
        "gender": Coalesce("business__owner__gender", Value("")),
        "is_new_entrepreneur": Case(
            When(business__start_year__gte=target.period_start.year, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    }


def _fact_rows(target: Target, business_ids: Iterable[int] | None = None):
    """Each counted business with its first qualifying attendance (rule 6) and what it is grouped by.

    One grouped query whose columns are CoachedBusiness's own, so that a full rebuild inserts it
    as it stands (INSERT … SELECT).
    """
    return (
        _qualifying(target, business_ids)
        .values("business_id")
        .annotate(first_coached_on=Min("activity__start_date"), **_fact_columns(target))
    )


def _activity_rows(target: Target, business_ids: Iterable[int] | None = None):
    """CoachedActivity's columns: per business and (fiscal year, type, source), the first attendance."""
    return (
        _qualifying(target, business_ids)
        .values(
            "business_id",
            year=F("activity__fiscal_year"),
            kind=F("activity__coaching_type__code"),
            source=F("activity__funding_source__code"),
        )
        .annotate(first_on=Min("activity__start_date"))
    )


def _attended_rows(target: Target, business_ids: list[int]):
    """A refresh's one read of the raw tables, for the target's facts and the budget reach alike.

    The attendance of some businesses (rule 6a without the period) per fiscal year, type and
    source, with its first date within the target's period (None when all of it lies outside),
    whether the business counts, and its fact's columns. Its counted rows with a date are
    `_activity_rows`; all of them, the reach (progress/reach.py).
    """
    period = {"period_start": target.period_start, "period_end": target.period_end}
    return (
        attended_participations()
        .filter(business_id__in=business_ids)
        .order_by()
        .values(
            "business_id",
            year=F("activity__fiscal_year"),
            kind=F("activity__coaching_type__code"),
            source=F("activity__funding_source__code"),
            source_id=F("activity__funding_source_id"),
        )
        # One annotate() call: Django groups by the plain columns given with the aggregate.
        .annotate(
            first_on=Min("activity__start_date", filter=in_period(**period)),
            counted=Case(
                When(counted_business("business__"), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            **_fact_columns(target),
        )
    )


def _outcome_rows(target: Target, coached):
    """Outcome attributions (rule 8c): each kind a counted business achieved in the period.

    `coached`: the counted businesses, as a query of their ids (a full rebuild covers more
    businesses than a query may name) or, for a refresh, the ids the facts just found.
    """
    return (
        Outcome.objects.filter(
            business_id__in=coached,
            achieved_on__range=(target.period_start, target.period_end),
        )
        .values_list("business_id", "outcome_type__code")
        .order_by()
        .distinct()
    )


def _facts(target: Target, business_ids: list[int]):
    """Fresh facts, attributions and activity rows of some businesses, by the counting rule, and
    their budget reach rows.

    A refresh runs on every attendance, so it reads the raw tables once (`_attended_rows`); a
    fact's first date is the earliest of its activity rows (as `_fact_rows` groups it).
    """
    columns = _fact_columns(target)
    first: dict[int, datetime.date] = {}
    described: dict[int, dict] = {}
    activities = []
    reached = set()
    for r in _attended_rows(target, business_ids):
        business, first_on = r["business_id"], r["first_on"]
        reached.add((business, r["year"], r["source_id"], r["counted"]))
        if not r["counted"] or first_on is None:
            continue
        activities.append((business, r["year"], r["kind"], r["source"], first_on))
        first[business] = min(first.get(business, first_on), first_on)
        described[business] = r
    facts = {
        Fact(business, first_on, *(described[business][name] for name in columns))
        for business, first_on in first.items()
    }
    attributions: set[tuple[int, str, str]] = set()
    for business, _year, kind, source, _first in activities:
        attributions.add((business, A.TYPE, kind))
        attributions.add((business, A.SOURCE, source))
    outcomes = list(_outcome_rows(target, list(first))) if first else []
    attributions.update((business, A.OUTCOME, code) for business, code in outcomes)
    return facts, attributions, activities, outcomes, reached


def _chunks(ids: list[int], size: int = 500):
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def _fact_keys(fact: CoachedBusiness) -> list[tuple[str, str]]:
    keys = [("total", ""), ("year", str(fact.first_coached_on.year))]
    keys += [(name, getattr(fact, name)) for name in SCALAR_DIMENSIONS]
    if fact.is_new_entrepreneur:
        keys.append(("new", ""))
    return keys


class Fact(NamedTuple):
    """A coached business's fact as a refresh compares it: CoachedBusiness's columns, read and
    compared as a plain tuple (an attendance compares a few of them; model instances cost more)."""

    business_id: int
    first_coached_on: datetime.date
    kecamatan: str  # a kelurahan moved to another kecamatan moves its businesses' kecamatan figures
    kelurahan: str
    kbli: str
    scale: str
    gender: str
    is_new_entrepreneur: bool


def _stored(target: Target, business_ids: list[int]) -> tuple[set[Fact], list, set]:
    """The maintained facts, activity rows and attributions of some businesses (before a change).

    One statement for the three tables, written out: it runs on every attendance, where building
    three ORM queries cost more than reading the rows.
    """
    q = connection.ops.quote_name
    ids = ", ".join(["%s"] * len(business_ids))
    mine = f"target_id = %s AND business_id IN ({ids})"
    sql = (
        "SELECT 0, business_id, first_coached_on, kecamatan, kelurahan, kbli, scale, gender, "  # noqa: S608 (names)
        f"is_new_entrepreneur, NULL FROM {q(CoachedBusiness._meta.db_table)} WHERE {mine} UNION ALL "
        "SELECT 1, business_id, first_on, coaching_type, funding_source, NULL, NULL, NULL, NULL, fiscal_year "
        f"FROM {q(CoachedActivity._meta.db_table)} WHERE {mine} UNION ALL "
        "SELECT 2, business_id, NULL, dimension, key, NULL, NULL, NULL, NULL, NULL "
        f"FROM {q(CoachedAttribution._meta.db_table)} WHERE {mine}"
    )
    facts, activities, attributions = set(), [], set()
    with connection.cursor() as cursor:
        cursor.execute(sql, [target.pk, *business_ids] * 3)
        for part, business, day, a, b, c, d, e, new, year in cursor.fetchall():
            if isinstance(day, str):  # SQLite gives dates and booleans as text and integers
                day = datetime.date.fromisoformat(day)
            if part == 0:
                facts.add(Fact(business, day, a, b, c, d, e, bool(new)))
            elif part == 1:
                activities.append((business, year, a, b, day))
            else:
                attributions.add((business, a, b))
    return facts, activities, attributions


def _apply(target: Target, delta: Counter, batch: WriteBatch) -> None:
    """Add the changes to the tallies (one upsert: a new key is a new row)."""
    add_to_counts(
        Tally,
        [(target.pk, dimension, key, n) for (dimension, key), n in delta.items() if n],
        keys=("target_id", "dimension", "key"),
        same={"updated_at": timezone.now()},
        batch=batch,
    )


FACT_COLUMNS = tuple(Fact._fields)
ACTIVITY_COLUMNS = ("business_id", "fiscal_year", "coaching_type", "funding_source", "first_on")


# No savepoint: the callers' services are atomic themselves, and a failed refresh must fail
# them whole (a savepoint cost two more round trips on every attendance).
@transaction.atomic(savepoint=False)
def refresh_businesses(business_ids: Iterable[int]) -> None:
    """Recompute the facts of these businesses for every target with aggregates, adjust the tallies.

    The writes go to the database together at the end (`WriteBatch`): an attendance moves
    a dozen small statements' worth of rows, and each round trip cost more than its statement.
    """
    ids = sorted({int(pk) for pk in business_ids if pk is not None})
    if not ids:
        return
    # Every refresh of the maintained figures is serialized on the targets' TallyState rows: two
    # refreshes of one business must not both read its old rows before either writes (each would
    # apply the same difference). The budget overview's reach (per fiscal year and source, for no
    # target) is refreshed under the same locks.
    states = list(TallyState.objects.select_for_update().select_related("target"))
    if not states:
        reach.refresh(ids)  # no target keeps figures: the reach reads the raw tables itself
    years = closing.closed_years()
    batch = WriteBatch()
    for n, state in enumerate(states):
        target = state.target
        watch = closing.watch(target, years)
        for chunk in _chunks(ids):
            old, old_activities, old_attr = _stored(target, chunk)
            new, new_attr, new_activities, new_outcomes, reached = _facts(target, chunk)
            if n == 0:
                reach.refresh(chunk, fresh=reached, batch=batch)  # the same attendance under every target
            facts_moved = old != new
            attributions_moved = old_attr != new_attr
            activities_moved = sorted(old_activities) != sorted(new_activities)
            if not (facts_moved or attributions_moved or activities_moved):
                continue  # e.g. a second attendance of a business already coached: no tally moves
            closing.note(watch, old, new, old_attr, new_attr)
            delta: Counter = Counter()
            for fact in old:
                delta.subtract(_fact_keys(fact))
            for fact in new:
                delta.update(_fact_keys(fact))
            for _b, dimension, key in old_attr - new_attr:
                delta[(dimension, key)] -= 1
            for _b, dimension, key in new_attr - old_attr:
                delta[(dimension, key)] += 1
            old_outcomes = [(b, k) for b, d, k in old_attr if d == A.OUTCOME]
            cells = filtered.cells_of(new, activities=new_activities, outcomes=new_outcomes)
            cells.subtract(filtered.cells_of(old, activities=old_activities, outcomes=old_outcomes))
            # Only the facts that moved are written again (an attendance moves one or two of them).
            if facts_moved:
                batch.delete(CoachedBusiness, target_id=target.pk, business_id=chunk)
                batch.insert(CoachedBusiness, ("target_id", *FACT_COLUMNS), ((target.pk, *f) for f in new))
            if attributions_moved:
                batch.delete(CoachedAttribution, target_id=target.pk, business_id=chunk)
                batch.insert(
                    CoachedAttribution,
                    ("target_id", "business_id", "dimension", "key"),
                    ((target.pk, *a) for a in new_attr),
                )
            if activities_moved:
                batch.delete(CoachedActivity, target_id=target.pk, business_id=chunk)
                batch.insert(
                    CoachedActivity,
                    ("target_id", *ACTIVITY_COLUMNS),
                    ((target.pk, *a) for a in new_activities),
                )
            _apply(target, delta, batch)
            filtered.apply(target, cells, batch=batch)
            batch.flush_if_large()
        if watch is not None and watch.changed:
            batch.flush()  # settle reads the tallies as they now stand
        closing.settle(watch)  # a closed year moved: refused without a reason, else recorded
        # Even when no tally moved, a filtered view may have (that second attendance counts in its
        # fiscal year): the version that keys every cached dashboard moves with any change.
        batch.add(
            f"UPDATE {connection.ops.quote_name(TallyState._meta.db_table)} SET changed_at = %s WHERE id = %s",  # noqa: S608
            [TallyState._meta.get_field("changed_at").get_db_prep_save(timezone.now(), connection), state.pk],
        )
    batch.flush()


def _insert_select(model, columns: str, rows, *, target: Target) -> None:
    """Insert a query's rows as they stand, the target's id first: no row passes through Python."""
    sql, params = rows.query.sql_with_params()
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (target_id, {columns}) SELECT %s, q.* FROM ({sql}) q",  # noqa: S608 (names)
            (target.pk, *params),
        )


@transaction.atomic
def rebuild(target: Target) -> int:
    """Recompute a target's aggregates from scratch (after a bulk load, or when a check fails).

    Grouped by the database from the same queries a refresh reads (a million businesses in
    minutes rather than the hours row by row).
    """
    aggregates = (CoachedBusiness, CoachedAttribution, CoachedActivity, Tally, FilteredTally)
    for model in aggregates:
        model.objects.filter(target=target).delete()
    # Millions of rows: the indexes are built once at the end, not row by row (PostgreSQL).
    with indexes_deferred(aggregates):
        _rebuild_rows(target)
    now = timezone.now()
    TallyState.objects.update_or_create(
        target=target, defaults={"rebuilt_at": now, "changed_at": now, "money_changed_at": now}
    )
    return Tally.objects.get(target=target, dimension="total").count


def _rebuild_rows(target: Target) -> None:
    _insert_select(
        CoachedBusiness,
        "business_id, first_coached_on, kecamatan, kelurahan, kbli, scale, gender, is_new_entrepreneur",
        _fact_rows(target),
        target=target,
    )
    _insert_select(
        CoachedActivity,
        "business_id, fiscal_year, coaching_type, funding_source, first_on",
        _activity_rows(target),
        target=target,
    )
    for dimension, column in ((A.TYPE, "coaching_type"), (A.SOURCE, "funding_source")):
        _insert_select(
            CoachedAttribution,
            "business_id, dimension, key",
            CoachedActivity.objects.filter(target=target)
            .values_list("business_id", Value(str(dimension)), column)
            .order_by()
            .distinct(),
            target=target,
        )
    _insert_select(
        CoachedAttribution,
        "business_id, dimension, key",
        _outcome_rows(target, _qualifying(target).values("business_id")).values_list(
            "business_id", Value(str(A.OUTCOME)), "outcome_type__code"
        ),
        target=target,
    )
    # The tallies are grouped by the database over the facts just written.
    rows = CoachedBusiness.objects.filter(target=target)
    tallies = [Tally(target=target, dimension="total", key="", count=rows.count())]
    tallies.append(
        Tally(target=target, dimension="new", key="", count=rows.filter(is_new_entrepreneur=True).count())
    )
    for year, n in (
        rows.annotate(y=ExtractYear("first_coached_on"))
        .values("y")
        .order_by()
        .annotate(n=Count("pk"))
        .values_list("y", "n")
    ):
        tallies.append(Tally(target=target, dimension="year", key=str(year), count=n))
    for name in SCALAR_DIMENSIONS:
        for key, n in rows.values(name).order_by().annotate(n=Count("pk")).values_list(name, "n"):
            tallies.append(Tally(target=target, dimension=name, key=key, count=n))
    for dimension, key, n in (
        CoachedAttribution.objects.filter(target=target)
        .values("dimension", "key")
        .order_by()
        .annotate(n=Count("pk"))
        .values_list("dimension", "key", "n")
    ):
        tallies.append(Tally(target=target, dimension=dimension, key=key, count=n))
    Tally.objects.bulk_create(tallies)
    filtered.rebuild(target)


def rebuild_all() -> dict[int, int]:
    reach.rebuild()  # belongs to no target (every attendance, whatever its date)
    return {target.pk: rebuild(target) for target in Target.objects.all()}


def build_missing(*, with_reach: bool = True) -> dict[int, int]:
    """Build the aggregates of every target that has none (a fresh deployment after `migrate`).

    Without them the dashboard would compute every figure fresh and `check_progress` would fail;
    a target's aggregates exist from the moment it exists (see signals.target_saved). The budget
    overview's reach, which belongs to no target, is built once, when it never was (`with_reach`
    False: its tables are not migrated).
    """
    if with_reach and reach.missing():
        reach.rebuild()
    return {target.pk: rebuild(target) for target in Target.objects.filter(tally_state__isnull=True)}


def refresh_kelurahan(kelurahan_code: str) -> None:
    """A kelurahan moved to another kecamatan (reference data edited): its businesses' facts follow.

    Only when a maintained fact disagrees with the kelurahan's parent, so that reloading the
    reference data unchanged costs one query.
    """
    kecamatan = Kelurahan.objects.filter(code=kelurahan_code).values_list("kecamatan_id", flat=True).first()
    stale = CoachedBusiness.objects.filter(kelurahan=kelurahan_code).exclude(kecamatan=kecamatan)
    if stale.exists():
        refresh_businesses(
            list(
                CoachedBusiness.objects.filter(kelurahan=kelurahan_code).values_list("business_id", flat=True)
            )
        )


def figures_touched() -> None:
    """Mark every target's figures as changed, so cached dashboards and open data are recomputed.

    The tallies move only with coaching facts; the money (pagu, realisasi), the target values,
    milestones, shares and the names of types and sources are read live but cached with the
    pages, so a change to any of them must also move the version the caches are keyed on. Bulk
    writes that bypass model signals (imports, seeding) call this themselves.
    """
    TallyState.objects.update(changed_at=timezone.now())


def money_touched() -> None:
    """Pagu or realisasi may have changed: cached money sums and every cached page are stale.

    The money version only ever moves forward, even when the clock stands still or steps back
    (two changes in one clock tick, a frozen test clock): it keys the cached sums, and a version
    that did not move would serve the sums from before the change.
    """
    now = timezone.now()
    later = Case(
        When(money_changed_at__gte=now, then=F("money_changed_at") + datetime.timedelta(microseconds=1)),
        default=Value(now),
        output_field=DateTimeField(),
    )
    TallyState.objects.update(changed_at=now, money_changed_at=later)


@transaction.atomic
def year_close(*, year: int, report: ReportSnapshot | None, by: User) -> ClosedYear:
    """Admin Dinas closes a reporting year once its report is published (docs/rules.md#figures)."""
    if year > timezone.localdate().year:
        raise ValidationError({"year": _("Tahun yang belum berjalan tidak dapat ditutup.")})
    if ClosedYear.objects.filter(year=year).exists():
        raise ValidationError({"year": _("Tahun %(year)s sudah ditutup.") % {"year": year}})
    closed = ClosedYear(year=year, report=report, closed_by=by)
    closed.full_clean()
    closed.save()
    return closed


def check_and_record(*, via: str) -> list[str]:
    """Check every target's served figures twice and keep the result (shown in the admin).

    Against the ORM's fresh count (`check_aggregates`: which maintained tally drifted) and against
    the plain-SQL recount of independent_check (the counting rule and the money sums themselves);
    and the budget overview's reach, which belongs to no target, against the raw tables.
    """
    problems = []
    for target in Target.objects.all():
        problems += check_aggregates(target)
        if TallyState.objects.filter(target=target).exists():
            problems += filtered.drift(target, fresh_activities=_activity_rows(target))
        problems += independent_check.check(target)
    problems += reach.drift()
    ProgressCheck.objects.create(ok=not problems, problems=problems, via=via)
    return problems


LETTERHEAD_FIELDS = (
    "government",
    "agency",
    "address",
    "place",
    "signatory_title",
    "signatory_name",
    "signatory_nip",
)


@transaction.atomic
def letterhead_update(*, data: dict, logo: UploadedFile | None | bool, by: User) -> Letterhead:
    """Admin Dinas sets the report's letterhead; a logo is checked and re-encoded from its pixels
    (no EXIF or hidden payload reaches the PDF). `logo=False` removes it, None keeps it."""
    letterhead = Letterhead.objects.order_by("pk").first() or Letterhead.current()
    for name in LETTERHEAD_FIELDS:
        if name in data:
            setattr(letterhead, name, (data[name] or "").strip())
    if letterhead.signatory_nip and not re.fullmatch(r"\d{18}", letterhead.signatory_nip.replace(" ", "")):
        raise ValidationError({"signatory_nip": _("NIP terdiri dari 18 angka.")})
    letterhead.signatory_nip = letterhead.signatory_nip.replace(" ", "")
    if logo is False:
        letterhead.logo = ""
    elif logo:
        check_upload(logo)
        image = clean_image(logo, max_side=600)
        letterhead.logo.save(f"logo{image.extension}", image.content, save=False)
    letterhead.updated_by = by
    letterhead.full_clean()
    letterhead.save()
    return letterhead
