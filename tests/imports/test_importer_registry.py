"""The importer registry: each app registers its importers at start-up; the imports app names none."""

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from pembinaan.imports import importers
from pembinaan.imports.forms import UploadForm
from pembinaan.imports.models import ImportKind
from pembinaan.imports.services import columns_for, importer_for
from tests.coaching.factories import ActivityFactory


def test_every_kind_of_import_has_the_importer_its_app_registered():
    registered = {entry.kind: entry.importer for entry in importers.registered_importers()}
    assert list(registered) == ImportKind.values
    assert {kind: cls.__module__ for kind, cls in registered.items()} == {
        "usaha": "pembinaan.registry.importers",
        "peserta": "pembinaan.coaching.importers",
        "capaian": "pembinaan.coaching.importers",
        "pagu": "pembinaan.funding.importers",
        "bantuan": "pembinaan.coaching.importers",
    }


def test_a_kind_needs_the_permission_its_importer_was_registered_with():
    assert importers.extra_permission("pagu") == "imports.import_budget"
    assert importers.extra_permission("bantuan") == "funding.add_capitalassistance"
    assert importers.extra_permission("usaha") == ""
    assert importers.extra_permission(None) == ""


def test_a_kind_the_imports_app_does_not_list_cannot_be_registered():
    with pytest.raises(ImproperlyConfigured):
        importers.register_importer(kind="hewan", importer=importers.Importer)


def test_an_unknown_kind_is_refused_as_before():
    with pytest.raises(ValidationError) as refused:
        importer_for("hewan")
    assert refused.value.message_dict == {"kind": ["Jenis impor tidak dikenal."]}
    with pytest.raises(ValidationError):
        columns_for("hewan")


@pytest.mark.django_db
def test_the_upload_form_asks_for_what_the_registered_importers_need():
    form = UploadForm()
    assert list(form.fields) == ["kind", "file", "activity"]  # the activity: participants' and grants'


@pytest.mark.django_db
def test_the_chosen_activity_becomes_the_run_option_of_the_kinds_that_use_it():
    activity = ActivityFactory()
    for kind, expected in (("peserta", {"activity": activity.pk}), ("bantuan", {"activity": activity.pk})):
        form = UploadForm({"kind": kind, "activity": activity.pk}, {"file": _file()})
        assert form.is_valid(), form.errors
        assert form.options() == expected
    form = UploadForm({"kind": "capaian", "activity": activity.pk}, {"file": _file()})
    assert form.is_valid() and form.options() == {}
    form = UploadForm({"kind": "peserta"}, {"file": _file()})
    assert not form.is_valid()
    assert form.errors["activity"] == ["Pilih kegiatan yang pesertanya diimpor."]


def _file():
    return SimpleUploadedFile("f.csv", b"NIK\n1\n", content_type="text/csv")
