"""Fixtures of the background-job tests: result files in a temporary MEDIA_ROOT and a second staff
member (the staff account granted full NIKs is in tests/conftest.py)."""

from __future__ import annotations

import pytest
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
