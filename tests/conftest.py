"""Personas shared by every test: admin, staff, owner, other owner, council viewer, anonymous."""

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from pembinaan.accounts import roles
from tests.factories import OwnerFactory, UserFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _background_tasks_run_immediately(settings):
    # A task runs when it is queued, in the test's own thread and connection; jobs and emails are
    # queued after commit (use django_capture_on_commit_callbacks(execute=True) to reach it).
    # tests/jobs/test_workers.py runs real workers of both engines.
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": settings.TASK_QUEUES,
        }
    }


@pytest.fixture(autouse=True)
def _empty_cache_for_each_test():
    # The local-memory cache outlives a test's database; a page cached by one test must not be
    # served to the next, whose rows may reuse the same primary keys.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    # A test that switches to English must not leave the next one in English.
    yield
    translation.deactivate()


@pytest.fixture
def admin_user(db):
    return UserFactory(role=roles.ADMIN, email="admin@dinas.test", is_staff=True)


@pytest.fixture
def staff_user(db):
    return UserFactory(role=roles.STAFF, email="staf@dinas.test")


@pytest.fixture
def approver_user(db):
    # Rule 14: approves the grants staff proposes (Kepala Bidang).
    return UserFactory(role=roles.APPROVER, email="kabid@dinas.test")


@pytest.fixture
def treasurer_user(db):
    # Rule 14: records the disbursement of grants others approved (Bendahara).
    return UserFactory(role=roles.TREASURER, email="bendahara@dinas.test")


@pytest.fixture
def viewer_user(db):
    return UserFactory(role=roles.VIEWER, email="dprd@dprd.test")


@pytest.fixture
def owner_user(db):
    user = UserFactory(role=roles.OWNER, email="pemilik@contoh.test", phone="+6281234500001")
    OwnerFactory(user=user, name=user.full_name, phone=user.phone)
    return user


@pytest.fixture
def other_owner_user(db):
    user = UserFactory(role=roles.OWNER, email="pemilik2@contoh.test", phone="+6281234500002")
    OwnerFactory(user=user, name=user.full_name, phone=user.phone)
    return user


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin_client(admin_user):
    return _client_for(admin_user)


@pytest.fixture
def staff_client(staff_user):
    return _client_for(staff_user)


@pytest.fixture
def approver_client(approver_user):
    return _client_for(approver_user)


@pytest.fixture
def treasurer_client(treasurer_user):
    return _client_for(treasurer_user)


@pytest.fixture
def viewer_client(viewer_user):
    return _client_for(viewer_user)


@pytest.fixture
def owner_client(owner_user):
    return _client_for(owner_user)


@pytest.fixture
def anon_client():
    return Client()


PERSONAS = ["anon_client", "owner_client", "viewer_client", "staff_client", "admin_client"]


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
