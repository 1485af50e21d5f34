"""Re-encode the profile photos stored before uploads were cleaned (issue 14).

Those files are the uploaded bytes, EXIF GPS included; each is replaced by its pixels only, under a
new name, and the original is deleted. A file that is missing or unreadable is left as it is.
"""

import secrets

from django.core.exceptions import ValidationError
from django.db import migrations


def reencode(apps, schema_editor):
    from pembinaan.lib.uploads import clean_image

    BusinessProfile = apps.get_model("ownerspace", "BusinessProfile")
    for profile in BusinessProfile.objects.exclude(photo="").iterator():
        storage, old_name = profile.photo.storage, profile.photo.name
        try:
            with storage.open(old_name, "rb") as stored:
                clean = clean_image(stored)
        except (OSError, ValidationError):
            continue
        token = secrets.token_hex(16)
        new_name = storage.save(f"profil/{profile.business_id}/{token}{clean.extension}", clean.content)
        BusinessProfile.objects.filter(pk=profile.pk).update(
            photo=new_name, photo_token=token, photo_extension=clean.extension
        )
        storage.delete(old_name)


class Migration(migrations.Migration):
    dependencies = [("ownerspace", "0002_roles")]

    operations = [migrations.RunPython(reencode, migrations.RunPython.noop, elidable=True)]
