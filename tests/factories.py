"""factory_boy factories shared by all tests."""

from __future__ import annotations

import datetime
import itertools

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from pembinaan.accounts import roles
from pembinaan.accounts.models import User
from pembinaan.enrolment.models import ClaimRequest
from pembinaan.reference.models import Kelurahan
from pembinaan.registry.models import Business, BusinessStatus, Owner

_serial = itertools.count(1)


def make_nik(
    *, female: bool = False, day: int = 15, month: int = 6, yy: int = 85, serial: int | None = None
) -> str:
    """A valid Banjarmasin NIK; each call gives a new serial unless one is given."""
    # Automatic serials cycle through 0001–9999: a long session must never give two owners of one
    # test the same NIK (10000 and 10001 both became 0001 before).
    serial = next(_serial) % 9999 + 1 if serial is None else serial % 10000 or 1
    dd = day + 40 if female else day
    return f"637101{dd:02d}{month:02d}{yy:02d}{serial:04d}"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Faker("name", locale="id_ID")
    phone = None
    # A number given to the factory is a confirmed login, as after the owner entered the code;
    # tests of unconfirmed numbers pass phone_confirmed_at=None.
    phone_confirmed_at = factory.LazyAttribute(lambda o: timezone.now() if o.phone else None)
    password = factory.PostGenerationMethodCall("set_password", "rahasia-uji-123")

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.groups.add(Group.objects.get(name=extracted))
        if create:
            obj.save()


class OwnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Owner

    nik = factory.LazyFunction(make_nik)
    name = factory.Faker("name", locale="id_ID")
    gender = "L"
    phone = factory.Sequence(lambda n: f"+62812{n:08d}")
    address = "Jl. Pramuka No. 1"


class BusinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Business
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Usaha Contoh {n}")
    owner = factory.SubFactory(OwnerFactory)
    kelurahan = factory.LazyFunction(lambda: Kelurahan.objects.order_by("code").first())
    kbli_category_id = "C"
    status = BusinessStatus.VERIFIED
    annual_sales = 120_000_000

    @factory.post_generation
    def registered_on(obj, create, extracted, **kwargs):
        """`BusinessFactory(registered_on=date)`: registered that day (08.00 WITA), not today.

        `created_at` is the registration day (funding rule 13c) and the clock stamps it on insert.
        """
        if create and extracted:
            obj.created_at = timezone.make_aware(datetime.datetime.combine(extracted, datetime.time(8)))
            Business.objects.filter(pk=obj.pk).update(created_at=obj.created_at)


class ClaimRequestFactory(factory.django.DjangoModelFactory):
    """A pending claim: an owner account registered with the NIK of `owner`, a record already held."""

    class Meta:
        model = ClaimRequest

    user = factory.SubFactory(
        UserFactory, role=roles.OWNER, phone=factory.Sequence(lambda n: f"+62813{n:08d}")
    )
    owner = factory.SubFactory(OwnerFactory)
    matched_by = ClaimRequest.MatchedBy.NIK
    submitted = factory.LazyAttribute(
        lambda o: {
            "owner": {
                "nik": o.owner.nik,
                "name": o.user.full_name,
                "phone": o.user.phone,
                "email": o.user.email,
            },
            "business": {"name": "Usaha Yang Diklaim"},
        }
    )
    consent_version = "1"
    consent_at = factory.LazyFunction(timezone.now)


def user_with_role(role: str | None, **kwargs) -> User:
    return UserFactory(role=role, **kwargs)


__all__ = [
    "BusinessFactory",
    "ClaimRequestFactory",
    "OwnerFactory",
    "UserFactory",
    "make_nik",
    "roles",
    "user_with_role",
]
