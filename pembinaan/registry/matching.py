"""Finding the registry's records that a row of a file means.

`BusinessFinder` is how the coaching importers (participants, outcomes, grants) find the business
a row is about: by NIB, or by the owner's NIK when that owner has exactly one active business.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pembinaan.lib.identifiers import parse_nib, parse_nik
from pembinaan.registry.models import Business


class BusinessFinder:
    """Businesses by NIB, or by the owner's NIK when that owner has exactly one active business."""

    def __init__(self, records: list[dict[str, str]]):
        nibs, niks = set(), set()
        for cells in records:
            for key, bucket, parse in (("nib", nibs, parse_nib), ("nik", niks, lambda v: parse_nik(v).nik)):
                if cells.get(key):
                    try:
                        bucket.add(parse(cells[key]))
                    except ValidationError:
                        pass
        self.by_nib = {b.nib: b for b in Business.objects.active().filter(nib__in=nibs)} if nibs else {}
        self.by_nik: dict[str, list[Business]] = {}
        if niks:
            for business in Business.objects.active().filter(owner__nik__in=niks).select_related("owner"):
                self.by_nik.setdefault(business.owner.nik, []).append(business)

    def find(self, cells: dict[str, str]) -> Business:
        if cells.get("nib"):
            nib = _parse_or(cells["nib"], parse_nib, "nib")
            business = self.by_nib.get(nib)
            if business is None:
                raise ValidationError(
                    {"nib": _("Tidak ada usaha dengan NIB %(nib)s di registri.") % {"nib": nib}}
                )
            return business
        if cells.get("nik"):
            nik = _parse_or(cells["nik"], lambda v: parse_nik(v).nik, "nik")
            owned = self.by_nik.get(nik, [])
            if not owned:
                raise ValidationError({"nik": _("Tidak ada usaha milik NIK ini di registri.")})
            if len(owned) > 1:
                raise ValidationError(
                    {
                        "nik": _(
                            "Pemilik ini punya lebih dari satu usaha; isi kolom NIB untuk memilih usahanya."
                        )
                    }
                )
            return owned[0]
        raise ValidationError({"nik": _("Isi NIK pemilik atau NIB usaha.")})


def _parse_or(value: str, parse, key: str):
    try:
        return parse(value)
    except ValidationError as exc:
        raise ValidationError({key: exc.messages}) from None
