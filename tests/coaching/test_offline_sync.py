"""Offline attendance (issue 20): the list a device stores and the sync endpoint that applies its queue."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from pembinaan.coaching import services
from pembinaan.coaching.models import OfflineChange, Participation, ParticipationStatus
from pembinaan.coaching.offline import version
from pembinaan.progress.models import ReportSnapshot, Target
from pembinaan.progress.selectors import report_figures
from pembinaan.progress.services import rebuild, year_close
from pembinaan.reference.models import Kelurahan
from pembinaan.registry.models import Business, BusinessStatus
from tests.coaching.factories import ActivityFactory, ParticipationFactory
from tests.factories import BusinessFactory, OwnerFactory, UserFactory, make_nik

pytestmark = pytest.mark.django_db

HADIR = ParticipationStatus.ATTENDED
TIDAK_HADIR = ParticipationStatus.ABSENT


@pytest.fixture
def activity():
    return ActivityFactory(title="Workshop Kemasan Luring")


@pytest.fixture
def registered(activity):
    return [ParticipationFactory(activity=activity) for _ in range(3)]


def _key() -> str:
    return str(uuid.uuid4())


def _send(client: Client, activity, changes, **extra):
    return client.post(
        reverse("coaching:offline-sync", args=[activity.pk]),
        data=json.dumps({"changes": changes}),
        content_type="application/json",
        **extra,
    )


def _mark(participation, status=HADIR, key=None) -> dict:
    return {
        "key": key or _key(),
        "kind": "status",
        "participation": participation.pk,
        "status": status,
        "base": version(participation),
    }


def test_the_device_gets_the_list_with_masked_niks_and_versions(staff_client, activity, registered):
    response = staff_client.get(reverse("coaching:offline-data", args=[activity.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    data = response.json()
    rows = {row["id"]: row for row in data["participants"]}
    assert set(rows) == {p.pk for p in registered}
    owner = registered[0].business.owner
    assert rows[registered[0].pk]["nik"] == f"{owner.nik[:4]} **** **** {owner.nik[-4:]}"
    assert owner.nik not in response.content.decode()
    assert owner.phone not in response.content.decode()
    assert data["activity"]["can_mark"] is True


def test_attendance_sent_from_the_device_is_recorded_through_the_service(
    staff_client, staff_user, activity, registered
):
    response = _send(staff_client, activity, [_mark(registered[0]), _mark(registered[1], TIDAK_HADIR)])
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["outcome"] for r in results] == ["ok", "ok"]
    first = Participation.objects.get(pk=registered[0].pk)
    assert first.status == HADIR
    assert first.attendance_marked_by == staff_user
    assert first.history.first().history_user == staff_user
    assert results[0]["participant"]["version"] == version(first)


def test_the_same_key_sent_twice_is_recorded_once(staff_client, activity, registered):
    change = _mark(registered[0])
    first = _send(staff_client, activity, [change]).json()["results"][0]
    history_after_first = Participation.objects.get(pk=registered[0].pk).history.count()
    again = _send(staff_client, activity, [change, change]).json()["results"]
    assert again == [first, first]
    assert OfflineChange.objects.filter(key=change["key"]).count() == 1
    assert Participation.objects.get(pk=registered[0].pk).history.count() == history_after_first


def test_a_walk_in_by_nib_is_added_and_marked_present_once(staff_client, activity):
    business = BusinessFactory(nib="9120001234567")
    change = {"key": _key(), "kind": "walkin", "nib": "912-000-123-4567", "status": HADIR}
    for _ in range(2):
        result = _send(staff_client, activity, [change]).json()["results"][0]
        assert result["outcome"] == "ok"
    assert Participation.objects.filter(activity=activity, business=business, status=HADIR).count() == 1


def test_a_walk_in_by_nik_finds_the_owners_business(staff_client, activity):
    business = BusinessFactory()
    result = _send(
        staff_client,
        activity,
        [{"key": _key(), "kind": "walkin", "nik": business.owner.nik, "status": HADIR}],
    ).json()["results"][0]
    assert result["outcome"] == "ok"
    assert result["participant"]["business"] == business.name
    assert activity.participations.get(business=business).status == HADIR


def test_a_walk_in_beyond_capacity_is_still_recorded(staff_client):
    activity = ActivityFactory(capacity=1)
    ParticipationFactory(activity=activity)
    business = BusinessFactory(nib="9120001234568")
    result = _send(staff_client, activity, [{"key": _key(), "kind": "walkin", "nib": business.nib}]).json()
    assert result["results"][0]["outcome"] == "ok"


def test_a_new_registration_waits_for_verification_and_is_marked_present(staff_client, activity):
    kelurahan = Kelurahan.objects.order_by("code").first()
    nik = make_nik(female=True)
    result = _send(
        staff_client,
        activity,
        [
            {
                "key": _key(),
                "kind": "registration",
                "owner_name": "Siti Walk-in",
                "nik": nik,
                "phone": "0812-3333-4444",
                "business_name": "Amplang Siti",
                "kelurahan": kelurahan.pk,
                "kbli_category": "C",
            }
        ],
    ).json()["results"][0]
    assert result["outcome"] == "ok", result
    business = Business.objects.get(name="Amplang Siti")
    assert business.status == BusinessStatus.SUBMITTED
    assert business.get_source_display() == "Didaftarkan di lapangan"  # not "Daftar mandiri"
    assert "Amplang Siti" in staff_client.get(reverse("enrolment:queue")).content.decode()
    assert business.owner.nik == nik
    assert activity.participations.get(business=business).status == HADIR
    assert result["participant"]["nik"].endswith(nik[-4:]) and nik not in json.dumps(result)


def test_a_participant_changed_by_someone_else_comes_back_as_a_conflict_with_both_values(
    staff_client, activity, registered
):
    seen = _mark(registered[0], HADIR)  # the device stored the list while it was "terdaftar"
    colleague = UserFactory(role="Staf Dinas", full_name="Rina Kolega")
    services.attendance_record(activity=activity, statuses={registered[0].pk: TIDAK_HADIR}, by=colleague)
    result = _send(staff_client, activity, [seen]).json()["results"][0]
    assert result["outcome"] == "conflict"
    assert result["reason"] == "changed"
    assert result["theirs"]["status"] == TIDAK_HADIR
    assert result["theirs"]["by"] == "Rina"
    assert Participation.objects.get(pk=registered[0].pk).status == TIDAK_HADIR
    # Keep mine: resent with the value the server has now as its base, under a new key.
    again = dict(seen, key=_key(), base=result["theirs"]["version"])
    assert _send(staff_client, activity, [again]).json()["results"][0]["outcome"] == "ok"
    assert Participation.objects.get(pk=registered[0].pk).status == HADIR


def test_the_same_value_set_by_someone_else_is_no_conflict(staff_client, activity, registered):
    seen = _mark(registered[0], HADIR)
    colleague = UserFactory(role="Staf Dinas")
    services.attendance_record(activity=activity, statuses={registered[0].pk: HADIR}, by=colleague)
    assert _send(staff_client, activity, [seen]).json()["results"][0]["outcome"] == "ok"


def test_a_cancelled_activity_refuses_the_queue_as_conflicts(staff_client, staff_user, activity, registered):
    changes = [_mark(p) for p in registered]
    services.activity_cancel(activity=activity, by=staff_user, reason="Banjir")
    results = _send(staff_client, activity, changes).json()["results"]
    assert {r["outcome"] for r in results} == {"conflict"}
    assert {r["reason"] for r in results} == {"refused"}
    assert "dibatalkan" in results[0]["message"]
    assert not activity.participations.filter(status=HADIR).exists()


def test_a_rejected_business_is_refused(staff_client, activity, registered):
    Business.objects.filter(pk=registered[0].business_id).update(status=BusinessStatus.REJECTED)
    result = _send(staff_client, activity, [_mark(registered[0])]).json()["results"][0]
    assert (result["outcome"], result["reason"]) == ("conflict", "refused")
    assert "ditolak" in result["message"]


def test_a_walk_in_not_in_the_registry_is_a_conflict_not_a_loss(staff_client, activity):
    result = _send(
        staff_client, activity, [{"key": _key(), "kind": "walkin", "nik": make_nik(), "status": HADIR}]
    ).json()["results"][0]
    assert (result["outcome"], result["reason"]) == ("conflict", "not_found")
    assert "pendaftaran baru" in result["message"]


def test_a_change_to_a_closed_year_without_a_reason_is_a_conflict(
    staff_client, admin_user, activity, registered
):
    # The closed-years rule refuses it deep in the tally refresh (ClosedYearChange): the officer
    # sees it with the rule's message and resends once a reason is given on the corrections page.
    target = Target.primary()
    rebuild(target)
    report = ReportSnapshot.objects.create(
        target=target, title="Laporan Tahun 2024", figures=report_figures(target), created_by=admin_user
    )
    year_close(year=activity.start_date.year, report=report, by=admin_user)
    result = _send(staff_client, activity, [_mark(registered[0])]).json()["results"][0]
    assert (result["outcome"], result["reason"]) == ("conflict", "refused")
    assert "alasan" in result["message"]
    assert Participation.objects.get(pk=registered[0].pk).status == ParticipationStatus.REGISTERED


@pytest.mark.parametrize(
    "change, words",
    [
        ({"kind": "status", "participation": 999999, "status": HADIR}, "tidak ada pada kegiatan"),
        ({"kind": "status", "participation": "x", "status": "hadir"}, "tidak ada pada kegiatan"),
        ({"kind": "status", "participation": 1, "status": "terbang"}, "tidak dikenal"),
        ({"kind": "walkin", "nik": "1234"}, "16 digit"),
        ({"kind": "walkin", "nib": "12ab"}, "hanya boleh berisi angka"),
        ({"kind": "walkin"}, "Isi NIK"),
        ({"kind": "registration", "owner_name": "A"}, "Isi nama pemilik"),
        (
            {"kind": "registration", "owner_name": "A", "business_name": "B", "kelurahan": "x"},
            "Pilih kelurahan",
        ),
        ({"kind": "teleport"}, "Jenis perubahan tidak dikenal"),
    ],
)
def test_bad_changes_are_answered_in_indonesian(staff_client, activity, change, words):
    response = _send(staff_client, activity, [dict(change, key=_key())])
    assert response.status_code == 200
    result = response.json()["results"][0]
    assert result["outcome"] == "conflict"
    assert words in result["message"]


@pytest.mark.parametrize(
    "body, words",
    [
        (b"{not json", "bukan JSON"),
        (b"\xff\xfe", "bukan JSON"),
        (b"[1, 2]", "daftar perubahan"),
        (b'{"changes": "semua"}', "daftar perubahan"),
        (json.dumps({"changes": [{}] * 501}).encode(), "Terlalu banyak"),
    ],
)
def test_an_unreadable_send_is_a_clear_400(staff_client, activity, body, words):
    response = staff_client.post(
        reverse("coaching:offline-sync", args=[activity.pk]), data=body, content_type="application/json"
    )
    assert response.status_code == 400
    assert words in response.json()["error"]


@pytest.mark.parametrize(
    "change",
    [
        {"kind": "walkin", "nib": 9120001234567},
        {"kind": "walkin", "nik": ["6371011506850001"]},
        {"kind": "walkin", "nik": {"a": 1}},
        {"kind": "status", "participation": {"pk": 1}, "status": ["hadir"], "base": 7},
        {"kind": ["status"]},
        {"kind": "registration", "owner_name": 5, "business_name": [], "kelurahan": {}, "kbli_category": 3},
        {"kind": "registration", "owner_name": "A", "business_name": "B", "kelurahan": None, "nik": 1.5},
    ],
)
def test_values_of_the_wrong_type_never_break_the_send(staff_client, activity, change):
    response = _send(staff_client, activity, [dict(change, key=_key())])
    assert response.status_code == 200
    assert response.json()["results"][0]["outcome"] in ("ok", "conflict")


def test_changes_without_a_usable_key_are_refused(staff_client, activity, registered):
    results = _send(
        staff_client, activity, ["hadir", {"kind": "status"}, dict(_mark(registered[0]), key="a b;c")]
    ).json()["results"]
    assert [r["outcome"] for r in results] == ["conflict"] * 3
    assert Participation.objects.get(pk=registered[0].pk).status == ParticipationStatus.REGISTERED


def test_a_key_used_for_another_activity_is_not_replayed(staff_client, activity, registered):
    change = _mark(registered[0])
    _send(staff_client, activity, [change])
    other = ActivityFactory()
    result = _send(staff_client, other, [change]).json()["results"][0]
    assert result["outcome"] == "conflict"
    assert "sudah dipakai" in result["message"]


@pytest.mark.parametrize("persona", ["owner_client", "viewer_client"])
def test_owners_and_council_members_cannot_reach_the_list_or_send(request, persona, activity, registered):
    client = request.getfixturevalue(persona)
    assert client.get(reverse("coaching:offline-data", args=[activity.pk])).status_code == 403
    assert _send(client, activity, [_mark(registered[0])]).status_code == 403
    assert client.get(reverse("coaching:offline-app")).status_code == 403
    assert Participation.objects.get(pk=registered[0].pk).status == ParticipationStatus.REGISTERED


def test_anonymous_visitors_are_sent_to_the_login(anon_client, activity, registered):
    for response in (
        anon_client.get(reverse("coaching:offline-data", args=[activity.pk])),
        _send(anon_client, activity, [_mark(registered[0])]),
        anon_client.get(reverse("coaching:offline-app")),
    ):
        assert response.status_code == 302
        assert "/akun/masuk/" in response["Location"]
    assert anon_client.get(reverse("coaching:offline-session")).json()["user"] is None


def test_the_send_needs_the_csrf_token(staff_user, activity, registered):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    assert _send(client, activity, [_mark(registered[0])]).status_code == 403
    token = client.get(reverse("coaching:offline-session")).json()["csrf"]
    assert _send(client, activity, [_mark(registered[0])], HTTP_X_CSRFTOKEN=token).status_code == 200


def test_the_send_is_post_only(staff_client, activity):
    assert staff_client.get(reverse("coaching:offline-sync", args=[activity.pk])).status_code == 405


def test_the_screen_worker_and_manifest_are_served_by_the_portal(staff_client, activity):
    page = staff_client.get(reverse("coaching:offline-app") + f"?kegiatan={activity.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<script>" not in html  # data blocks only (type=application/json); CSP stays script-src 'self'
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html
    worker = staff_client.get(reverse("coaching:offline-worker"))
    assert worker["Content-Type"].startswith("application/javascript")
    assert reverse("coaching:offline-app") in worker.content.decode()
    manifest = staff_client.get(reverse("coaching:offline-manifest")).json()
    assert manifest["start_url"] == reverse("coaching:offline-app")
    assert manifest["display"] == "standalone"


def test_the_attendance_screen_offers_offline_preparation(staff_client, activity):
    html = staff_client.get(reverse("coaching:attendance", args=[activity.pk])).content.decode()
    assert f"{reverse('coaching:offline-app')}?kegiatan={activity.pk}" in html


def test_logging_out_clears_the_devices_storage(staff_client):
    response = staff_client.post(reverse("accounts:logout"))
    assert response["Clear-Site-Data"] == '"storage"'


def test_someone_elses_nik_stays_masked_in_a_walk_in_answer(staff_client, activity):
    owner = OwnerFactory()
    BusinessFactory(owner=owner)
    result = _send(staff_client, activity, [{"key": _key(), "kind": "walkin", "nik": owner.nik}]).json()
    assert owner.nik not in json.dumps(result)
