"""Demo activities, attendance and outcomes for `seed_demo` (deterministic for a seed).

Budget lines and grants come from `pembinaan.demo.funding`, called here in the order that keeps a
seed's data unchanged.

The shape the demo must show (issue: coaching): activities of every type from 2021 to today plus
some planned ones, mostly-present attendance with some no-shows, outcomes that follow from the
activity types, roughly a third to a half of the 3,100 target reached, unevenly across kecamatan
and types.
"""

from __future__ import annotations

import bisect
import datetime
import itertools
from typing import TYPE_CHECKING

from pembinaan.coaching.models import (
    NAIK_KELAS,
    Activity,
    CoachingType,
    FiguresSnapshot,
    Outcome,
    OutcomeType,
    Participation,
    ParticipationStatus,
)
from pembinaan.demo.funding import budget_lines, grants_for
from pembinaan.funding.models import CapitalAssistance, FundingSource
from pembinaan.lib.bulk_insert import Row, insert_history, insert_rows
from pembinaan.reference.models import Kecamatan
from pembinaan.registry.models import BusinessStatus
from pembinaan.registry.scale import SCALE_ORDER, classify

if TYPE_CHECKING:
    from pembinaan.demo.seeder import DemoSeeder

# Share of activities per coaching type; digital marketing and trainings dominate, as in the city.
TYPE_WEIGHTS = {
    "workshop": 22,
    "pelatihan": 22,
    "pemasaran-digital": 18,
    "kemasan": 10,
    "profil-usaha": 8,
    "legalitas": 8,
    "pendampingan": 7,
    "bantuan-modal": 5,
}
SOURCE_WEIGHTS = {"apbd-kota": 60, "apbd-provinsi": 20, "apbn": 12, "lainnya": 8}
# Activities are held unevenly: Banjarmasin Utara and Tengah host more, Selatan fewer.
KECAMATAN_ACTIVITY_WEIGHT = {
    "63.71.01": 0.7,
    "63.71.02": 1.0,
    "63.71.03": 1.2,
    "63.71.04": 1.0,
    "63.71.05": 1.5,
}
# What an activity of a type tends to lead to.
OUTCOMES_BY_TYPE = {
    "kemasan": ["kemasan-baru"],
    "legalitas": ["nib", "halal", "pirt", "hki", "bpom"],
    "pemasaran-digital": ["toko-online", "qris"],
    "profil-usaha": ["toko-online"],
    "bantuan-modal": ["hibah"],
    "pelatihan": ["qris", "kur"],
    "workshop": ["kemasan-baru", "toko-online"],
    "pendampingan": ["nib", "kur"],
}
TITLES = {
    "workshop": [
        "Workshop Branding Produk UMKM",
        "Workshop Foto Produk dengan Ponsel",
        "Workshop Kewirausahaan",
    ],
    "pelatihan": [
        "Pelatihan Pembukuan Sederhana",
        "Pelatihan Manajemen Usaha Mikro",
        "Pelatihan Olahan Ikan Haruan",
    ],
    "pemasaran-digital": [
        "Pelatihan Pemasaran Digital",
        "Kelas Jualan di Marketplace",
        "Pelatihan Konten Media Sosial",
    ],
    "kemasan": ["Klinik Desain Kemasan", "Fasilitasi Kemasan Produk Pangan"],
    "profil-usaha": ["Pembuatan Profil Usaha", "Pendataan dan Profil UMKM Kelurahan"],
    "legalitas": ["Fasilitasi NIB dan Sertifikat Halal", "Klinik Legalitas Usaha", "Fasilitasi PIRT"],
    "pendampingan": ["Pendampingan Individual"],
    "bantuan-modal": ["Penyaluran Bantuan Modal Usaha", "Bantuan Peralatan Usaha Mikro"],
}
VENUES = [
    "Aula Dinas Koperasi, UM dan Tenaga Kerja",
    "Aula Kantor Kecamatan",
    "Balai Kota Banjarmasin",
    "Gedung Sultan Suriansyah",
    "Rumah Kreatif Banjarmasin",
    "Hotel di Jl. A. Yani",
]
TRAINERS = [
    "Tim PLUT KUMKM Kalsel",
    "Rumah Kreatif BUMN",
    "Dosen ULM",
    "Pendamping UMKM Dinas",
    "Praktisi Digital Lokal",
]


def _weighted_picker(rng, weights: dict):
    items = list(weights)
    cum = list(itertools.accumulate(weights.values()))

    def pick():
        return items[bisect.bisect(cum, rng.random() * cum[-1])]

    return pick


def seed_coaching(seeder: DemoSeeder, *, participations: int | None = None) -> None:
    rng = seeder.rng
    today = seeder.today
    now = seeder.now
    staff_id = seeder.staff_user.pk
    types = {t.code: t.pk for t in CoachingType.objects.all()}
    sources = {s.code: s.pk for s in FundingSource.objects.all()}
    outcome_types = {t.code: t.pk for t in OutcomeType.objects.all()}
    kecamatan = list(Kecamatan.objects.order_by("code").values_list("code", flat=True))
    pick_type = _weighted_picker(rng, {k: v for k, v in TYPE_WEIGHTS.items() if k in types})
    pick_source = _weighted_picker(rng, {k: v for k, v in SOURCE_WEIGHTS.items() if k in sources})
    pick_kecamatan = _weighted_picker(rng, {k: KECAMATAN_ACTIVITY_WEIGHT.get(k, 1.0) for k in kecamatan})

    n = len(seeder.businesses)
    # A demo of 2,000 businesses shows about 1,150 coached (37% of 3,100); larger seeds default to
    # one participation per business, so that 100,000 businesses still seed in under a minute.
    pool_size = min(n, round(n * 0.8)) if n <= 5000 else n
    # Benchmarks ask for more with --participations.
    total = participations if participations is not None else (round(pool_size * 2.4) if n <= 5000 else n)
    pool = rng.sample(seeder.businesses, pool_size)
    by_kecamatan: dict[str, list[Row]] = {}
    for business in pool:
        by_kecamatan.setdefault(business["kelurahan_id"][:8], []).append(business)

    start = datetime.date(2021, 1, 1)
    horizon = (today - start).days
    activities: list[Row] = []
    planned_participants: list[int] = []
    remaining = total
    while remaining > 0:
        code = pick_type()
        one_to_one = code == "pendampingan"
        # More activities each year as the programme grew; a few planned in the coming weeks.
        if rng.random() < 0.04:
            day = today + datetime.timedelta(days=rng.randint(3, 60))
        else:
            day = start + datetime.timedelta(days=int(horizon * rng.random() ** 0.8))
        length = 0 if one_to_one or rng.random() < 0.6 else rng.randint(1, 4)
        end = day + datetime.timedelta(days=length)
        capacity = 1 if one_to_one else rng.choice((20, 25, 30, 40, 50))
        size = 1 if one_to_one else min(capacity, max(5, round(capacity * (0.55 + 0.45 * rng.random()))))
        size = min(size, remaining)
        if day > today:
            status = Activity.Status.PLANNED
        elif end >= today:
            status = Activity.Status.RUNNING
        else:
            status = Activity.Status.CANCELLED if rng.random() < 0.03 else Activity.Status.DONE
        kec = pick_kecamatan()
        planned_cost = 0 if one_to_one else rng.randrange(5_000_000, 75_000_000, 250_000)
        if code == "bantuan-modal":
            # Only the round's running costs; the grants themselves count as realisasi when disbursed.
            planned_cost = rng.randrange(2_000_000, 6_000_000, 250_000)
        activities.append(
            {
                "title": rng.choice(TITLES[code]) + ("" if one_to_one else f" {day.year}"),
                "coaching_type_id": types[code],
                "format": Activity.Format.MENTORING
                if one_to_one
                else rng.choice(
                    (
                        Activity.Format.GROUP,
                        Activity.Format.GROUP,
                        Activity.Format.CLINIC,
                        Activity.Format.ONLINE,
                    )
                ),
                "start_date": day,
                "end_date": end,
                "start_time": None if one_to_one else datetime.time(rng.choice((8, 9, 13)), 0),
                "venue": "Lokasi usaha" if one_to_one else rng.choice(VENUES),
                "kecamatan_id": kec,
                "organiser": Activity.Organiser.DINAS if rng.random() < 0.8 else Activity.Organiser.PARTNER,
                "trainer": rng.choice(TRAINERS),
                "capacity": capacity,
                "visit_note": "Pendampingan pencatatan keuangan dan pemasaran." if one_to_one else "",
                "status": status,
                "cancel_reason": "Bertepatan dengan banjir; dijadwalkan ulang."
                if status == Activity.Status.CANCELLED
                else "",
                "fiscal_year": day.year,
                "funding_source_id": sources[pick_source()],
                "planned_cost": planned_cost,
                "actual_cost": round(planned_cost * (0.85 + 0.15 * rng.random()))
                if status == Activity.Status.DONE
                else 0,
                "open_for_signup": status == Activity.Status.PLANNED and not one_to_one,
                "created_by_id": staff_id,
                "_code": code,
            }
        )
        planned_participants.append(size)
        remaining -= size
    lines = budget_lines(seeder, activities, planned_participants, sources, staff_id)
    for activity in activities:
        activity["budget_line_id"] = lines[(activity["funding_source_id"], activity["fiscal_year"])]["id"]
    insert_rows(Activity, activities, now=now)
    insert_history(Activity, activities, now=now, default_user_id=staff_id)

    rows: list[Row] = []
    for activity, size in zip(activities, planned_participants, strict=True):
        local = by_kecamatan.get(activity["kecamatan_id"]) or pool
        chosen: dict[int, Row] = {}
        attempts = 0
        while len(chosen) < size and attempts < size * 4:
            attempts += 1
            business = rng.choice(local if rng.random() < 0.7 else pool)
            chosen.setdefault(business["id"], business)
        # Attendance is recorded only once an activity started, and never on a cancelled one.
        started = activity["start_date"] <= today and activity["status"] != Activity.Status.CANCELLED
        for business in chosen.values():
            if not started:
                status = ParticipationStatus.REGISTERED
            else:
                roll = rng.random()
                status = (
                    ParticipationStatus.ATTENDED
                    if roll < 0.82
                    else ParticipationStatus.ABSENT
                    if roll < 0.94
                    else ParticipationStatus.CANCELLED
                )
            rows.append(
                {
                    "activity_id": activity["id"],
                    "business_id": business["id"],
                    "status": status,
                    "registered_by_id": staff_id,
                    "attendance_marked_at": now if started else None,
                    "attendance_marked_by_id": staff_id if started else None,
                    "_activity": activity,
                    "_business": business,
                }
            )
    insert_rows(Participation, rows, now=now)
    insert_history(Participation, rows, now=now, default_user_id=staff_id)

    grants = grants_for(seeder, rows, staff_id)
    insert_rows(CapitalAssistance, grants, now=now)
    insert_history(CapitalAssistance, grants, now=now, default_user_id=staff_id)
    seeder.counts["grants"] = len(grants)

    outcomes = _outcomes(seeder, rows, outcome_types, staff_id)
    insert_rows(Outcome, outcomes, now=now)
    insert_history(Outcome, outcomes, now=now, default_user_id=staff_id)
    figures = _figures(seeder, rows, staff_id)
    insert_rows(FiguresSnapshot, figures, now=now)
    insert_history(FiguresSnapshot, figures, now=now, default_user_id=staff_id)
    moved_up = _moved_up(figures, outcome_types, staff_id)
    insert_rows(Outcome, moved_up, now=now)
    insert_history(Outcome, moved_up, now=now, default_user_id=staff_id)
    outcomes += moved_up
    seeder.counts.update(
        activities=len(activities),
        participations=len(rows),
        outcomes=len(outcomes),
        yearly_figures=len(figures),
    )


def _outcomes(seeder: DemoSeeder, participations: list[Row], outcome_types: dict, staff_id: int) -> list[Row]:
    rng = seeder.rng
    outcomes: list[Row] = []
    seen: set[tuple[int, str]] = set()
    for row in participations:
        activity = row["_activity"]
        if row["status"] != ParticipationStatus.ATTENDED or activity["status"] == Activity.Status.CANCELLED:
            continue
        if rng.random() > 0.3:
            continue
        code = rng.choice(OUTCOMES_BY_TYPE[activity["_code"]])
        key = (row["business_id"], code)
        if key in seen or code not in outcome_types:
            continue
        seen.add(key)
        achieved = min(seeder.today, activity["end_date"] + datetime.timedelta(days=rng.randint(7, 90)))
        amount = None
        institution = ""
        if code == "kur":
            amount = rng.choice((10_000_000, 25_000_000, 50_000_000, 100_000_000))
            institution = rng.choice(("Bank Kalsel", "BRI", "BNI", "Mandiri", "BSI"))
        elif code == "hibah":
            amount = rng.choice((2_500_000, 5_000_000, 7_500_000))
        outcomes.append(
            {
                "business_id": row["business_id"],
                "outcome_type_id": outcome_types[code],
                "achieved_on": achieved,
                "activity_id": activity["id"],
                "institution": institution,
                "amount": amount,
                "created_by_id": staff_id,
            }
        )
    return outcomes


def _moved_up(figures: list[Row], outcome_types: dict, staff_id: int) -> list[Row]:
    """The "naik kelas" outcome the service records when a year's scale is above the year before."""
    rows: list[Row] = []
    for before, after in itertools.pairwise(figures):
        if before["business_id"] != after["business_id"] or not before["scale"] or not after["scale"]:
            continue
        if SCALE_ORDER.index(after["scale"]) > SCALE_ORDER.index(before["scale"]):
            rows.append(
                {
                    "business_id": after["business_id"],
                    "outcome_type_id": outcome_types[NAIK_KELAS],
                    "achieved_on": after["recorded_on"],
                    "note": f"Dari {before['scale']} ({before['year']}) ke {after['scale']} ({after['year']})",
                    "created_by_id": staff_id,
                }
            )
    return rows


def _figures(seeder: DemoSeeder, participations: list[Row], staff_id: int) -> list[Row]:
    """Before-and-after yearly figures for some coached businesses, a few of which move up a scale."""
    rng = seeder.rng
    figures: list[Row] = []
    done: set[int] = set()
    this_year = seeder.today.year
    for row in participations:
        business = row["_business"]
        if row["status"] != ParticipationStatus.ATTENDED or business["id"] in done or rng.random() > 0.1:
            continue
        if business["status"] != BusinessStatus.VERIFIED:
            continue
        done.add(business["id"])
        year = row["_activity"]["start_date"].year
        sales = business.get("annual_sales") or rng.randrange(50_000_000, 1_500_000_000, 1_000_000)
        for offset, growth in ((-1, 1.0), (0, 1.0 + rng.random() * (1.2 if rng.random() < 0.1 else 0.4))):
            y = min(year + offset + 1, this_year)
            value = round(sales * growth)
            scale, basis = classify(annual_sales=value, capital=None)
            if any(f["business_id"] == business["id"] and f["year"] == y for f in figures[-2:]):
                continue
            figures.append(
                {
                    "business_id": business["id"],
                    "year": y,
                    "recorded_on": min(seeder.today, datetime.date(y, 12, 31)),
                    "annual_sales": value,
                    "employees": business.get("employees"),
                    "sells_online": rng.random() < 0.5,
                    "scale": scale,
                    "scale_basis": basis,
                    "created_by_id": staff_id,
                }
            )
    return figures
