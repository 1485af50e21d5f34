from django.db import migrations

from pembinaan.reference.loaders import KBLI_CSV, REGIONS_CSV, load_kbli, load_regions


def load(apps, schema_editor):
    load_regions(
        REGIONS_CSV,
        kecamatan_model=apps.get_model("reference", "Kecamatan"),
        kelurahan_model=apps.get_model("reference", "Kelurahan"),
    )
    load_kbli(KBLI_CSV, model=apps.get_model("reference", "KbliCategory"))


def unload(apps, schema_editor):
    apps.get_model("reference", "Kelurahan").objects.all().delete()
    apps.get_model("reference", "Kecamatan").objects.all().delete()
    apps.get_model("reference", "KbliCategory").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
