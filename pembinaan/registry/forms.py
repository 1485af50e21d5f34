from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import json_script
from django.utils.translation import gettext_lazy as _

from pembinaan.lib.forms import list_filters as list_filters  # importable from here, as before
from pembinaan.lib.identifiers import parse_nib, parse_nik, parse_npwp, parse_phone
from pembinaan.lib.money import RupiahField
from pembinaan.reference.models import KbliCategory, Kecamatan, Kelurahan
from pembinaan.registry.models import Business, BusinessStatus, Certification, Owner
from pembinaan.registry.scale import Scale
from pembinaan.registry.selectors import BUSINESS_SORTS


class KelurahanSelect(forms.Select):
    """A kelurahan select narrowed to one kecamatan, carrying every kelurahan as JSON data beside it.

    Rendered from one query: the options (sorted by name) are those of `kecamatan` when one is
    chosen, and static/js/kelurahan-filter.js rebuilds them from the JSON when the kecamatan select
    named by `data-kecamatan-from` changes, so the list also narrows live.
    """

    kecamatan: str | None = None

    def render(self, name, value, attrs=None, renderer=None):
        every = list(Kelurahan.objects.order_by("name", "code").values_list("code", "name", "kecamatan_id"))
        offered = [k for k in every if k[2] == self.kecamatan] or every  # an unknown kecamatan: all
        self.choices = [("", "---------"), *((code, label) for code, label, _kecamatan in offered)]
        html = super().render(name, value, attrs, renderer)
        element_id = (attrs or {}).get("id") or self.attrs.get("id") or f"id_{name}"
        data = [{"code": code, "name": label, "kecamatan": kecamatan} for code, label, kecamatan in every]
        return html + json_script(data, f"{element_id}-semua")


def grouped_kelurahan_choices() -> list:
    """The real list of kelurahan, grouped by kecamatan so that it is quick to pick on a phone."""
    groups: dict[str, list] = {}
    for kelurahan in Kelurahan.objects.select_related("kecamatan").order_by("kecamatan", "name"):
        groups.setdefault(kelurahan.kecamatan.name, []).append((kelurahan.pk, kelurahan.name))
    return [("", "---------"), *groups.items()]


class OwnerForm(forms.ModelForm):
    # Longer than the stored value: people type NIKs and phone numbers with spaces and dashes.
    nik = forms.CharField(
        label=_("NIK"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("16 digit. Jenis kelamin dan tanggal lahir diisi otomatis dari NIK."),
    )
    phone = forms.CharField(
        label=_("Nomor HP"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("Contoh: 0812-3456-7890"),
    )

    class Meta:
        model = Owner
        fields = ["nik", "name", "gender", "birth_date", "phone", "email", "address"]
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "address": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, can_see_full_nik: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        # Without the full-NIK permission the stored NIK is never sent to the browser (rule 10):
        # the field starts empty and, left empty, keeps the stored value.
        self.keeps_hidden_nik = bool(self.instance.pk and self.instance.nik and not can_see_full_nik)
        if self.keeps_hidden_nik:
            self.initial["nik"] = ""
            self.fields["nik"].help_text = _(
                "NIK tersimpan: %(masked)s. Kosongkan untuk tetap memakai NIK itu, atau isi untuk menggantinya."
            ) % {"masked": self.instance.nik_masked}

    def clean_nik(self):
        value = self.cleaned_data.get("nik")
        if not value:
            return self.instance.nik if self.keeps_hidden_nik else None
        return parse_nik(value).nik

    def clean_phone(self):
        value = self.cleaned_data.get("phone")
        return parse_phone(value) if value else ""

    def clean(self):
        data = super().clean()
        if not data.get("nik") and not data.get("gender") and "nik" not in self.errors:
            self.add_error("gender", _("Isi jenis kelamin bila NIK tidak diisi."))
        return data


class BusinessForm(forms.ModelForm):
    kelurahan = forms.ModelChoiceField(label=_("Kelurahan"), queryset=Kelurahan.objects.all())
    annual_sales = RupiahField(label=_("Omzet per tahun (Rp)"), required=False)
    capital = RupiahField(
        label=_("Modal usaha (Rp)"),
        required=False,
        help_text=_("Tidak termasuk tanah dan bangunan tempat usaha."),
    )
    marketplace_url = forms.URLField(
        label=_("Toko online / marketplace"), required=False, assume_scheme="https"
    )
    social_media_url = forms.URLField(label=_("Media sosial"), required=False, assume_scheme="https")
    website_url = forms.URLField(label=_("Situs web"), required=False, assume_scheme="https")
    nib = forms.CharField(
        label=_("NIB"), required=False, max_length=40, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    npwp = forms.CharField(label=_("NPWP"), required=False, max_length=40)
    certifications = forms.MultipleChoiceField(
        label=_("Sertifikasi yang dimiliki"),
        choices=Certification.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Business
        fields = [
            "name",
            "kelurahan",
            "address",
            "kbli_category",
            "kbli_code",
            "nib",
            "npwp",
            "start_year",
            "employees",
            "annual_sales",
            "capital",
            "products",
            "marketplace_url",
            "social_media_url",
            "website_url",
            "certifications",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 2}),
            "products": forms.Textarea(attrs={"rows": 2}),
            "kbli_code": forms.TextInput(attrs={"inputmode": "numeric"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kbli_category"].required = True
        self.fields["kelurahan"].choices = grouped_kelurahan_choices()
        self.fields["start_year"].widget.attrs.update({"min": 1900, "max": timezone.localdate().year})

    def clean_nib(self):
        value = self.cleaned_data.get("nib")
        return parse_nib(value) if value else None

    def clean_npwp(self):
        value = self.cleaned_data.get("npwp")
        return parse_npwp(value) if value else ""


class OwnerChoiceForm(forms.Form):
    """On "Tambah usaha": pick a registered owner by NIK or phone, or enter a new one."""

    EXISTING = "ada"
    NEW = "baru"

    mode = forms.ChoiceField(
        label=_("Pemilik"),
        choices=[(NEW, _("Pelaku usaha baru")), (EXISTING, _("Sudah terdaftar"))],
        widget=forms.RadioSelect,
        initial=NEW,
    )
    lookup = forms.CharField(label=_("NIK atau nomor HP pemilik terdaftar"), required=False, max_length=40)

    def __init__(self, *args, owner: Owner | None = None, **kwargs):
        self.owner = owner
        super().__init__(*args, **kwargs)
        if owner is not None:
            self.fields["mode"].initial = self.EXISTING

    def clean(self):
        data = super().clean()
        if data.get("mode") != self.EXISTING or self.owner is not None:
            return data
        lookup = (data.get("lookup") or "").strip()
        if not lookup:
            self.add_error("lookup", _("Isi NIK atau nomor HP pemilik yang sudah terdaftar."))
            return data
        owner = None
        try:
            owner = Owner.objects.active().filter(nik=parse_nik(lookup).nik).first()
        except ValidationError:
            try:
                owner = Owner.objects.active().filter(phone=parse_phone(lookup)).first()
            except ValidationError:
                pass
        if owner is None:
            self.add_error("lookup", _("Tidak ada pelaku usaha dengan NIK atau nomor HP itu."))
        self.owner = owner
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Alasan ini dapat dibaca oleh pemilik usaha."),
    )


class MergeForm(forms.Form):
    keep = forms.ChoiceField(label=_("Data yang dipertahankan"), widget=forms.RadioSelect)
    merge_owners = forms.BooleanField(
        label=_("Gabungkan juga data pemiliknya (orang yang sama)"), required=False
    )

    def __init__(self, *args, pair, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [
            (str(pair.business_a_id), f"#{pair.business_a_id} {pair.business_a.name}"),
            (str(pair.business_b_id), f"#{pair.business_b_id} {pair.business_b.name}"),
        ]


class BusinessFilterForm(forms.Form):
    """Search and filters of the staff business list; all optional, carried in the URL."""

    q = forms.CharField(
        label=_("Cari"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"placeholder": _("Nama usaha, pemilik, NIK, NIB atau nomor HP"), "type": "search"}
        ),
    )
    kecamatan = forms.ModelChoiceField(label=_("Kecamatan"), queryset=Kecamatan.objects.all(), required=False)
    kelurahan = forms.ModelChoiceField(
        label=_("Kelurahan"),
        queryset=Kelurahan.objects.defer("boundary").order_by("name", "code"),
        required=False,
        widget=KelurahanSelect,
    )
    kbli = forms.ChoiceField(label=_("Kategori KBLI"), required=False)
    scale = forms.ChoiceField(label=_("Skala"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    duplicate = forms.BooleanField(label=_("Hanya yang diduga ganda"), required=False)
    sort = forms.ChoiceField(required=False)
    # Drill-down from the dashboard: the businesses behind a number (hidden in the form).
    terbina = forms.IntegerField(required=False, widget=forms.HiddenInput)
    jenis = forms.SlugField(required=False, widget=forms.HiddenInput)
    sumber = forms.SlugField(required=False, widget=forms.HiddenInput)
    tahun = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=2000, max_value=2100)
    gender = forms.CharField(required=False, max_length=1, widget=forms.HiddenInput)

    SORTS = BUSINESS_SORTS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kbli"].choices = [("", "---------")] + [
            (c.code, str(c)) for c in KbliCategory.objects.all()
        ]
        self.fields["scale"].choices = [("", "---------")] + list(Scale.choices)
        self.fields["status"].choices = [("", "---------")] + list(BusinessStatus.choices)
        self.fields["sort"].choices = [(key, key) for key in self.SORTS]
        self._narrow_kelurahan()

    def _narrow_kelurahan(self) -> None:
        """Once a kecamatan is chosen, only its kelurahan are offered (the widget) and accepted."""
        field = self.fields["kelurahan"]
        field.widget.attrs["data-kecamatan-from"] = self["kecamatan"].auto_id
        chosen = self.data.get(self.add_prefix("kecamatan")) if self.is_bound else None
        if chosen:
            field.queryset = field.queryset.filter(kecamatan_id=chosen)
            field.widget.kecamatan = chosen
