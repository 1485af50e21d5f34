"""The public progress page (/kemajuan/): the target named as a target, the achieved figure named as
achieved, the council's on-track verdict, and numbers written the page's language's way (issue 14)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from pembinaan.coaching.models import ParticipationStatus
from pembinaan.progress.models import Target
from pembinaan.progress.selectors import dashboard
from tests.coaching.factories import ActivityFactory, ParticipationFactory
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db


def _coached(n: int = 1) -> None:
    for _ in range(n):
        ParticipationFactory(
            business=BusinessFactory(),
            activity=ActivityFactory(start_date=datetime.date(2024, 5, 14)),
            status=ParticipationStatus.ATTENDED,
        )


def _page(client, **params) -> str:
    response = client.get(reverse("progress:public-progress"), params)
    assert response.status_code == 200
    return response.content.decode()


def _small_target(value: int) -> Target:
    return Target.objects.create(
        name="Uji",
        period_start=datetime.date(2021, 1, 1),
        period_end=datetime.date(2026, 12, 31),
        value=value,
    )


def test_the_page_names_the_target_as_a_target_from_its_own_fields(anon_client):
    target = Target.primary()
    target.name = "Nama bebas yang tidak dipakai sebagai judul"
    target.save()

    body = _page(anon_client)

    assert "Target: 3.100 UMKM terbina (2021–2026)" in body
    assert target.name not in body


def test_a_one_year_target_is_named_with_its_single_year(anon_client):
    target = Target.objects.create(
        name="2024", period_start=datetime.date(2024, 1, 1), period_end=datetime.date(2024, 12, 31), value=500
    )

    assert "Target: 500 UMKM terbina (2024)" in _page(anon_client, target=target.pk)


def test_the_achieved_figure_is_labelled_as_achieved(anon_client):
    _coached(2)

    body = _page(anon_client)

    assert "Tercapai sejauh ini" in body
    assert "UMKM terbina, dari target 3.100" in body


def test_the_public_page_shows_the_on_track_verdict_of_the_councils_dashboard(anon_client, viewer_client):
    _coached(1)
    on_track, behind = _small_target(1), Target.primary()
    for target, verdict in ((on_track, "Sesuai jalur"), (behind, "Tidak tercapai dengan laju sekarang")):
        d = dashboard(target)
        assert d["on_track"] is (verdict == "Sesuai jalur")
        body = _page(anon_client, target=target.pk)
        council = viewer_client.get(reverse("progress:dashboard"), {"target": target.pk}).content.decode()
        assert verdict in body
        assert verdict in council
        assert f'<div class="display-6">{d["projected"]}</div>' in body


def test_the_open_data_carries_the_same_verdict(anon_client):
    _coached(1)
    target = _small_target(1)

    data = anon_client.get(reverse("progress:api-progress"), {"target": target.pk}).json()

    assert data["on_track"] is True
    assert data["projected"] == dashboard(target)["projected"]
    assert data["expected_today"] == dashboard(target)["expected_today"]


def test_indonesian_numbers_use_dots_for_thousands_and_a_comma_before_the_decimals(anon_client):
    _coached(1)
    target = _small_target(8)

    body = _page(anon_client, target=target.pk)

    assert "12,50\xa0%" in body
    assert "Target: 8 UMKM terbina" in body
    assert "3.100" in _page(anon_client)


def test_english_numbers_use_commas_for_thousands_and_a_point_before_the_decimals(anon_client):
    _coached(1)
    target = _small_target(8)
    anon_client.post(reverse("set_language"), {"language": "en", "next": "/"})

    small = _page(anon_client, target=target.pk)
    primary = _page(anon_client)

    assert "12.50%" in small
    assert "12,50" not in small
    assert "3,100" in primary
    assert "3.100" not in primary


def test_the_council_dashboard_writes_its_percentage_the_same_way(viewer_client):
    _coached(1)
    target = _small_target(8)

    body = viewer_client.get(reverse("progress:dashboard"), {"target": target.pk}).content.decode()

    assert "(12,50\xa0%)" in body
    with translation.override("en"):
        viewer_client.post(reverse("set_language"), {"language": "en", "next": "/"})
        english = viewer_client.get(reverse("progress:dashboard"), {"target": target.pk}).content.decode()
    assert "12.50%" in english


def test_the_public_page_is_cacheable_for_visitors_but_private_for_someone_logged_in(
    anon_client, owner_client
):
    from django.urls import reverse

    public = anon_client.get(reverse("progress:public-progress"))
    private = owner_client.get(reverse("progress:public-progress"))

    assert "public" in public["Cache-Control"] and "max-age" in public["Cache-Control"]
    assert "private" in private["Cache-Control"] and "public" not in private["Cache-Control"]
    assert "Masuk" not in private.content.decode().split("<main", 1)[0]
