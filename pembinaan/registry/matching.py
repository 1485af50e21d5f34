"""Which records are the same business or owner (rules 2c, 2f): one module for flagging possible
duplicates, scanning the whole registry for them, and matching a file's rows to existing records.

- `business_flag_duplicates` (one business, after each save in the services) and
  `duplicates_scan_all` (the whole registry, after an import or the demo data) flag pairs for staff
  by rule 2c: owners who are different people with one phone number, or the same normalised name
  in one kelurahan. Flagged, never blocked; a dismissed pair stays dismissed.
- `RowMatches` matches the rows of the owners-and-businesses import by rule 2f: an owner by NIK,
  else by phone when exactly one active owner has it; a business by NIB, else by the same
  normalised name in the same kelurahan when exactly one business has it.
- `BusinessFinder` finds the business a row of the coaching imports (participants, outcomes,
  grants) is about: by NIB, or by the owner's NIK when that owner has exactly one active business.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from pembinaan.lib.identifiers import parse_nib, parse_nik
from pembinaan.registry.models import Business, DuplicatePair, Owner

# --- Possible duplicates (rule 2c) --------------------------------------------------------------


def _pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def business_flag_duplicates(*, business: Business) -> list[DuplicatePair]:
    """Flag other businesses that may be this one: same owner phone, or same name in the kelurahan.

    Businesses of the same owner are not duplicates by phone: one person often runs several.
    Pairs that staff already dismissed stay dismissed.
    """
    if business.merged_into_id:
        return []
    candidates = Business.objects.active().exclude(pk=business.pk)
    reasons: dict[int, dict[str, bool]] = {}
    phone = business.owner.phone
    if phone:
        for pk in (
            candidates.filter(owner__phone=phone)
            .exclude(owner=business.owner_id)
            .values_list("pk", flat=True)
        ):
            reasons.setdefault(pk, {})["same_phone"] = True
    if business.name_normalized:
        for pk in candidates.filter(
            kelurahan=business.kelurahan_id, name_normalized=business.name_normalized
        ).values_list("pk", flat=True):
            reasons.setdefault(pk, {})["same_name"] = True
    pairs = []
    for other, flags in reasons.items():
        a, b = _pair(business.pk, other)
        pair, created = DuplicatePair.objects.get_or_create(business_a_id=a, business_b_id=b, defaults=flags)
        if not created and pair.status == DuplicatePair.Status.OPEN:
            for key, value in flags.items():
                setattr(pair, key, value)
            pair.save(update_fields=list(flags))
        pairs.append(pair)
    return pairs


def _chunks(values: list, size: int = 500):
    # SQLite limits the number of parameters in one query; stay well below it.
    for start in range(0, len(values), size):
        yield values[start : start + size]


@transaction.atomic
def duplicates_scan_all() -> int:
    """Flag every possible duplicate in the registry with grouped queries (for seeds and imports)."""
    found: dict[tuple[int, int], dict[str, bool]] = {}
    active = Business.objects.active()

    phones = list(
        active.exclude(owner__phone="")
        .values("owner__phone")
        .annotate(n=Count("owner", distinct=True))
        .filter(n__gt=1)
        .values_list("owner__phone", flat=True)
    )
    by_phone: dict[str, list[tuple[int, int]]] = {}
    for chunk in _chunks(phones):
        for pk, owner_id, phone in active.filter(owner__phone__in=chunk).values_list(
            "pk", "owner_id", "owner__phone"
        ):
            by_phone.setdefault(phone, []).append((pk, owner_id))
    for rows in by_phone.values():
        for i, (pk1, owner1) in enumerate(rows):
            for pk2, owner2 in rows[i + 1 :]:
                if owner1 != owner2:
                    found.setdefault(_pair(pk1, pk2), {})["same_phone"] = True

    groups = {
        (row["kelurahan_id"], row["name_normalized"])
        for row in active.values("kelurahan_id", "name_normalized").annotate(n=Count("pk")).filter(n__gt=1)
    }
    by_name: dict[tuple[str, str], list[int]] = {}
    for chunk in _chunks(sorted({name for _kel, name in groups})):
        for pk, kel, name in active.filter(name_normalized__in=chunk).values_list(
            "pk", "kelurahan_id", "name_normalized"
        ):
            if (kel, name) in groups:
                by_name.setdefault((kel, name), []).append(pk)
    for pks in by_name.values():
        for i, pk1 in enumerate(pks):
            for pk2 in pks[i + 1 :]:
                found.setdefault(_pair(pk1, pk2), {})["same_name"] = True

    existing = set(DuplicatePair.objects.values_list("business_a_id", "business_b_id"))
    new = [
        DuplicatePair(business_a_id=a, business_b_id=b, **flags)
        for (a, b), flags in found.items()
        if (a, b) not in existing
    ]
    DuplicatePair.objects.bulk_create(new, batch_size=1000)
    return len(new)


# --- A file's rows and existing records (rule 2f) -----------------------------------------------

# The owner's columns read with each match (for the row's changes, and a business's owner).
OWNER_COLUMNS = ("pk", "nik", "name", "gender", "birth_date", "phone", "email", "address")


def name_key(kelurahan_id: str, name_normalized: str) -> tuple[str, str]:
    """Businesses with the same key are one business by name (rules 2c, 2f)."""
    return (kelurahan_id, name_normalized)


@dataclass
class RowMatches:
    """The existing owners and businesses that a batch of rows may mean, each looked up once.

    Records are dicts of column values (a business's with its owner's as "owner__…"), which is all
    the import needs to plan, at a fraction of the cost of model instances.
    """

    by_nik: dict[str, dict] = field(default_factory=dict)
    by_phone: dict[str, list[dict]] = field(default_factory=dict)
    by_nib: dict[str, dict] = field(default_factory=dict)
    by_name: dict[tuple[str, str], list[dict]] = field(default_factory=dict)

    @classmethod
    def load(cls, owners: list[dict], businesses: list[dict], *, business_columns) -> RowMatches:
        """`owners` and `businesses`: the rows' values by model field; `business_columns`: what to read."""
        found = cls()
        found._load_owners(
            niks={o["nik"] for o in owners if o.get("nik")},
            phones={o["phone"] for o in owners if o.get("phone") and not o.get("nik")},
        )
        columns = {
            "pk", "owner_id", "name_normalized", *business_columns,
            *(f"owner__{name}" for name in OWNER_COLUMNS if name != "pk"),
        }  # fmt: skip
        found._load_businesses(
            columns,
            nibs={b["nib"] for b in businesses if b.get("nib")},
            names={b["name_normalized"] for b in businesses if not b.get("nib")},
        )
        return found

    def _load_owners(self, *, niks: set[str], phones: set[str]) -> None:
        if niks:
            self.by_nik = {o["nik"]: o for o in Owner.objects.filter(nik__in=niks).values(*OWNER_COLUMNS)}
        if phones:
            for o in Owner.objects.active().filter(phone__in=phones).values(*OWNER_COLUMNS):
                self.by_phone.setdefault(o["phone"], []).append(o)

    def _load_businesses(self, columns: set[str], *, nibs: set[str], names: set[str]) -> None:
        if nibs:
            self.by_nib = {b["nib"]: b for b in Business.objects.filter(nib__in=nibs).values(*columns)}
        if names:
            for b in Business.objects.active().filter(name_normalized__in=names).values(*columns):
                self.by_name.setdefault(name_key(b["kelurahan_id"], b["name_normalized"]), []).append(b)

    def owner(self, values: dict) -> dict | None:
        """The existing owner a row means: by NIK, else by phone when exactly one active owner has it."""
        if values.get("nik"):
            return self.by_nik.get(values["nik"])
        same_phone = self.by_phone.get(values.get("phone") or "", [])
        return same_phone[0] if len(same_phone) == 1 else None

    def business(self, owner_values: dict, values: dict) -> dict | None:
        """The existing business a row means: by NIB, else by name in the kelurahan when exactly one
        business has it and its owner has no other NIK than the row's."""
        if values.get("nib"):
            return self.by_nib.get(values["nib"])
        nik = owner_values.get("nik")
        candidates = self.by_name.get(name_key(values["kelurahan_id"], values["name_normalized"]), [])
        if len(candidates) == 1 and (not nik or candidates[0]["owner__nik"] in (None, nik)):
            return candidates[0]
        return None


def owner_of(business: dict) -> dict:
    """The owner's values read with a matched business (RowMatches), as an owner match."""
    owner = {k.removeprefix("owner__"): v for k, v in business.items() if k.startswith("owner__")}
    owner["pk"] = business["owner_id"]
    return owner


# --- The business a coaching import's row is about ----------------------------------------------


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
