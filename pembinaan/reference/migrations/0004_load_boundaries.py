from django.db import migrations

from pembinaan.reference.loaders import BOUNDARIES_GEOJSON, load_boundaries


def load(apps, schema_editor):
    load_boundaries(BOUNDARIES_GEOJSON, kelurahan_model=apps.get_model("reference", "Kelurahan"))


def unload(apps, schema_editor):
    apps.get_model("reference", "Kelurahan").objects.update(boundary=None)


class Migration(migrations.Migration):
    dependencies = [("reference", "0003_kelurahan_boundary")]

    operations = [migrations.RunPython(load, unload)]
