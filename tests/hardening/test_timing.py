"""Issue 14: the pages a stranger can use to probe for accounts take the same time, within one
timing class, whether or not the NIK, phone number or email is known.

The dangerous difference is a password hash (PBKDF2, a large fraction of a second) done on one path
and not on the other, so these tests run with the production hasher and allow a difference of at
most half a hash between the medians of known and unknown (alternating requests, so that machine
load hits both alike). Everything else a page does (a few inserts) is far below that.
"""

from __future__ import annotations

import statistics
import time
import uuid

import pytest
from django.conf import global_settings
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from pembinaan.accounts import roles
from tests.enrolment.helpers import business_data, owner_data
from tests.factories import OwnerFactory, UserFactory

pytestmark = pytest.mark.django_db

ROUNDS = 7


@pytest.fixture
def real_hashing(settings):
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    settings.RESET_RATE_LIMIT = 10_000
    settings.RESET_CODES_PER_NUMBER = 10_000
    settings.LOGIN_RATE_LIMIT = 10_000
    settings.ENROLMENT_RATE_LIMIT = 10_000
    settings.AXES_ENABLED = False  # lockouts would end the login rounds early
    make_password("pemanasan")  # the first hash warms up; it is not what is measured


@pytest.fixture
def hash_seconds(real_hashing) -> float:
    times = []
    for _ in range(3):
        started = time.perf_counter()
        make_password("ukuran-satu-hash")
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _same_class(known, unknown, hash_seconds: float) -> None:
    """Alternate the two requests ROUNDS times; the medians differ by less than half a hash."""
    known_times, unknown_times = [], []
    for index in range(ROUNDS):
        cache.clear()  # rate counters
        for probe, times in ((known, known_times), (unknown, unknown_times)):
            started = time.perf_counter()
            response = probe(index)
            times.append(time.perf_counter() - started)
            assert response.status_code < 500
    gap = abs(statistics.median(known_times) - statistics.median(unknown_times))
    assert gap < hash_seconds / 2, (
        statistics.median(known_times),
        statistics.median(unknown_times),
        hash_seconds,
    )


@pytest.fixture
def phone_owner(db):
    return UserFactory(role=roles.OWNER, email="ada@contoh.test", phone="+6281355551234")


def test_asking_for_a_reset_code_takes_as_long_for_a_known_number_as_for_an_unknown_one(
    phone_owner, hash_seconds
):
    post = lambda number: Client().post(reverse("accounts:password-reset"), {"email": number})  # noqa: E731
    _same_class(lambda i: post("0813-5555-1234"), lambda i: post("0813-5555-9999"), hash_seconds)


def test_asking_for_a_reset_link_takes_as_long_for_a_known_email_as_for_an_unknown_one(
    phone_owner, hash_seconds
):
    post = lambda email: Client().post(reverse("accounts:password-reset"), {"email": email})  # noqa: E731
    _same_class(lambda i: post("ada@contoh.test"), lambda i: post("tiada@contoh.test"), hash_seconds)


def test_a_wrong_reset_code_takes_as_long_for_a_known_number_as_for_an_unknown_one(phone_owner, hash_seconds):
    Client().post(reverse("accounts:password-reset"), {"email": "0813-5555-1234"})  # a live code

    def enter(number):
        return Client().post(
            reverse("accounts:password-reset-code"),
            {
                "identifier": number,
                "code": "000000",
                "new_password1": "Xy-12345678",
                "new_password2": "Xy-12345678",
            },
        )

    _same_class(lambda i: enter("0813-5555-1234"), lambda i: enter("0813-5555-9999"), hash_seconds)


def test_logging_in_takes_as_long_for_a_known_number_or_email_as_for_an_unknown_one(
    phone_owner, hash_seconds
):
    post = lambda name: Client().post(reverse("accounts:login"), {"username": name, "password": "salah-123"})  # noqa: E731
    _same_class(lambda i: post("0813-5555-1234"), lambda i: post("0813-5555-9999"), hash_seconds)
    _same_class(lambda i: post("ada@contoh.test"), lambda i: post("tiada@contoh.test"), hash_seconds)


def _last_step(owner: dict):
    """A client that filled in the first two steps; the returned call posts the last one."""
    client = Client()
    client.post(reverse("enrolment:owner"), owner)
    client.post(reverse("enrolment:business"), business_data(name=f"Usaha {uuid.uuid4().hex[:8]}"))
    return lambda: client.post(reverse("enrolment:consent"), {"agree": "on"})


def _timed_registrations(known_owner, unknown_owner, hash_seconds):
    # Preparing the first two steps is not what differs; only the last step is timed.
    known_times, unknown_times = [], []
    for index in range(ROUNDS):
        cache.clear()
        for make, times in ((known_owner, known_times), (unknown_owner, unknown_times)):
            submit = _last_step(make(index))
            started = time.perf_counter()
            response = submit()
            times.append(time.perf_counter() - started)
            assert response.status_code == 302
    gap = abs(statistics.median(known_times) - statistics.median(unknown_times))
    assert gap < hash_seconds / 2, (
        statistics.median(known_times),
        statistics.median(unknown_times),
        hash_seconds,
    )


def test_registering_takes_as_long_with_a_known_phone_or_email_as_with_an_unknown_one(
    phone_owner, hash_seconds
):
    _timed_registrations(
        lambda i: owner_data(phone="0813-5555-1234", email=""),
        lambda i: owner_data(phone=f"0812-7000-{i:04d}", email=""),
        hash_seconds,
    )
    _timed_registrations(
        lambda i: owner_data(phone=f"0812-7100-{i:04d}", email="ada@contoh.test"),
        lambda i: owner_data(phone=f"0812-7200-{i:04d}", email=f"baru{i}@contoh.test"),
        hash_seconds,
    )


def test_registering_takes_as_long_with_a_nik_on_record_as_with_a_new_one(hash_seconds):
    on_record = [OwnerFactory(email="pemilik@contoh.test").nik for _ in range(ROUNDS)]
    _timed_registrations(
        lambda i: owner_data(nik=on_record[i], phone=f"0812-7300-{i:04d}", email=""),
        lambda i: owner_data(phone=f"0812-7400-{i:04d}", email=""),
        hash_seconds,
    )
