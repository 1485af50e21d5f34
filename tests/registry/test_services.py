"""Registry workflows through the service layer (docs/rules.md rules 1–5)."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import ProtectedError

from pembinaan.reference.models import Kelurahan
from pembinaan.registry import matching, services
from pembinaan.registry.models import (
    Business,
    BusinessSource,
    BusinessStatus,
    DuplicatePair,
    NikAccessLog,
    Owner,
    StatusChange,
)
from tests.factories import BusinessFactory, make_nik

pytestmark = pytest.mark.django_db


def _kelurahan(index: int = 0) -> Kelurahan:
    return Kelurahan.objects.order_by("code")[index]


def _owner(staff_user, **fields) -> Owner:
    data = {"nik": make_nik(), "name": "Siti Aminah", "phone": "0812-3456-7001"}
    data.update(fields)
    return services.owner_create(by=staff_user, **data)


def _business(staff_user, owner, **fields) -> Business:
    data = {"name": "Kue Bingka Hj. Aminah", "kelurahan": _kelurahan(), "kbli_category_id": "C"}
    data.update(fields)
    return services.business_create(by=staff_user, owner=owner, **data)


class TestOwners:
    def test_gender_and_birth_date_come_from_the_nik(self, staff_user):
        owner = _owner(staff_user, nik="6371015203850007", gender="L")
        assert owner.gender == "P"
        assert owner.birth_date == datetime.date(1985, 3, 12)

    def test_the_phone_is_stored_in_e164(self, staff_user):
        assert _owner(staff_user, phone="0812 3456.7001").phone == "+6281234567001"

    def test_a_second_owner_with_the_same_nik_is_refused_with_a_field_message(self, staff_user):
        nik = make_nik()
        _owner(staff_user, nik=nik)
        with pytest.raises(ValidationError) as exc:
            _owner(staff_user, nik=nik, name="Orang Lain")
        assert "nik" in exc.value.error_dict
        assert Owner.objects.filter(nik=nik).count() == 1

    def test_an_invalid_nik_is_refused_and_nothing_is_saved(self, staff_user):
        with pytest.raises(ValidationError) as exc:
            _owner(staff_user, nik="6.371E+15")
        assert "Excel" in str(exc.value.error_dict["nik"])
        assert Owner.objects.count() == 0

    def test_an_owner_without_nik_is_allowed(self, staff_user):
        owner = _owner(staff_user, nik="", gender="L")
        assert owner.nik is None


class TestStatusWorkflow:
    def test_a_business_entered_by_staff_is_verified_at_entry_by_that_staff_member(self, staff_user):
        business = _business(staff_user, _owner(staff_user))
        assert business.status == BusinessStatus.VERIFIED
        step = business.status_changes.get()
        assert (step.from_status, step.to_status, step.changed_by) == ("", "terverifikasi", staff_user)

    def test_a_self_registration_arrives_submitted(self, staff_user):
        business = _business(staff_user, _owner(staff_user), source=BusinessSource.SELF)
        assert business.status == BusinessStatus.SUBMITTED

    def test_verify_records_who_and_when(self, staff_user, admin_user):
        business = _business(staff_user, _owner(staff_user), source=BusinessSource.SELF)
        business = services.business_verify(business=business, by=admin_user)
        assert business.status == BusinessStatus.VERIFIED
        last = business.status_changes.last()
        assert last.changed_by == admin_user and last.changed_at is not None
        assert last.from_status == "diajukan"

    def test_reject_needs_a_reason_that_is_kept_for_the_owner(self, staff_user):
        business = _business(staff_user, _owner(staff_user), source=BusinessSource.SELF)
        with pytest.raises(ValidationError):
            services.business_reject(business=business, by=staff_user, reason="  ")
        business.refresh_from_db()
        assert business.status == BusinessStatus.SUBMITTED
        business = services.business_reject(business=business, by=staff_user, reason="Foto KTP buram")
        assert business.status == BusinessStatus.REJECTED
        assert business.status_reason == "Foto KTP buram"

    def test_a_rejected_registration_can_be_submitted_again(self, staff_user):
        business = _business(staff_user, _owner(staff_user), source=BusinessSource.SELF)
        services.business_reject(business=business, by=staff_user, reason="Alamat kurang")
        business = services.business_submit(business=business, by=staff_user)
        assert business.status == BusinessStatus.SUBMITTED

    def test_deactivate_and_reactivate_a_verified_business(self, staff_user):
        business = _business(staff_user, _owner(staff_user))
        business = services.business_deactivate(business=business, by=staff_user, reason="Tutup")
        assert business.status == BusinessStatus.INACTIVE
        business = services.business_reactivate(business=business, by=staff_user)
        assert business.status == BusinessStatus.VERIFIED
        assert business.status_changes.count() == 3

    @pytest.mark.parametrize(
        "start, action",
        [
            (BusinessStatus.VERIFIED, "business_verify"),
            (BusinessStatus.DRAFT, "business_verify"),
            (BusinessStatus.REJECTED, "business_verify"),
            (BusinessStatus.INACTIVE, "business_reject"),
        ],
    )
    def test_a_move_the_workflow_does_not_allow_is_refused(self, staff_user, start, action):
        business = BusinessFactory(status=start)
        kwargs = {"reason": "x"} if action == "business_reject" else {}
        with pytest.raises(ValidationError):
            getattr(services, action)(business=business, by=staff_user, **kwargs)
        business.refresh_from_db()
        assert business.status == start
        assert not business.status_changes.exists()

    def test_the_scale_follows_rule_5_on_every_save(self, staff_user):
        business = _business(staff_user, _owner(staff_user), annual_sales=3_000_000_000)
        assert (business.scale, business.scale_basis) == ("kecil", "penjualan")
        business = services.business_update(
            business=business, by=staff_user, annual_sales=None, capital=900_000_000
        )
        assert (business.scale, business.scale_basis) == ("mikro", "modal")

    def test_a_duplicate_nib_is_refused(self, staff_user):
        owner = _owner(staff_user)
        _business(staff_user, owner, nib="1234567890123")
        with pytest.raises(ValidationError) as exc:
            _business(staff_user, owner, name="Lain", nib="1234567890123")
        assert "nib" in exc.value.error_dict


class TestDuplicates:
    def test_owners_sharing_a_phone_flag_their_businesses(self, staff_user):
        a = _business(staff_user, _owner(staff_user, phone="081234567001"), name="Warung A")
        b = _business(
            staff_user, _owner(staff_user, phone="+62 812-3456-7001", name="Siti A."), name="Warung B"
        )
        pair = DuplicatePair.objects.get()
        assert {pair.business_a_id, pair.business_b_id} == {a.pk, b.pk}
        assert pair.same_phone and not pair.same_name

    def test_the_same_name_in_the_same_kelurahan_is_flagged_whatever_the_spelling(self, staff_user):
        _business(staff_user, _owner(staff_user, phone="081200000001"), name="Sasirangan  Galuh")
        _business(staff_user, _owner(staff_user, phone="081200000002"), name="SASIRANGAN GALUH.")
        assert DuplicatePair.objects.get().same_name

    def test_the_same_name_in_another_kelurahan_is_not_flagged(self, staff_user):
        _business(staff_user, _owner(staff_user, phone="081200000001"), name="Sasirangan Galuh")
        _business(
            staff_user,
            _owner(staff_user, phone="081200000002"),
            name="Sasirangan Galuh",
            kelurahan=_kelurahan(9),
        )
        assert not DuplicatePair.objects.exists()

    def test_two_businesses_of_one_owner_are_not_duplicates(self, staff_user):
        owner = _owner(staff_user)
        _business(staff_user, owner, name="Warung Satu")
        _business(staff_user, owner, name="Bengkel Dua")
        assert not DuplicatePair.objects.exists()

    def test_a_dismissed_pair_stays_dismissed_after_an_edit(self, staff_user):
        a = _business(staff_user, _owner(staff_user, phone="081200000001"), name="Warung")
        _business(staff_user, _owner(staff_user, phone="081200000002"), name="Warung")
        services.duplicate_dismiss(pair=DuplicatePair.objects.get(), by=staff_user)
        services.business_update(business=a, by=staff_user, products="Nasi kuning")
        assert DuplicatePair.objects.get().status == DuplicatePair.Status.DISMISSED

    def test_the_bulk_scan_finds_the_same_pairs_as_the_flagging_on_entry(self, staff_user):
        _business(staff_user, _owner(staff_user, phone="081200000001"), name="Warung")
        _business(staff_user, _owner(staff_user, phone="081200000001"), name="Toko")
        _business(staff_user, _owner(staff_user, phone="081200000003"), name="Warung")
        flagged = set(
            DuplicatePair.objects.values_list("business_a", "business_b", "same_phone", "same_name")
        )
        DuplicatePair.objects.all().delete()
        assert len(flagged) == 2
        assert matching.duplicates_scan_all() == 2
        assert (
            set(DuplicatePair.objects.values_list("business_a", "business_b", "same_phone", "same_name"))
            == flagged
        )


class TestMerge:
    def test_merging_keeps_one_active_record_and_fills_its_blanks(self, staff_user):
        keep = _business(staff_user, _owner(staff_user, phone="081200000001"), name="Warung Acil")
        remove = _business(
            staff_user,
            _owner(staff_user, phone="081200000001", name="Acil"),
            name="Warung Acil",
            nib="1234567890123",
            products="Soto Banjar",
        )
        kept = services.business_merge(keep=keep, remove=remove, by=staff_user)
        remove.refresh_from_db()
        assert remove.merged_into == kept
        assert kept.nib == "1234567890123" and remove.nib is None
        assert kept.products == "Soto Banjar"
        assert list(Business.objects.active()) == [kept]
        assert DuplicatePair.objects.get().status == DuplicatePair.Status.MERGED
        assert "Digabung" in remove.status_changes.last().reason
        assert kept.history.first().history_user == staff_user

    def test_merging_with_owners_moves_every_business_and_the_nik(self, staff_user, admin_user):
        first = _owner(staff_user, nik="", gender="P", phone="081200000001")
        second = _owner(staff_user, phone="081200000001", name="Siti")
        keep = _business(staff_user, first, name="Warung")
        remove = _business(staff_user, second, name="Warung")
        other = _business(staff_user, second, name="Katering Siti")
        services.nik_access_record(user=admin_user, owners=[second])
        nik = second.nik
        services.business_merge(keep=keep, remove=remove, by=staff_user, merge_owners=True)
        first.refresh_from_db()
        second.refresh_from_db()
        other.refresh_from_db()
        assert second.merged_into == first
        assert first.nik == nik and second.nik is None
        assert other.owner == first
        assert NikAccessLog.objects.get().owner == first
        assert list(Owner.objects.active()) == [first]

    def test_a_verified_record_stays_verified_when_merged_with_a_pending_one(self, staff_user):
        keep = _business(staff_user, _owner(staff_user), name="A", source=BusinessSource.SELF)
        remove = _business(staff_user, _owner(staff_user, phone="081299999999"), name="A")
        kept = services.business_merge(keep=keep, remove=remove, by=staff_user)
        assert kept.status == BusinessStatus.VERIFIED

    def test_a_merged_record_cannot_be_merged_or_moved_again(self, staff_user):
        keep = _business(staff_user, _owner(staff_user), name="A")
        remove = _business(staff_user, _owner(staff_user, phone="081299999999"), name="A")
        services.business_merge(keep=keep, remove=remove, by=staff_user)
        with pytest.raises(ValidationError):
            services.business_merge(keep=keep, remove=remove, by=staff_user)
        with pytest.raises(ValidationError):
            services.business_deactivate(business=remove, by=staff_user, reason="x")

    def test_a_record_cannot_be_merged_with_itself(self, staff_user):
        business = _business(staff_user, _owner(staff_user))
        with pytest.raises(ValidationError):
            services.business_merge(keep=business, remove=business, by=staff_user)
        assert StatusChange.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locking")
# Serialized rollback: the flush after this test must leave the migrated rows (groups, regions)
# restorable for the browser tests that follow, and restore them should an earlier test flush.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_creations_of_one_nik_give_one_owner_and_a_clear_message(staff_user):
    nik = make_nik()
    barrier = threading.Barrier(2)
    results: list[object] = []

    def create(name: str) -> None:
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            results.append(services.owner_create(by=None, nik=nik, name=name, phone="081200000001"))
        except ValidationError as exc:
            results.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=create, args=(name,)) for name in ("Pertama", "Kedua")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert Owner.objects.filter(nik=nik).count() == 1
    errors = [r for r in results if isinstance(r, ValidationError)]
    assert len(errors) == 1
    assert "sudah terdaftar" in str(errors[0].error_dict["nik"])


class TestNikAccessLogKeepsItsReferences:
    """The log has no foreign-key checks in the database (a full-NIK export writes a row per owner):
    Django's PROTECT and CASCADE must still hold it to its users and owners."""

    def test_a_user_who_saw_full_niks_cannot_be_deleted_while_the_log_names_them(
        self, admin_user, staff_user
    ):
        owner = _owner(staff_user)
        services.nik_access_record(user=admin_user, owners=[owner])
        with pytest.raises(ProtectedError):
            admin_user.delete()
        assert NikAccessLog.objects.get().user == admin_user

    def test_an_owner_deleted_for_good_takes_their_log_rows_and_no_other(self, admin_user, staff_user):
        gone, kept = _owner(staff_user), _owner(staff_user, phone="081299999999")
        services.nik_access_record_many(user=admin_user, owner_ids=[gone.pk, kept.pk], purpose="ekspor")
        gone.delete()
        assert list(NikAccessLog.objects.values_list("owner_id", flat=True)) == [kept.pk]
