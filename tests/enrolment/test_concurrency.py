"""Concurrent registrations on PostgreSQL: one owner per NIK, one registration per form."""

import threading
import uuid

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection

from pembinaan.accounts import roles
from pembinaan.accounts.models import User
from pembinaan.enrolment import services
from pembinaan.enrolment.models import ClaimRequest, Registration
from pembinaan.reference.models import KbliCategory, Kecamatan, Kelurahan
from pembinaan.registry.models import Business, Owner
from tests.factories import make_nik

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"
    ),
    pytest.mark.django_db(transaction=True),
]


def _reference_rows():
    # A transactional test may run after another one flushed the migrations' rows.
    Group.objects.get_or_create(name=roles.OWNER)
    kecamatan, _ = Kecamatan.objects.get_or_create(code="63.71.01", defaults={"name": "Banjarmasin Selatan"})
    kelurahan = Kelurahan.objects.filter(kecamatan=kecamatan).first() or Kelurahan.objects.create(
        code="63.71.01.1001", name="Kelayan Barat", kecamatan=kecamatan
    )
    category, _ = KbliCategory.objects.get_or_create(
        code="C", defaults={"name_id": "Industri Pengolahan", "name_en": "Manufacturing"}
    )
    return kelurahan, category


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
    nik = make_nik()
    results = _run_together(
        _submit(uuid.uuid4(), nik, "+6281277770011", kelurahan, category),
        _submit(uuid.uuid4(), nik, "+6281277770012", kelurahan, category),
    )
    assert all(isinstance(r, Registration) for r in results), results
    assert Owner.objects.filter(nik=nik).count() == 1
    assert Business.objects.count() == 1
    assert ClaimRequest.objects.filter(owner__nik=nik).count() == 1
    assert User.objects.filter(phone__in=["+6281277770011", "+6281277770012"]).count() == 2


def test_the_same_form_submitted_twice_at_once_registers_once():
    kelurahan, category = _reference_rows()
    token, nik = uuid.uuid4(), make_nik()
    results = _run_together(
        _submit(token, nik, "+6281277770021", kelurahan, category),
        _submit(token, nik, "+6281277770021", kelurahan, category),
    )
    assert all(isinstance(r, Registration) for r in results), results
    assert results[0].pk == results[1].pk
    assert Registration.objects.count() == 1
    assert Owner.objects.filter(nik=nik).count() == 1
    assert User.objects.filter(phone="+6281277770021").count() == 1
    assert not ClaimRequest.objects.exists()
