"""Concurrent registrations on PostgreSQL: one owner per NIK, one registration per form."""

import threading
import uuid

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection

from pembinaan.accounts.models import User
from pembinaan.enrolment import services
from pembinaan.enrolment.models import ClaimRequest, Registration
from pembinaan.notifications.models import OutboxMessage
from pembinaan.reference.models import KbliCategory, Kelurahan
from pembinaan.registry.models import Business, Owner
from tests.factories import make_nik

# Not a transactional test: its flush afterwards would take the groups and regions of the data
# migrations away from the tests that run later. The threads commit on their own connections
# (the test's open transaction sees their rows) and `_cleanup` removes what they made.
pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"
    ),
    pytest.mark.django_db,
]


def _reference_rows():
    return Kelurahan.objects.order_by("code").first(), KbliCategory.objects.get(code="C")


def _in_own_connection(function):
    def run():
        from django.db import connection as thread_connection

        try:
            function()
        finally:
            thread_connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=60)


def _cleanup(phones: list[str]) -> None:
    def delete():
        users = list(User.objects.filter(phone__in=phones).values_list("pk", flat=True))
        emails = list(User.objects.filter(pk__in=users).exclude(email=None).values_list("email", flat=True))
        # Registrations queue messages too (the number's confirmation code): committed, so gone here.
        OutboxMessage.objects.filter(recipient__in=[*phones, *emails]).delete()
        owners = list(Owner.objects.filter(user__in=users).values_list("pk", flat=True))
        businesses = list(Business.objects.filter(owner__in=owners).values_list("pk", flat=True))
        claims = list(ClaimRequest.objects.filter(user__in=users).values_list("pk", flat=True))
        Registration.objects.filter(user__in=users).delete()
        ClaimRequest.objects.filter(pk__in=claims).delete()
        ClaimRequest.history.filter(id__in=claims).delete()
        Business.objects.filter(pk__in=businesses).delete()
        Business.history.filter(id__in=businesses).delete()
        Owner.objects.filter(pk__in=owners).delete()
        Owner.history.filter(id__in=owners).delete()
        User.objects.filter(pk__in=users).delete()

    _in_own_connection(delete)


def _run_together(*calls):
    barrier = threading.Barrier(len(calls))
    results: list[object] = []

    def run(call):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            results.append(call())
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _submit(token, nik, phone, kelurahan, category):
    def call():
        return services.registration_submit(
            token=token,
            owner_data={"name": "Siti Aminah", "nik": nik, "phone": phone, "email": ""},
            business_data={
                "name": f"Amplang {phone[-4:]}",
                "kelurahan": kelurahan,
                "kbli_category": category,
                "address": "Jl. Kelayan",
                "products": "Amplang",
                "start_year": 2019,
                "employees": 2,
                "annual_sales": 50_000_000,
                "capital": None,
                "nib": None,
            },
            password_hash=make_password("Sasirangan-Banjar-2026"),
            consent_version="uji",
        )

    return call


def test_two_concurrent_registrations_of_one_nik_give_one_owner_and_a_claim():
    kelurahan, category = _reference_rows()
    nik, phones = make_nik(), ["+6281277770011", "+6281277770012"]
    try:
        results = _run_together(
            _submit(uuid.uuid4(), nik, phones[0], kelurahan, category),
            _submit(uuid.uuid4(), nik, phones[1], kelurahan, category),
        )
        assert all(isinstance(r, Registration) for r in results), results
        assert Owner.objects.filter(nik=nik).count() == 1
        assert Business.objects.filter(owner__nik=nik).count() == 1
        assert ClaimRequest.objects.filter(owner__nik=nik).count() == 1
        assert User.objects.filter(phone__in=phones).count() == 2
    finally:
        _cleanup(phones)


def test_the_same_form_submitted_twice_at_once_registers_once():
    kelurahan, category = _reference_rows()
    token, nik, phone = uuid.uuid4(), make_nik(), "+6281277770021"
    try:
        results = _run_together(
            _submit(token, nik, phone, kelurahan, category),
            _submit(token, nik, phone, kelurahan, category),
        )
        assert all(isinstance(r, Registration) for r in results), results
        assert results[0].pk == results[1].pk
        assert Registration.objects.filter(token=token).count() == 1
        assert Owner.objects.filter(nik=nik).count() == 1
        assert User.objects.filter(phone=phone).count() == 1
        assert not ClaimRequest.objects.filter(owner__nik=nik).exists()
    finally:
        _cleanup([phone])
