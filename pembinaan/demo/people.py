"""Demo owners: Banjar names, NIKs that match their birth date and gender, mobile numbers, addresses.

The methods run on the `DemoSeeder` (they use its random generator and the identifiers it has
handed out)."""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass

from django.core.management.base import CommandError

from pembinaan.accounts import roles
from pembinaan.demo.accounts import DEMO_OWNER_PHONE
from pembinaan.demo.kinds import KINDS, Kind
from pembinaan.demo.vocabulary import (
    EMAIL_DOMAINS,
    FEMALE_FAMILY,
    FEMALE_GIVEN,
    FEMALE_LEADING,
    GANG_NAMES,
    MALE_FAMILY,
    MALE_GIVEN,
    MALE_LEADING,
    NICKNAMES,
    OTHER_REGENCIES,
    PHONE_PREFIXES,
    STREETS,
)
from pembinaan.lib.bulk_insert import Row
from pembinaan.lib.identifiers import GENDER_FEMALE, GENDER_MALE, parse_nik
from pembinaan.registry.models import (
    BusinessSource,
    BusinessStatus,
    Owner,
    normalise_name,
    owner_fields_from_nik,
)

S = BusinessStatus
SRC = BusinessSource
PHONE_PREFIX_LIST = [p for p, _w in PHONE_PREFIXES]
PHONE_PREFIX_CUM = list(itertools.accumulate(w for _p, w in PHONE_PREFIXES))


@dataclass
class Person:
    """An owner being generated, with what the business generator needs to know about them."""

    owner: Row
    short_name: str
    female: bool
    home: tuple[str, str, str]  # kelurahan (code, name, kecamatan code)


class PeopleSteps:
    """Owners, the demo owner first."""

    def _seed_demo_owner(self) -> None:
        """The owner behind pemilik@demo.umkm.test: one verified business, one awaiting verification."""
        by_code = {kel[0]: kel for kel in self.kelurahan}
        home = by_code.get("63.71.05.1007") or self.kelurahan[0]  # Seberang Mesjid, kampung sasirangan
        user = self.users[roles.OWNER]
        if Owner.objects.filter(user=user).exists():
            raise CommandError(f"An owner record is already linked to {user.email}; remove it to seed again.")
        birth = datetime.date(1978, 3, 12)
        owner = {
            "nik": self._make_nik(self._district_of(home), female=True, birth=birth),
            "name": user.full_name,
            "gender": GENDER_FEMALE,
            "birth_date": birth,
            "phone": DEMO_OWNER_PHONE,
            "email": user.email,
            "address": f"Jl. Sasirangan No. 12, RT 004, Kel. {home[1]}",
            "user_id": user.pk,
        }
        owner.update(owner_fields_from_nik(parse_nik(owner["nik"])))
        self.owners.append(owner)
        person = Person(owner=owner, short_name="Aminah", female=True, home=home)
        kinds = {kind.codes[0]: kind for kind in KINDS}
        self._new_business(
            person, kinds["10792"], home, name="Wadai Banjar Acil Aminah", status=S.VERIFIED, source=SRC.SELF
        )
        self._new_business(
            person, kinds["13134"], home, name="Sasirangan Galuh Aminah", status=S.SUBMITTED, source=SRC.SELF
        )

    @staticmethod
    def _district_of(kel: tuple[str, str, str]) -> str:
        """NIK digits 1-6 of someone registered in this Banjarmasin kelurahan: 6371 + kecamatan."""
        return kel[2].replace(".", "")

    def _make_nik(self, district: str, *, female: bool, birth: datetime.date) -> str:
        day = birth.day + 40 if female else birth.day
        base = f"{district}{day:02d}{birth.month:02d}{birth.year % 100:02d}"
        tries = 0
        while True:
            # Real serials are mostly low; widen the range when the low ones are taken.
            nik = f"{base}{self.rng.randint(1, 2000 if tries < 20 else 9999):04d}"
            if nik not in self._niks:
                self._niks.add(nik)
                return nik
            tries += 1

    def _make_phone(self) -> str:
        rng = self.rng
        while True:
            prefix = self._weighted(PHONE_PREFIX_LIST, PHONE_PREFIX_CUM)
            length = self._weighted((7, 8, 9), (15, 85, 100))
            phone = f"+62{prefix}{rng.randrange(10**length):0{length}d}"
            if phone not in self._phones:
                self._phones.add(phone)
                return phone

    def _birth_date(self) -> datetime.date:
        age = self.rng.triangular(20, 70, 42)
        birth = datetime.date(self.today.year - int(age), 1, 1) + datetime.timedelta(
            days=self.rng.randrange(365)
        )
        return min(birth, self.today - datetime.timedelta(days=20 * 366))

    def _new_person(self, kind: Kind, home: tuple[str, str, str]) -> Person:
        rng = self.rng
        female = rng.random() < kind.female_share
        if female:
            given, leading, family = FEMALE_GIVEN, FEMALE_LEADING, FEMALE_FAMILY
        else:
            given, leading, family = MALE_GIVEN, MALE_LEADING, MALE_FAMILY
        tokens = []
        if rng.random() < (0.3 if female else 0.4):
            tokens.append(rng.choice(leading))
        first = rng.choice(given)
        tokens.append(first)
        r = rng.random()
        if r < 0.15:
            tokens.append(rng.choice(given))
        elif r < 0.8 or len(tokens) == 1:
            tokens.append(rng.choice(family))
        name = " ".join(dict.fromkeys(tokens))  # no repeated word
        short = NICKNAMES.get(first, first) if rng.random() < 0.5 else first

        birth = self._birth_date()
        r = rng.random()
        if r < 0.05:
            nik = None  # registered before showing a KTP
        elif r < 0.88:
            nik = self._make_nik(self._district_of(home), female=female, birth=birth)
        else:
            # KTP issued elsewhere: a neighbouring regency, sometimes another province.
            regency, districts = rng.choice(OTHER_REGENCIES)
            nik = self._make_nik(f"{regency}{rng.randint(1, districts):02d}", female=female, birth=birth)
        phone = self._make_phone() if rng.random() < 0.97 else ""
        email = ""
        if rng.random() < 0.3:
            local = normalise_name(name).replace(" ", rng.choice((".", "", "_")))
            number = str(rng.randint(1, 999)) if rng.random() < 0.6 else ""
            email = f"{local}{number}@{rng.choice(EMAIL_DOMAINS)}"
        owner = {
            "nik": nik,
            "name": name,
            "gender": GENDER_FEMALE if female else GENDER_MALE,
            "birth_date": birth if nik else None,
            "phone": phone,
            "email": email,
            "address": self._address(home),
        }
        if nik:  # what a NIK decides comes from the registry's rule (3b), as on every other path
            owner.update(owner_fields_from_nik(parse_nik(nik)))
        self.owners.append(owner)
        return Person(owner=owner, short_name=short, female=female, home=home)

    def _address(self, kel: tuple[str, str, str]) -> str:
        rng = self.rng
        street = rng.choice(STREETS) if rng.random() < 0.45 else f"Jl. {kel[1]}"
        if rng.random() < 0.45:
            street += f" Gg. {rng.choice(GANG_NAMES)}"
        return f"{street} No. {rng.randint(1, 120)}, RT {rng.randint(1, 45):03d}, Kel. {kel[1]}"
