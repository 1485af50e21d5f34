"""Registry reads: the staff business list and what a record's page shows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from pembinaan.lib.identifiers import mask_nik, parse_nib, parse_nik, parse_phone
from pembinaan.lib.money import format_rupiah
from pembinaan.registry.extensions import apply_business_list_filters
from pembinaan.registry.models import Business, DuplicatePair

# The business list's orders, by the `sort` value in its URL (the filter form offers these keys).
BUSINESS_SORTS = {
    "name": ("name", "pk"),
    "-name": ("-name", "-pk"),
    "created": ("created_at", "pk"),
    "-created": ("-created_at", "-pk"),
    # By kelurahan code, the Kemendagri order (kelurahan grouped by kecamatan, as the list shows them):
    # an index serves it, where sorting by the kelurahan's name sorted a province's registry (2.3 s).
    "kelurahan": ("kelurahan_id", "name", "pk"),
    "status": ("status", "name", "pk"),
    "-sales": ("-annual_sales", "pk"),
}


def _search(qs: QuerySet, text: str) -> QuerySet:
    """One box for everything staff search by: an identifier matches exactly, words by name.

    A 13-digit number may be an NIB or a mobile number, so every identifier it can be is tried.
    """
    text = text.strip()
    if not text:
        return qs
    compact = "".join(text.split())
    identifiers = Q()
    for parser, lookup in (
        (lambda v: parse_nik(v).nik, "owner__nik"),
        (parse_nib, "nib"),
        (parse_phone, "owner__phone"),
    ):
        try:
            identifiers |= Q(**{lookup: parser(compact)})
        except ValidationError:
            continue
    if identifiers:
        return qs.filter(identifiers)
    condition = Q()
    for word in text.split()[:5]:
        condition &= Q(name__icontains=word) | Q(owner__name__icontains=word)
    return qs.filter(condition)


def open_duplicate_exists() -> Q:
    """The business is in an open duplicate pair, on either side.

    Two `IN (open pairs' ids)`, each a hash PostgreSQL builds once per query: one EXISTS with
    `business_a = pk OR business_b = pk` in it scanned every pair for every row of the list (7 s of
    a 100,000-row export), and two EXISTS looked so costly to the planner that it compiled the
    query (JIT, 2 s more)."""
    open_pairs = DuplicatePair.objects.filter(status=DuplicatePair.Status.OPEN)
    return Q(pk__in=open_pairs.values("business_a")) | Q(pk__in=open_pairs.values("business_b"))


def business_list(*, filters: dict[str, Any] | None = None) -> QuerySet[Business]:
    """Active businesses for the staff list, with what each row shows, filtered and sorted."""
    filters = filters or {}
    qs = (
        Business.objects.active()
        .select_related("owner", "kelurahan__kecamatan", "kbli_category")
        .annotate(has_open_duplicate=ExpressionWrapper(open_duplicate_exists(), BooleanField()))
    )
    if filters.get("q"):
        qs = _search(qs, filters["q"])
    if filters.get("kecamatan"):
        qs = qs.filter(kelurahan__kecamatan=filters["kecamatan"])
    if filters.get("kelurahan"):
        qs = qs.filter(kelurahan=filters["kelurahan"])
    if filters.get("kbli"):
        qs = qs.filter(kbli_category_id=filters["kbli"])
    if filters.get("scale"):
        qs = qs.filter(scale=filters["scale"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("duplicate"):
        qs = qs.filter(has_open_duplicate=True)
    if filters.get("gender"):
        qs = qs.filter(owner__gender=filters["gender"])
    qs = apply_business_list_filters(qs, filters)  # the drill-downs the apps above registered
    return qs.order_by(*BUSINESS_SORTS.get(filters.get("sort") or "name"))


MONEY_FIELDS = {"annual_sales", "capital"}


@dataclass
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass
class HistoryEntry:
    when: Any
    who: Any
    kind: str
    changes: list[FieldChange] = field(default_factory=list)


def _display(record, field_name: str, value: Any) -> Any:
    # The history is read by every staff member: NIKs in it stay masked (docs/rules.md rule 10).
    if field_name == "nik":
        return mask_nik(value)
    if field_name in MONEY_FIELDS and value is not None:
        return format_rupiah(value)
    model_field = record.instance_type._meta.get_field(field_name)
    if getattr(model_field, "choices", None):
        return dict(model_field.flatchoices).get(value, value)
    return value


def change_history(obj, *, limit: int = 50) -> list[HistoryEntry]:
    """Who changed what and when, newest first (docs/rules.md rule 11), from django-simple-history."""
    records = list(
        obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    entries = []
    kinds = {"+": _("dibuat"), "~": _("diubah"), "-": _("dihapus")}
    for newer, older in zip(records, records[1:] + [None], strict=False):
        if len(entries) == limit:
            break
        entry = HistoryEntry(when=newer.history_date, who=newer.history_user, kind=kinds[newer.history_type])
        if older is not None and newer.history_type == "~":
            delta = newer.diff_against(older)
            for change in delta.changes:
                entry.changes.append(
                    FieldChange(
                        field=str(obj._meta.get_field(change.field).verbose_name),
                        old=_display(newer, change.field, change.old),
                        new=_display(newer, change.field, change.new),
                    )
                )
        entries.append(entry)
    return entries
