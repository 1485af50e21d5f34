from __future__ import annotations

import re
import unicodedata

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pembinaan.accounts.models import User
from pembinaan.lib.identifiers import parse_nib, parse_nik, parse_phone
from pembinaan.lib.money import RupiahField
from pembinaan.reference.models import KbliCategory, Kelurahan
from pembinaan.registry.forms import grouped_kelurahan_choices

# Plain words next to each KBLI category, so an owner can pick one without knowing the scheme.
KBLI_HINTS = {
    "A": _("bertani, berkebun, beternak, budidaya ikan"),
    "B": _("menggali pasir, batu, tanah liat"),
    "C": _("membuat makanan/minuman kemasan, kue, kerajinan, menjahit, sablon, mebel"),
    "D": _("pengadaan listrik dan gas"),
    "E": _("air bersih, isi ulang air, daur ulang, pengelolaan sampah"),
    "F": _("jasa bangun dan renovasi rumah, tukang"),
    "G": _("warung, toko, jualan online, dagang di pasar, bengkel motor/mobil"),
    "H": _("ojek, angkutan barang atau orang, jasa kirim, perahu klotok"),
    "I": _("warung makan, rumah makan, kafe, katering, penginapan"),
    "J": _("percetakan digital, pembuatan konten, jasa aplikasi, warnet"),
    "K": _("simpan pinjam, asuransi, jasa keuangan"),
    "L": _("sewa rumah, kos-kosan, jual beli tanah/rumah"),
    "M": _("jasa desain, fotografi, konsultan, periklanan"),
    "N": _("rental kendaraan/alat, agen perjalanan, jasa kebersihan"),
    "O": _("administrasi pemerintahan"),
    "P": _("kursus, les privat, bimbingan belajar, PAUD"),
    "Q": _("klinik, praktik bidan, apotek, panti"),
    "R": _("sanggar seni, hiburan, olahraga, wisata"),
    "S": _("salon, pangkas rambut, laundry, servis HP/elektronik, penjahit permak"),
    "T": _("jasa rumah tangga"),
    "U": _("badan internasional"),
}


# Marks besides letters that names on a KTP carry: "Hj. Siti Nur'aini", "Muh. Ja'far, S.E.".
# Phones often type the curly apostrophe; it is kept as the plain one.
NAME_MARKS = frozenset(" '.,-")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'"})


def clean_person_name(value: str) -> str:
    """A person's name as on the KTP: letters of any alphabet, spaces and ' . , - only.

    Letters include their combining accents (category M), so names in any script pass; digits,
    emoji and other symbols are refused with a message that says which characters are allowed.
    """
    name = re.sub(r"\s+", " ", unicodedata.normalize("NFC", value).translate(_APOSTROPHES)).strip()
    bad = [c for c in name if c not in NAME_MARKS and unicodedata.category(c)[0] not in "LM"]
    if bad:
        shown = " ".join(dict.fromkeys(bad))
        raise ValidationError(
            _(
                "Nama hanya boleh berisi huruf, spasi, dan tanda ' . , - (seperti di KTP). "
                "Hapus tanda ini: %(chars)s"
            ),
            code="name_chars",
            params={"chars": shown},
        )
    if not any(unicodedata.category(c)[0] == "L" for c in name):
        raise ValidationError(_("Tulis nama lengkap Anda dengan huruf."), code="name_letters")
    return name


def _honeypot() -> forms.CharField:
    # Hidden from people (the template puts it in a d-none block); bots that fill every field fill it.
    return forms.CharField(
        label=_("Situs web"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


class OwnerStepForm(forms.Form):
    name = forms.CharField(
        label=_("Nama lengkap (sesuai KTP)"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("Huruf, spasi dan tanda ' . , - saja, seperti di KTP."),
    )
    nik = forms.CharField(
        label=_("NIK"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("16 digit, tertera di KTP."),
    )
    phone = forms.CharField(
        label=_("Nomor HP (WhatsApp)"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("Contoh: 0812-3456-7890. Dipakai untuk masuk ke portal."),
    )
    email = forms.EmailField(
        label=_("Email (boleh dikosongkan)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Bila diisi, kabar pendaftaran dan kegiatan dikirim ke email ini."),
    )
    password1 = forms.CharField(
        label=_("Kata sandi"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Paling sedikit 8 karakter, jangan hanya angka, jangan mirip nama atau nomor HP."),
    )
    password2 = forms.CharField(
        label=_("Ulangi kata sandi"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    website = _honeypot()

    def __init__(self, *args, password_kept: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # Coming back to this step: the password chosen before is kept unless a new one is typed.
        self.password_kept = password_kept
        if password_kept:
            for name in ("password1", "password2"):
                self.fields[name].required = False
            self.fields["password1"].help_text = _(
                "Kosongkan untuk tetap memakai kata sandi yang sudah diisi."
            )

    def clean_name(self):
        return clean_person_name(self.cleaned_data["name"])

    def clean_nik(self):
        return parse_nik(self.cleaned_data["nik"]).nik

    # Whether the phone or email already has an account is not checked here: telling a stranger
    # so would reveal who has an account. The last step handles it (services.registration_submit).
    def clean_phone(self):
        return parse_phone(self.cleaned_data["phone"])

    def clean_email(self):
        return (self.cleaned_data.get("email") or "").strip().lower()

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if self.password_kept and not p1 and not p2:
            return data
        if (p1 or p2) and p1 != p2:
            self.add_error("password2", _("Kedua kata sandi tidak sama."))
        elif p1:
            user = User(
                full_name=data.get("name", ""), email=data.get("email") or None, phone=data.get("phone")
            )
            try:
                password_validation.validate_password(p1, user)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


class KbliChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: KbliCategory) -> str:
        hint = KBLI_HINTS.get(obj.code)
        return f"{obj.code} – {obj.name}" + (f" ({hint})" if hint else "")


class BusinessStepForm(forms.Form):
    name = forms.CharField(label=_("Nama usaha"), max_length=200)
    kelurahan = forms.ModelChoiceField(
        label=_("Kelurahan tempat usaha"),
        queryset=Kelurahan.objects.all(),
        help_text=_("Dikelompokkan per kecamatan."),
    )
    address = forms.CharField(
        label=_("Alamat usaha"), widget=forms.Textarea(attrs={"rows": 2}), max_length=500
    )
    kbli_category = KbliChoiceField(
        label=_("Bidang usaha"),
        queryset=KbliCategory.objects.all(),
        widget=forms.RadioSelect,
        help_text=_("Pilih yang paling dekat; staf dapat membetulkannya nanti."),
    )
    products = forms.CharField(
        label=_("Produk atau jasa"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        help_text=_("Contoh: amplang, kue bingka, kain sasirangan."),
    )
    start_year = forms.IntegerField(label=_("Tahun mulai usaha"), min_value=1900)
    employees = forms.IntegerField(
        label=_("Jumlah tenaga kerja"),
        min_value=1,
        max_value=100000,
        help_text=_("Termasuk Anda sendiri."),
        error_messages={"min_value": _("Isi paling sedikit 1: Anda sendiri juga dihitung.")},
    )
    annual_sales = RupiahField(
        label=_("Omzet setahun (Rp)"), help_text=_("Perkiraan penjualan setahun. Contoh: 60.000.000")
    )
    capital = RupiahField(
        label=_("Modal usaha (Rp)"),
        required=False,
        help_text=_("Tidak termasuk tanah dan bangunan tempat usaha. Boleh dikosongkan."),
    )
    nib = forms.CharField(
        label=_("NIB (bila sudah punya)"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        help_text=_("Nomor Induk Berusaha dari OSS, 13 digit."),
    )
    website = _honeypot()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kelurahan"].choices = grouped_kelurahan_choices()
        this_year = timezone.localdate().year
        self.fields["start_year"].widget.attrs.update({"min": 1900, "max": this_year, "inputmode": "numeric"})
        self.fields["employees"].widget.attrs["inputmode"] = "numeric"

    def clean_start_year(self):
        year = self.cleaned_data["start_year"]
        if year > timezone.localdate().year:
            raise ValidationError(_("Tahun mulai usaha tidak boleh di masa depan."))
        return year

    def clean_nib(self):
        value = self.cleaned_data.get("nib")
        return parse_nib(value) if value else None


class ConsentStepForm(forms.Form):
    agree = forms.BooleanField(
        label=_("Saya sudah membaca dan menyetujui pemrosesan data di atas untuk program pembinaan UMKM."),
        error_messages={"required": _("Centang persetujuan untuk menyelesaikan pendaftaran.")},
    )
    website = _honeypot()


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan penolakan"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Alasan ini dapat dibaca oleh pemilik usaha."),
    )


class DecisionNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Catatan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=_("Misalnya: sudah ditelepon ke nomor tercatat dan cocok."),
    )
