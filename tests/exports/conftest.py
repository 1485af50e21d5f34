"""Fixtures of the export tests: a staff account granted full NIKs, and one row in every export."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from tests.factories import UserFactory, roles


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
    client = Client()
    client.force_login(nik_staff_user)
    return client
