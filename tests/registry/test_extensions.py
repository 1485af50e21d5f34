"""The apps above the registry add their sections to the business page and their drill-downs to
the business list by registering them, without the registry importing them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.urls import reverse

from pembinaan.registry import extensions
from pembinaan.registry.models import Business
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(monkeypatch):
    """The registrations of the running apps, restored after the test."""
    monkeypatch.setattr(extensions, "_sections", dict(extensions._sections))
    monkeypatch.setattr(extensions, "_list_filters", dict(extensions._list_filters))


def test_the_business_page_shows_the_sections_of_coaching_funding_and_progress_in_their_order():
    assert [section.name for section in extensions.business_sections()] == [
        "coaching-status",
        "coaching-activities",
        "coaching-outcomes",
        "capital-assistance",
        "coaching-figures",
    ]


def test_the_page_renders_the_template_and_context_of_a_registered_section(
    staff_client, registered, settings, tmp_path
):
    (tmp_path / "test_section.html").write_text("<p>Bagian uji: {{ test_section_name }}</p>")
    # Assigned, not mutated: the settings fixture then resets the template engines.
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]},
        *settings.TEMPLATES[1:],
    ]
    extensions.register_business_section(
        "test",
        order=45,
        template="test_section.html",
        context=lambda request, b: {"test_section_name": b.name},
    )
    business = BusinessFactory(name="Amplang Ikan Pipih")

    html = staff_client.get(reverse("registry:business-detail", kwargs={"pk": business.pk})).content.decode()

    assert "<p>Bagian uji: Amplang Ikan Pipih</p>" in html
    assert html.index("Bantuan permodalan") < html.index("Bagian uji") < html.index("Data tahunan")


def test_a_section_that_reuses_a_name_of_the_page_context_is_refused(registered):
    extensions.register_business_section(
        "clash", order=1, template="x.html", context=lambda r, b: {"owner": 1}
    )
    business = BusinessFactory()

    with pytest.raises(ImproperlyConfigured, match="owner"):
        extensions.business_sections_context(RequestFactory().get("/"), business, {"owner": business.owner})


def test_a_registered_list_filter_narrows_the_list_only_when_its_key_is_given(registered):
    kept, dropped = BusinessFactory(name="Dipertahankan"), BusinessFactory(name="Disaring")
    extensions.register_business_list_filter("khusus", lambda qs, filters: qs.exclude(pk=dropped.pk))

    narrowed = extensions.apply_business_list_filters(Business.objects.all(), {"khusus": "1"})
    untouched = extensions.apply_business_list_filters(Business.objects.all(), {"khusus": ""})

    assert list(narrowed) == [kept]
    assert set(untouched) == {kept, dropped}
