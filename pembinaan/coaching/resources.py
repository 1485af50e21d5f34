"""The django-import-export resource of an activity's participants (the importers are in importers.py)."""

from __future__ import annotations

from import_export import fields, resources

from pembinaan.coaching.models import Participation


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
