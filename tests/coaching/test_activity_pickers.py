"""Every form that offers a choice of activity: title, date and place, newest first, none alike."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pembinaan.coaching.models import Activity
from pembinaan.imports.models import ImportRun
from pembinaan.reference.models import Kecamatan
from tests.coaching.factories import ActivityFactory, ParticipationFactory
from tests.factories import BusinessFactory
from tests.funding.factories import grant_round
from tests.imports.files import HEADER, xlsx

pytestmark = pytest.mark.django_db

WORKSHOP = "Workshop Branding Produk UMKM 2026"


def _options(html: str, name: str) -> list[tuple[str, str]]:
    """(value, text) of each option of the <select name=…> in a page."""
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no <select name={name}> on the page"
    return [
        (value, re.sub(r"\s+", " ", text).strip())
        for value, text in re.findall(r'<option value="([^"]*)"[^>]*>(.*?)</option>', select.group(1), re.S)
        if value
    ]


@pytest.fixture
def workshops():
    """Three workshops of one title: two on different dates, and two that share date and hall."""
    tengah = Kecamatan.objects.get(name="Banjarmasin Tengah")
    return [
        ActivityFactory(title=WORKSHOP, start_date=datetime.date(2026, 3, 10), venue="", kecamatan=tengah),
        ActivityFactory(
            title=WORKSHOP, start_date=datetime.date(2026, 5, 14), venue="Aula Kec. Banjarmasin Tengah"
        ),
        ActivityFactory(
            title=WORKSHOP, start_date=datetime.date(2026, 5, 14), venue="Aula Kec. Banjarmasin Tengah"
        ),
    ]


def test_the_import_picker_shows_date_and_place_newest_first_and_tells_twins_apart(staff_client, workshops):
    older, twin_a, twin_b = workshops
    ActivityFactory(title="Pelatihan Batal", status=Activity.Status.CANCELLED)
    html = staff_client.get(reverse("imports:run-list")).content.decode()
    options = _options(html, "activity")
    ours = [(value, text) for value, text in options if text.startswith(WORKSHOP)]
    assert [value for value, _ in ours] == [str(twin_b.pk), str(twin_a.pk), str(older.pk)]
    assert ours[2][1] == f"{WORKSHOP} — 10 Maret 2026, Banjarmasin Tengah"
    assert ours[0][1] == f"{WORKSHOP} — 14 Mei 2026, Aula Kec. Banjarmasin Tengah (kegiatan #{twin_b.pk})"
    assert ours[1][1] == f"{WORKSHOP} — 14 Mei 2026, Aula Kec. Banjarmasin Tengah (kegiatan #{twin_a.pk})"
    assert len({text for _, text in options}) == len(options), "no two options read alike"
    assert "Pelatihan Batal" not in html


def test_the_pickers_carry_the_type_ahead_script_and_still_work_as_a_plain_list(staff_client, workshops):
    html = staff_client.get(reverse("imports:run-list")).content.decode()
    assert "data-select-filter" in html
    assert 'src="/static/js/select-filter.js"' in html
    # Without the script the choice is an ordinary <select>: a plain post of the value works.
    response = staff_client.post(
        reverse("imports:run-list"),
        {
            "kind": "peserta",
            "file": SimpleUploadedFile("peserta.xlsx", xlsx([HEADER, ["x"]])),
            "activity": str(workshops[0].pk),
        },
    )
    assert response.status_code == 302
    assert ImportRun.objects.get().options == {"activity": workshops[0].pk}


def test_two_grant_rounds_of_one_title_and_date_read_differently(staff_client):
    first = grant_round(title="Penyaluran Bantuan Modal Tahap I", start_date=datetime.date(2026, 6, 2))
    second = grant_round(title="Penyaluran Bantuan Modal Tahap I", start_date=datetime.date(2026, 6, 2))
    html = staff_client.get(reverse("coaching:grant-create")).content.decode()
    texts = dict(_options(html, "activity"))
    assert texts[str(first.pk)] != texts[str(second.pk)]
    assert texts[str(first.pk)].startswith(
        "Penyaluran Bantuan Modal Tahap I — 2 Juni 2026, Aula Dinas Koperasi"
    )
    assert f"#{second.pk}" in texts[str(second.pk)]
    assert 'src="/static/js/select-filter.js"' in html


def test_the_outcome_form_lists_the_business_activities_with_date_and_place(staff_client):
    business = BusinessFactory()
    newer = ActivityFactory(title=WORKSHOP, start_date=datetime.date(2026, 5, 14), venue="Aula Balai Kota")
    older = ActivityFactory(title=WORKSHOP, start_date=datetime.date(2025, 5, 14), venue="Aula Balai Kota")
    for activity in (older, newer):
        ParticipationFactory(activity=activity, business=business)
    ActivityFactory(title="Kegiatan Lain Yang Tidak Diikuti")
    html = staff_client.get(
        reverse("coaching:outcome-create", kwargs={"business_pk": business.pk})
    ).content.decode()
    assert _options(html, "activity") == [
        (str(newer.pk), f"{WORKSHOP} — 14 Mei 2026, Aula Balai Kota"),
        (str(older.pk), f"{WORKSHOP} — 14 Mei 2025, Aula Balai Kota"),
    ]


def test_the_pickers_speak_english_dates_after_the_switch(staff_client, workshops):
    staff_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = staff_client.get(reverse("imports:run-list")).content.decode()
    assert f"{WORKSHOP} — 10 March 2026, Banjarmasin Tengah" in html
