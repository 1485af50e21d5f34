import datetime

from django.db import migrations


def create(apps, schema_editor):
    Target = apps.get_model("progress", "Target")
    if not Target.objects.exists():
        Target.objects.create(
            name="3.100 UMKM terbina 2021–2026",
            period_start=datetime.date(2021, 1, 1),
            period_end=datetime.date(2026, 12, 31),
            value=3100,
            is_primary=True,
            description="Target RPJMD Kota Banjarmasin: UMKM yang dibina sejak 2021.",
        )


def remove(apps, schema_editor):
    apps.get_model("progress", "Target").objects.filter(value=3100, is_primary=True).delete()


class Migration(migrations.Migration):
    dependencies = [("progress", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
