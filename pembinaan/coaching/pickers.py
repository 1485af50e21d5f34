"""The choice of an activity on a form: title, date and place, newest first, never two alike.

Staff run many activities with the same title (eight "Workshop Branding Produk UMKM 2026" in a
year), so a list of titles invites attendance or a grant recorded against the wrong one. Each
option reads "title — date, place"; when two still read alike, both carry the activity's number.
A small script (static/js/select-filter.js) adds a box that narrows the list as one types; without
it the list is still a plain, ordered <select>.
"""

from __future__ import annotations

from collections import Counter

from django import forms
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from pembinaan.coaching.models import Activity

NEWEST_FIRST = ("-start_date", "-start_time", "-pk")


def activity_label(activity: Activity) -> str:
    """ "Workshop Branding — 14 Mei 2026, Aula Kec. Banjarmasin Tengah" (the place: venue, else kecamatan)."""
    place = activity.venue.strip() or (activity.kecamatan.name if activity.kecamatan_id else "")
    when = date_format(activity.start_date, "DATE_FORMAT")
    return f"{activity.title} — {when}, {place}" if place else f"{activity.title} — {when}"


class ActivityChoiceIterator(ModelChoiceIterator):
    """Labels are made for the whole list at once, so that two that read alike can be told apart."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        activities = list(self.queryset.select_related("kecamatan").order_by(*NEWEST_FIRST))
        labels = [activity_label(a) for a in activities]
        repeated = {label for label, n in Counter(labels).items() if n > 1}
        for activity, label in zip(activities, labels, strict=True):
            if label in repeated:
                label = _("%(label)s (kegiatan #%(id)s)") % {"label": label, "id": activity.pk}
            yield (ModelChoiceIteratorValue(self.field.prepare_value(activity), activity), label)

    def __len__(self):
        return self.queryset.count() + (1 if self.field.empty_label is not None else 0)


class ActivitySelect(forms.Select):
    """A <select> that the script narrows from a text box it adds in front of it."""

    class Media:
        js = ["js/select-filter.js"]

    def __init__(self, attrs=None):
        base = {
            "data-select-filter": "",
            # The script's box needs a label in the page's language; the script has no catalogue.
            "data-filter-label": _("Saring daftar: ketik sebagian judul, tanggal atau tempat"),
            "data-filter-empty": _("Tidak ada kegiatan yang cocok."),
        }
        super().__init__({**base, **(attrs or {})})


class ActivityChoiceField(forms.ModelChoiceField):
    iterator = ActivityChoiceIterator
    widget = ActivitySelect

    def label_from_instance(self, obj: Activity) -> str:
        return activity_label(obj)
