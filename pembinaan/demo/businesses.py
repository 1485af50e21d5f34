"""Demo businesses: the registry of a believable city, with status timelines, history rows and a
few deliberate possible duplicates.

The methods run on the `DemoSeeder`; rows are plain dicts written with `insert_rows` (no `save()`
runs, so the derived columns are set here with the same functions the model uses)."""

from __future__ import annotations

import itertools

from django.core.management.base import CommandError

from pembinaan.accounts.models import User
from pembinaan.demo.accounts import CONSENT_VERSION, DEMO_OWNER_PHONE
from pembinaan.demo.kinds import KIND_CUM, KINDS, TEMPLATE_FIELDS, Kind
from pembinaan.demo.people import Person
from pembinaan.demo.vocabulary import (
    BRAND_FIRST,
    BRAND_SECOND,
    FEMALE_HONORIFICS,
    INACTIVE_REASONS,
    KECAMATAN_WEIGHT,
    MALE_HONORIFICS,
    MARKETPLACES,
    REJECT_REASONS,
    SOCIAL_MEDIA,
)
from pembinaan.lib.bulk_insert import Row, insert_history, insert_rows
from pembinaan.lib.identifiers import GENDER_FEMALE
from pembinaan.reference.models import KbliCategory, Kelurahan
from pembinaan.registry.matching import duplicates_scan_all
from pembinaan.registry.models import (
    Business,
    BusinessSource,
    BusinessStatus,
    Certification,
    Owner,
    StatusChange,
    business_derived,
    normalise_name,
)

S = BusinessStatus
SRC = BusinessSource
CERT_ORDER = {code: i for i, code in enumerate(Certification.values)}


class RegistrySteps:
    """Owners and businesses of the registry, written in bulk."""

    def _seed_registry(self) -> None:
        rng = self.rng
        self.kelurahan = list(Kelurahan.objects.order_by("code").values_list("code", "name", "kecamatan_id"))
        if not self.kelurahan:
            raise CommandError(
                "No kelurahan in the database; run migrate first (a data migration loads them)."
            )
        self.categories = set(KbliCategory.objects.values_list("code", flat=True))
        self._kel_cum = list(
            itertools.accumulate(
                rng.lognormvariate(0, 0.6) * KECAMATAN_WEIGHT.get(kec, 1.0) for _c, _n, kec in self.kelurahan
            )
        )
        # Every kelurahan gets at least one business: the first owners live in each in turn.
        self._kel_tour = self.kelurahan[:]
        rng.shuffle(self._kel_tour)
        # Start years skewed towards recent ones, with a bump of new businesses after the pandemic.
        self._years = list(range(1995, self.today.year + 1))
        self._year_cum = list(
            itertools.accumulate((y - 1990) ** 1.8 * (1.5 if 2020 <= y <= 2023 else 1.0) for y in self._years)
        )
        # Identifiers already in use (the database holds no business, but may hold owners or users).
        self._niks = set(Owner.objects.exclude(nik=None).values_list("nik", flat=True))
        self._phones = set(Owner.objects.exclude(phone="").values_list("phone", flat=True))
        self._phones |= set(User.objects.exclude(phone=None).values_list("phone", flat=True))
        self._phones.add(DEMO_OWNER_PHONE)
        self._nibs: set[str] = set()
        self._names: set[tuple[str, str]] = set()  # (kelurahan code, normalised name)
        self._kinds: list[Kind] = []  # per business

        n = self.n_businesses
        n_duplicates = min(max(2, round(n * 0.005)), n - 2) if n >= 10 else 0
        n_large = max(2, n // 5000) if n >= 20 else 0
        regular = n - n_duplicates
        self._large_at = set(rng.sample(range(2, regular), min(n_large, max(0, regular - 2))))
        self._regular = regular
        self._duplicated: set[int] = set()

        self._seed_demo_owner()
        while len(self.businesses) < regular:
            i = len(self.owners) - 1  # the demo owner came first
            home = self._kel_tour[i] if i < len(self._kel_tour) else self._pick_kelurahan()
            kind = self._pick_kind()
            person = self._new_person(kind, home)
            count = self._weighted((1, 2, 3), (90, 97, 100))
            for j in range(min(count, regular - len(self.businesses))):
                if j > 0:
                    kind = self._pick_kind()
                kel = home if j == 0 or rng.random() < 0.6 else self._pick_kelurahan()
                self._new_business(person, kind, kel)
        for _ in range(n_duplicates):
            self._new_duplicate()
        self._write_registry()

    def _pick_kelurahan(self) -> tuple[str, str, str]:
        return self._weighted(self.kelurahan, self._kel_cum)

    def _pick_kind(self) -> Kind:
        return self._weighted(KINDS, KIND_CUM)

    def _business_name(self, kind: Kind, person: Person, kel: tuple[str, str, str]) -> tuple[str, str]:
        """A name not yet used in the kelurahan, and its normalised form."""
        rng = self.rng
        for attempt in range(8):
            template = rng.choice(kind.names)
            fields = TEMPLATE_FIELDS[template]
            values: dict[str, str] = {}
            if "hon" in fields:
                values["hon"] = rng.choice(FEMALE_HONORIFICS if person.female else MALE_HONORIFICS)
            if "nama" in fields:
                values["nama"] = person.short_name
            if "brand" in fields:
                brand = rng.choice(BRAND_FIRST)
                if rng.random() < 0.45:
                    second = rng.choice(BRAND_SECOND)
                    if second not in brand:
                        brand += " " + second
                values["brand"] = brand
            if "kel" in fields:
                values["kel"] = kel[1]
            if "w" in fields:
                values["w"] = rng.choice(kind.words)
            name = template.format(**values)
            if attempt == 6:
                # A common name already taken in a busy kelurahan: people then add their own name.
                name = f"{name} {person.owner['name'].split()[-1]}"
            normalised = normalise_name(name)
            if (kel[0], normalised) not in self._names:
                self._names.add((kel[0], normalised))
                return name, normalised
        number = 2
        while (kel[0], f"{normalised} {number}") in self._names:
            number += 1
        self._names.add((kel[0], f"{normalised} {number}"))
        return f"{name} {number}", f"{normalised} {number}"

    def _pick_status(self) -> tuple[str, str]:
        """(status, source) in the mix of a running programme."""
        rng = self.rng
        r = rng.random()
        if r < 0.85:
            return S.VERIFIED, self._weighted((SRC.STAFF, SRC.SELF, SRC.IMPORT), (72, 92, 100))
        if r < 0.93:
            return S.SUBMITTED, SRC.SELF
        if r < 0.96:
            return S.REJECTED, SRC.SELF
        if r < 0.98:
            return S.INACTIVE, SRC.STAFF if rng.random() < 0.8 else SRC.SELF
        return S.DRAFT, SRC.SELF

    def _money(self, kind: Kind, index: int) -> tuple[int | None, int | None, int | None]:
        """(annual sales, capital, employees), money in whole rupiah."""
        rng = self.rng
        if index in self._large_at:
            # A handful above the menengah ceiling: flagged as not a UMKM.
            return rng.randrange(55_000, 250_000) * 1_000_000, rng.randrange(10_000, 60_000) * 1_000_000, 30
        # Kecil and menengah are likelier for a wholesaler than for a street-food stall.
        larger = min(0.3, 0.07 * kind.median_sales / 100_000_000)
        r = rng.random()
        if r >= larger:
            sales = int(min(max(kind.median_sales * rng.lognormvariate(0, 0.75), 6_000_000), 1_990_000_000))
            employees = min(30, 1 + int(rng.expovariate(1 / 1.6)))
        elif r < 0.8 * larger:
            sales = int(2_000_000_000 * 7.5 ** rng.random())  # log-uniform, Rp2 M to Rp15 M
            employees = rng.randint(5, 20)
        else:
            sales = int(15_000_000_000 * (50 / 15) ** rng.random())  # Rp15 M to Rp50 M
            employees = rng.randint(12, 30)
        sales = sales // 100_000 * 100_000
        # Capital stays within the menengah ceiling: only the handful above are "besar".
        capital = min(sales * rng.randint(8, 45) // 100 // 50_000 * 50_000, 9_500_000_000) or 500_000
        u = rng.random()
        if u < 0.08:
            return None, capital, employees  # sales not reported: the scale comes from capital
        if u < 0.1:
            return None, None, employees if rng.random() < 0.7 else None
        if u < 0.2:
            capital = None
        return sales, capital, employees

    def _links(self, normalised: str, kind: Kind, start_year: int | None) -> tuple[str, str, str]:
        rng = self.rng
        slug = normalised.replace(" ", "")[:28] or "usaha"
        marketplace = social = website = ""
        if rng.random() < (0.2 if kind.category in "CG" else 0.08):
            marketplace = rng.choice(MARKETPLACES).format(slug)
        if rng.random() < (0.45 if start_year and start_year >= 2018 else 0.25):
            social = rng.choice(SOCIAL_MEDIA).format(slug)
        if rng.random() < 0.02:
            website = f"https://{slug}.{rng.choice(('com', 'id', 'my.id'))}"
        return marketplace, social, website

    def _certifications(self, kind: Kind, status: str) -> list[str]:
        rng = self.rng
        certs = []
        if kind.food:
            boost = 1.3 if status == S.VERIFIED else 0.7
            if rng.random() < 0.3 * boost:
                certs.append(Certification.HALAL.value)
            if rng.random() < 0.35 * boost:
                certs.append(Certification.PIRT.value)
            if rng.random() < 0.03:
                certs.append(Certification.BPOM.value)
        if rng.random() < 0.04:
            certs.append(Certification.HKI.value)
        if kind.category == "C" and not kind.food and rng.random() < 0.02:
            certs.append(Certification.SNI.value)
        return sorted(certs, key=CERT_ORDER.__getitem__)

    def _make_nib(self) -> str:
        while True:
            nib = f"{self.rng.choice(('91', '81', '12', '02', '22', '03'))}{self.rng.randrange(10**11):011d}"
            if nib not in self._nibs:
                self._nibs.add(nib)
                return nib

    def _new_business(
        self,
        person: Person,
        kind: Kind,
        kel: tuple[str, str, str],
        *,
        name: str | None = None,
        status: str | None = None,
        source: str | None = None,
    ) -> Row:
        rng = self.rng
        owner = person.owner
        if name is None:
            name, normalised = self._business_name(kind, person, kel)
        else:
            normalised = normalise_name(name)
            self._names.add((kel[0], normalised))
        picked_status, picked_source = self._pick_status()
        status, source = status or picked_status, source or picked_source
        sales, capital, employees = self._money(kind, len(self.businesses))
        start_year = self._weighted(self._years, self._year_cum) if rng.random() < 0.95 else None
        category = kind.category if rng.random() < 0.97 and kind.category in self.categories else None
        code = rng.choice(kind.codes) if category and rng.random() < 0.85 else ""
        nib = self._make_nib() if rng.random() < (0.5 if status == S.VERIFIED else 0.25) else None
        npwp = ""
        if rng.random() < 0.2:
            if owner["nik"] and rng.random() < 0.4:
                npwp = owner["nik"]  # NIK-based NPWP, since 2024
            else:
                npwp = f"{rng.randrange(10**9):09d}731000"  # old format, KPP Banjarmasin
        marketplace, social, website = self._links(normalised, kind, start_year)
        products = ", ".join(rng.sample(kind.products, rng.randint(1, min(4, len(kind.products)))))
        reason = ""
        if status == S.REJECTED:
            reason = rng.choice(REJECT_REASONS)
        elif status == S.INACTIVE:
            reason = rng.choice(INACTIVE_REASONS)
        if owner.get("user_id"):
            creator = owner["user_id"]
        else:
            creator = None if source == SRC.SELF else self.staff_user.pk
        if "created_by_id" not in owner:
            # The owner record was entered together with their first business.
            owner["created_by_id"] = owner["_history_user_id"] = creator
            if source == SRC.SELF:
                owner["consent_version"], owner["consent_at"] = CONSENT_VERSION, self.now
        address = owner["address"] if kel == person.home and rng.random() < 0.6 else self._address(kel)
        business = {
            "_owner": owner,
            "name": name,
            # The registry's own derivation (normalised name, scale and its basis), as for a save.
            **business_derived(name=name, annual_sales=sales, capital=capital),
            "kelurahan_id": kel[0],
            "address": address,
            "kbli_category_id": category,
            "kbli_code": code,
            "nib": nib,
            "npwp": npwp,
            "start_year": start_year,
            "employees": employees,
            "annual_sales": sales,
            "capital": capital,
            "products": products[:1].upper() + products[1:],
            "marketplace_url": marketplace,
            "social_media_url": social,
            "website_url": website,
            "certifications": self._certifications(kind, status),
            "status": status,
            "status_reason": reason,
            "status_changed_at": self.now,
            "source": source,
            "merged_into_id": None,
            "created_by_id": creator,
            "_history_user_id": creator,
        }
        self.businesses.append(business)
        self._kinds.append(kind)
        return business

    def _new_duplicate(self) -> Row:
        """The same person entered again (same phone, no or another NIK) with the same business."""
        rng = self.rng
        for _attempt in range(1000):
            index = rng.randrange(2, self._regular)  # not the demo owner's, not another duplicate
            original = self.businesses[index]
            if original["_owner"]["phone"] and index not in self._duplicated:
                break
        self._duplicated.add(index)
        first = original["_owner"]
        female = first["gender"] == GENDER_FEMALE
        nik = None
        if first["nik"] and rng.random() < 0.45:
            # A typing mistake in the serial: still a valid NIK, but another one.
            nik = self._make_nik(first["nik"][:6], female=female, birth=first["birth_date"])
        words = first["name"].split()
        owner = {
            "nik": nik,
            "name": rng.choice((first["name"], first["name"].upper(), f"{words[0]} {words[-1]}")),
            "gender": first["gender"],
            "birth_date": first["birth_date"] if nik else None,
            "phone": first["phone"],
            "email": "" if rng.random() < 0.7 else first["email"],
            "address": first["address"],
        }
        self.owners.append(owner)
        kel = next(k for k in self.kelurahan if k[0] == original["kelurahan_id"])
        person = Person(owner=owner, short_name=words[-1], female=female, home=kel)
        name = original["name"]
        name = rng.choice((name, name.upper(), name.lower(), name + "."))
        status, source = (S.SUBMITTED, SRC.SELF) if rng.random() < 0.6 else (S.VERIFIED, SRC.STAFF)
        return self._new_business(person, self._kinds[index], kel, name=name, status=status, source=source)

    def _status_changes(self) -> list[Row]:
        """Each business's timeline, ending in its current status (docs/rules.md rule 1)."""
        staff = self.staff_user.pk
        rows: list[Row] = []
        for business in self.businesses:
            status, reason, pk = business["status"], business["status_reason"], business["id"]
            submitter = business["_owner"].get("user_id")
            steps: list[tuple[str, str, int | None, str]] = []
            if business["source"] == SRC.SELF:
                if status == S.DRAFT:
                    steps.append(("", S.DRAFT, submitter, ""))
                else:
                    steps.append(("", S.SUBMITTED, submitter, ""))
                    if status == S.REJECTED:
                        steps.append((S.SUBMITTED, S.REJECTED, staff, reason))
                    elif status in (S.VERIFIED, S.INACTIVE):
                        steps.append((S.SUBMITTED, S.VERIFIED, staff, ""))
            else:
                steps.append(("", S.VERIFIED, staff, ""))
            if status == S.INACTIVE:
                steps.append((S.VERIFIED, S.INACTIVE, staff, reason))
            for before, after, by, why in steps:
                rows.append(
                    {
                        "business_id": pk,
                        "from_status": before,
                        "to_status": after,
                        "reason": why,
                        "changed_by_id": by,
                        "changed_at": self.now,
                    }
                )
        return rows

    def _write_registry(self) -> None:
        staff = self.staff_user.pk
        insert_rows(Owner, self.owners, now=self.now)
        insert_history(Owner, self.owners, now=self.now, default_user_id=staff)
        for business in self.businesses:
            business["owner_id"] = business["_owner"]["id"]
        insert_rows(Business, self.businesses, now=self.now)
        insert_history(Business, self.businesses, now=self.now, default_user_id=staff)
        changes = insert_rows(StatusChange, self._status_changes(), now=self.now)
        self.counts.update(
            owners=len(self.owners),
            businesses=len(self.businesses),
            status_changes=len(changes),
            history_rows=len(self.owners) + len(self.businesses),
        )

    def _flag_duplicates(self) -> None:
        self.counts["duplicate_pairs"] = duplicates_scan_all()
