"""The django-import-export resources of budget lines (pagu) and grants; the pagu importer is in
importers.py, the grant importer in coaching (grants are coaching's workflow)."""

from __future__ import annotations

from import_export import fields, resources

from pembinaan.funding.models import BudgetLine, CapitalAssistance


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
