"""The business list as a spreadsheet, and the columns every export uses to name a business.

NIKs are masked unless the user holds `registry.view_full_nik`; a full-NIK export is logged per owner
with purpose "ekspor", once per owner per export, before the owner's rows are written (docs/rules.md
rule 10).
NPWP and the owner's home address and birth date are never exported: an NPWP issued since 2024 is
the NIK itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from operator import attrgetter, itemgetter
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _

from pembinaan.accounts.access import FULL_NIK_PERMISSION, may_see_full_nik, require
from pembinaan.accounts.models import User
from pembinaan.lib.exports import (
    BATCH_SIZE,
    Column,
    ExportTable,
    batched_with,
    choice_labels,
    reads_one_snapshot,
)
from pembinaan.lib.identifiers import format_phone, mask_nik, whatsapp_number
from pembinaan.registry import selectors
from pembinaan.registry.forms import BusinessFilterForm, list_filters
from pembinaan.registry.models import Business, BusinessStatus, Gender, NikAccessLog
from pembinaan.registry.scale import Scale
from pembinaan.registry.services import nik_access_record_many, nik_access_record_query

# Columns no export reads; a kelurahan's boundary is a GeoJSON polygon, costly to load per row.
UNUSED_BUSINESS_FIELDS = ("certifications", "kelurahan__boundary")
# What names a business in every export, by lookup path from the business (`identity_columns`).
IDENTITY_VALUES = (
    "name", "nib", "owner__name", "owner__nik", "owner__phone", "kelurahan__name",
    "kelurahan__kecamatan__name",
)  # fmt: skip
# The business list's export reads exactly these values, as tuples: a model instance per row (with
# its owner and kelurahan) took two thirds of the time of a 100,000-row export.
BUSINESS_LIST_VALUES = (
    *IDENTITY_VALUES, "owner_id", "owner__gender", "owner__email", "address", "kbli_category_id",
    "kbli_code", "products", "start_year", "employees", "annual_sales", "capital", "scale", "status",
    "has_open_duplicate", "created_at__date",
)  # fmt: skip


def _business_list_value(path: str) -> Callable[[tuple], Any]:
    return itemgetter(BUSINESS_LIST_VALUES.index(path))


def identity_columns(business_of: Callable[[Any], Business], *, full_nik: bool) -> list[Column]:
    """Who a row is about: the business and its owner, reached from the row by `business_of`."""

    def value(path: str) -> Callable[[Any], Any]:
        get = attrgetter(path.replace("__", "."))
        return lambda row: get(business_of(row))

    return _identity_columns(value, full_nik=full_nik)


def _identity_columns(value: Callable[[str], Callable[[Any], Any]], *, full_nik: bool) -> list[Column]:
    """`value(path)`: how a row gives the business's value at that lookup path (`IDENTITY_VALUES`)."""
    name, nib, owner_name, nik, phone, kelurahan, kecamatan = map(value, IDENTITY_VALUES)
    return [
        Column(_("Nama Usaha"), name),
        Column(_("NIB"), lambda r: nib(r) or ""),
        Column(_("Nama Pemilik"), owner_name),
        Column(_("NIK"), (lambda r: nik(r) or "") if full_nik else (lambda r: mask_nik(nik(r)))),
        # As the screen shows it (no "+", so nothing to neutralise), and ready for wa.me links.
        Column(_("No HP"), lambda r: format_phone(phone(r))),
        Column(_("WhatsApp"), lambda r: whatsapp_number(phone(r))),
        Column(_("Kelurahan"), kelurahan),
        Column(_("Kecamatan"), kecamatan),
    ]


def logged_rows(
    rows: Iterable[Any],
    *,
    user: User,
    full_nik: bool,
    owner_of: Callable[[Any], tuple[int, str | None]],
    owner_ids: QuerySet | None = None,
) -> Iterable[Any]:
    """The rows, with a full-NIK export logged once per owner with a NIK per export, before any of
    that owner's rows is handed on. `owner_of(row)` gives the row's owner id and NIK.

    `owner_ids` (the ids of the rows' owners with a NIK, each once, as a query) lets the database
    log them all in one statement when the rows are first asked for, if the rows are read in the same
    snapshot (`one_snapshot`); else, and without it, each batch of rows is logged before it is handed on.
    """
    if not full_nik:
        return rows
    if owner_ids is not None:
        return _logged_up_front(rows, user=user, owner_ids=owner_ids, owner_of=owner_of)
    return _logged_per_batch(rows, user=user, owner_of=owner_of)


def _logged_up_front(
    rows: Iterable[Any], *, user: User, owner_ids: QuerySet, owner_of: Callable[[Any], tuple[int, str | None]]
) -> Iterator[Any]:
    # Decided at the first row, not when the table is made: the snapshot is the writer's.
    if not reads_one_snapshot():
        yield from _logged_per_batch(rows, user=user, owner_of=owner_of)
        return
    nik_access_record_query(user=user, owner_ids=owner_ids, purpose=NikAccessLog.Purpose.EXPORT)
    yield from rows


def _logged_per_batch(
    rows: Iterable[Any], *, user: User, owner_of: Callable[[Any], tuple[int, str | None]]
) -> Iterable[Any]:
    logged: set[int] = set()  # ids only: a few MB for a city's owners

    def log(batch: list[Any]) -> None:
        new = []
        for owner_id, nik in map(owner_of, batch):
            if nik and owner_id not in logged:
                logged.add(owner_id)
                new.append(owner_id)
        nik_access_record_many(user=user, owner_ids=new, purpose=NikAccessLog.Purpose.EXPORT)

    return batched_with(rows, before=log)


def business_columns(*, full_nik: bool) -> list[Column]:
    """The business list's columns, of rows of `BUSINESS_LIST_VALUES`."""
    value = _business_list_value
    genders, scales, statuses = (
        choice_labels(c) for c in (Gender.choices, Scale.choices, BusinessStatus.choices)
    )
    gender, kbli_category, scale, status, duplicate = map(
        value, ("owner__gender", "kbli_category_id", "scale", "status", "has_open_duplicate")
    )
    yes = _("Ya")
    return [
        *_identity_columns(value, full_nik=full_nik),
        Column(_("Jenis Kelamin Pemilik"), lambda b: genders.get(gender(b), "")),
        Column(_("Email"), value("owner__email")),
        Column(_("Alamat Usaha"), value("address")),
        Column(_("Kategori KBLI"), lambda b: kbli_category(b) or ""),
        Column(_("Kode KBLI"), value("kbli_code")),
        Column(_("Produk/Jasa"), value("products")),
        Column(_("Tahun Mulai Usaha"), value("start_year")),
        Column(_("Jumlah Tenaga Kerja"), value("employees")),
        Column(_("Omzet per Tahun (Rp)"), value("annual_sales")),
        Column(_("Modal Usaha (Rp)"), value("capital")),
        Column(_("Skala Usaha"), lambda b: scales.get(scale(b), "")),
        Column(_("Status"), lambda b: statuses.get(status(b), status(b))),
        Column(_("Diduga Ganda"), lambda b: yes if duplicate(b) else ""),
        # The date in the portal's time zone, cast by the database: a timestamp with its zone costs
        # the driver several times more to read than a date, and Python more to convert.
        Column(_("Tanggal Dicatat"), value("created_at__date")),
    ]


def nik_permissions(permissions: tuple[str, ...], *, full_nik: bool) -> tuple[str, ...]:
    """What a file with these columns needs: a file with whole NIKs also needs the full-NIK right."""
    return (*permissions, FULL_NIK_PERMISSION) if full_nik else permissions


def business_list_table(*, user: User, query: QueryDict) -> ExportTable:
    """The filtered staff list, every page of it, in the list's order (the list page's query string)."""
    require(user, "registry.view_business")
    businesses = selectors.business_list(filters=list_filters(BusinessFilterForm(query or None)))
    full_nik = may_see_full_nik(user)
    rows = logged_rows(
        businesses.values_list(*BUSINESS_LIST_VALUES).iterator(chunk_size=BATCH_SIZE),
        user=user,
        full_nik=full_nik,
        owner_of=itemgetter(*map(BUSINESS_LIST_VALUES.index, ("owner_id", "owner__nik"))),
        owner_ids=businesses.exclude(owner__nik__isnull=True)
        .exclude(owner__nik="")
        .order_by()
        .values_list("owner_id", flat=True)
        .distinct(),
    )
    return ExportTable(
        columns=business_columns(full_nik=full_nik),
        rows=rows,
        filename="usaha",
        title=_("Daftar usaha"),
        count=businesses.count,
        permissions=nik_permissions(("registry.view_business",), full_nik=full_nik),
    )
