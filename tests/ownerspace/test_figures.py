"""The yearly figures form: one dated snapshot per year, through the coaching service."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from pembinaan.coaching.models import FiguresSnapshot

pytestmark = pytest.mark.django_db


def test_the_owner_reports_a_years_figures(owner_client, owner_user, mine):
    year = timezone.localdate().year - 1
    response = owner_client.post(
        reverse("ownerspace:figures-create", args=[mine.pk]),
        {"year": year, "annual_sales": "Rp150.000.000", "employees": "3", "sells_online": "on"},
    )
    assert response.status_code == 302
    snapshot = FiguresSnapshot.objects.get(business=mine, year=year)
    assert (snapshot.annual_sales, snapshot.employees, snapshot.sells_online) == (150_000_000, 3, True)
    assert snapshot.recorded_on == timezone.localdate()
    assert snapshot.created_by == owner_user


def test_a_year_already_reported_is_refused_on_the_field(owner_client, mine):
    response = owner_client.post(
        reverse("ownerspace:figures-create", args=[mine.pk]),
        {"year": 2023, "annual_sales": "1000000", "employees": "1"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["year"] == ["Data tahun 2023 sudah ada untuk usaha ini."]
    assert FiguresSnapshot.objects.filter(business=mine).count() == 1


def test_bad_figures_show_indonesian_messages_and_save_nothing(owner_client, mine):
    response = owner_client.post(
        reverse("ownerspace:figures-create", args=[mine.pk]),
        {"year": "2999", "annual_sales": "banyak", "employees": "-1"},
    )
    errors = response.context["form"].errors
    assert set(errors) == {"year", "annual_sales", "employees"}
    assert errors["year"] == [
        f"Pastikan nilai ini lebih kecil dari atau sama dengan {timezone.localdate().year}."
    ]
    assert FiguresSnapshot.objects.filter(business=mine).count() == 1
