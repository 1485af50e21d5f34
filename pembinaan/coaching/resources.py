"""Spreadsheet imports of an activity's participants (with attendance) and of outcomes.

Rows are written through coaching/services.py, so the file follows the web forms' rules: capacity,
no attendance before an activity starts, outcomes dated no later than today and, when linked to an
activity, only for a business that attended it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources

from pembinaan.coaching import services
from pembinaan.coaching.models import Activity, Outcome, OutcomeType, Participation, ParticipationStatus
from pembinaan.imports.columns import Column
from pembinaan.imports.reading import NumberCell
from pembinaan.imports.rowwise import BusinessFinder, RowImporter
from pembinaan.lib.money import parse_rupiah

IDENTITY = (
    Column("nik", "NIK", ("nik pemilik", "no nik", "no ktp")),
    Column("nib", "NIB", ("no nib", "nomor induk berusaha")),
    Column("name", "Nama Usaha", ("nama umkm", "usaha", "nama")),
)
_STATUS_WORDS = {
    "hadir": ParticipationStatus.ATTENDED, "h": ParticipationStatus.ATTENDED, "ya": ParticipationStatus.ATTENDED,
    "v": ParticipationStatus.ATTENDED, "1": ParticipationStatus.ATTENDED, "attended": ParticipationStatus.ATTENDED,
    "tidak hadir": ParticipationStatus.ABSENT, "tidak-hadir": ParticipationStatus.ABSENT,
    "absen": ParticipationStatus.ABSENT, "tidak": ParticipationStatus.ABSENT, "0": ParticipationStatus.ABSENT,
    "terdaftar": ParticipationStatus.REGISTERED, "daftar": ParticipationStatus.REGISTERED,
    "batal": ParticipationStatus.CANCELLED,
}  # fmt: skip


def parse_status(value: str) -> str:
    status = _STATUS_WORDS.get(" ".join(value.lower().split()).removesuffix(".0"))
    if status is None:
        raise ValidationError(_("Isi hadir, tidak hadir, terdaftar atau batal."))
    return status


def parse_date(value: str) -> datetime.date:
    if isinstance(value, NumberCell):
        raise ValidationError(
            _("Tanggal tersimpan sebagai angka; format sel sebagai tanggal (misalnya 28/11/2026).")
        )
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.datetime.strptime(value.strip()[:10], pattern).date()
        except ValueError:
            continue
    raise ValidationError(_("Tanggal tidak dikenali; tulis seperti 28/11/2026."))


class ParticipantResource(resources.ModelResource):
    nik = fields.Field(attribute="business__owner__nik", column_name="NIK")
    nib = fields.Field(attribute="business__nib", column_name="NIB")
    name = fields.Field(attribute="business__name", column_name="Nama Usaha")
    status = fields.Field(attribute="status", column_name="Status Kehadiran")
    note = fields.Field(attribute="note", column_name="Catatan")

    class Meta:
        model = Participation
        fields = ("nik", "nib", "name", "status", "note")
        export_order = fields


class ParticipantImporter(RowImporter):
    """Participants of one activity (chosen at upload), found by NIB or owner's NIK."""

    kind = "peserta"
    columns = (
        *IDENTITY,
        Column("status", "Status Kehadiran", ("status", "kehadiran", "hadir", "absensi", "attendance")),
    )

    def __init__(self, *, by=None, options: dict | None = None):
        super().__init__(by=by, options=options)
        activity = Activity.objects.filter(pk=self.options.get("activity")).first()
        if activity is None:
            raise ValidationError({"activity": _("Pilih kegiatan yang pesertanya diimpor.")})
        self.activity = activity
        self.seen: dict[int, int] = {}

    def plan(self, records, *, total=None, progress=None):
        records = list(records)
        self.finder = BusinessFinder([cells for _n, cells in records])
        self.seen = {}
        return super().plan(records, total=total, progress=progress)

    def clean_row(self, cells: dict[str, str]) -> dict[str, Any]:
        business = self.finder.find(cells)
        status = ParticipationStatus.REGISTERED
        if cells.get("status"):
            try:
                status = parse_status(cells["status"])
            except ValidationError as exc:
                raise ValidationError({"status": exc.messages}) from None
        return {"business": business, "status": status}

    def write_row(self, values):
        business, status = values["business"], values["status"]
        activity = self.activity
        existing = Participation.objects.filter(activity=activity, business=business).first()
        if existing is not None and existing.status == status:
            return (
                "skipped",
                _("Dilewati: %(name)s sudah tercatat %(status)s.")
                % {
                    "name": business.name,
                    "status": existing.get_status_display(),
                },
                [],
            )
        created = existing is None or existing.status == ParticipationStatus.CANCELLED
        if created:
            existing = services.participation_add(activity=activity, business=business, by=self.by)
        if existing.status != status:
            services.attendance_record(activity=activity, statuses={existing.pk: status}, by=self.by)
        action = "created" if created else "updated"
        note = "" if created else _("Status %(name)s diubah.") % {"name": business.name}
        return (
            action,
            note,
            [("coaching.participation", existing.pk, "dibuat" if created else "diubah", ["status"])],
        )


class OutcomeImporter(RowImporter):
    kind = "capaian"
    columns = (
        *IDENTITY,
        Column("outcome_type", "Jenis Capaian", ("capaian", "jenis", "outcome"), required=True),
        Column("achieved_on", "Tanggal", ("tanggal capaian", "tgl", "date"), required=True),
        Column(
            "reference_number", "Nomor Dokumen", ("nomor", "no dokumen", "nomor sertifikat", "no sertifikat")
        ),
        Column("institution", "Lembaga", ("lembaga/bank", "bank", "penerbit")),
        Column("amount", "Nilai (Rp)", ("nilai", "jumlah", "nominal", "amount")),
        Column("note", "Catatan", ("keterangan", "note")),
    )

    def plan(self, records, *, total=None, progress=None):
        records = list(records)
        self.finder = BusinessFinder([cells for _n, cells in records])
        self.types = {}
        for outcome_type in OutcomeType.objects.all():
            self.types[outcome_type.code] = outcome_type
            self.types[" ".join(outcome_type.name.lower().split())] = outcome_type
        return super().plan(records, total=total, progress=progress)

    def clean_row(self, cells):
        errors, values = {}, {}
        try:
            values["business"] = self.finder.find(cells)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        kind = self.types.get(" ".join(cells.get("outcome_type", "").lower().split()))
        if kind is None:
            names = ", ".join(sorted(t.name for t in set(self.types.values())))
            errors["outcome_type"] = [
                _("Jenis capaian tidak dikenal; pilih salah satu: %(names)s.") % {"names": names}
            ]
        values["outcome_type"] = kind
        try:
            values["achieved_on"] = parse_date(cells.get("achieved_on", ""))
        except ValidationError as exc:
            errors["achieved_on"] = exc.messages
        if cells.get("amount"):
            try:
                values["amount"] = parse_rupiah(cells["amount"].removesuffix(".0"))
            except ValidationError as exc:
                errors["amount"] = exc.messages
        for key in ("reference_number", "institution", "note"):
            values[key] = cells.get(key, "")
        if errors:
            raise ValidationError(errors)
        return values

    def write_row(self, values):
        same = Outcome.objects.filter(
            business=values["business"],
            outcome_type=values["outcome_type"],
            achieved_on=values["achieved_on"],
            reference_number=values["reference_number"],
        ).first()
        if same is not None:
            return "skipped", _("Dilewati: capaian ini sudah tercatat."), []
        outcome = services.outcome_record(by=self.by, **values)
        return "created", "", [("coaching.outcome", outcome.pk, "dibuat", [])]
