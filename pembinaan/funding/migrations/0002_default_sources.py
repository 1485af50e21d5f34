from django.db import migrations

DEFAULTS = [
    ("apbd-kota", "APBD Kota", 10),
    ("apbd-provinsi", "APBD Provinsi", 20),
    ("apbn", "APBN", 30),
    ("lainnya", "Lainnya (CSR, BUMN, swasta, hibah)", 40),
]


def create(apps, schema_editor):
    FundingSource = apps.get_model("funding", "FundingSource")
    for code, name, order in DEFAULTS:
        FundingSource.objects.get_or_create(code=code, defaults={"name": name, "order": order})


def remove(apps, schema_editor):
    apps.get_model("funding", "FundingSource").objects.filter(code__in=[c for c, _n, _o in DEFAULTS]).delete()


class Migration(migrations.Migration):
    dependencies = [("funding", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
