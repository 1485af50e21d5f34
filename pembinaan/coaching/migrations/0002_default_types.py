from django.db import migrations

COACHING_TYPES = [
    ("profil-usaha", "Pembuatan Profil Usaha"),
    ("pemasaran-digital", "Pemasaran Digital"),
    ("kemasan", "Desain dan Pembuatan Kemasan"),
    ("workshop", "Workshop"),
    ("pelatihan", "Pelatihan"),
    ("bantuan-modal", "Bantuan Permodalan"),
    ("legalitas", "Fasilitasi Legalitas dan Sertifikasi"),
    ("pendampingan", "Pendampingan Individual"),
]

OUTCOME_TYPES = [
    ("nib", "NIB terbit"),
    ("halal", "Sertifikat halal"),
    ("pirt", "PIRT"),
    ("bpom", "Izin edar BPOM"),
    ("hki", "HKI / merek terdaftar"),
    ("kemasan-baru", "Kemasan baru"),
    ("toko-online", "Toko online dibuka"),
    ("qris", "Memakai QRIS"),
    ("kur", "Pinjaman (KUR) diperoleh"),
    ("hibah", "Hibah diterima"),
    ("naik-kelas", "Naik kelas (skala usaha naik)"),
]


def create(apps, schema_editor):
    CoachingType = apps.get_model("coaching", "CoachingType")
    OutcomeType = apps.get_model("coaching", "OutcomeType")
    for order, (code, name) in enumerate(COACHING_TYPES, start=1):
        CoachingType.objects.get_or_create(code=code, defaults={"name": name, "order": order * 10})
    for order, (code, name) in enumerate(OUTCOME_TYPES, start=1):
        OutcomeType.objects.get_or_create(code=code, defaults={"name": name, "order": order * 10})


def remove(apps, schema_editor):
    apps.get_model("coaching", "CoachingType").objects.filter(
        code__in=[c for c, _ in COACHING_TYPES]
    ).delete()
    apps.get_model("coaching", "OutcomeType").objects.filter(code__in=[c for c, _ in OUTCOME_TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("coaching", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
