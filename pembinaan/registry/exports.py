"""The business list as a spreadsheet, and the columns every export uses to name a business.

NIKs are masked unless the user holds `registry.view_full_nik`; a full-NIK export is logged per owner
with purpose "ekspor" as its rows are written (docs/rules.md rule 10). NPWP and the owner's home address
and birth date are never exported: an NPWP issued since 2024 is the NIK itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from pembinaan.accounts.access import FULL_NIK_PERMISSION, may_see_full_nik, require
from pembinaan.accounts.models import User
from pembinaan.lib.exports import BATCH_SIZE, Column, ExportTable, batched_with, choice_labels
from pembinaan.lib.identifiers import format_phone, mask_nik, whatsapp_number
from pembinaan.registry import selectors
from pembinaan.registry.forms import BusinessFilterForm, list_filters
from pembinaan.registry.models import Business, BusinessStatus, Gender, NikAccessLog, Owner
from pembinaan.registry.scale import Scale
from pembinaan.registry.services import nik_access_record

# Columns no export reads; a kelurahan's boundary is a GeoJSON polygon, costly to load per row.
UNUSED_BUSINESS_FIELDS = ("certifications", "kelurahan__boundary")


def identity_columns(business_of: Callable[[Any], Business], *, full_nik: bool) -> list[Column]:
    """Who a row is about: the business and its owner, reached from the row by `business_of`."""

    def nik(row: Any) -> str:
        value = business_of(row).owner.nik
        return (value or "") if full_nik else mask_nik(value)

    return [
        Column(_("Nama Usaha"), lambda r: business_of(r).name),
        Column(_("NIB"), lambda r: business_of(r).nib or ""),
        Column(_("Nama Pemilik"), lambda r: business_of(r).owner.name),
        Column(_("NIK"), nik),
        # As the screen shows it (no "+", so nothing to neutralise), and ready for wa.me links.
        Column(_("No HP"), lambda r: format_phone(business_of(r).owner.phone)),
        Column(_("WhatsApp"), lambda r: whatsapp_number(business_of(r).owner.phone)),
        Column(_("Kelurahan"), lambda r: business_of(r).kelurahan.name),
        Column(_("Kecamatan"), lambda r: business_of(r).kelurahan.kecamatan.name),
    ]


def logged_rows(
    rows: Iterable[Any], *, user: User, full_nik: bool, owner_of: Callable[[Any], Owner]
) -> Iterable[Any]:
    """The rows, with a full-NIK export logged once per owner per batch just before it is written."""
    if not full_nik:
        return rows

    def log(batch: list[Any]) -> None:
        owners = {owner.pk: owner for owner in map(owner_of, batch)}
        nik_access_record(user=user, owners=list(owners.values()), purpose=NikAccessLog.Purpose.EXPORT)

    return batched_with(rows, before=log)


def business_columns(*, full_nik: bool) -> list[Column]:
    def business(b: Business) -> Business:
        return b

    genders, scales, statuses = (
        choice_labels(c) for c in (Gender.choices, Scale.choices, BusinessStatus.choices)
    )
    yes = _("Ya")
    return [
        *identity_columns(business, full_nik=full_nik),
        Column(_("Jenis Kelamin Pemilik"), lambda b: genders.get(b.owner.gender, "")),
        Column(_("Email"), lambda b: b.owner.email),
        Column(_("Alamat Usaha"), lambda b: b.address),
        Column(_("Kategori KBLI"), lambda b: b.kbli_category_id or ""),
        Column(_("Kode KBLI"), lambda b: b.kbli_code),
        Column(_("Produk/Jasa"), lambda b: b.products),
        Column(_("Tahun Mulai Usaha"), lambda b: b.start_year),
        Column(_("Jumlah Tenaga Kerja"), lambda b: b.employees),
        Column(_("Omzet per Tahun (Rp)"), lambda b: b.annual_sales),
        Column(_("Modal Usaha (Rp)"), lambda b: b.capital),
        Column(_("Skala Usaha"), lambda b: scales.get(b.scale, "")),
        Column(_("Status"), lambda b: statuses.get(b.status, b.status)),
        Column(_("Diduga Ganda"), lambda b: yes if getattr(b, "has_open_duplicate", False) else ""),
        Column(_("Tanggal Dicatat"), lambda b: timezone.localtime(b.created_at).date()),
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
        businesses.defer(*UNUSED_BUSINESS_FIELDS).iterator(chunk_size=BATCH_SIZE),
        user=user,
        full_nik=full_nik,
        owner_of=lambda b: b.owner,
    )
    return ExportTable(
        columns=business_columns(full_nik=full_nik),
        rows=rows,
        filename="usaha",
        title=_("Daftar usaha"),
        count=businesses.count,
        permissions=nik_permissions(("registry.view_business",), full_nik=full_nik),
    )
