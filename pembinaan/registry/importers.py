"""Spreadsheet import of owners with their businesses (registered with the imports app in apps.py).

`OwnerBusinessImporter` takes rows already read and mapped (pembinaan/imports) and turns them into
a plan — created, updated, skipped, refused, with reasons — checking every value with the same
parsers and model rules as the web forms (lib/identifiers, lib/money, Business.clean). Existing
records are matched by rule 2f (registry/matching.py), looked up in bulk, one query per batch of
rows, so that a file of 100,000 rows takes seconds rather than minutes; the plan is written by the
registry bulk writer (registry/bulk.py).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pembinaan.imports.columns import Column
from pembinaan.imports.importers import Importer, TouchedRecords
from pembinaan.imports.plans import Plan
from pembinaan.imports.reading import NumberCell
from pembinaan.imports.regions import RegionMatcher
from pembinaan.lib.identifiers import parse_nib, parse_nik, parse_npwp, parse_phone
from pembinaan.lib.money import parse_rupiah
from pembinaan.reference.models import KbliCategory
from pembinaan.registry import bulk
from pembinaan.registry.kbli import category_of
from pembinaan.registry.matching import RowMatches, duplicates_scan_all, owner_of
from pembinaan.registry.models import (
    Business,
    BusinessSource,
    Gender,
    Owner,
    normalise_name,
    owner_fields_from_nik,
)
from pembinaan.registry.signals import announce_businesses_changed

COLUMNS = (
    Column("nik", "NIK", ("no nik", "nomor nik", "nik pemilik", "no ktp", "nomor ktp", "ktp")),
    Column(
        "owner_name",
        "Nama Pemilik",
        (
            "nama pemilik usaha",
            "pemilik",
            "pemilik usaha",
            "nama pelaku usaha",
            "pelaku usaha",
            "owner",
            "owner name",
            "nama lengkap",
        ),
        required=True,
    ),  # fmt: skip
    Column(
        "gender",
        "Jenis Kelamin",
        ("jk", "l/p", "jenis kelamin (l/p)", "jenis kelamin pemilik", "gender", "sex"),
    ),
    Column(
        "phone",
        "No HP",
        (
            "no hp",
            "nomor hp",
            "no. hp",
            "no telp",
            "no. telp",
            "no. telp/wa",
            "no telp/wa",
            "no wa",
            "nomor wa",
            "telepon",
            "telp",
            "whatsapp",
            "hp",
            "handphone",
            "no handphone",
            "phone",
            "mobile",
            "nomor telepon",
        ),
    ),  # fmt: skip
    Column("email", "Email", ("e-mail", "surel", "alamat email")),
    Column("owner_address", "Alamat Pemilik", ("alamat rumah", "alamat ktp", "owner address")),
    Column(
        "name",
        "Nama Usaha",
        (
            "nama umkm",
            "nama toko",
            "nama usaha/umkm",
            "nama ukm",
            "usaha",
            "umkm",
            "business name",
            "business",
            "nama",
        ),
        required=True,
    ),  # fmt: skip
    Column("nib", "NIB", ("no nib", "nomor nib", "nomor induk berusaha")),
    Column("npwp", "NPWP", ("no npwp", "nomor npwp")),
    Column("kecamatan", "Kecamatan", ("kec", "kec.", "district")),
    Column(
        "kelurahan",
        "Kelurahan",
        ("kel", "kel.", "kelurahan/desa", "desa/kelurahan", "desa", "village", "wilayah"),
        required=True,
    ),
    Column("address", "Alamat Usaha", ("alamat", "alamat tempat usaha", "lokasi usaha", "address")),
    Column("kbli_category", "Kategori KBLI", ("kbli kategori", "sektor", "category")),
    Column("kbli_code", "Kode KBLI", ("kbli", "kbli 5 digit", "kode kbli 5 digit")),
    Column("start_year", "Tahun Mulai", ("tahun mulai usaha", "tahun berdiri", "mulai usaha", "start year")),
    Column("employees", "Tenaga Kerja", ("jumlah tenaga kerja", "jumlah karyawan", "karyawan", "employees")),
    Column(
        "annual_sales",
        "Omzet per Tahun",
        (
            "omzet",
            "omset",
            "omzet tahunan",
            "omset per tahun",
            "omzet/tahun",
            "omzet per tahun (rp)",
            "penjualan per tahun",
            "annual sales",
        ),
    ),
    Column("capital", "Modal Usaha", ("modal", "modal usaha (rp)", "capital")),
    Column("products", "Produk", ("produk/jasa", "jenis produk", "kegiatan", "kegiatan usaha", "products")),
)
LABELS = {c.key: c.label for c in COLUMNS}
# Import column → model field, for the columns that are stored as they are.
OWNER_FIELD = {
    "owner_name": "name",
    "gender": "gender",
    "phone": "phone",
    "email": "email",
    "owner_address": "address",
}
BUSINESS_FIELD = {
    "name": "name", "nib": "nib", "npwp": "npwp", "kelurahan": "kelurahan_id", "address": "address",
    "kbli_category": "kbli_category_id", "kbli_code": "kbli_code", "start_year": "start_year",
    "employees": "employees", "annual_sales": "annual_sales", "capital": "capital", "products": "products",
}  # fmt: skip

OWNER_LABELS = {"nik": "NIK", **{name: LABELS[key] for key, name in OWNER_FIELD.items()}}
BUSINESS_LABELS = {name: LABELS[key] for key, name in BUSINESS_FIELD.items()}

# Above this many changed businesses the aggregates are rebuilt rather than refreshed one by one.
REBUILD_ABOVE = 5000
BATCH = 2000  # rows looked up together: one query per kind of lookup per batch
CHUNK = 10_000  # rows written together


# --- Values -------------------------------------------------------------------------------------


def _text(limit: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if len(value) > limit:
            raise ValidationError(
                _("Paling banyak %(limit)d karakter (yang diisi %(count)d).")
                % {"limit": limit, "count": len(value)}
            )
        return value

    return parse


def parse_gender(value: str) -> str:
    key = value.strip().lower().replace("-", "").replace(" ", "")
    if key in ("l", "lakilaki", "laki", "pria", "male", "m"):
        return Gender.MALE
    if key in ("p", "perempuan", "wanita", "female", "f"):
        return Gender.FEMALE
    raise ValidationError(_("Isi L (laki-laki) atau P (perempuan)."))


def parse_count(value: str) -> int:
    """A whole number of people or a year; Excel's `12.0` for 12 is accepted."""
    text = value.strip()
    if isinstance(value, NumberCell) and text.endswith(".0"):
        text = text[:-2]
    if not text.isdigit():
        raise ValidationError(_("Isi bilangan bulat, misalnya 12."))
    return int(text)


def parse_amount(value: str) -> int | None:
    if isinstance(value, NumberCell):
        number = float(value)
        if not number.is_integer() or number < 0:
            raise ValidationError(_("Isi dalam rupiah bulat, tanpa sen."))
        return int(number)
    return parse_rupiah(value)


_email = EmailValidator(message=_("Alamat email tidak sah."))


def parse_email(value: str) -> str:
    _email(value)
    return value.lower() if len(value) <= 254 else _text(254)(value)


def parse_kbli_code(value: str) -> str:
    text = value[:-2] if isinstance(value, NumberCell) and value.endswith(".0") else value
    return text.strip()


@dataclass
class OwnerBusinessPlan(Plan):
    """The plan with what the registry bulk writer will write: new owners and businesses (their
    values) and changes to existing ones ({pk: (row number, {field: value})})."""

    new_owners: list[dict] = field(default_factory=list)
    owner_changes: dict[int, tuple[int, dict]] = field(default_factory=dict)
    new_businesses: list[dict] = field(default_factory=list)
    business_changes: dict[int, tuple[int, dict]] = field(default_factory=dict)

    def take_new(self) -> tuple[list[dict], list[dict]]:
        """The owners and businesses planned since the last call, handed over to be written."""
        owners, businesses = self.new_owners, self.new_businesses
        self.new_owners, self.new_businesses = [], []
        return owners, businesses


@dataclass
class Row:
    number: int  # as in the spreadsheet (1 = the first row of the file)
    owner: dict[str, Any] = field(default_factory=dict)
    business: dict[str, Any] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)


class OwnerBusinessImporter(Importer):
    kind = "usaha"
    columns = COLUMNS
    writes_while_planning = True

    def __init__(self, *, by=None, options: dict | None = None):
        super().__init__(by=by, options=options)
        self.regions = RegionMatcher()
        self.kbli = {}
        for code, name in KbliCategory.objects.values_list("code", "name_id"):
            self.kbli[code.lower()] = code
            self.kbli[normalise_name(name)] = code
        self.parsers: dict[str, Callable[[str], Any]] = {
            "nik": lambda v: parse_nik(v, today=self.today),
            "owner_name": _text(150),
            "gender": parse_gender,
            "phone": parse_phone,
            "email": parse_email,
            "owner_address": _text(2000),
            "name": _text(200),
            "nib": parse_nib,
            "npwp": parse_npwp,
            "address": _text(2000),
            "kbli_category": self._kbli_category,
            "kbli_code": parse_kbli_code,
            "start_year": parse_count,
            "employees": parse_count,
            "annual_sales": parse_amount,
            "capital": parse_amount,
            "products": _text(2000),
        }
        self.today = timezone.localdate()
        self._model_checks: dict[tuple, list[tuple[str, str]]] = {}

    def _kbli_category(self, value: str) -> str:
        text = value.strip()
        key = (
            text[:1].lower() if len(text) == 1 or text[1:2] in (" ", "-", "–", ".") else normalise_name(text)
        )
        code = self.kbli.get(key) or self.kbli.get(normalise_name(text))
        if code is None:
            raise ValidationError(
                _('Kategori KBLI "%(value)s" tidak dikenal; isi huruf A–U.') % {"value": text}
            )
        return code

    # --- One row -----------------------------------------------------------------------------

    def clean_row(self, number: int, cells: dict[str, str]) -> Row:
        """Parse and check one row's cells (keyed by column); errors are collected, not raised."""
        row = Row(number=number)
        self._parse_cells(row, cells)
        for key in ("owner_name", "name", "kelurahan"):
            if not cells.get(key):
                row.errors.append((LABELS[key], _("Wajib diisi.")))
        self._find_region(row, cells)
        if not row.errors:
            self._check_business(row)
        return row

    def _parse_cells(self, row: Row, cells: dict[str, str]) -> None:
        owner, business = row.owner, row.business
        for key, value in cells.items():
            parse = self.parsers.get(key)
            if parse is None or value == "":
                continue
            try:
                parsed = parse(value)
            except ValidationError as exc:
                row.errors.append((LABELS[key], " ".join(exc.messages)))
                continue
            if key == "nik":
                owner.update(owner_fields_from_nik(parsed))
            elif key in OWNER_FIELD:
                # The NIK decides the gender (rule 3); a typed one is kept only without a NIK.
                if not (key == "gender" and "nik" in owner):
                    owner[OWNER_FIELD[key]] = parsed
            else:
                business[BUSINESS_FIELD[key]] = parsed

    def _find_region(self, row: Row, cells: dict[str, str]) -> None:
        kecamatan = cells.get("kecamatan", "")
        if kecamatan:
            try:
                self.regions.kecamatan_code(kecamatan)
            except ValidationError as exc:
                row.errors.append((LABELS["kecamatan"], " ".join(exc.messages)))
                kecamatan = ""
        if cells.get("kelurahan"):
            try:
                row.business["kelurahan_id"] = self.regions.kelurahan_code(cells["kelurahan"], kecamatan)
            except ValidationError as exc:
                row.errors.append((LABELS["kelurahan"], " ".join(exc.messages)))

    def _check_business(self, row: Row) -> None:
        # The model's own rules (start year, KBLI code and category), as in the web form. Rows
        # repeat few combinations of these values, so each combination is checked once.
        business = row.business
        key = (business.get("start_year"), business.get("kbli_code", ""), business.get("kbli_category_id"))
        problems = self._model_checks.get(key)
        if problems is None:
            problems = self._model_checks[key] = self._check_model_rules(*key)
        row.errors.extend(problems)
        if business.get("kbli_code") and "kbli_category_id" not in business and not row.errors:
            business["kbli_category_id"] = category_of(business["kbli_code"])

    def _check_model_rules(self, start_year, kbli_code, kbli_category_id) -> list[tuple[str, str]]:
        # A bare instance: Business.clean() reads only these attributes.
        probe = Business.__new__(Business)
        probe.__dict__.update(
            start_year=start_year, kbli_code=kbli_code, kbli_category_id=kbli_category_id, certifications=[]
        )
        try:
            probe.clean()
        except ValidationError as exc:
            return [
                (next((LABELS[k] for k, f in BUSINESS_FIELD.items() if f.removesuffix("_id") == name), name),
                 " ".join(messages))
                for name, messages in exc.message_dict.items()
            ]  # fmt: skip
        return []

    # --- The whole file ----------------------------------------------------------------------

    def plan(
        self,
        records,
        *,
        total: int | None = None,
        progress: Callable[[int], None] | None = None,
        on_chunk: Callable[[OwnerBusinessPlan], None] | None = None,
    ) -> OwnerBusinessPlan:
        """Classify every row; reads the database (in batches) but never writes to it.

        With `on_chunk`, it is called whenever about CHUNK new records have been planned, and once
        at the end, so that they can be written (`write_new`) while the rest is still planned.
        """
        plan = OwnerBusinessPlan()
        seen = _Seen()
        records = iter(records)
        while batch := [self.clean_row(number, cells) for number, cells in itertools.islice(records, BATCH)]:
            plan.rows_total += len(batch)
            self._plan_batch(plan, batch, seen)
            if progress:
                progress(plan.rows_total)
            if on_chunk is not None and len(plan.new_businesses) >= CHUNK:
                on_chunk(plan)
        if on_chunk is not None:
            on_chunk(plan)
        return plan

    def _plan_batch(self, plan: OwnerBusinessPlan, rows: list[Row], seen: _Seen) -> None:
        valid = [r for r in rows if not r.errors]
        for row in valid:
            row.business["name_normalized"] = normalise_name(row.business["name"])
        matches = RowMatches.load(
            [r.owner for r in valid], [r.business for r in valid], business_columns=BUSINESS_FIELD.values()
        )
        for row in rows:
            if row.errors:
                plan.refused_rows.append(row.number)
                plan.errors.extend([row.number, column, message] for column, message in row.errors)
                continue
            self._plan_row(plan, row, matches, seen)

    def _refuse(self, plan: OwnerBusinessPlan, row: Row, column: str, message: str) -> None:
        plan.refused_rows.append(row.number)
        plan.errors.append([row.number, LABELS[column], message])

    def _plan_row(self, plan: OwnerBusinessPlan, row: Row, matches: RowMatches, seen: _Seen) -> None:
        """A row is a new business, a change to one, a repeat, or refused (rule 2f)."""
        business_key = _business_key(row.business)
        if business_key in seen.business:
            plan.skipped += 1
            plan.notes.append(
                [
                    row.number,
                    _("Dilewati: baris ganda dalam berkas (sama dengan baris %(row)d).")
                    % {"row": seen.business[business_key]},
                ]
            )
            return
        owner_key = _owner_key(row)
        existing = matches.business(row.owner, row.business)
        owner_ref, owner_change = self._owner_ref(plan, row, owner_key, matches, existing, seen)
        if owner_ref is None:
            return
        if existing is not None and existing["owner_id"] != owner_ref:
            self._refuse(
                plan, row, "nib" if row.business.get("nib") else "name",
                _("Usaha ini sudah terdaftar atas pelaku usaha lain; periksa NIK/NIB atau gabungkan datanya di registri."),
            )  # fmt: skip
            return
        seen.business[business_key] = row.number
        if owner_key not in seen.owner:
            self._plan_owner(plan, row, owner_key, owner_ref, owner_change, seen)
        if existing is None:
            self._plan_new_business(plan, row, owner_ref)
        else:
            self._plan_business_change(plan, row, existing, owner_change)

    def _owner_ref(
        self,
        plan: OwnerBusinessPlan,
        row: Row,
        owner_key: str,
        matches: RowMatches,
        existing: dict | None,
        seen: _Seen,
    ) -> tuple[int | dict | None, dict]:
        """The row's owner: one met earlier in the file, an existing one (with the row's changes to
        it), or the row's values for a new one; None when the row is refused."""
        if owner_key in seen.owner:
            return seen.owner[owner_key][1], {}
        found = matches.owner(row.owner)
        if found is None and existing is not None:
            found = owner_of(existing)  # a known business whose owner the row does not identify otherwise
        if found is not None:
            return found["pk"], _owner_change(row.owner, found)
        if not row.owner.get("gender"):
            self._refuse(plan, row, "gender", _("Isi jenis kelamin bila NIK tidak diisi."))
            return None, {}
        return row.owner, {}

    @staticmethod
    def _plan_owner(
        plan: OwnerBusinessPlan, row: Row, owner_key: str, owner_ref: int | dict, change: dict, seen: _Seen
    ):
        seen.owner[owner_key] = (row.number, owner_ref)
        if isinstance(owner_ref, dict):
            plan.new_owners.append(owner_ref)
            owner_ref["_row"] = row.number
        elif change:
            plan.owner_changes[owner_ref] = (row.number, change)

    @staticmethod
    def _plan_new_business(plan: OwnerBusinessPlan, row: Row, owner_ref: int | dict) -> None:
        row.business["_owner"] = owner_ref
        row.business["_row"] = row.number
        plan.new_businesses.append(row.business)
        plan.created += 1

    @staticmethod
    def _plan_business_change(plan: OwnerBusinessPlan, row: Row, existing: dict, owner_change: dict) -> None:
        change = {k: v for k, v in row.business.items() if k != "name_normalized" and existing.get(k) != v}
        if change:
            plan.business_changes[existing["pk"]] = (row.number, change)
        if not change and not owner_change:
            plan.skipped += 1
            plan.notes.append(
                [row.number, _("Dilewati: sama dengan data usaha #%(pk)s.") % {"pk": existing["pk"]}]
            )
            return
        plan.updated += 1
        labels = [OWNER_LABELS[k] for k in owner_change if k in OWNER_LABELS]
        labels += [BUSINESS_LABELS[k] for k in change if k in BUSINESS_LABELS]
        plan.notes.append(
            [
                row.number,
                _("Memperbarui usaha #%(pk)s: %(cols)s.") % {"pk": existing["pk"], "cols": ", ".join(labels)},
            ]
        )

    # --- Writing (through the registry bulk writer) --------------------------------------------

    @transaction.atomic
    def apply(self, plan: OwnerBusinessPlan, *, by, run_id: int) -> TouchedRecords:
        """Write the plan; returns the records touched, for the import's own record."""
        touched = self.touched()
        owners, businesses = plan.take_new()
        self.write_new(owners, businesses, by=by, run_id=run_id, touched=touched)
        self.write_changes(plan, by=by, touched=touched)
        return touched

    def after_write(self, touched: TouchedRecords) -> None:
        """Keep the dashboard's tallies and the duplicate list true in the import's transaction."""
        if not touched.get("registry.owner") and not touched.get("registry.business"):
            return
        # New businesses have no attendance yet, so only changed records can move a figure.
        changed_owners = [
            pk for pk, _row, action, _f in touched.get("registry.owner", []) if action == "diubah"
        ]
        changed = {pk for pk, _row, action, _f in touched.get("registry.business", []) if action == "diubah"}
        if changed_owners:
            changed.update(Business.objects.filter(owner__in=changed_owners).values_list("pk", flat=True))
        if len(changed) > REBUILD_ABOVE:
            announce_businesses_changed(None)
        elif changed:
            announce_businesses_changed(changed)
        duplicates_scan_all()

    def touched(self) -> TouchedRecords:
        return {"registry.owner": [], "registry.business": []}

    def write_new(
        self, owners: list[dict], businesses: list[dict], *, by, run_id: int, touched: dict
    ) -> None:
        """Insert planned new owners, then new businesses (whose owners are written by now)."""
        # In chunks, each row dict dropped once written: peak memory stays well under the file's size
        # times a few, whatever the number of rows.
        for start in range(0, len(owners), CHUNK):
            prepared = self.prepare_new(owners[start : start + CHUNK], [], by=by)
            self.write_prepared(prepared, touched=touched, run_id=run_id)
        for start in range(0, len(businesses), CHUNK):
            prepared = self.prepare_new([], businesses[start : start + CHUNK], by=by)
            self.write_prepared(prepared, touched=touched, run_id=run_id)

    def prepare_planned(self, plan: OwnerBusinessPlan, *, by, keep: bool = True) -> bulk.NewRecords | None:
        """Take the new records planned since the last call off the plan, and prepare them to be
        written unless `keep` is false (the file will be refused)."""
        owners, businesses = plan.take_new()
        return self.prepare_new(owners, businesses, by=by) if keep else None

    def prepare_new(self, owners: list[dict], businesses: list[dict], *, by) -> bulk.NewRecords:
        """The rows of planned new owners and businesses, with their ids, ready to be written.

        On PostgreSQL the COPY text is built here too, so that an import can prepare a piece in
        the planning thread while the writing thread sends the previous one (imports/services).
        """
        # One time for the whole import, however many pieces it is written in.
        now = self._written_at = getattr(self, "_written_at", None) or timezone.now()
        prepared = bulk.NewRecords(now=now, by_id=by.pk if by else None, source=BusinessSource.IMPORT)
        owner_rows = [
            {**bulk.owner_row(values, by_id=prepared.by_id), "_row": values["_row"]} for values in owners
        ]
        bulk.prepare_owners(prepared, owner_rows)
        for values, row in zip(owners, owner_rows, strict=True):
            # Later rows of the same owner point at this dict: from now on it holds the owner's id.
            values.clear()
            values["pk"] = row["id"]
        with_owner = []
        for values in businesses:
            owner = values.pop("_owner")
            with_owner.append((values, owner if isinstance(owner, int) else owner["pk"]))
        bulk.prepare_businesses(prepared, with_owner)
        return prepared

    def write_prepared(self, prepared: bulk.NewRecords, *, touched: dict, run_id: int) -> None:
        bulk.write_prepared(prepared, reason=_("Diimpor dari berkas (impor #%(run)s)") % {"run": run_id})
        touched["registry.owner"].extend((r["id"], r["_row"], "dibuat", []) for r in prepared.owner_rows)
        touched["registry.business"].extend(
            (r["id"], r["_row"], "dibuat", []) for r in prepared.business_rows
        )

    def write_changes(self, plan: OwnerBusinessPlan, *, by, touched: dict) -> None:
        """Update the existing owners and businesses the plan changes (after `write_new`)."""
        touched["registry.owner"].extend(bulk.update_with_history(Owner, plan.owner_changes, by=by))
        touched["registry.business"].extend(bulk.update_with_history(Business, plan.business_changes, by=by))


@dataclass
class _Seen:
    """Owners and businesses met earlier in the file: key → (row, new owner's values or pk); key → row."""

    owner: dict[str, tuple[int, dict | int]] = field(default_factory=dict)
    business: dict[str, int] = field(default_factory=dict)


def _business_key(values: dict) -> str:
    """Two rows with the same key are one business: the same NIB, else the same name in one kelurahan."""
    if values.get("nib"):
        return f"nib:{values['nib']}"
    return f"name:{values['kelurahan_id']}:{values['name_normalized']}"


def _owner_key(row: Row) -> str:
    """Two rows with the same key are one owner: the same NIK, else the same phone; else none."""
    nik, phone = row.owner.get("nik"), row.owner.get("phone")
    return f"nik:{nik}" if nik else (f"phone:{phone}" if phone else f"row:{row.number}")


def _owner_change(values: dict, existing: dict) -> dict:
    change = {k: v for k, v in values.items() if existing.get(k) != v}
    if values.get("nik") and existing.get("nik") == values["nik"]:
        # Gender and birth date follow a NIK when it is entered, not on every re-import.
        change.pop("gender", None)
        change.pop("birth_date", None)
    return change
