"""`manage.py import_data`: the same rules as the screens, a summary, and an exit status for scripts."""

import pytest
from django.core.management import call_command

from pembinaan.imports.models import ImportRun
from pembinaan.registry.models import Business
from tests.factories import make_nik
from tests.imports.files import HEADER, xlsx

pytestmark = pytest.mark.django_db


def write(tmp_path, rows, name="umkm.xlsx"):
    path = tmp_path / name
    path.write_bytes(xlsx(rows))
    return str(path)


def good_row(i=0):
    return [make_nik(), f"Pemilik {i}", "", "", f"Usaha {i}", "", "", "Mawar", ""]


def test_a_clean_file_is_imported_and_summarised(tmp_path, capsys, staff_user):
    call_command(
        "import_data",
        "usaha",
        write(tmp_path, [HEADER, good_row(1), good_row(2)]),
        "--user",
        staff_user.email,
    )
    out = capsys.readouterr().out
    assert "2 dibuat" in out and "0 ditolak" in out
    assert Business.objects.count() == 2
    assert ImportRun.objects.get().created_by == staff_user


def test_a_dry_run_writes_nothing(tmp_path, capsys):
    call_command("import_data", "usaha", write(tmp_path, [HEADER, good_row()]), "--dry-run")
    assert "Uji coba" in capsys.readouterr().out
    assert not Business.objects.exists()


def test_refused_rows_give_a_non_zero_exit_and_change_nothing(tmp_path, capsys):
    bad = ["6.37101E+15", "X", "", "", "Toko X", "", "", "Mawar", ""]
    with pytest.raises(SystemExit) as exit_:
        call_command("import_data", "usaha", write(tmp_path, [HEADER, good_row(), bad]))
    assert exit_.value.code == 1
    out = capsys.readouterr().out
    assert "baris 3, NIK" in out and "tidak ada yang diimpor" in out
    assert not Business.objects.exists()


def test_valid_rows_only_imports_the_rest_but_still_exits_non_zero(tmp_path):
    bad = ["6.37101E+15", "X", "", "", "Toko X", "", "", "Mawar", ""]
    with pytest.raises(SystemExit) as exit_:
        call_command("import_data", "usaha", write(tmp_path, [HEADER, good_row(), bad]), "--valid-rows-only")
    assert exit_.value.code == 1
    assert Business.objects.count() == 1


def test_a_refused_file_exits_with_status_two(tmp_path, capsys):
    path = tmp_path / "kosong.csv"
    path.write_bytes(b"")
    with pytest.raises(SystemExit) as exit_:
        call_command("import_data", "usaha", str(path))
    assert exit_.value.code == 2
    assert "Berkas kosong" in capsys.readouterr().err
