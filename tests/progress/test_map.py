import pytest
from django.urls import reverse

from pembinaan.progress.maps import choropleth
from pembinaan.reference.maps import forget_shapes
from pembinaan.reference.models import Kelurahan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_shapes():
    forget_shapes()
    yield
    forget_shapes()


def test_every_kelurahan_is_drawn_from_the_shipped_boundaries():
    data = choropleth(by_kelurahan={}, by_kecamatan={})
    assert len(data["shapes"]) == Kelurahan.objects.count() == 52
    assert all(s["path"].startswith("M") and s["path"].endswith("Z") for s in data["shapes"])
    assert 0 < data["height"] < 2 * data["width"]


def test_colours_follow_the_figures_and_the_legend_covers_them():
    values = {
        code: i for i, code in enumerate(Kelurahan.objects.order_by("code").values_list("code", flat=True))
    }
    data = choropleth(by_kelurahan=values, by_kecamatan={})
    by_code = {s["code"]: s for s in data["shapes"]}
    smallest, largest = min(values, key=values.get), max(values, key=values.get)
    assert by_code[smallest]["bin"] == 0  # zero is its own class
    assert by_code[largest]["bin"] == 4
    assert data["legend"][-1]["high"] == max(values.values())


def test_at_kecamatan_level_each_kelurahan_wears_its_kecamatans_figure():
    data = choropleth(by_kelurahan={}, by_kecamatan={"63.71.05": 300, "63.71.01": 10}, level="kecamatan")
    for shape in data["shapes"]:
        assert shape["value"] == {"63.71.05": 300, "63.71.01": 10}.get(shape["kecamatan"], 0)


def test_the_dashboard_draws_the_map_with_a_table_equivalent(viewer_client):
    body = viewer_client.get(reverse("progress:dashboard")).content.decode()
    assert body.count('class="map-bin-') >= 52
    assert "Tabel per kelurahan" in body
    assert "Mantuil" in body


def test_the_credits_page_carries_the_boundaries_licence(anon_client):
    body = anon_client.get(reverse("front:credits")).content.decode()
    assert "Copyright (c) 2024 Cahya DSN" in body
    assert "MIT" in body
