"""Spreadsheet imports of coaching's records: an activity's participants (with attendance),
outcomes, and grants (bantuan permodalan). Registered with the imports app in apps.py.

Rows are written through the services, so a file follows the web forms' rules: capacity, no
attendance before an activity starts, outcomes dated no later than today and, when linked to an
activity, only for a business that attended it; a grant goes through the grant workflow's steps.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pembinaan.coaching import grants as grant_services
from pembinaan.coaching import services
from pembinaan.coaching.models import Activity, Outcome, OutcomeType, Participation, ParticipationStatus
from pembinaan.coaching.pickers import ActivityChoiceField
from pembinaan.funding.models import BudgetLine, CapitalAssistance
from pembinaan.imports.columns import Column
from pembinaan.imports.reading import NumberCell
from pembinaan.imports.rowwise import RowImporter
from pembinaan.lib.money import parse_rupiah
from pembinaan.registry.matching import BusinessFinder

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


def _activity_field() -> forms.Field:
    """The upload form's activity: whose participants these are, or the grants' default round."""
    return ActivityChoiceField(
        label=gettext_lazy("Kegiatan (untuk impor peserta)"),
        help_text=gettext_lazy(
            "Untuk impor bantuan permodalan: putaran penyaluran bagi baris yang kolom putarannya kosong."
        ),
        queryset=Activity.objects.not_cancelled().order_by("-start_date", "-pk"),
        required=False,
    )


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

    @classmethod
    def upload_fields(cls) -> dict[str, forms.Field]:
        return {"activity": _activity_field()}

    @classmethod
    def upload_options(cls, cleaned_data: dict[str, Any]) -> dict:
        if not cleaned_data.get("activity"):
            raise ValidationError({"activity": _("Pilih kegiatan yang pesertanya diimpor.")})
        return {"activity": cleaned_data["activity"].pk}

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


def _words(value: object) -> str:
    return " ".join(str(value or "").lower().split())


G = CapitalAssistance.Status
_STATUS_RANK = {G.PROPOSED: 0, G.APPROVED: 1, G.DISBURSED: 2}


class CapitalAssistanceImporter(RowImporter):
    """Grants (bantuan permodalan), each through the grant services like the web screens.

    The status a row arrives in follows what the file says happened: a disbursement date means the
    grant was proposed, approved and disbursed (so realisasi and the recipient's "terbina" count);
    "Disetujui" in the status column without a disbursement date means proposed and approved;
    anything else is a proposal. A second grant in one fiscal year from another source is approved
    only with a reason in "Alasan Bantuan Kedua", as on the approval screen.
    """

    kind = "bantuan"
    columns = (
        *IDENTITY,
        Column(
            "round",
            "Putaran Penyaluran",
            ("putaran", "kegiatan", "nama kegiatan", "kegiatan penyaluran", "round"),
            help=_("Judul kegiatan berjenis Bantuan Permodalan."),
        ),
        Column(
            "budget_code",
            "Kode Rekening/DPA",
            ("kode rekening", "kode", "dpa", "pagu", "program", "budget line"),
            help=_("Kode rekening atau nama program pagu; kosong = pagu putaran itu."),
        ),
        Column("date", "Tanggal", ("tanggal usulan", "tgl", "tgl usulan", "date"), required=True),
        Column("form", "Bentuk", ("bentuk bantuan", "jenis bantuan", "form")),
        Column(
            "amount", "Nilai (Rp)", ("nilai", "nilai bantuan", "jumlah", "nominal", "amount"), required=True
        ),
        Column("status", "Status", ("status bantuan", "keputusan")),
        Column(
            "approved_on",
            "Tanggal Disetujui",
            ("tgl disetujui", "tanggal persetujuan", "disetujui"),
            help=_("Tanggal keputusan persetujuan; kosong = tanggal impor."),
        ),
        Column("disbursed_on", "Tanggal Disalurkan", ("tgl disalurkan", "tanggal penyaluran", "disalurkan")),
        Column("reason", "Alasan Bantuan Kedua", ("alasan", "alasan persetujuan")),
        Column("description", "Uraian", ("keterangan", "uraian bantuan", "description")),
    )

    @classmethod
    def upload_fields(cls) -> dict[str, forms.Field]:
        return {"activity": _activity_field()}

    @classmethod
    def upload_options(cls, cleaned_data: dict[str, Any]) -> dict:
        activity = cleaned_data.get("activity")
        return {"activity": activity.pk} if activity else {}

    @property
    def labels(self) -> dict[str, str]:
        # The services name the round "activity"; the file calls it "Putaran Penyaluran".
        labels = super().labels
        return {**labels, "activity": labels["round"]}

    def plan(self, records, *, total=None, progress=None):
        records = list(records)
        self.finder = BusinessFinder([cells for _n, cells in records])
        self.rounds: dict[str, list[Activity]] = {}
        rounds = Activity.objects.not_cancelled().filter(coaching_type__code=grant_services.GRANT_ROUND_TYPE)
        for activity in rounds.select_related("budget_line"):
            self.rounds.setdefault(_words(activity.title), []).append(activity)
        self.default_round = rounds.filter(pk=self.options.get("activity")).first()
        self.lines: dict[tuple[int, int], list[BudgetLine]] = {}
        for line in BudgetLine.objects.all():
            self.lines.setdefault((line.source_id, line.fiscal_year), []).append(line)
        self.forms = {}
        for value, label in CapitalAssistance.Form.choices:
            self.forms[_words(value)] = self.forms[_words(label)] = value
        self.statuses = {}
        for value, label in G.choices:
            self.statuses[_words(value)] = self.statuses[_words(label)] = value
        return super().plan(records, total=total, progress=progress)

    def _round(self, cells):
        if not cells.get("round"):
            if self.default_round is None:
                raise ValidationError(_("Isi judul putaran penyaluran (kegiatan Bantuan Permodalan)."))
            return self.default_round
        found = self.rounds.get(_words(cells["round"]), [])
        if not found:
            raise ValidationError(
                _('Tidak ada kegiatan Bantuan Permodalan berjudul "%(title)s".') % {"title": cells["round"]}
            )
        if len(found) > 1:
            raise ValidationError(_("Lebih dari satu kegiatan berjudul ini; ubah judulnya agar berbeda."))
        return found[0]

    def _line(self, activity, wanted: str):
        line = activity.budget_line
        if not wanted:
            return line
        key = _words(wanted)
        found = [
            candidate
            for candidate in self.lines.get((line.source_id, line.fiscal_year), [])
            if key in (_words(candidate.budget_code), _words(candidate.programme))
        ]
        if len(found) != 1:
            raise ValidationError(
                _("Tidak ada satu pagu %(source)s TA %(year)s dengan kode atau program ini.")
                % {"source": line.source.name, "year": line.fiscal_year}
            )
        return found[0]

    def clean_row(self, cells):
        errors, values = {}, {}
        try:
            values["business"] = self.finder.find(cells)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        try:
            values["activity"] = self._round(cells)
            values["budget_line"] = self._line(values["activity"], cells.get("budget_code", ""))
        except ValidationError as exc:
            errors.setdefault("round" if "activity" not in values else "budget_code", []).extend(exc.messages)
        for key in ("date", "approved_on", "disbursed_on"):
            if cells.get(key):
                try:
                    values[key] = parse_date(cells[key])
                except ValidationError as exc:
                    errors[key] = exc.messages
        if not cells.get("date"):
            errors["date"] = [_("Isi tanggal usulan bantuan.")]
        try:
            amount = cells.get("amount", "")
            values["amount"] = parse_rupiah(
                amount.removesuffix(".0") if isinstance(amount, NumberCell) else amount
            )
        except ValidationError as exc:
            errors["amount"] = exc.messages
        else:
            if not values["amount"]:
                errors["amount"] = [_("Nilai bantuan harus lebih dari nol rupiah.")]
        values["form"] = self.forms.get(_words(cells.get("form")) or "tunai")
        if values["form"] is None:
            errors["form"] = [_("Isi tunai, peralatan, bahan baku atau lainnya.")]
        status = self.statuses.get(_words(cells.get("status")) or "diusulkan")
        if status is None:
            errors["status"] = [_("Isi diusulkan, disetujui atau disalurkan.")]
        elif status == G.CANCELLED:
            pass  # only as the record of a grant already cancelled here (write_row)
        elif cells.get("disbursed_on"):
            status = G.DISBURSED
        elif status == G.DISBURSED:
            errors["disbursed_on"] = [_("Bantuan yang disalurkan perlu tanggal disalurkan.")]
        values["status"] = status
        values["reason"] = cells.get("reason", "")
        values["description"] = cells.get("description", "")
        values["has_description"] = "description" in cells
        values["line_given"] = bool(cells.get("budget_code"))
        if errors:
            raise ValidationError(errors)
        return values

    def _advance(self, grant, values) -> None:
        # A file records decisions already taken outside the portal (rule 14 held on paper); only
        # a user who may take that step in the portal may record it, so Staf Dinas cannot approve
        # or pay through a file what the grant page refuses them.
        if _STATUS_RANK[grant.status] < 1 <= _STATUS_RANK[values["status"]]:
            self._may(
                grant_services.APPROVE,
                _("Hanya Kepala Bidang atau Admin Dinas yang dapat mengimpor bantuan yang disetujui."),
            )
            grant = grant_services.grant_approve(
                grant=grant,
                by=self.by,
                reason=values["reason"],
                approved_on=values.get("approved_on"),
                decided_outside_portal=True,
            )
        if grant.status == G.APPROVED and values["status"] == G.DISBURSED:
            self._may(
                grant_services.DISBURSE,
                _("Hanya Bendahara atau Admin Dinas yang dapat mengimpor bantuan yang disalurkan."),
            )
            grant_services.grant_disburse(
                grant=grant, by=self.by, disbursed_on=values["disbursed_on"], decided_outside_portal=True
            )

    def _may(self, step: str, refusal: str) -> None:
        if not self.by.has_perm(grant_services.PERMISSIONS[step]):
            raise ValidationError({"status": refusal})

    def write_row(self, values):
        grant = CapitalAssistance.objects.filter(
            activity=values["activity"], business=values["business"]
        ).first()
        if grant is None:
            return self._propose(values)
        if values["status"] == G.CANCELLED or grant.status == G.CANCELLED:
            return self._cancelled(grant, values)
        changed = _grant_changes(grant, values)
        advances = _STATUS_RANK[values["status"]] > _STATUS_RANK[grant.status]
        if not changed and not advances:
            return "skipped", _("Dilewati: bantuan ini sudah sama."), []
        if changed:
            grant = grant_services.grant_update(grant=grant, by=self.by, **changed)
        self._advance(grant, values)
        fields_changed = [*changed, *(["status"] if advances else [])]
        return (
            "updated",
            _("Bantuan #%(pk)s diperbarui.") % {"pk": grant.pk},
            [("funding.capitalassistance", grant.pk, "diubah", fields_changed)],
        )

    def _propose(self, values):
        """A grant the portal does not have yet: proposed, then taken as far as the file says."""
        if values["status"] == G.CANCELLED:
            raise ValidationError(
                {
                    "status": _(
                        "Bantuan yang dibatalkan tidak diimpor; hanya usulan, disetujui atau disalurkan."
                    )
                }
            )
        grant = grant_services.grant_propose(
            by=self.by,
            business=values["business"],
            activity=values["activity"],
            amount=values["amount"],
            date=values["date"],
            form=values["form"],
            description=values["description"],
            budget_line=values["budget_line"],
        )
        self._advance(grant, values)
        return "created", "", [("funding.capitalassistance", grant.pk, "dibuat", [])]

    @staticmethod
    def _cancelled(grant, values):
        # A cancellation needs its reason, given on the grant's screen; an exported cancelled
        # grant read back is left as it is.
        if grant.status == values["status"]:
            return "skipped", _("Dilewati: bantuan ini sudah dibatalkan."), []
        raise ValidationError(
            {
                "status": _("Bantuan ini dibatalkan di portal; ubah lewat layar bantuan.")
                if grant.status == G.CANCELLED
                else _("Pembatalan tidak diimpor; batalkan di layar bantuan dengan alasannya.")
            }
        )


def _grant_changes(grant, values) -> dict:
    """What the row changes in an existing grant; a disbursed grant is changed only on its screen."""
    changed = {
        key: values[key]
        for key in ("date", "form", "amount", "budget_line")
        if getattr(grant, key) != values[key] and (key != "budget_line" or values["line_given"])
    }
    if values["has_description"] and grant.description != values["description"]:
        changed["description"] = values["description"]
    if grant.status == G.DISBURSED and values.get("disbursed_on") not in (None, grant.disbursed_on):
        changed["disbursed_on"] = values["disbursed_on"]
    if changed and grant.status == G.DISBURSED:
        raise ValidationError(
            _("Bantuan ini sudah disalurkan; ubah datanya di layar bantuan dengan alasan perubahan.")
        )
    return changed
