"""The django-import-export resource of owners with their businesses: one row per business with its
owner's columns, under the canonical headers of the import template (importers.py), so that its
`export()` gives the file that re-imports unchanged."""

from __future__ import annotations

from import_export import fields, resources

from pembinaan.lib.identifiers import format_phone
from pembinaan.registry.importers import COLUMNS
from pembinaan.registry.models import Business


class OwnerBusinessResource(resources.ModelResource):
    """One row per business, with its owner; headers are the template's canonical ones."""

    nik = fields.Field(attribute="owner__nik", column_name="NIK")
    owner_name = fields.Field(attribute="owner__name", column_name="Nama Pemilik")
    gender = fields.Field(attribute="owner__gender", column_name="Jenis Kelamin")
    phone = fields.Field(column_name="No HP")
    email = fields.Field(attribute="owner__email", column_name="Email")
    owner_address = fields.Field(attribute="owner__address", column_name="Alamat Pemilik")
    name = fields.Field(attribute="name", column_name="Nama Usaha")
    nib = fields.Field(attribute="nib", column_name="NIB")
    npwp = fields.Field(attribute="npwp", column_name="NPWP")
    kecamatan = fields.Field(attribute="kelurahan__kecamatan__name", column_name="Kecamatan")
    kelurahan = fields.Field(attribute="kelurahan__name", column_name="Kelurahan")
    address = fields.Field(attribute="address", column_name="Alamat Usaha")
    kbli_category = fields.Field(attribute="kbli_category_id", column_name="Kategori KBLI")
    kbli_code = fields.Field(attribute="kbli_code", column_name="Kode KBLI")
    start_year = fields.Field(attribute="start_year", column_name="Tahun Mulai")
    employees = fields.Field(attribute="employees", column_name="Tenaga Kerja")
    annual_sales = fields.Field(attribute="annual_sales", column_name="Omzet per Tahun")
    capital = fields.Field(attribute="capital", column_name="Modal Usaha")
    products = fields.Field(attribute="products", column_name="Produk")

    class Meta:
        model = Business
        fields = tuple(c.key for c in COLUMNS)
        export_order = tuple(c.key for c in COLUMNS)

    def get_export_queryset(self, request=None):
        return Business.objects.active().select_related("owner", "kelurahan__kecamatan").order_by("pk")

    def dehydrate_phone(self, business: Business) -> str:
        return format_phone(business.owner.phone)
