"""Placing the columns of a hand-made spreadsheet: headers read as people write them (issue 19).

`columns.guess_mapping` places a column only when its folded header is one of a fixed list of
aliases, so "NO. HP/WA" and "OMZET (Rp/bulan)" were dropped without a word. Here a header is read
the way a person reads it:

- case, accents, spacing and punctuation do not matter; common abbreviations are spelled out
  ("Kel." → kelurahan, "Tlp" → telepon, "Jml" → jumlah, "TK" → tenaga kerja, "Pengusaha" → pemilik);
- "/" and "atau" separate alternatives: "No. HP/WA" is "No HP" or "WA", and is the phone column
  when either is;
- units and periods are taken out and remembered: "(Rp)", "(orang)", "(16 digit)", "(Rp/bulan)",
  "/tahun", "per bulan"; a per-month amount of a yearly field is reported with a factor of 12,
  because the registry keeps yearly figures, and "(Rp juta)" with a factor of 1,000,000;
- a header then scores against every phrase of every field: the column's label, key and aliases,
  plus the synonyms the importer supplies (its `header_words`). Equal to a phrase is certain;
  containing a phrase ("Alamat Usaha Lengkap") is likely; a typo ("Kelurhan") is possible. Words that
  say the column is something else ("Target Omzet", "Kebutuhan Modal", "Tgl Lahir") only ever match
  a phrase exactly;
- a row-number column ("No", "No.", "Nomor Urut", "#") is recognised and skipped;
- nothing is guessed: a header that fits two fields equally well is left unplaced with both named,
  and two columns that claim one field are a conflict for the user to settle, never a pick.

Pure Python: no models; gettext only for the messages people read.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from pembinaan.imports.columns import Column, header_key

# Scores, 0–100. A column is placed at PLACED or above, and only when no other field is within
# MARGIN of its best one.
EXACT = 100  # the whole header is a phrase of the field
EXACT_PART = 95  # one alternative ("WA" of "No. HP/WA") is a phrase of the field
SIMILAR = 65  # the same words, one or more of them mistyped
PLACED = 60
MARGIN = 5

ROW_NUMBER_HEADERS = frozenset(
    {("no",), ("nmr",), ("nomor", "urut"), ("no", "urut"), ("nmr", "urut"), ("nomer", "urut"), ("urut",),
     ("nourut",), ("no", "urt")}
)  # fmt: skip
# "Nomor" alone is also the document number of an outcome; it is a row number only when the values
# under it count 1, 2, 3 …
ROW_NUMBER_IF_COUNTING = frozenset({(), ("nomor",), ("nomer",)})

MONTH_WORDS = frozenset({"bulan", "bln", "bl", "bulanan", "perbulan", "sebulan"})
YEAR_WORDS = frozenset({"tahun", "thn", "th", "tahunan", "pertahun", "setahun"})
SCALE_WORDS = {
    "000": 1000, "ribu": 1000, "ribuan": 1000, "rb": 1000,
    "juta": 1_000_000, "jutaan": 1_000_000, "jt": 1_000_000,
    "miliar": 1_000_000_000, "milyar": 1_000_000_000,
}  # fmt: skip
UNIT_WORDS = frozenset(
    {"rp", "rupiah", "idr", "orang", "org", "jiwa", "unit", "digit", "angka", "karakter", "buah", "huruf",
     "dd", "mm", "yy", "yyyy", "hh", "bb", "tt", "tttt", "per", "dalam", "dlm", "satuan", "x", "format"}
)  # fmt: skip

# One word → the words it stands for. Applied to headers and to phrases alike.
ABBREVIATIONS = {
    "no": ("nomor",), "nmr": ("nomor",), "nomer": ("nomor",), "nmor": ("nomor",), "nr": ("nomor",),
    "kel": ("kelurahan",), "kelr": ("kelurahan",), "ds": ("desa",),
    "kec": ("kecamatan",), "kab": ("kabupaten",), "prov": ("provinsi",),
    "tlp": ("telepon",), "telp": ("telepon",), "tlpn": ("telepon",), "tel": ("telepon",),
    "telpon": ("telepon",), "tilp": ("telepon",), "telefon": ("telepon",),
    "handphone": ("hp",), "hape": ("hp",), "ponsel": ("hp",),
    "wa": ("whatsapp",), "whatsap": ("whatsapp",), "watsap": ("whatsapp",),
    "jml": ("jumlah",), "jmlh": ("jumlah",), "jlh": ("jumlah",), "jum": ("jumlah",),
    "thn": ("tahun",), "th": ("tahun",), "ta": ("tahun", "anggaran"),
    "tgl": ("tanggal",), "tg": ("tanggal",), "tangal": ("tanggal",),
    "alm": ("alamat",), "almt": ("alamat",), "nm": ("nama",),
    "tk": ("tenaga", "kerja"), "naker": ("tenaga", "kerja"),
    "ush": ("usaha",), "pengusaha": ("pemilik",), "pj": ("penanggung", "jawab"),
    "ket": ("keterangan",), "rek": ("rekening",), "kd": ("kode",), "jns": ("jenis",),
    "jk": ("jenis", "kelamin"), "sert": ("sertifikat",), "omset": ("omzet",),
    "merk": ("merek",), "surel": ("email",),
}  # fmt: skip
# Several words → the words they stand for.
PHRASES = (
    (("e", "mail"), ("email",)),
    (("whats", "app"), ("whatsapp",)),
    (("pelaku", "usaha"), ("pemilik",)),
    (("pelaku", "umkm"), ("pemilik",)),
    (("pelaku", "ukm"), ("pemilik",)),
    (("rata", "rata"), ()),
    (("rerata",), ()),
)

# A phrase of one of these words alone names no field inside a longer header: "Nama Kegiatan" is
# not the business name, "Tanggal Lahir" not a date of the import.
GENERIC = frozenset(
    {"nama", "nomor", "jumlah", "tanggal", "kode", "jenis", "usaha", "umkm", "ukm", "data", "status",
     "kegiatan", "tahun", "nilai", "program", "pemilik", "hadir", "sumber", "bentuk", "alasan", "uraian",
     "keterangan", "catatan", "lembaga", "bank", "putaran", "penerbit", "lokasi", "wilayah", "jasa",
     "anggaran", "capaian", "pagu", "name", "date", "form", "note", "source", "round", "amount"}
)  # fmt: skip
# A header with one of these words is about something else (profit, wages, plans, other people),
# whatever field word it also carries; it matches only a phrase it equals.
VETO = frozenset(
    {"laba", "keuntungan", "untung", "gaji", "upah", "biaya", "pengeluaran", "target", "rencana",
     "kebutuhan", "harapan", "kendala", "lahir", "ibu", "ayah", "suami", "istri", "pasangan", "ahli",
     "waris", "kandung", "rekomendasi", "pinjaman"}
)  # fmt: skip

POSITION = re.compile(r"#[1-9][0-9]*")  # "#3": the third column, in a user's choices
_BRACKET = re.compile(r"[(\[{]([^)\]}]*)[)\]}]?")
_ALTERNATIVE = re.compile(r"\s*(?:/|\||\\|\batau\b|\bor\b)\s*")
_PERIOD_PATTERNS = (
    (re.compile(r"\s*/\s*(bulan|bln|bl)\b|\bper\s*(bulan|bln|bl)\b|\bsebulan\b|\bbulanan\b"), "bulan"),
    (re.compile(r"\s*/\s*(tahun|thn|th)\b|\bper\s*(tahun|thn|th)\b|\bsetahun\b|\btahunan\b"), "tahun"),
    (re.compile(r"\b(tahun|thn|th)\s+(19|20)\d\d\b"), "tahun"),  # "Omzet Tahun 2024"
)
_MONEY = re.compile(r"\b(rp|rupiah|idr)\b\.?")


def _fold(text: object) -> str:
    folded = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    folded = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", folded)  # namaPemilik, noHp: an app's export
    return folded.lower().replace("_", " ").strip()


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text)


def _expand(tokens: Iterable[str]) -> tuple[str, ...]:
    words: list[str] = []
    for token in tokens:
        words.extend(ABBREVIATIONS.get(token, (token,)))
    for pattern, replacement in PHRASES:
        size, i, out = len(pattern), 0, []
        while i < len(words):
            if tuple(words[i : i + size]) == pattern:
                out.extend(replacement)
                i += size
            else:
                out.append(words[i])
                i += 1
        words = out
    return tuple(words)


def _words(text: str) -> tuple[str, ...]:
    """Normalised words of a piece of header: numbers dropped unless nothing else is left."""
    tokens = _tokens(text)
    kept = [t for t in tokens if not t.isdigit() and t not in UNIT_WORDS and t not in SCALE_WORDS]
    return _expand(kept or tokens)


@dataclass(frozen=True)
class Reading:
    """What a header says once read: its alternatives, and the unit and period taken out of it."""

    header: str
    whole: tuple[str, ...]  # every word, alternatives and qualifiers together
    parts: tuple[tuple[str, ...], ...]  # each alternative alone, and each bracketed qualifier alone
    period: str  # "bulan", "tahun" or ""
    unit_factor: int  # 1000 for "(Rp ribu)", 1_000_000 for "(juta)", else 1
    raw: tuple[str, ...]  # the header's own words, before abbreviations were spelled out


def read_header(header: object) -> Reading:
    text = _fold(header)
    periods: list[str] = []
    unit_factor = 1
    qualifiers: list[str] = []

    def bracket(match: re.Match) -> str:
        nonlocal unit_factor
        inner = match.group(1)
        tokens = _tokens(inner)
        known = UNIT_WORDS | MONTH_WORDS | YEAR_WORDS | set(SCALE_WORDS)
        if tokens and all(t in known or t.isdigit() for t in tokens):
            if any(t in MONTH_WORDS for t in tokens):
                periods.append("bulan")
            elif any(t in YEAR_WORDS for t in tokens):
                periods.append("tahun")
            for t in tokens:
                unit_factor = max(unit_factor, SCALE_WORDS.get(t, 1))
            return " "
        qualifiers.append(inner)
        return " "

    main = _BRACKET.sub(bracket, text)
    for pattern, period in _PERIOD_PATTERNS:
        main, found = pattern.subn(" ", main)
        if found:
            periods.append(period)
    main = _MONEY.sub(" ", main)
    for token in _tokens(main):
        unit_factor = max(unit_factor, SCALE_WORDS.get(token, 1))
    pieces = [p for p in _ALTERNATIVE.split(main) if _words(p)]
    whole = _words(" ".join([*pieces, *qualifiers])) or _words(text)
    parts: list[tuple[str, ...]] = []
    for piece in [*pieces, *(q for inner in qualifiers for q in _ALTERNATIVE.split(inner))]:
        words = _words(piece)
        if words and words != whole and words not in parts:
            parts.append(words)
    if len(pieces) > 1 and qualifiers:  # "No HP/WA (aktif)": the alternatives stand without it too
        bare = _words(" ".join(pieces))
        if bare != whole and bare not in parts:
            parts.append(bare)
    period = "bulan" if "bulan" in periods else ("tahun" if periods else "")
    return Reading(
        header=str(header or ""),
        whole=whole,
        parts=tuple(parts),
        period=period,
        unit_factor=unit_factor,
        raw=tuple(_tokens(text)),
    )


def _counts_rows(values: Sequence[object]) -> bool:
    numbers = []
    for value in values:
        text = str(value or "").strip().removesuffix(".0")
        if not text.isdigit():
            return False
        numbers.append(int(text))
    return len(numbers) >= 2 and all(b == a + 1 for a, b in zip(numbers, numbers[1:], strict=False))


def is_row_number(header: object, values: Sequence[object] = ()) -> bool:
    """ "No", "No.", "Nomor Urut", "#": a column that only numbers the rows.

    With the first values under it, "Nomor" or an empty header counting 1, 2, 3 … is one too.
    """
    text = _fold(header)
    raw = tuple(_tokens(text))
    if text in {"#", "no.", "no"} or raw in ROW_NUMBER_HEADERS:
        return True
    return raw in ROW_NUMBER_IF_COUNTING and _counts_rows(values)


@dataclass(frozen=True)
class Phrase:
    field: str
    words: tuple[str, ...]
    text: str  # as written in the column spec or the synonyms, for the reason shown to people


class Vocabulary:
    """The phrases of every field of one import kind: label, key, aliases and synonyms."""

    def __init__(
        self,
        columns: Sequence[Column],
        synonyms: Mapping[str, Iterable[str]] | None = None,
        yearly: Iterable[str] = (),
    ):
        self.columns = tuple(columns)
        self.labels = {c.key: c.label for c in self.columns}
        self.yearly = frozenset(yearly)
        synonyms = synonyms or {}
        unknown = set(synonyms) - set(self.labels)
        if unknown:
            raise ValueError(f"synonyms for fields that are not columns: {sorted(unknown)}")
        phrases: dict[tuple[str, tuple[str, ...]], Phrase] = {}
        for column in self.columns:
            texts = (
                column.label,
                column.key.replace("_", " "),
                *column.aliases,
                *synonyms.get(column.key, ()),
            )
            for text in texts:
                words = read_header(text).whole
                if words:
                    phrases.setdefault((column.key, words), Phrase(column.key, words, text))
        self.phrases = tuple(phrases.values())

    def score(self, reading: Reading) -> dict[str, tuple[int, str, Phrase]]:
        """For each field the header may be: (score, how, the phrase it matched)."""
        best: dict[str, tuple[int, str, Phrase]] = {}

        def offer(field: str, score: int, how: str, phrase: Phrase) -> None:
            if score > best.get(field, (0,))[0]:
                best[field] = (score, how, phrase)

        vetoed = bool(VETO & set(reading.whole))
        alternatives = [reading.whole, *reading.parts]
        for phrase in self.phrases:
            if phrase.words == reading.whole:
                offer(phrase.field, EXACT, "exact", phrase)
                continue
            if phrase.words in reading.parts:
                offer(phrase.field, EXACT_PART, "exact", phrase)
                continue
            if vetoed or (len(phrase.words) == 1 and phrase.words[0] in GENERIC):
                continue
            for words in alternatives:
                if len(phrase.words) < len(words) and set(phrase.words) <= set(words):
                    offer(phrase.field, 50 + 40 * len(phrase.words) // len(words), "contains", phrase)
                elif _similar(phrase.words, words):
                    offer(phrase.field, SIMILAR, "similar", phrase)
        return best


def _similar(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    if len(a) != len(b) or a == b:
        return False
    return all(
        x == y or (min(len(x), len(y)) >= 4 and difflib.SequenceMatcher(None, x, y).ratio() >= 0.8)
        for x, y in zip(a, b, strict=True)
    )


@dataclass(frozen=True)
class ColumnMatch:
    """One column of the file, and where it goes."""

    index: int
    header: str
    field: str | None  # the import column it fills; None: skipped, unplaced or in conflict
    candidate: str | None  # the field it claims, even when a conflict keeps it from being placed
    score: int
    # exact, contains, similar, assigned, ignored, row_number, empty, ambiguous, unknown or conflict
    reason: str
    message: str  # for people, in the interface language
    row_number: bool = False
    period: str = ""  # "bulan", "tahun" or "" as the header says
    period_factor: int = 1  # 12 when a per-month amount fills a yearly field
    unit_factor: int = 1  # 1000 for "(Rp ribu)" and so on
    others: tuple[str, ...] = ()  # the other fields an ambiguous header could be

    @property
    def factor(self) -> int:
        """What each value is multiplied by to be stored: period and unit together."""
        return self.period_factor * self.unit_factor

    @property
    def unplaced(self) -> bool:
        return self.reason in ("unknown", "ambiguous")


@dataclass(frozen=True)
class Conflict:
    """Two or more columns claim one field: the user keeps one and ignores the others."""

    field: str
    label: str
    columns: tuple[int, ...]
    headers: tuple[str, ...]
    message: str


@dataclass(frozen=True)
class HeaderMatch:
    columns: tuple[ColumnMatch, ...]
    conflicts: tuple[Conflict, ...]
    missing: tuple[Column, ...]  # required import columns that no file column fills

    @property
    def unplaced(self) -> tuple[ColumnMatch, ...]:
        """Columns that are neither placed, nor a row number, nor empty, nor ignored on purpose."""
        return tuple(c for c in self.columns if c.unplaced)

    @property
    def row_numbers(self) -> tuple[ColumnMatch, ...]:
        return tuple(c for c in self.columns if c.row_number)

    @property
    def ok(self) -> bool:
        """Every column placed or skipped for a reason, and no field claimed twice."""
        return not self.unplaced and not self.conflicts

    @property
    def mapping(self) -> list[str]:
        """The form `columns.guess_mapping` gives: a field key per file column, "" to skip it."""
        return [c.field or "" for c in self.columns]

    @property
    def factors(self) -> dict[str, int]:
        """Field key → what its values are multiplied by, for the fields that need it."""
        return {c.field: c.factor for c in self.columns if c.field and c.factor != 1}

    @property
    def problems(self) -> list[str]:
        """What keeps the import from going on, one sentence each."""
        return [c.message for c in self.unplaced] + [c.message for c in self.conflicts]


def _reason_message(how: str, phrase: Phrase) -> str:
    if how == "exact":
        return _("Cocok dengan “%(phrase)s”") % {"phrase": phrase.text}
    if how == "contains":
        return _("Memuat “%(phrase)s”") % {"phrase": phrase.text}
    return _("Mirip “%(phrase)s”") % {"phrase": phrase.text}


def _conflict_message(headers: Sequence[str], label: str) -> str:
    """ "a" and "b" both hold the field; with three or more columns, the first ones joined as "a"."""
    a, b = "”, “".join(headers[:-1]), headers[-1]
    return _("Kolom “%(a)s” dan “%(b)s” sama-sama berisi %(field)s: pilih satu, abaikan yang lain") % {
        "a": a,
        "b": b,
        "field": label,
    }


class HeaderMatcher:
    """Places the columns of files of one import kind; see the module's docstring."""

    def __init__(
        self,
        columns: Sequence[Column],
        synonyms: Mapping[str, Iterable[str]] | None = None,
        yearly: Iterable[str] = (),
        skipped: Iterable[str] = (),
    ):
        self.vocabulary = Vocabulary(columns, synonyms, yearly)
        # Headers of the portal's own exports that this import reads nothing from ("Skala Usaha",
        # "Diduga Ganda"): skipped with a note when they would be unplaced, or when they claim a
        # field another column holds ("WhatsApp" beside "No HP"); placed as usual otherwise.
        self.skipped = frozenset(header_key(h) for h in skipped)

    def place(self, index: int, header: object, values: Sequence[object] = ()) -> ColumnMatch:
        """One column on its own; conflicts between columns are found by `match`."""
        vocabulary = self.vocabulary
        text = str(header or "").strip()
        if is_row_number(text, values):
            return ColumnMatch(
                index, text, None, None, EXACT, "row_number", _("Kolom nomor urut, dilewati"), row_number=True
            )
        reading = read_header(text)
        if not reading.whole:
            if any(str(v or "").strip() for v in values):
                message = _("Kolom ke-%(n)d tanpa judul berisi data") % {"n": index + 1}
                return ColumnMatch(index, text, None, None, 0, "unknown", message)
            return ColumnMatch(index, text, None, None, 0, "empty", _("Kolom kosong, dilewati"))
        scores = sorted(vocabulary.score(reading).items(), key=lambda item: -item[1][0])
        if not scores or scores[0][1][0] < PLACED:
            message = _("Kolom “%(header)s” tidak dikenali") % {"header": text}
            return ColumnMatch(index, text, None, None, 0, "unknown", message, period=reading.period)
        field, (score, how, phrase) = scores[0]
        close = [other for other, (s, _how, _p) in scores[1:] if s >= PLACED and score - s < MARGIN]
        if close:
            names = [vocabulary.labels[f] for f in (field, *close)]
            message = _("Kolom “%(header)s” bisa berisi %(fields)s: pilih salah satu") % {
                "header": text,
                "fields": ", ".join(names),
            }
            return ColumnMatch(
                index, text, None, None, score, "ambiguous", message, period=reading.period, others=(field, *close)
            )  # fmt: skip
        return self._placed(index, text, field, score, how, _reason_message(how, phrase), reading)

    def _placed(
        self, index: int, text: str, field: str, score: int, how: str, message: str, reading: Reading
    ) -> ColumnMatch:
        period_factor = 12 if reading.period == "bulan" and field in self.vocabulary.yearly else 1
        notes = [message]
        if period_factor != 1:
            notes.append(_("Nilai per bulan dikalikan 12 menjadi setahun"))
        if reading.unit_factor != 1:
            notes.append(
                _("Nilai dikalikan %(factor)s sesuai satuan di judul kolom")
                % {"factor": f"{reading.unit_factor:,}".replace(",", ".")}
            )
        return ColumnMatch(
            index, text, field, field, score, how, "; ".join(notes),
            period=reading.period, period_factor=period_factor, unit_factor=reading.unit_factor,
        )  # fmt: skip

    def match(
        self,
        headers: Sequence[object],
        *,
        samples: Sequence[Sequence[object]] = (),
        assigned: Mapping[str, str] | None = None,
    ) -> HeaderMatch:
        """Every column of a header row, with conflicts and missing required columns.

        `samples`: the first data rows (a few are enough), to tell a row-number column that has
        no header or only "Nomor". `assigned`: what the user decided, header → field key, or "" to
        ignore the column; it wins over what the header says (CLI --map/--ignore, the mapping
        screen, a remembered mapping). A key "#3" names the third column by its place, for a
        column without a header or with the same header as another.
        """
        vocabulary = self.vocabulary
        chosen = {(h if POSITION.fullmatch(h) else header_key(h)): key for h, key in (assigned or {}).items()}
        bad = {key for key in chosen.values() if key and key not in vocabulary.labels}
        if bad:
            raise ValueError(f"not a column of this import: {sorted(bad)}")
        placed: list[ColumnMatch] = []
        for index, header in enumerate(headers):
            text = str(header or "").strip()
            values = [row[index] if index < len(row) else "" for row in samples]
            key = f"#{index + 1}" if f"#{index + 1}" in chosen else header_key(text)
            if key in chosen and chosen[key] == "":
                placed.append(
                    ColumnMatch(index, text, None, None, 0, "ignored", _("Diabaikan atas pilihan Anda"))
                )
            elif key in chosen:
                reading = read_header(text)
                message = _("Dipetakan atas pilihan Anda")
                placed.append(self._placed(index, text, chosen[key], EXACT, "assigned", message, reading))
            else:
                placed.append(self.place(index, text, values))
        self._skip_exported(placed)
        claims: dict[str, list[ColumnMatch]] = {}
        for column in placed:
            if column.field:
                claims.setdefault(column.field, []).append(column)
        conflicts = []
        for field, claimants in claims.items():
            if len(claimants) < 2:
                continue
            message = _conflict_message(
                [c.header or f"#{c.index + 1}" for c in claimants], vocabulary.labels[field]
            )
            conflicts.append(
                Conflict(
                    field, vocabulary.labels[field], tuple(c.index for c in claimants),
                    tuple(c.header for c in claimants), message,
                )
            )  # fmt: skip
            for c in claimants:
                placed[c.index] = ColumnMatch(
                    c.index, c.header, None, field, c.score, "conflict", message,
                    period=c.period, period_factor=c.period_factor, unit_factor=c.unit_factor,
                )  # fmt: skip
        filled = {c.field for c in placed if c.field} | {c.field for c in conflicts}
        missing = tuple(c for c in vocabulary.columns if c.required and c.key not in filled)
        return HeaderMatch(tuple(placed), tuple(conflicts), missing)

    def _skip_exported(self, placed: list[ColumnMatch]) -> None:
        """Columns of the portal's own exports that this import does not read (see __init__)."""
        if not self.skipped:
            return
        exported = [
            c
            for c in placed
            if header_key(c.header) in self.skipped and c.reason not in ("assigned", "ignored")
        ]
        others = {c.field for c in placed if c.field and c not in exported}
        message = _("Kolom ekspor portal yang tidak diimpor, dilewati")
        for c in exported:
            if c.unplaced or c.field in others:
                placed[c.index] = ColumnMatch(c.index, c.header, None, None, 0, "not_imported", message)


def match_headers(
    headers: Sequence[object],
    columns: Sequence[Column],
    *,
    synonyms: Mapping[str, Iterable[str]] | None = None,
    yearly: Iterable[str] = (),
    samples: Sequence[Sequence[object]] = (),
    assigned: Mapping[str, str] | None = None,
) -> HeaderMatch:
    return HeaderMatcher(columns, synonyms, yearly).match(headers, samples=samples, assigned=assigned)


def find_header_row(
    rows: Sequence[Sequence[object]], matcher: HeaderMatcher, *, search: int = 15
) -> int | None:
    """Index of the row, among the first `search`, that places the most fields; None when none places one.

    Title rows above it ("DATA UMKM KOTA BANJARMASIN 2024", a date line, blank rows) place nothing.
    """
    best, best_fields = None, 0
    for index, row in enumerate(rows[:search]):
        fields = {c.field for c in (matcher.place(i, cell) for i, cell in enumerate(row)) if c.field}
        if len(fields) > best_fields:
            best, best_fields = index, len(fields)
    return best


def header_fingerprint(headers: Sequence[object]) -> str:
    """The same for two header rows that differ only in case, accents, spacing and punctuation.

    The key of a remembered mapping: a dinas that sends the same sheet every month maps it once.
    Empty cells at the end of the row (a merged title's leftovers) do not count.
    """
    keys = [header_key(h) for h in headers]
    while keys and not keys[-1]:
        keys.pop()
    return hashlib.sha256("\x1f".join(keys).encode()).hexdigest()
