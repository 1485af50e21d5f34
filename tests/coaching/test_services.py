"""Coaching workflows through the service layer: activities, participants, attendance, outcomes, figures.

docs/rules.md rules 2, 6 and 11 and issue 3 ("Rules to hold").
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.formats import date_format
from PIL import Image

from pembinaan.coaching import selectors, services
from pembinaan.coaching.models import (
    NAIK_KELAS,
    Activity,
    CoachingType,
    FiguresSnapshot,
    Outcome,
    Participation,
    ParticipationStatus,
)
from pembinaan.registry.models import BusinessStatus
from pembinaan.registry.services import business_merge
from tests.coaching.factories import (
    ActivityFactory,
    OutcomeFactory,
    ParticipationFactory,
    coaching_type,
    funding_source,
    outcome_type,
)
from tests.factories import BusinessFactory, OwnerFactory, make_nik

pytestmark = pytest.mark.django_db

P = ParticipationStatus


def _today() -> datetime.date:
    return timezone.localdate()


def _days(n: int) -> datetime.date:
    return _today() + datetime.timedelta(days=n)


def _activity_fields(**overrides):
    start = overrides.pop("start_date", datetime.date(2025, 3, 10))
    fields = {
        "title": "Pelatihan Desain Kemasan Produk Olahan",
        "coaching_type": coaching_type("kemasan"),
        "format": Activity.Format.GROUP,
        "start_date": start,
        "end_date": start + datetime.timedelta(days=1),
        "venue": "Aula Dinas Koperasi, UM dan Tenaga Kerja",
        "fiscal_year": start.year,
        "funding_source": funding_source("apbd-kota"),
        "planned_cost": 25_000_000,
    }
    fields.update(overrides)
    return fields


def _messages(exc: pytest.ExceptionInfo) -> str:
    return " ".join(exc.value.messages)


def _png_bytes(size=(32, 24)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (12, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


# --- Activities -------------------------------------------------------------------------------


class TestActivityCreateAndUpdate:
    def test_an_activity_is_created_and_its_creator_is_in_the_history(self, staff_user):
        activity = services.activity_create(by=staff_user, **_activity_fields())
        assert activity.pk is not None
        assert activity.created_by == staff_user
        assert activity.status == Activity.Status.PLANNED
        assert activity.history.get().history_user == staff_user

    def test_an_activity_ending_before_it_starts_is_refused(self, staff_user):
        start = datetime.date(2025, 3, 10)
        with pytest.raises(ValidationError) as exc:
            services.activity_create(
                by=staff_user,
                **_activity_fields(start_date=start, end_date=start - datetime.timedelta(days=1)),
            )
        assert "end_date" in exc.value.error_dict
        assert "sebelum tanggal mulai" in _messages(exc)
        assert not Activity.objects.exists()

    def test_an_edit_that_moves_the_end_before_the_start_is_refused(self, staff_user):
        activity = services.activity_create(by=staff_user, **_activity_fields())
        with pytest.raises(ValidationError) as exc:
            services.activity_update(
                activity=activity, by=staff_user, end_date=activity.start_date - datetime.timedelta(days=3)
            )
        assert "end_date" in exc.value.error_dict
        activity.refresh_from_db()
        assert activity.end_date >= activity.start_date

    def test_a_one_day_activity_may_end_on_its_start_date(self, staff_user):
        start = datetime.date(2025, 3, 10)
        activity = services.activity_create(
            by=staff_user, **_activity_fields(start_date=start, end_date=start)
        )
        assert activity.end_date == activity.start_date

    def test_capacity_cannot_drop_below_the_active_participants(self, staff_user):
        activity = services.activity_create(by=staff_user, **_activity_fields(capacity=5))
        ParticipationFactory(activity=activity, status=P.REGISTERED)
        ParticipationFactory(activity=activity, status=P.ATTENDED)
        ParticipationFactory(activity=activity, status=P.CANCELLED)
        with pytest.raises(ValidationError) as exc:
            services.activity_update(activity=activity, by=staff_user, capacity=1)
        assert "capacity" in exc.value.error_dict
        assert "2 peserta aktif" in _messages(exc)
        activity.refresh_from_db()
        assert activity.capacity == 5

    def test_capacity_may_drop_to_exactly_the_active_participants_since_cancellations_do_not_count(
        self, staff_user
    ):
        activity = services.activity_create(by=staff_user, **_activity_fields(capacity=5))
        ParticipationFactory(activity=activity, status=P.REGISTERED)
        ParticipationFactory(activity=activity, status=P.ABSENT)
        ParticipationFactory(activity=activity, status=P.CANCELLED)
        services.activity_update(activity=activity, by=staff_user, capacity=2)
        activity.refresh_from_db()
        assert activity.capacity == 2

    def test_status_batal_cannot_be_set_when_creating_an_activity(self, staff_user):
        with pytest.raises(ValidationError) as exc:
            services.activity_create(by=staff_user, **_activity_fields(status=Activity.Status.CANCELLED))
        assert "status" in exc.value.error_dict
        assert "Batalkan kegiatan" in _messages(exc)
        assert not Activity.objects.exists()

    def test_status_batal_cannot_be_set_by_an_edit_even_with_a_reason_in_the_fields(self, staff_user):
        activity = services.activity_create(by=staff_user, **_activity_fields())
        with pytest.raises(ValidationError) as exc:
            services.activity_update(
                activity=activity,
                by=staff_user,
                status=Activity.Status.CANCELLED,
                cancel_reason="Narasumber berhalangan",
            )
        assert "status" in exc.value.error_dict
        activity.refresh_from_db()
        assert activity.status == Activity.Status.PLANNED
        assert activity.cancel_reason == ""

    def test_cancelling_needs_a_reason(self, staff_user):
        activity = services.activity_create(by=staff_user, **_activity_fields())
        with pytest.raises(ValidationError) as exc:
            services.activity_cancel(activity=activity, by=staff_user, reason="   ")
        assert "reason" in exc.value.error_dict
        activity.refresh_from_db()
        assert activity.status == Activity.Status.PLANNED

    def test_cancelling_with_a_reason_records_it_and_who_cancelled(self, staff_user):
        activity = services.activity_create(by=staff_user, **_activity_fields())
        services.activity_cancel(activity=activity, by=staff_user, reason="  Gedung dipakai acara lain  ")
        activity.refresh_from_db()
        assert activity.status == Activity.Status.CANCELLED
        assert activity.cancel_reason == "Gedung dipakai acara lain"
        latest = activity.history.first()
        assert latest.status == Activity.Status.CANCELLED
        assert latest.history_user == staff_user

    def test_an_activity_cannot_be_cancelled_twice(self, staff_user):
        activity = services.activity_create(by=staff_user, **_activity_fields())
        services.activity_cancel(activity=activity, by=staff_user, reason="Hujan deras")
        with pytest.raises(ValidationError) as exc:
            services.activity_cancel(activity=activity, by=staff_user, reason="Lagi")
        assert "sudah dibatalkan" in _messages(exc)

    def test_cancelling_keeps_the_participants_records(self, staff_user):
        activity = ActivityFactory(start_date=datetime.date(2025, 2, 3))
        attended = ParticipationFactory(activity=activity, status=P.ATTENDED)
        registered = ParticipationFactory(activity=activity, status=P.REGISTERED)
        services.activity_cancel(activity=activity, by=staff_user, reason="Anggaran dialihkan")
        attended.refresh_from_db()
        registered.refresh_from_db()
        assert (attended.status, registered.status) == (P.ATTENDED, P.REGISTERED)

    @pytest.mark.parametrize(
        "status", [Activity.Status.PLANNED, Activity.Status.RUNNING, Activity.Status.DONE]
    )
    def test_a_cancelled_activity_cannot_be_made_active_again(self, staff_user, status):
        activity = services.activity_create(by=staff_user, **_activity_fields())
        services.activity_cancel(activity=activity, by=staff_user, reason="Narasumber sakit")
        with pytest.raises(ValidationError) as exc:
            services.activity_update(activity=activity, by=staff_user, status=status)
        assert "status" in exc.value.error_dict
        assert "tidak dapat diaktifkan lagi" in _messages(exc)
        activity.refresh_from_db()
        assert activity.status == Activity.Status.CANCELLED

    def test_an_activity_with_recorded_attendance_cannot_be_moved_to_start_in_the_future(self, staff_user):
        # docs/rules.md rule 6: attendance exists only for started activities, so the count needs no clock.
        activity = services.activity_create(
            by=staff_user, **_activity_fields(start_date=_days(-2), end_date=_days(-2))
        )
        participation = services.participation_add(
            activity=activity, business=BusinessFactory(), by=staff_user
        )
        services.attendance_record(activity=activity, statuses={participation.pk: P.ATTENDED}, by=staff_user)
        with pytest.raises(ValidationError):
            services.activity_update(activity=activity, by=staff_user, start_date=_days(5), end_date=_days(5))
        activity.refresh_from_db()
        assert activity.start_date == _days(-2)

    def test_a_cancelled_activity_can_still_be_corrected_while_it_stays_cancelled(self, staff_user):
        activity = services.activity_create(by=staff_user, **_activity_fields())
        services.activity_cancel(activity=activity, by=staff_user, reason="Narasumber sakit")
        services.activity_update(activity=activity, by=staff_user, venue="Balai Kota")
        activity.refresh_from_db()
        assert (activity.status, activity.venue) == (Activity.Status.CANCELLED, "Balai Kota")

    def test_a_retired_coaching_type_cannot_be_used_for_a_new_activity(self, staff_user):
        CoachingType.objects.filter(code="kemasan").update(is_active=False)
        with pytest.raises(ValidationError) as exc:
            services.activity_create(
                by=staff_user, **_activity_fields(coaching_type=coaching_type("kemasan"))
            )
        assert "coaching_type" in exc.value.error_dict
        assert "tidak dipakai" in _messages(exc)
        assert not Activity.objects.exists()

    def test_an_existing_activity_keeps_its_type_after_the_type_is_retired(self, staff_user):
        activity = services.activity_create(
            by=staff_user, **_activity_fields(coaching_type=coaching_type("kemasan"))
        )
        CoachingType.objects.filter(code="kemasan").update(is_active=False)
        services.activity_update(activity=activity, by=staff_user, title="Pelatihan Kemasan (angkatan 2)")
        activity.refresh_from_db()
        assert activity.coaching_type.code == "kemasan"
        assert activity.title == "Pelatihan Kemasan (angkatan 2)"

    def test_an_existing_activity_cannot_be_switched_to_a_retired_type(self, staff_user):
        activity = services.activity_create(
            by=staff_user, **_activity_fields(coaching_type=coaching_type("workshop"))
        )
        CoachingType.objects.filter(code="kemasan").update(is_active=False)
        with pytest.raises(ValidationError) as exc:
            services.activity_update(activity=activity, by=staff_user, coaching_type=coaching_type("kemasan"))
        assert "coaching_type" in exc.value.error_dict
        activity.refresh_from_db()
        assert activity.coaching_type.code == "workshop"


# --- Participation ----------------------------------------------------------------------------


class TestParticipationAdd:
    def test_a_business_is_added_as_registered_with_who_added_it(self, staff_user):
        activity = ActivityFactory()
        business = BusinessFactory()
        participation = services.participation_add(activity=activity, business=business, by=staff_user)
        assert participation.status == P.REGISTERED
        assert participation.registered_by == staff_user
        assert participation.history.get().history_user == staff_user

    def test_the_same_business_cannot_be_added_twice_and_the_message_names_it(self, staff_user):
        activity = ActivityFactory()
        business = BusinessFactory(name="Amplang Ikan Haruan Bu Ida")
        services.participation_add(activity=activity, business=business, by=staff_user)
        with pytest.raises(ValidationError) as exc:
            services.participation_add(activity=activity, business=business, by=staff_user)
        assert "Amplang Ikan Haruan Bu Ida sudah menjadi peserta" in _messages(exc)
        assert Participation.objects.filter(activity=activity, business=business).count() == 1

    @pytest.mark.parametrize("status", [P.ATTENDED, P.ABSENT])
    def test_a_business_that_already_attended_or_missed_cannot_be_added_again(self, staff_user, status):
        participation = ParticipationFactory(status=status)
        with pytest.raises(ValidationError):
            services.participation_add(
                activity=participation.activity, business=participation.business, by=staff_user
            )
        participation.refresh_from_db()
        assert participation.status == status

    def test_a_full_activity_refuses_another_participant_with_a_clear_message(self, staff_user):
        activity = ActivityFactory(capacity=2)
        ParticipationFactory(activity=activity)
        ParticipationFactory(activity=activity)
        with pytest.raises(ValidationError) as exc:
            services.participation_add(activity=activity, business=BusinessFactory(), by=staff_user)
        message = _messages(exc)
        assert "Kapasitas kegiatan 2 peserta" in message
        assert "sudah terisi 2" in message
        assert "lewati kapasitas" in message
        assert activity.participations.count() == 2

    def test_staff_can_add_beyond_capacity_with_the_override(self, staff_user):
        activity = ActivityFactory(capacity=1)
        ParticipationFactory(activity=activity)
        services.participation_add(
            activity=activity, business=BusinessFactory(), by=staff_user, override_capacity=True
        )
        assert activity.participations.count() == 2

    def test_a_cancelled_participation_frees_its_seat(self, staff_user):
        activity = ActivityFactory(capacity=1)
        ParticipationFactory(activity=activity, status=P.CANCELLED)
        services.participation_add(activity=activity, business=BusinessFactory(), by=staff_user)
        assert activity.participations.exclude(status=P.CANCELLED).count() == 1

    def test_a_cancelled_activity_refuses_new_participants(self, staff_user):
        activity = ActivityFactory()
        services.activity_cancel(activity=activity, by=staff_user, reason="Dibatalkan penyelenggara")
        with pytest.raises(ValidationError) as exc:
            services.participation_add(activity=activity, business=BusinessFactory(), by=staff_user)
        assert "dibatalkan" in _messages(exc)
        assert not activity.participations.exists()

    def test_a_merged_away_business_is_refused(self, staff_user):
        keep, remove = BusinessFactory(), BusinessFactory()
        business_merge(keep=keep, remove=remove, by=staff_user)
        remove.refresh_from_db()
        activity = ActivityFactory()
        with pytest.raises(ValidationError) as exc:
            services.participation_add(activity=activity, business=remove, by=staff_user)
        assert "digabung" in _messages(exc)
        assert not activity.participations.exists()

    def test_adding_again_after_a_cancelled_participation_reuses_the_same_row(self, staff_user):
        activity = ActivityFactory()
        business = BusinessFactory()
        first = services.participation_add(activity=activity, business=business, by=staff_user)
        services.attendance_record(activity=activity, statuses={first.pk: P.CANCELLED}, by=staff_user)
        again = services.participation_add(activity=activity, business=business, by=staff_user)
        assert again.pk == first.pk
        assert again.status == P.REGISTERED
        assert Participation.objects.filter(activity=activity, business=business).count() == 1
        assert again.history.first().status == P.REGISTERED

    def test_re_adding_after_a_cancellation_still_respects_capacity(self, staff_user):
        activity = ActivityFactory(capacity=1)
        cancelled = ParticipationFactory(activity=activity, status=P.CANCELLED)
        ParticipationFactory(activity=activity, status=P.REGISTERED)
        with pytest.raises(ValidationError):
            services.participation_add(activity=activity, business=cancelled.business, by=staff_user)
        cancelled.refresh_from_db()
        assert cancelled.status == P.CANCELLED


class TestResolveAndAddMany:
    def test_businesses_are_found_by_nib_and_by_owner_nik_in_the_pasted_order(self):
        by_nib = BusinessFactory(nib="1234567890123")
        owner = OwnerFactory(nik="6371011506850042")
        by_nik = BusinessFactory(owner=owner)
        found, errors = selectors.resolve_businesses(["  6371 0115 0685 0042 ", "", "1234567890123"])
        assert errors == []
        assert found == [by_nik, by_nib]

    def test_an_unknown_line_gives_an_error_with_its_line_number(self):
        BusinessFactory(nib="1234567890123")
        found, errors = selectors.resolve_businesses(["1234567890123", "", "9999999999999"])
        assert len(found) == 1
        assert errors == ["Baris 3 (9999999999999): tidak ditemukan di registri."]

    def test_a_nik_whose_owner_is_not_in_the_registry_is_unknown(self):
        found, errors = selectors.resolve_businesses([make_nik()])
        assert found == []
        assert len(errors) == 1
        assert errors[0].startswith("Baris 1 (")
        assert "tidak ditemukan" in errors[0]

    @pytest.mark.parametrize(
        "line",
        [
            "0071011506850001",  # not a province code
            "6371019913850001",  # 99th day of month: not a birth date
            "6371011506850000",  # serial 0000
            "6.371E+15",  # mangled by Excel
            "NIK-saya",
        ],
    )
    def test_a_malformed_nik_gives_an_error_with_its_line_number(self, line):
        BusinessFactory(nib="1234567890123")
        found, errors = selectors.resolve_businesses(["1234567890123", line])
        assert len(found) == 1
        assert len(errors) == 1
        assert errors[0].startswith(f"Baris 2 ({line}): ")

    def test_an_owner_with_two_businesses_gives_an_error_asking_for_the_nib(self):
        owner = OwnerFactory(nik="6371014506850077")
        BusinessFactory(owner=owner)
        BusinessFactory(owner=owner)
        found, errors = selectors.resolve_businesses(["6371014506850077"])
        assert found == []
        assert len(errors) == 1
        assert errors[0].startswith("Baris 1 (6371014506850077): ")
        assert "lebih dari satu usaha" in errors[0]

    def test_an_owner_with_one_active_business_and_one_merged_away_is_found(self, staff_user):
        owner = OwnerFactory(nik="6371014506850078")
        keep, remove = BusinessFactory(owner=owner), BusinessFactory(owner=owner)
        business_merge(keep=keep, remove=remove, by=staff_user)
        found, errors = selectors.resolve_businesses(["6371014506850078"])
        assert (found, errors) == ([keep], [])

    def test_a_repeated_line_gives_an_error_on_the_repetition(self):
        business = BusinessFactory(nib="1234567890123")
        found, errors = selectors.resolve_businesses(["1234567890123", "1234 5678 90123"])
        assert found == [business]
        assert len(errors) == 1
        assert errors[0].startswith("Baris 2 (1234 5678 90123): ")
        assert "lebih dari sekali" in errors[0]

    def test_the_same_business_by_nib_and_by_its_owner_nik_is_a_repetition(self):
        owner = OwnerFactory(nik="6371011506850043")
        business = BusinessFactory(owner=owner, nib="1234567890124")
        found, errors = selectors.resolve_businesses(["1234567890124", "6371011506850043"])
        assert found == [business]
        assert len(errors) == 1 and errors[0].startswith("Baris 2 ")

    def test_all_businesses_are_added_together(self, staff_user):
        activity = ActivityFactory(capacity=3)
        businesses = BusinessFactory.create_batch(3)
        added = services.participations_add_many(activity=activity, businesses=businesses, by=staff_user)
        assert len(added) == 3
        assert set(activity.participations.values_list("business", flat=True)) == {b.pk for b in businesses}
        assert all(p.registered_by == staff_user for p in added)

    def test_nothing_is_added_when_the_group_exceeds_capacity(self, staff_user):
        activity = ActivityFactory(capacity=3)
        ParticipationFactory(activity=activity)
        with pytest.raises(ValidationError) as exc:
            services.participations_add_many(
                activity=activity, businesses=BusinessFactory.create_batch(3), by=staff_user
            )
        assert "Kapasitas kegiatan 3 peserta" in _messages(exc)
        assert "tidak cukup untuk 3 lagi" in _messages(exc)
        assert activity.participations.count() == 1

    def test_the_group_may_exceed_capacity_with_the_override(self, staff_user):
        activity = ActivityFactory(capacity=1)
        services.participations_add_many(
            activity=activity,
            businesses=BusinessFactory.create_batch(3),
            by=staff_user,
            override_capacity=True,
        )
        assert activity.participations.count() == 3

    def test_nothing_is_added_when_one_of_the_group_is_already_a_participant(self, staff_user):
        activity = ActivityFactory()
        existing = ParticipationFactory(
            activity=activity, business=BusinessFactory(name="Sasirangan Bu Rahmah")
        )
        others = BusinessFactory.create_batch(2)
        with pytest.raises(ValidationError) as exc:
            services.participations_add_many(
                activity=activity, businesses=[*others, existing.business], by=staff_user
            )
        assert "Sasirangan Bu Rahmah" in _messages(exc)
        assert activity.participations.count() == 1

    def test_nothing_is_added_when_one_of_the_group_was_merged_away(self, staff_user):
        keep, remove = BusinessFactory(), BusinessFactory()
        business_merge(keep=keep, remove=remove, by=staff_user)
        remove.refresh_from_db()
        activity = ActivityFactory()
        with pytest.raises(ValidationError):
            services.participations_add_many(
                activity=activity, businesses=[*BusinessFactory.create_batch(2), remove], by=staff_user
            )
        assert not activity.participations.exists()

    def test_a_cancelled_activity_refuses_a_group(self, staff_user):
        activity = ActivityFactory()
        services.activity_cancel(activity=activity, by=staff_user, reason="Batal")
        with pytest.raises(ValidationError):
            services.participations_add_many(activity=activity, businesses=[BusinessFactory()], by=staff_user)
        assert not activity.participations.exists()


# --- Attendance -------------------------------------------------------------------------------


class TestAttendance:
    @pytest.mark.parametrize("status", [P.ATTENDED, P.ABSENT])
    def test_attendance_cannot_be_marked_before_the_activity_starts(self, staff_user, status):
        activity = ActivityFactory(start_date=_days(1), status=Activity.Status.PLANNED)
        participation = ParticipationFactory(activity=activity)
        with pytest.raises(ValidationError) as exc:
            services.attendance_record(activity=activity, statuses={participation.pk: status}, by=staff_user)
        assert "setelah kegiatan dimulai" in _messages(exc)
        # Dates in messages are written the portal way (docs/rules.md rule 12), e.g. "29 November 2026".
        assert date_format(_days(1)) in _messages(exc)
        participation.refresh_from_db()
        assert participation.status == P.REGISTERED
        assert participation.attendance_marked_at is None

    def test_attendance_can_be_marked_on_the_start_day(self, staff_user):
        activity = ActivityFactory(start_date=_today(), end_date=_days(2), status=Activity.Status.RUNNING)
        participation = ParticipationFactory(activity=activity)
        assert (
            services.attendance_record(
                activity=activity, statuses={participation.pk: P.ATTENDED}, by=staff_user
            )
            == 1
        )
        participation.refresh_from_db()
        assert participation.status == P.ATTENDED

    def test_a_future_participant_can_still_cancel(self, staff_user):
        activity = ActivityFactory(start_date=_days(10), status=Activity.Status.PLANNED)
        participation = ParticipationFactory(activity=activity)
        services.attendance_record(activity=activity, statuses={participation.pk: P.CANCELLED}, by=staff_user)
        participation.refresh_from_db()
        assert participation.status == P.CANCELLED

    @pytest.mark.parametrize("status", [P.ATTENDED, P.ABSENT])
    def test_attendance_cannot_be_marked_on_a_cancelled_activity(self, staff_user, status):
        activity = ActivityFactory(start_date=_days(-5))
        participation = ParticipationFactory(activity=activity)
        services.activity_cancel(activity=activity, by=staff_user, reason="Banjir")
        with pytest.raises(ValidationError) as exc:
            services.attendance_record(activity=activity, statuses={participation.pk: status}, by=staff_user)
        assert "dibatalkan" in _messages(exc)
        participation.refresh_from_db()
        assert participation.status == P.REGISTERED

    def test_an_unknown_status_is_refused_and_nothing_changes(self, staff_user):
        activity = ActivityFactory(start_date=_days(-5))
        first = ParticipationFactory(activity=activity)
        second = ParticipationFactory(activity=activity)
        with pytest.raises(ValidationError) as exc:
            services.attendance_record(
                activity=activity, statuses={first.pk: P.ATTENDED, second.pk: "datang"}, by=staff_user
            )
        assert "tidak dikenal" in _messages(exc)
        assert "datang" in _messages(exc)
        first.refresh_from_db()
        second.refresh_from_db()
        assert (first.status, second.status) == (P.REGISTERED, P.REGISTERED)

    def test_marking_records_who_and_when_and_counts_only_real_changes(self, staff_user):
        activity = ActivityFactory(start_date=_days(-3))
        present = ParticipationFactory(activity=activity)
        absent = ParticipationFactory(activity=activity)
        unchanged = ParticipationFactory(activity=activity, status=P.ATTENDED)
        before = timezone.now()
        changed = services.attendance_record(
            activity=activity,
            statuses={present.pk: P.ATTENDED, absent.pk: P.ABSENT, unchanged.pk: P.ATTENDED},
            by=staff_user,
        )
        after = timezone.now()
        assert changed == 2
        for participation, expected in ((present, P.ATTENDED), (absent, P.ABSENT)):
            participation.refresh_from_db()
            assert participation.status == expected
            assert participation.attendance_marked_by == staff_user
            assert before <= participation.attendance_marked_at <= after
        unchanged.refresh_from_db()
        assert unchanged.attendance_marked_by is None

    def test_a_participant_of_another_activity_is_not_touched(self, staff_user):
        activity = ActivityFactory(start_date=_days(-3))
        stranger = ParticipationFactory(activity=ActivityFactory(start_date=_days(-3)))
        assert (
            services.attendance_record(activity=activity, statuses={stranger.pk: P.ATTENDED}, by=staff_user)
            == 0
        )
        stranger.refresh_from_db()
        assert stranger.status == P.REGISTERED

    def test_changes_after_the_activity_ended_are_kept_in_the_history_with_the_user(
        self, staff_user, admin_user
    ):
        activity = ActivityFactory(start_date=_days(-30), end_date=_days(-29))
        participation = services.participation_add(
            activity=activity, business=BusinessFactory(), by=staff_user
        )
        services.attendance_record(activity=activity, statuses={participation.pk: P.ATTENDED}, by=staff_user)
        services.attendance_record(activity=activity, statuses={participation.pk: P.ABSENT}, by=admin_user)
        history = list(participation.history.order_by("history_date", "history_id"))
        assert [(h.status, h.history_user) for h in history] == [
            (P.REGISTERED, staff_user),
            (P.ATTENDED, staff_user),
            (P.ABSENT, admin_user),
        ]
        assert history[-1].attendance_marked_by == admin_user

    def test_mark_all_present_turns_only_registered_participants_into_attended(self, staff_user):
        activity = ActivityFactory(start_date=_days(-1))
        registered = ParticipationFactory.create_batch(3, activity=activity)
        absent = ParticipationFactory(activity=activity, status=P.ABSENT)
        cancelled = ParticipationFactory(activity=activity, status=P.CANCELLED)
        already = ParticipationFactory(activity=activity, status=P.ATTENDED)
        assert services.attendance_mark_all_present(activity=activity, by=staff_user) == 3
        for participation in registered:
            participation.refresh_from_db()
            assert participation.status == P.ATTENDED
            assert participation.attendance_marked_by == staff_user
        for participation, expected in ((absent, P.ABSENT), (cancelled, P.CANCELLED), (already, P.ATTENDED)):
            participation.refresh_from_db()
            assert participation.status == expected
            assert participation.attendance_marked_by is None

    def test_mark_all_present_is_refused_before_the_activity_starts(self, staff_user):
        activity = ActivityFactory(start_date=_days(2), status=Activity.Status.PLANNED)
        participation = ParticipationFactory(activity=activity)
        with pytest.raises(ValidationError):
            services.attendance_mark_all_present(activity=activity, by=staff_user)
        participation.refresh_from_db()
        assert participation.status == P.REGISTERED


# --- Outcomes ---------------------------------------------------------------------------------


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


class TestOutcomes:
    def test_an_outcome_is_recorded_with_who_recorded_it(self, staff_user):
        business = BusinessFactory()
        outcome = services.outcome_record(
            business=business,
            by=staff_user,
            outcome_type=outcome_type("halal"),
            achieved_on=_today(),
            reference_number="ID63110000123450824",
        )
        assert outcome.created_by == staff_user
        assert outcome.history.get().history_user == staff_user
        assert list(business.outcomes.all()) == [outcome]

    def test_a_date_in_the_future_is_refused(self, staff_user):
        business = BusinessFactory()
        with pytest.raises(ValidationError) as exc:
            services.outcome_record(
                business=business, by=staff_user, outcome_type=outcome_type("nib"), achieved_on=_days(1)
            )
        assert "achieved_on" in exc.value.error_dict
        assert "masa depan" in _messages(exc)
        assert not Outcome.objects.exists()

    def test_an_outcome_may_be_linked_to_an_activity_the_business_attended(self, staff_user):
        participation = ParticipationFactory(status=P.ATTENDED)
        outcome = services.outcome_record(
            business=participation.business,
            by=staff_user,
            outcome_type=outcome_type("kemasan-baru"),
            achieved_on=participation.activity.start_date + datetime.timedelta(days=30),
            activity=participation.activity,
        )
        assert outcome.activity == participation.activity

    def test_linking_to_an_activity_the_business_did_not_take_part_in_is_refused(self, staff_user):
        activity = ActivityFactory()
        ParticipationFactory(activity=activity, status=P.ATTENDED)  # someone else took part
        business = BusinessFactory()
        with pytest.raises(ValidationError) as exc:
            services.outcome_record(
                business=business,
                by=staff_user,
                outcome_type=outcome_type("qris"),
                achieved_on=_today(),
                activity=activity,
            )
        assert "activity" in exc.value.error_dict
        assert "tidak tercatat hadir" in _messages(exc)
        assert not Outcome.objects.exists()

    @pytest.mark.parametrize("status", [P.CANCELLED, P.ABSENT])
    def test_linking_to_an_activity_the_business_cancelled_or_missed_is_refused(self, staff_user, status):
        participation = ParticipationFactory(status=status)
        with pytest.raises(ValidationError) as exc:
            services.outcome_record(
                business=participation.business,
                by=staff_user,
                outcome_type=outcome_type("qris"),
                achieved_on=_today(),
                activity=participation.activity,
            )
        assert "activity" in exc.value.error_dict
        assert not Outcome.objects.exists()

    def test_an_evidence_file_is_checked_and_stored_under_a_random_name(self, staff_user, media_root):
        business = BusinessFactory()
        upload = SimpleUploadedFile("sertifikat halal Bu Ida.JPG", _png_bytes(), content_type="image/jpeg")
        outcome = services.outcome_record(
            business=business,
            by=staff_user,
            evidence=upload,
            outcome_type=outcome_type("halal"),
            achieved_on=_today(),
        )
        outcome.refresh_from_db()
        assert outcome.evidence_name == "sertifikat halal Bu Ida.JPG"
        assert outcome.evidence_extension == ".png"  # by content, not by name
        assert len(outcome.evidence_token) == 32
        assert outcome.evidence.name.startswith(f"capaian/{business.pk}/")
        assert outcome.evidence.name.endswith(outcome.evidence_token + ".png")
        assert "Ida" not in outcome.evidence.name
        stored = media_root / outcome.evidence.name
        assert stored.read_bytes() == _png_bytes()

    def test_an_evidence_file_that_is_not_an_image_or_pdf_is_refused_and_nothing_is_saved(
        self, staff_user, media_root
    ):
        upload = SimpleUploadedFile("bukti.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120)
        with pytest.raises(ValidationError) as exc:
            services.outcome_record(
                business=BusinessFactory(),
                by=staff_user,
                evidence=upload,
                outcome_type=outcome_type("nib"),
                achieved_on=_today(),
            )
        assert "JPEG, PNG" in _messages(exc)
        assert not Outcome.objects.exists()
        assert not media_root.exists() or not any(p.is_file() for p in media_root.rglob("*"))


# --- Yearly figures ---------------------------------------------------------------------------


def _figures(business, user, year, *, sales=None, assets=None, employees=3, online=False):
    return services.figures_record(
        business=business,
        by=user,
        year=year,
        annual_sales=sales,
        employees=employees,
        assets=assets,
        sells_online=online,
    )


class TestFigures:
    def test_a_second_snapshot_for_the_same_year_is_refused(self, staff_user):
        business = BusinessFactory()
        _figures(business, staff_user, 2023, sales=300_000_000)
        with pytest.raises(ValidationError) as exc:
            _figures(business, staff_user, 2023, sales=400_000_000)
        assert "year" in exc.value.error_dict
        assert "2023 sudah ada" in _messages(exc)
        assert business.figures.get().annual_sales == 300_000_000

    @pytest.mark.parametrize("offset_year", [1999, "next"])
    def test_a_year_outside_2000_to_this_year_is_refused(self, staff_user, offset_year):
        year = _today().year + 1 if offset_year == "next" else offset_year
        with pytest.raises(ValidationError) as exc:
            _figures(BusinessFactory(), staff_user, year, sales=1)
        assert "year" in exc.value.error_dict
        assert f"antara 2000 dan {_today().year}" in _messages(exc)
        assert not FiguresSnapshot.objects.exists()

    @pytest.mark.parametrize("which", ["first", "last"])
    def test_the_first_and_the_last_allowed_years_are_accepted(self, staff_user, which):
        year = 2000 if which == "first" else _today().year
        assert _figures(BusinessFactory(), staff_user, year, sales=1).year == year

    @pytest.mark.parametrize(
        ("sales", "assets", "scale", "basis"),
        [
            (2_000_000_000, None, "mikro", "penjualan"),
            (2_000_000_001, 100, "kecil", "penjualan"),
            (15_000_000_001, None, "menengah", "penjualan"),
            (60_000_000_000, None, "besar", "penjualan"),
            (None, 3_000_000_000, "kecil", "modal"),
            (None, None, "", ""),
        ],
    )
    def test_each_snapshot_is_classified_by_scale(self, staff_user, sales, assets, scale, basis):
        snapshot = _figures(BusinessFactory(), staff_user, 2024, sales=sales, assets=assets)
        snapshot.refresh_from_db()
        assert (snapshot.scale, snapshot.scale_basis) == (scale, basis)
        assert snapshot.history.get().history_user == staff_user

    def test_a_move_from_mikro_to_kecil_is_a_naik_kelas_outcome(self, staff_user):
        business = BusinessFactory()
        _figures(business, staff_user, 2023, sales=1_500_000_000)
        snapshot = _figures(business, staff_user, 2024, sales=3_000_000_000)
        outcome = business.outcomes.get()
        assert outcome.outcome_type.code == NAIK_KELAS
        assert outcome.achieved_on == snapshot.recorded_on
        assert outcome.created_by == staff_user
        assert "Mikro" in outcome.note and "Kecil" in outcome.note
        assert "2023" in outcome.note and "2024" in outcome.note

    def test_the_comparison_is_with_the_latest_earlier_year(self, staff_user):
        business = BusinessFactory()
        _figures(business, staff_user, 2021, sales=1_000_000_000)
        _figures(business, staff_user, 2022, sales=3_000_000_000)  # naik kelas
        _figures(business, staff_user, 2023, sales=4_000_000_000)  # still kecil, vs 2022
        assert business.outcomes.filter(outcome_type__code=NAIK_KELAS).count() == 1

    @pytest.mark.parametrize(
        ("before", "after"),
        [
            (500_000_000, 1_900_000_000),  # mikro stays mikro
            (3_000_000_000, 1_000_000_000),  # kecil goes down to mikro
            (3_000_000_000, 4_000_000_000),  # kecil stays kecil
        ],
    )
    def test_no_outcome_when_the_scale_stays_or_goes_down(self, staff_user, before, after):
        business = BusinessFactory()
        _figures(business, staff_user, 2023, sales=before)
        _figures(business, staff_user, 2024, sales=after)
        assert not business.outcomes.exists()

    def test_no_outcome_for_the_first_snapshot_of_a_business(self, staff_user):
        business = BusinessFactory()
        _figures(business, staff_user, 2024, sales=3_000_000_000)
        assert not business.outcomes.exists()


# --- Merging two businesses (rule 2) ---------------------------------------------------------


class TestMergeKeepsCoachingRecords:
    def test_participations_move_to_the_kept_business(self, staff_user):
        keep, remove = BusinessFactory(), BusinessFactory()
        own = ParticipationFactory(business=keep, status=P.ATTENDED)
        moved = ParticipationFactory.create_batch(2, business=remove, status=P.ATTENDED)
        business_merge(keep=keep, remove=remove, by=staff_user)
        assert set(keep.participations.values_list("pk", flat=True)) == {own.pk, *(p.pk for p in moved)}
        assert not remove.participations.exists()

    @pytest.mark.parametrize(
        ("kept_status", "removed_status", "survivor"),
        [
            (P.ABSENT, P.ATTENDED, P.ATTENDED),
            (P.ATTENDED, P.ABSENT, P.ATTENDED),
            (P.REGISTERED, P.ABSENT, P.ABSENT),
            (P.ABSENT, P.REGISTERED, P.ABSENT),
            (P.CANCELLED, P.REGISTERED, P.REGISTERED),
            (P.REGISTERED, P.CANCELLED, P.REGISTERED),
            (P.CANCELLED, P.ATTENDED, P.ATTENDED),
            (P.ATTENDED, P.ATTENDED, P.ATTENDED),
        ],
    )
    def test_where_both_took_part_in_one_activity_one_row_with_the_stronger_status_remains(
        self, staff_user, kept_status, removed_status, survivor
    ):
        keep, remove = BusinessFactory(), BusinessFactory()
        activity = ActivityFactory(start_date=datetime.date(2023, 8, 1))
        ParticipationFactory(activity=activity, business=keep, status=kept_status)
        ParticipationFactory(activity=activity, business=remove, status=removed_status)
        business_merge(keep=keep, remove=remove, by=staff_user)
        rows = list(Participation.objects.filter(activity=activity))
        assert len(rows) == 1
        assert rows[0].business_id == keep.pk
        assert rows[0].status == survivor

    def test_the_attendance_marker_travels_with_the_stronger_status(self, staff_user, admin_user):
        keep, remove = BusinessFactory(), BusinessFactory()
        activity = ActivityFactory(start_date=_days(-10))
        ParticipationFactory(activity=activity, business=keep)
        theirs = ParticipationFactory(activity=activity, business=remove)
        services.attendance_record(activity=activity, statuses={theirs.pk: P.ATTENDED}, by=admin_user)
        business_merge(keep=keep, remove=remove, by=staff_user)
        row = Participation.objects.get(activity=activity)
        assert (row.business_id, row.status, row.attendance_marked_by) == (keep.pk, P.ATTENDED, admin_user)
        assert row.attendance_marked_at is not None

    def test_outcomes_move_to_the_kept_business(self, staff_user):
        keep, remove = BusinessFactory(), BusinessFactory()
        mine = OutcomeFactory(business=keep, outcome_type=outcome_type("nib"))
        theirs = OutcomeFactory.create_batch(2, business=remove, outcome_type=outcome_type("halal"))
        business_merge(keep=keep, remove=remove, by=staff_user)
        assert set(keep.outcomes.values_list("pk", flat=True)) == {mine.pk, *(o.pk for o in theirs)}
        assert not remove.outcomes.exists()

    def test_an_outcome_linked_to_a_shared_activity_stays_linked(self, staff_user):
        keep, remove = BusinessFactory(), BusinessFactory()
        activity = ActivityFactory()
        ParticipationFactory(activity=activity, business=keep, status=P.ATTENDED)
        ParticipationFactory(activity=activity, business=remove, status=P.ATTENDED)
        outcome = OutcomeFactory(business=remove, activity=activity)
        business_merge(keep=keep, remove=remove, by=staff_user)
        outcome.refresh_from_db()
        assert (outcome.business_id, outcome.activity_id) == (keep.pk, activity.pk)

    def test_figures_move_and_a_year_both_have_stays_with_the_kept_business(self, staff_user):
        keep, remove = BusinessFactory(), BusinessFactory()
        _figures(keep, staff_user, 2023, sales=100_000_000)
        _figures(remove, staff_user, 2022, sales=80_000_000)
        _figures(remove, staff_user, 2023, sales=999_000_000)
        business_merge(keep=keep, remove=remove, by=staff_user)
        assert list(keep.figures.order_by("year").values_list("year", "annual_sales")) == [
            (2022, 80_000_000),
            (2023, 100_000_000),
        ]
        assert list(remove.figures.values_list("year", "annual_sales")) == [(2023, 999_000_000)]

    def test_moved_participations_are_in_their_history_with_the_user_who_merged(self, staff_user):
        # docs/rules.md rule 11: every change to participation is kept with who and when.
        keep, remove = BusinessFactory(), BusinessFactory()
        moved = ParticipationFactory(business=remove, status=P.ATTENDED)
        business_merge(keep=keep, remove=remove, by=staff_user)
        latest = moved.history.first()
        assert latest.business_id == keep.pk
        assert latest.history_user == staff_user

    def test_moved_outcomes_are_in_their_history_with_the_user_who_merged(self, staff_user):
        # docs/rules.md rule 11: every change to outcomes is kept with who and when.
        keep, remove = BusinessFactory(), BusinessFactory()
        outcome = OutcomeFactory(business=remove)
        business_merge(keep=keep, remove=remove, by=staff_user)
        latest = outcome.history.first()
        assert latest.business_id == keep.pk
        assert latest.history_user == staff_user

    def test_the_merged_record_is_marked_and_keeps_its_status(self, staff_user):
        keep = BusinessFactory()
        remove = BusinessFactory(status=BusinessStatus.SUBMITTED)
        business_merge(keep=keep, remove=remove, by=staff_user)
        remove.refresh_from_db()
        assert remove.merged_into_id == keep.pk


class TestMentoringVisits:
    def test_a_mentoring_visit_has_exactly_one_participant_even_with_the_capacity_override(self, staff_user):
        from pembinaan.coaching import services as coaching
        from pembinaan.coaching.models import Activity
        from tests.factories import BusinessFactory

        visit = ActivityFactory(format=Activity.Format.MENTORING, capacity=None)
        visit = coaching.activity_update(activity=visit, by=staff_user, visit_note="Pembukuan harian")
        assert visit.capacity == 1
        coaching.participation_add(activity=visit, business=BusinessFactory(), by=staff_user)
        with pytest.raises(ValidationError):
            coaching.participation_add(
                activity=visit, business=BusinessFactory(), by=staff_user, override_capacity=True
            )
        assert visit.participations.count() == 1

    def test_a_mentoring_visit_for_several_businesses_is_refused(self, staff_user):
        from pembinaan.coaching import services as coaching
        from pembinaan.coaching.models import Activity

        visit = ActivityFactory(format=Activity.Format.GROUP, capacity=20)
        with pytest.raises(ValidationError) as exc:
            coaching.activity_update(
                activity=visit, by=staff_user, format=Activity.Format.MENTORING, capacity=5
            )
        assert "capacity" in exc.value.error_dict
