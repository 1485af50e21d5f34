"""Demo funding: one budget line (pagu) per source and fiscal year from 2021, sized to what the
activities spend, and the grants of the disbursement rounds (rule 14: proposed, approved, paid by
three people)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pembinaan.accounts import roles
from pembinaan.coaching.models import Activity, ParticipationStatus
from pembinaan.funding.models import BudgetLine, CapitalAssistance
from pembinaan.lib.bulk_insert import Row, insert_history, insert_rows

if TYPE_CHECKING:
    from pembinaan.demo.seeder import DemoSeeder


# Yearly pagu per source in a small demo (rupiah); scaled with the number of activities.
PAGU_RANGE = {
    "apbd-kota": (1_200_000_000, 2_000_000_000),
    "apbd-provinsi": (300_000_000, 600_000_000),
    "apbn": (200_000_000, 500_000_000),
    "lainnya": (100_000_000, 300_000_000),
}
PROGRAMMES = {
    "apbd-kota": ("Program Pemberdayaan Usaha Menengah, Usaha Kecil dan Usaha Mikro", "2.17.07.2.01"),
    "apbd-provinsi": ("Bantuan Keuangan Provinsi untuk Pengembangan UMKM", "BK-PROV-UMKM"),
    "apbn": ("Dana Alokasi Khusus Nonfisik PK2UKM", "DAK-NF-PK2UKM"),
    "lainnya": ("CSR dan Kemitraan BUMN/Swasta", "CSR"),
}


def budget_lines(
    seeder: DemoSeeder, activities: list[Row], sizes: list[int], sources: dict, staff_id: int
) -> dict:
    """One pagu per source and fiscal year from 2021, sized to what the activities and grants spend."""
    rng = seeder.rng
    code_of = {pk: code for code, pk in sources.items()}
    spend: dict[tuple[int, int], int] = {}
    for activity, size in zip(activities, sizes, strict=True):
        key = (activity["funding_source_id"], activity["fiscal_year"])
        grants = size * 6_000_000 if activity["_code"] == "bantuan-modal" else 0  # about the mean grant
        spend[key] = spend.get(key, 0) + activity["planned_cost"] + grants
    years = range(2021, max(seeder.today.year, *(y for _s, y in spend)) + 1)
    rows: list[Row] = []
    for year in years:
        for code, source_id in sources.items():
            low, high = PAGU_RANGE.get(code, (100_000_000, 300_000_000))
            need = spend.get((source_id, year), 0)
            if not need:
                amount = rng.randrange(low, high, 1_000_000)
            elif rng.random() < 0.125:
                amount = round(need * 0.9)  # about one line in eight is overspent
            else:
                amount = round(need / (0.8 + 0.2 * rng.random()))  # most absorb 80–100%
            programme, budget_code = PROGRAMMES.get(code_of[source_id], ("Pembinaan UMKM", ""))
            rows.append(
                {
                    "source_id": source_id,
                    "fiscal_year": year,
                    "programme": programme,
                    "budget_code": budget_code,
                    "amount": max(amount - amount % 1_000_000, 1_000_000),
                    "created_by_id": staff_id,
                }
            )
    insert_rows(BudgetLine, rows, now=seeder.now)
    insert_history(BudgetLine, rows, now=seeder.now, default_user_id=staff_id)
    seeder.counts["budget_lines"] = len(rows)
    return {(row["source_id"], row["fiscal_year"]): row for row in rows}


GRANT_STATUS = {
    ParticipationStatus.ATTENDED: CapitalAssistance.Status.DISBURSED,
    ParticipationStatus.ABSENT: CapitalAssistance.Status.APPROVED,
    ParticipationStatus.CANCELLED: CapitalAssistance.Status.CANCELLED,
    ParticipationStatus.REGISTERED: CapitalAssistance.Status.PROPOSED,
}


def grants_for(seeder: DemoSeeder, participations: list[Row], staff_id: int) -> list[Row]:
    """One grant per participant of a disbursement round; disbursed exactly when attended."""
    rng = seeder.rng
    grants: list[Row] = []
    sources_by_business_year: dict[tuple[int, int], set[int]] = {}
    approver_id = seeder.users[roles.APPROVER].pk
    treasurer_id = seeder.users[roles.TREASURER].pk
    for row in participations:
        activity = row["_activity"]
        if activity["_code"] != "bantuan-modal":
            continue
        status = GRANT_STATUS[row["status"]]
        if activity["status"] == Activity.Status.CANCELLED:
            status = CapitalAssistance.Status.CANCELLED
        key = (row["business_id"], activity["fiscal_year"])
        seen = sources_by_business_year.setdefault(key, set())
        second_source = bool(seen - {activity["funding_source_id"]})
        seen.add(activity["funding_source_id"])
        form = rng.choice(list(CapitalAssistance.Form.values))
        decided = status in (CapitalAssistance.Status.APPROVED, CapitalAssistance.Status.DISBURSED)
        grants.append(
            {
                "business_id": row["business_id"],
                "activity_id": activity["id"],
                "budget_line_id": activity["budget_line_id"],
                "date": activity["start_date"],
                "form": form,
                "amount": rng.choice((2_500_000, 5_000_000, 7_500_000, 10_000_000)),
                "description": {
                    "tunai": "Modal kerja",
                    "peralatan": "Etalase dan peralatan produksi",
                    "bahan-baku": "Bahan baku produksi satu bulan",
                    "lainnya": "Perlengkapan usaha",
                }[form],
                "status": status,
                "double_funding_reason": "Usaha terdampak banjir; bantuan kedua untuk peralatan yang rusak."
                if second_source and status != CapitalAssistance.Status.PROPOSED
                else "",
                "disbursed_on": activity["start_date"]
                if status == CapitalAssistance.Status.DISBURSED
                else None,
                "created_by_id": staff_id,
                # Three people handle each grant, as rule 14 asks of the portal's own screens.
                "approved_on": activity["start_date"] if decided else None,
                "approved_by_id": approver_id if decided else None,
                "disbursed_by_id": treasurer_id if status == CapitalAssistance.Status.DISBURSED else None,
            }
        )
    return grants
