"""The attendance screen and the certificate of attendance (issue: Participation; docs/rules.md rules 6, 11)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from pembinaan.coaching.models import Activity, CoachingType, Participation, ParticipationStatus
from pembinaan.funding.models import FundingSource
from tests.coaching.factories import placeholder_line
from tests.factories import BusinessFactory, OwnerFactory

pytestmark = pytest.mark.django_db

HADIR = ParticipationStatus.ATTENDED
TERDAFTAR = ParticipationStatus.REGISTERED
TIDAK_HADIR = ParticipationStatus.ABSENT
BATAL = ParticipationStatus.CANCELLED


def _activity(**fields) -> Activity:
    values = {
        "title": "Workshop Kemasan Produk Olahan Ikan",
        "coaching_type": CoachingType.objects.get(code="workshop"),
        "start_date": datetime.date(2024, 5, 14),
        "end_date": datetime.date(2024, 5, 15),
        "venue": "Aula Dinas Koperasi",
        "funding_source": FundingSource.objects.get(code="apbd-kota"),
    }
    values.update(fields)
    values.setdefault("fiscal_year", values["start_date"].year)
    values.setdefault("budget_line", placeholder_line(values["funding_source"], values["fiscal_year"]))
    return Activity.objects.create(**values)


def _future_activity(**fields) -> Activity:
    start = timezone.localdate() + datetime.timedelta(days=10)
    return _activity(start_date=start, end_date=start, **fields)


def _participants(activity: Activity, *statuses: str) -> list[Participation]:
    return [
        Participation.objects.create(
            activity=activity, business=BusinessFactory(name=f"Usaha Peserta {i:02d}"), status=s
        )
        for i, s in enumerate(statuses)
    ]


def _statuses(participations: list[Participation]) -> list[str]:
    return [Participation.objects.get(pk=p.pk).status for p in participations]


def _attendance_url(activity: Activity) -> str:
    return reverse("coaching:attendance", kwargs={"pk": activity.pk})


def _post_attendance(client, activity: Activity, statuses: dict[Participation, str], **kwargs):
    return client.post(_attendance_url(activity), {f"p{p.pk}": s for p, s in statuses.items()}, **kwargs)


def test_the_attendance_screen_lists_each_participant_with_radio_buttons(staff_client):
    activity = _activity()
    first, second = _participants(activity, TERDAFTAR, TIDAK_HADIR)

    response = staff_client.get(_attendance_url(activity))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Usaha Peserta 00" in html
    assert "Usaha Peserta 01" in html
    for participation in (first, second):
        for status in ParticipationStatus.values:
            assert f'type="radio" name="p{participation.pk}" value="{status}"' in html
    checked = re.findall(r'<input type="radio" name="(p\d+)" value="([a-z-]+)"[^>]*checked', html)
    assert sorted(checked) == sorted([(f"p{first.pk}", TERDAFTAR), (f"p{second.pk}", TIDAK_HADIR)])
    assert "Tandai semua yang terdaftar hadir" in html


def test_saving_the_screen_changes_the_statuses_and_records_who_marked_them(staff_client, staff_user):
    activity = _activity()
    first, second, third = _participants(activity, TERDAFTAR, TERDAFTAR, TERDAFTAR)

    response = _post_attendance(
        staff_client, activity, {first: HADIR, second: TIDAK_HADIR, third: TERDAFTAR}, follow=True
    )

    assert _statuses([first, second, third]) == [HADIR, TIDAK_HADIR, TERDAFTAR]
    marked = Participation.objects.get(pk=first.pk)
    assert marked.attendance_marked_by == staff_user
    assert marked.attendance_marked_at is not None
    assert Participation.objects.get(pk=third.pk).attendance_marked_by is None
    assert response.redirect_chain[-1][0] == reverse("coaching:activity-detail", kwargs={"pk": activity.pk})
    assert "Kehadiran tersimpan (2 perubahan)." in response.content.decode()


def test_an_unknown_status_is_refused_and_changes_nothing(staff_client):
    activity = _activity()
    (participation,) = _participants(activity, TERDAFTAR)

    response = _post_attendance(staff_client, activity, {participation: "datang"})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert _statuses([participation]) == [TERDAFTAR]


def test_a_participant_of_another_activity_cannot_be_marked_from_this_screen(staff_client):
    activity = _activity()
    (own,) = _participants(activity, TERDAFTAR)
    other = _activity(title="Pelatihan Foto Produk")
    (foreign,) = _participants(other, TERDAFTAR)

    staff_client.post(_attendance_url(activity), {f"p{own.pk}": HADIR, f"p{foreign.pk}": HADIR})

    assert _statuses([own, foreign]) == [HADIR, TERDAFTAR]


def test_before_the_activity_starts_the_screen_says_so_and_offers_no_mark_all_button(staff_client):
    activity = _future_activity()
    _participants(activity, TERDAFTAR)

    html = staff_client.get(_attendance_url(activity)).content.decode()

    assert "Kehadiran dapat dicatat mulai" in html
    assert "Tandai semua yang terdaftar hadir" not in html


@pytest.mark.parametrize("status", [HADIR, TIDAK_HADIR])
def test_before_the_activity_starts_attendance_is_refused_with_a_message_and_nothing_changes(
    staff_client, status
):
    activity = _future_activity()
    first, second = _participants(activity, TERDAFTAR, TERDAFTAR)

    response = _post_attendance(staff_client, activity, {first: status, second: BATAL})

    assert response.status_code == 200
    assert "Kehadiran baru dapat dicatat setelah kegiatan dimulai" in response.content.decode()
    assert _statuses([first, second]) == [TERDAFTAR, TERDAFTAR]


def test_before_the_activity_starts_a_registration_can_still_be_cancelled(staff_client):
    activity = _future_activity()
    first, second = _participants(activity, TERDAFTAR, TERDAFTAR)

    response = _post_attendance(staff_client, activity, {first: BATAL, second: TERDAFTAR})

    assert response.status_code == 302
    assert _statuses([first, second]) == [BATAL, TERDAFTAR]


def test_attendance_can_be_marked_on_the_day_the_activity_starts(staff_client):
    today = timezone.localdate()
    activity = _activity(start_date=today, end_date=today + datetime.timedelta(days=1))
    (participation,) = _participants(activity, TERDAFTAR)

    response = _post_attendance(staff_client, activity, {participation: HADIR})

    assert response.status_code == 302
    assert _statuses([participation]) == [HADIR]


def test_a_cancelled_activity_takes_no_attendance(staff_client):
    activity = _activity(status=Activity.Status.CANCELLED, cancel_reason="Banjir.")
    (participation,) = _participants(activity, TERDAFTAR)

    page = staff_client.get(_attendance_url(activity)).content.decode()
    response = _post_attendance(staff_client, activity, {participation: HADIR})

    assert "Kegiatan ini dibatalkan; kehadiran tidak dapat dicatat." in page
    assert "Kegiatan ini dibatalkan; kehadiran tidak dapat dicatat." in response.content.decode()
    assert _statuses([participation]) == [TERDAFTAR]


def test_mark_all_present_marks_only_those_still_registered(staff_client, staff_user):
    activity = _activity()
    participations = _participants(activity, TERDAFTAR, TERDAFTAR, TIDAK_HADIR, BATAL, HADIR)

    response = staff_client.post(
        reverse("coaching:attendance-all-present", kwargs={"pk": activity.pk}), follow=True
    )

    assert _statuses(participations) == [HADIR, HADIR, TIDAK_HADIR, BATAL, HADIR]
    assert response.redirect_chain == [(_attendance_url(activity), 302)]
    assert "2 peserta ditandai hadir." in response.content.decode()
    assert Participation.objects.get(pk=participations[0].pk).attendance_marked_by == staff_user


def test_mark_all_present_before_the_start_is_refused_with_a_message(staff_client):
    activity = _future_activity()
    participations = _participants(activity, TERDAFTAR, TERDAFTAR)

    response = staff_client.post(
        reverse("coaching:attendance-all-present", kwargs={"pk": activity.pk}), follow=True
    )

    assert "Kehadiran baru dapat dicatat setelah kegiatan dimulai" in response.content.decode()
    assert _statuses(participations) == [TERDAFTAR, TERDAFTAR]


def test_changes_after_the_activity_ended_are_kept_in_the_participation_history(staff_client, staff_user):
    activity = _activity()  # ended in May 2024
    first, second = _participants(activity, TERDAFTAR, TERDAFTAR)
    _post_attendance(staff_client, activity, {first: HADIR, second: HADIR})

    _post_attendance(staff_client, activity, {first: TIDAK_HADIR, second: HADIR})

    history = list(Participation.objects.get(pk=first.pk).history.order_by("history_date", "history_id"))
    assert [h.status for h in history] == [TERDAFTAR, HADIR, TIDAK_HADIR]
    assert [h.history_user for h in history[1:]] == [staff_user, staff_user]
    assert [h.attendance_marked_by for h in history[1:]] == [staff_user, staff_user]
    # The unchanged participant gets no new history row.
    assert Participation.objects.get(pk=second.pk).history.count() == 2


def test_the_certificate_of_a_present_participant_is_a_printable_page(staff_client):
    activity = _activity(title="Pelatihan Pengemasan Amplang")
    owner = OwnerFactory(name="Aminah Rahmawati")
    participation = Participation.objects.create(
        activity=activity, business=BusinessFactory(name="Amplang Ikan Pipih", owner=owner), status=HADIR
    )

    response = staff_client.get(
        reverse("coaching:certificate", kwargs={"pk": activity.pk, "participation_pk": participation.pk})
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "SERTIFIKAT" in html
    assert "Aminah Rahmawati" in html
    assert "Amplang Ikan Pipih" in html
    assert "Pelatihan Pengemasan Amplang" in html
    assert "14 Mei 2024" in html
    assert f"{activity.fiscal_year}/{activity.pk}/{participation.pk}" in html


@pytest.mark.parametrize("status", [TERDAFTAR, TIDAK_HADIR, BATAL])
def test_a_participant_who_did_not_attend_gets_no_certificate(staff_client, status):
    activity = _activity()
    (participation,) = _participants(activity, status)

    response = staff_client.get(
        reverse("coaching:certificate", kwargs={"pk": activity.pk, "participation_pk": participation.pk}),
        follow=True,
    )

    assert response.redirect_chain == [(reverse("coaching:activity-detail", kwargs={"pk": activity.pk}), 302)]
    assert "Sertifikat hanya untuk peserta yang hadir" in response.content.decode()


def test_a_cancelled_activity_gives_no_certificate_even_to_those_present(staff_client):
    activity = _activity(status=Activity.Status.CANCELLED, cancel_reason="Banjir.")
    (participation,) = _participants(activity, HADIR)

    response = staff_client.get(
        reverse("coaching:certificate", kwargs={"pk": activity.pk, "participation_pk": participation.pk}),
        follow=True,
    )

    assert response.redirect_chain == [(reverse("coaching:activity-detail", kwargs={"pk": activity.pk}), 302)]
    assert "Sertifikat hanya untuk peserta yang hadir" in response.content.decode()


def test_the_detail_page_links_a_certificate_only_for_those_present(staff_client):
    activity = _activity()
    present, absent = _participants(activity, HADIR, TIDAK_HADIR)

    html = staff_client.get(reverse("coaching:activity-detail", kwargs={"pk": activity.pk})).content.decode()

    assert reverse("coaching:certificate", kwargs={"pk": activity.pk, "participation_pk": present.pk}) in html
    assert (
        reverse("coaching:certificate", kwargs={"pk": activity.pk, "participation_pk": absent.pk}) not in html
    )
    assert "Hadir: 1" in html
    assert "Tidak hadir: 1" in html
