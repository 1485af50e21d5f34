import pytest
from django.core.management import CommandError, call_command

from pembinaan.reference.models import KbliCategory, Kecamatan, Kelurahan

pytestmark = pytest.mark.django_db


def test_banjarmasin_has_5_kecamatan_and_52_kelurahan_with_kemendagri_codes():
    assert Kecamatan.objects.count() == 5
    assert Kelurahan.objects.count() == 52
    assert Kecamatan.objects.get(code="63.71.01").name == "Banjarmasin Selatan"
    assert all(code.startswith("63.71.") for code in Kelurahan.objects.values_list("code", flat=True))
    assert Kelurahan.objects.get(code="63.71.01.1001").kecamatan_id == "63.71.01"


def test_kbli_2020_has_categories_a_to_u():
    assert list(KbliCategory.objects.values_list("code", flat=True)) == [
        chr(c) for c in range(ord("A"), ord("V"))
    ]


def test_another_citys_regions_load_from_a_csv_without_code(tmp_path):
    csv = tmp_path / "wilayah_lain.csv"
    csv.write_text(
        "kode_kecamatan,nama_kecamatan,kode_kelurahan,nama_kelurahan\n"
        "63.72.01,Landasan Ulin,63.72.01.1001,Landasan Ulin Timur\n"
        "63.72.01,Landasan Ulin,63.72.01.1002,Guntung Payung\n",
        encoding="utf-8",
    )
    call_command("load_regions", str(csv))
    assert Kecamatan.objects.count() == 6
    assert Kelurahan.objects.filter(kecamatan_id="63.72.01").count() == 2


def test_a_csv_with_the_wrong_columns_is_refused_and_loads_nothing(tmp_path):
    csv = tmp_path / "salah.csv"
    csv.write_text("kode,nama\n1,x\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("load_regions", str(csv))
    assert Kecamatan.objects.count() == 5
