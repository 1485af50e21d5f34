"""Spreadsheet imports of budget lines (pagu, Admin Dinas only) and capital assistance, through
funding/services.py like the web screens."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources

from pembinaan.coaching.models import Activity
from pembinaan.coaching.resources import IDENTITY, parse_date
from pembinaan.funding import services
from pembinaan.funding.models import BudgetLine, CapitalAssistance, FundingSource
from pembinaan.imports.columns import Column
from pembinaan.imports.reading import NumberCell
from pembinaan.imports.rowwise import BusinessFinder, RowImporter
from pembinaan.lib.money import parse_rupiah


class BudgetLineResource(resources.ModelResource):
    source = fields.Field(attribute="source__name", column_name="Sumber Dana")
    fiscal_year = fields.Field(attribute="fiscal_year", column_name="Tahun Anggaran")
    amount = fields.Field(attribute="amount", column_name="Pagu")
    programme = fields.Field(attribute="programme", column_name="Program")
    budget_code = fields.Field(attribute="budget_code", column_name="Kode Rekening")
    note = fields.Field(attribute="note", column_name="Catatan")

    class Meta:
        model = BudgetLine
        fields = ("source", "fiscal_year", "amount", "programme", "budget_code", "note")
        export_order = fields


class BudgetLineImporter(RowImporter):
    kind = "pagu"
    columns = (
        Column("source", "Sumber Dana", ("sumber", "sumber anggaran", "source"), required=True),
        Column("fiscal_year", "Tahun Anggaran", ("tahun", "ta", "year"), required=True),
        Column("amount", "Pagu", ("pagu (rp)", "nilai pagu", "anggaran", "jumlah", "amount"), required=True),
        Column("programme", "Program", ("program/sub-kegiatan", "sub kegiatan", "kegiatan", "programme")),
        Column("budget_code", "Kode Rekening", ("kode", "kode rekening / dpa", "dpa", "kode anggaran")),
        Column("note", "Catatan", ("keterangan", "note")),
    )

    def plan(self, records, *, total=None, progress=None):
        records = list(records)
        self.sources = {}
        for source in FundingSource.objects.all():
            self.sources[source.code] = source
            self.sources[" ".join(source.name.lower().split())] = source
        return super().plan(records, total=total, progress=progress)

    def clean_row(self, cells):
        errors, values = {}, {}
        source = self.sources.get(" ".join(cells.get("source", "").lower().split()))
        if source is None:
            names = ", ".join(sorted({s.name for s in self.sources.values()}))
            errors["source"] = [
                _("Sumber dana tidak dikenal; pilih salah satu: %(names)s.") % {"names": names}
            ]
        values["source"] = source
        year = cells.get("fiscal_year", "").removesuffix(".0")
        if not year.isdigit():
            errors["fiscal_year"] = [_("Isi tahun anggaran, misalnya 2026.")]
        else:
            values["fiscal_year"] = int(year)
        try:
            amount = cells.get("amount", "")
            if isinstance(amount, NumberCell):
                amount = amount.removesuffix(".0")
            values["amount"] = parse_rupiah(amount) or 0
        except ValidationError as exc:
            errors["amount"] = exc.messages
        for key in ("programme", "budget_code", "note"):
            values[key] = cells.get(key, "")
        if errors:
            raise ValidationError(errors)
        return values

    def write_row(self, values):
        lines = BudgetLine.objects.filter(source=values["source"], fiscal_year=values["fiscal_year"])
        key = (
            {"budget_code": values["budget_code"]}
            if values["budget_code"]
            else {"programme": values["programme"]}
        )
        existing = list(lines.filter(**key)[:2])
        if len(existing) > 1:
            raise ValidationError(
                {"budget_code": _("Lebih dari satu pagu cocok; isi kode rekening yang berbeda.")}
            )
        if existing:
            line = existing[0]
            changed = [
                k
                for k in ("amount", "programme", "budget_code", "note")
                if values[k] and getattr(line, k) != values[k]
            ]
            if not changed:
                return "skipped", _("Dilewati: pagu ini sudah sama."), []
            services.budget_line_update(line=line, by=self.by, **{k: values[k] for k in changed})
            return (
                "updated",
                _("Pagu #%(pk)s diperbarui.") % {"pk": line.pk},
                [("funding.budgetline", line.pk, "diubah", changed)],
            )
        line = services.budget_line_create(by=self.by, **values)
        return "created", "", [("funding.budgetline", line.pk, "dibuat", [])]


class CapitalAssistanceResource(resources.ModelResource):
    """One row per grant, under the template's canonical headers (those of the assistance export)."""

    nik = fields.Field(attribute="business__owner__nik", column_name="NIK")
    nib = fields.Field(attribute="business__nib", column_name="NIB")
    name = fields.Field(attribute="business__name", column_name="Nama Usaha")
    round = fields.Field(attribute="activity__title", column_name="Putaran Penyaluran")
    budget_code = fields.Field(attribute="budget_line__budget_code", column_name="Kode Rekening/DPA")
    date = fields.Field(attribute="date", column_name="Tanggal")
    form = fields.Field(attribute="form", column_name="Bentuk")
    amount = fields.Field(attribute="amount", column_name="Nilai (Rp)")
    status = fields.Field(attribute="status", column_name="Status")
    disbursed_on = fields.Field(attribute="disbursed_on", column_name="Tanggal Disalurkan")
    description = fields.Field(attribute="description", column_name="Uraian")

    class Meta:
        model = CapitalAssistance
        fields = (
            "nik", "nib", "name", "round", "budget_code", "date", "form", "amount", "status",
            "disbursed_on", "description",
        )  # fmt: skip
        export_order = fields


def _words(value: object) -> str:
    return " ".join(str(value or "").lower().split())


G = CapitalAssistance.Status
_STATUS_RANK = {G.PROPOSED: 0, G.APPROVED: 1, G.DISBURSED: 2}


class CapitalAssistanceImporter(RowImporter):
    """Grants (bantuan permodalan), each through the funding services like the web screens.

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

    @property
    def labels(self) -> dict[str, str]:
        # The services name the round "activity"; the file calls it "Putaran Penyaluran".
        labels = super().labels
        return {**labels, "activity": labels["round"]}

    def plan(self, records, *, total=None, progress=None):
        records = list(records)
        self.finder = BusinessFinder([cells for _n, cells in records])
        self.rounds: dict[str, list[Activity]] = {}
        rounds = Activity.objects.not_cancelled().filter(coaching_type__code=services.GRANT_ROUND_TYPE)
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
                services.APPROVE,
                _("Hanya Kepala Bidang atau Admin Dinas yang dapat mengimpor bantuan yang disetujui."),
            )
            grant = services.grant_approve(
                grant=grant,
                by=self.by,
                reason=values["reason"],
                approved_on=values.get("approved_on"),
                decided_outside_portal=True,
            )
        if grant.status == G.APPROVED and values["status"] == G.DISBURSED:
            self._may(
                services.DISBURSE,
                _("Hanya Bendahara atau Admin Dinas yang dapat mengimpor bantuan yang disalurkan."),
            )
            services.grant_disburse(
                grant=grant, by=self.by, disbursed_on=values["disbursed_on"], decided_outside_portal=True
            )

    def _may(self, step: str, refusal: str) -> None:
        if not self.by.has_perm(services.PERMISSIONS[step]):
            raise ValidationError({"status": refusal})

    def write_row(self, values):
        business, activity = values["business"], values["activity"]
        grant = CapitalAssistance.objects.filter(activity=activity, business=business).first()
        if grant is None:
            if values["status"] == G.CANCELLED:
                raise ValidationError(
                    {
                        "status": _(
                            "Bantuan yang dibatalkan tidak diimpor; hanya usulan, disetujui atau disalurkan."
                        )
                    }
                )
            grant = services.grant_propose(
                by=self.by,
                business=business,
                activity=activity,
                amount=values["amount"],
                date=values["date"],
                form=values["form"],
                description=values["description"],
                budget_line=values["budget_line"],
            )
            self._advance(grant, values)
            return "created", "", [("funding.capitalassistance", grant.pk, "dibuat", [])]
        if values["status"] == G.CANCELLED or grant.status == G.CANCELLED:
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
        advances = _STATUS_RANK[values["status"]] > _STATUS_RANK[grant.status]
        if not changed and not advances:
            return "skipped", _("Dilewati: bantuan ini sudah sama."), []
        if changed:
            grant = services.grant_update(grant=grant, by=self.by, **changed)
        self._advance(grant, values)
        fields_changed = [*changed, *(["status"] if advances else [])]
        return (
            "updated",
            _("Bantuan #%(pk)s diperbarui.") % {"pk": grant.pk},
            [("funding.capitalassistance", grant.pk, "diubah", fields_changed)],
        )
