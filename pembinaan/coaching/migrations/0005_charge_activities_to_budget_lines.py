"""Charge every activity recorded before budget lines existed to a budget line of its source and year.

The real pagu is unknown to the portal, so these lines are marked for review with no amount;
the budget overview shows them as "perlu dilengkapi" until Admin Dinas enters the amount.
"""

from django.db import migrations

PROGRAMME = "Dipindahkan dari data kegiatan (lengkapi pagu)"


def charge(apps, schema_editor):
    Activity = apps.get_model("coaching", "Activity")
    BudgetLine = apps.get_model("funding", "BudgetLine")
    pairs = (
        Activity.objects.filter(budget_line__isnull=True)
        .values_list("funding_source_id", "fiscal_year")
        .distinct()
    )
    for source_id, year in pairs:
        line, _created = BudgetLine.objects.get_or_create(
            source_id=source_id,
            fiscal_year=year,
            programme=PROGRAMME,
            defaults={"amount": 0, "needs_review": True},
        )
        Activity.objects.filter(
            budget_line__isnull=True, funding_source_id=source_id, fiscal_year=year
        ).update(budget_line=line)


def uncharge(apps, schema_editor):
    Activity = apps.get_model("coaching", "Activity")
    BudgetLine = apps.get_model("funding", "BudgetLine")
    Activity.objects.filter(budget_line__programme=PROGRAMME).update(budget_line=None)
    BudgetLine.objects.filter(programme=PROGRAMME, needs_review=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("coaching", "0004_activity_budget_line"),
        ("funding", "0003_budget_lines_and_capital_assistance"),
    ]

    operations = [migrations.RunPython(charge, uncharge)]
