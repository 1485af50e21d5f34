"""Matching kelurahan and kecamatan names as people write them to the reference list.

"Kel. Sei Miai", "KELURAHAN  sungai miai" and "S. Miai" are all Sungai Miai: case, spacing,
punctuation, the "Kel."/"Kec." prefixes and the local abbreviations of "Sungai" are ignored. A
name still unknown is an error that names the closest candidates, never a guess.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from pembinaan.reference.models import Kecamatan, Kelurahan

_PREFIXES = re.compile(r"^(kelurahan|kel|desa|ds|kecamatan|kec)\b\.?\s*")
# Words written several ways in Banjarmasin's place names.
_WORD_VARIANTS = {"sei": "sungai", "sg": "sungai", "s": "sungai", "sungei": "sungai", "masjid": "mesjid"}
# Whole-name spellings seen in the dinas's lists (normalised form → reference form).
KNOWN_VARIANTS = {
    "pekapuran": "pekapuran raya",
    "kertak baru": "kertak baru ilir",
    "antasan kecil": "antasan kecil timur",
    "bjm selatan": "banjarmasin selatan",
    "bjm timur": "banjarmasin timur",
    "bjm barat": "banjarmasin barat",
    "bjm utara": "banjarmasin utara",
    "bjm tengah": "banjarmasin tengah",
}


def normalise_region(name: object) -> str:
    text = unicodedata.normalize("NFKD", str(name or "")).encode("ascii", "ignore").decode().lower().strip()
    text = _PREFIXES.sub("", text)
    words = [_WORD_VARIANTS.get(w, w) for w in re.sub(r"[^a-z0-9]+", " ", text).split()]
    joined = " ".join(words)
    return KNOWN_VARIANTS.get(joined, joined)


class RegionMatcher:
    """Loaded once per import: two queries, then every row is matched in memory."""

    def __init__(self):
        self.kecamatan = {normalise_region(k.name): k.code for k in Kecamatan.objects.all()}
        self.kecamatan_names = {k.code: k.name for k in Kecamatan.objects.all()}
        self.kelurahan: dict[str, list[tuple[str, str]]] = {}
        self.kelurahan_names: dict[str, str] = {}
        for code, name, kecamatan_id in Kelurahan.objects.values_list("code", "name", "kecamatan_id"):
            self.kelurahan.setdefault(normalise_region(name), []).append((code, kecamatan_id))
            self.kelurahan_names[code] = name
        self._cache: dict[tuple[str, str], str | ValidationError] = {}

    def _closest(self, key: str, names: list[str]) -> str:
        close = difflib.get_close_matches(key, names, n=3, cutoff=0.5)
        return ", ".join(n.title() for n in close)

    def kecamatan_code(self, name: str) -> str:
        cached = self._cache.get(("", name))
        if cached is None:
            try:
                cached = self._kecamatan(name)
            except ValidationError as exc:
                cached = exc
            self._cache[("", name)] = cached
        if isinstance(cached, ValidationError):
            raise cached
        return cached

    def _kecamatan(self, name: str) -> str:
        key = normalise_region(name)
        code = self.kecamatan.get(key)
        if code is None:
            closest = self._closest(key, list(self.kecamatan))
            raise ValidationError(
                _('Kecamatan "%(name)s" tidak dikenal.') % {"name": name}
                + (" " + _("Mungkin maksudnya: %(names)s.") % {"names": closest} if closest else "")
            )
        return code

    def kelurahan_code(self, name: str, kecamatan: str = "") -> str:
        """The kelurahan's code; a kecamatan, when given, must be the one it lies in."""
        cached = self._cache.get((name, kecamatan))
        if cached is None:
            try:
                cached = self._match(name, kecamatan)
            except ValidationError as exc:
                cached = exc
            self._cache[(name, kecamatan)] = cached
        if isinstance(cached, ValidationError):
            raise cached
        return cached

    def _match(self, name: str, kecamatan: str) -> str:
        key = normalise_region(name)
        found = self.kelurahan.get(key)
        kecamatan_code = self.kecamatan_code(kecamatan) if kecamatan else ""
        # With the row's kecamatan, the suggestions are its own kelurahan, not the whole city's.
        candidates = self._in_kecamatan(kecamatan_code) if kecamatan_code else list(self.kelurahan)
        if not found:
            closest = self._closest(key, candidates) or (
                self._closest(key, list(self.kelurahan)) if kecamatan_code else ""
            )
            raise ValidationError(
                _('Kelurahan "%(name)s" tidak dikenal.') % {"name": name}
                + (" " + _("Mungkin maksudnya: %(names)s.") % {"names": closest} if closest else "")
            )
        if kecamatan_code:
            inside = [code for code, kec in found if kec == kecamatan_code]
            if not inside:
                closest = self._closest(key, candidates)
                raise ValidationError(
                    _("Kelurahan %(kel)s tidak berada di Kecamatan %(kec)s.")
                    % {"kel": self.kelurahan_names[found[0][0]], "kec": self.kecamatan_names[kecamatan_code]}
                    + (" " + _("Mungkin maksudnya: %(names)s.") % {"names": closest} if closest else "")
                )
            return inside[0]
        return found[0][0]

    def _in_kecamatan(self, kecamatan_code: str) -> list[str]:
        """The normalised names of the kelurahan that lie in one kecamatan."""
        return [
            key for key, places in self.kelurahan.items() if any(kec == kecamatan_code for _c, kec in places)
        ]
