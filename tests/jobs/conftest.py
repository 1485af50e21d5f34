"""Fixtures of the background-job tests: result files in a temporary MEDIA_ROOT, a second staff
member and a staff account granted full NIKs."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from tests.factories import UserFactory, roles


@pytest.fixture(autouse=True)
def _results_in_a_temporary_media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def other_staff_user(db):
    return UserFactory(role=roles.STAFF, email="staf-lain@dinas.test")


@pytest.fixture
def other_staff_client(other_staff_user):
    return _client_for(other_staff_user)


@pytest.fixture
def nik_staff_user(db):
    """A Staf Dinas account that has been granted just the one extra permission."""
    user = UserFactory(role=roles.STAFF, email="staf-nik@dinas.test")
    user.user_permissions.add(
        Permission.objects.get(codename="view_full_nik", content_type__app_label="registry")
    )
    return user


@pytest.fixture
def nik_staff_client(nik_staff_user):
    return _client_for(nik_staff_user)
