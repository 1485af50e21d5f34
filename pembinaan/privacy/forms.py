from django import forms
from django.utils.translation import gettext_lazy as _

from pembinaan.privacy.models import NoticePreference


class ConfirmForm(forms.Form):
    """The owner confirms a step that cannot be undone by themselves."""

    confirm = forms.BooleanField(
        label=_("Saya mengerti dan ingin melanjutkan"),
        error_messages={"required": _("Centang kotak ini untuk melanjutkan.")},
    )
    note = forms.CharField(
        label=_("Catatan untuk Dinas (tidak wajib)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ResponseForm(forms.Form):
    response = forms.CharField(
        label=_("Tanggapan untuk pemohon"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wajib bila permintaan ditolak. Pemohon dapat membacanya."),
    )


class NoticeChannelForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Kirim pemberitahuan kepada saya lewat"),
        choices=NoticePreference.Channel.choices,
        widget=forms.RadioSelect,
        help_text=_("Untuk verifikasi usaha, pendaftaran kegiatan, dan pengingat kegiatan."),
        error_messages={
            "required": _("Pilih email atau WhatsApp."),
            "invalid_choice": _("Pilih email atau WhatsApp."),
        },
    )
