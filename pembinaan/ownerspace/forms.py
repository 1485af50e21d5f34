from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pembinaan.lib.identifiers import parse_nik, parse_phone
from pembinaan.lib.money import RupiahField
from pembinaan.ownerspace.models import BusinessProfile
from pembinaan.reference.models import Kelurahan
from pembinaan.registry.forms import BusinessForm, grouped_kelurahan_choices
from pembinaan.registry.models import Owner


class OwnerBusinessForm(BusinessForm):
    """The registry's business form, plus the owner's NIK (part of the identity staff check)."""

    owner_nik = forms.CharField(
        label=_("NIK pemilik"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        owner = self.instance.owner
        # The stored NIK is not sent back to the browser: empty keeps it, a new one replaces it.
        self.fields["owner_nik"].help_text = (
            _("NIK tersimpan: %(masked)s. Kosongkan bila tidak berubah.") % {"masked": owner.nik_masked}
            if owner.nik
            else _("16 digit, sesuai KTP.")
        )
        self.order_fields(["name", "owner_nik"])

    def clean_owner_nik(self):
        value = self.cleaned_data.get("owner_nik")
        return parse_nik(value).nik if value else None


class ContactForm(forms.ModelForm):
    phone = forms.CharField(
        label=_("Nomor HP"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("Contoh: 0812-3456-7890"),
    )

    class Meta:
        model = Owner
        fields = ["phone", "email", "address"]
        widgets = {"address": forms.Textarea(attrs={"rows": 2})}

    def clean_phone(self):
        return parse_phone(self.cleaned_data["phone"])


class YearlyFiguresForm(forms.Form):
    """The owner's yearly report: what the coaching app keeps as a FiguresSnapshot."""

    year = forms.IntegerField(label=_("Tahun"), min_value=2000)
    annual_sales = RupiahField(label=_("Omzet setahun (Rp)"))
    employees = forms.IntegerField(label=_("Jumlah tenaga kerja"), min_value=0, max_value=100_000)
    assets = RupiahField(
        label=_("Aset/modal usaha (Rp)"), required=False, help_text=_("Tidak termasuk tanah dan bangunan.")
    )
    sells_online = forms.BooleanField(
        label=_("Berjualan online (marketplace, media sosial, situs)"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].initial = this_year - 1
        # The current year at request time, not at import time: the server runs for years.
        self.fields["year"].validators.append(MaxValueValidator(this_year))
        self.fields["year"].widget.attrs.update({"min": 2000, "max": this_year})


class ProfileForm(forms.ModelForm):
    photo = forms.FileField(
        label=_("Foto usaha atau produk"),
        required=False,
        help_text=_(
            "JPEG atau PNG, paling besar 3 MB. Lokasi (GPS) dan data kamera dihapus sebelum foto disimpan."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    remove_photo = forms.BooleanField(label=_("Hapus foto"), required=False)

    class Meta:
        model = BusinessProfile
        fields = ["is_public", "contact", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "contact": forms.RadioSelect}


class DirectorySearchForm(forms.Form):
    nama = forms.CharField(label=_("Nama usaha"), required=False, max_length=100)
    produk = forms.CharField(label=_("Produk"), required=False, max_length=100)
    kelurahan = forms.ModelChoiceField(
        label=_("Kelurahan"),
        queryset=Kelurahan.objects.defer("boundary"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kelurahan"].choices = grouped_kelurahan_choices()


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan penolakan"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
