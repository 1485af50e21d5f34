import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from pembinaan.coaching.models import Activity, Participation, ParticipationStatus
from pembinaan.registry.models import BusinessStatus, Owner
from tests.coaching.factories import ActivityFactory, ParticipationFactory
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db


def _future(days=7, **kwargs):
    start = timezone.localdate() + datetime.timedelta(days=days)
    kwargs.setdefault("status", Activity.Status.PLANNED)
    return ActivityFactory(start_date=start, open_for_signup=True, **kwargs)


@pytest.fixture
def mine(owner_user):
    owner = Owner.objects.get(user=owner_user)
    owner.email = "pemilik@contoh.test"
    owner.save()
    return BusinessFactory(owner=owner, name="Amplang Milik Saya")


def _signup(client, activity, business):
    return client.post(reverse("enrolment:activity-signup", args=[activity.pk]), {"business": business.pk})


def test_anyone_sees_upcoming_open_activities_only(anon_client):
    _future(title="Workshop Kemasan Depan")
    ActivityFactory(title="Belum Dibuka", start_date=timezone.localdate() + datetime.timedelta(days=3))
    _future(title="Dibatalkan", status=Activity.Status.CANCELLED, cancel_reason="hujan")
    ActivityFactory(title="Sudah Lewat", open_for_signup=True)
    html = anon_client.get(reverse("enrolment:activity-list")).content.decode()
    assert "Workshop Kemasan Depan" in html
    for hidden in ("Belum Dibuka", "Dibatalkan", "Sudah Lewat"):
        assert hidden not in html
    assert "Masuk" in html


def test_an_activity_starting_later_today_is_listed_until_its_start_time(anon_client):
    now = timezone.localtime()
    if now.hour >= 23:
        pytest.skip("too close to midnight for a later start today")
    ActivityFactory(
        title="Sore Ini",
        start_date=now.date(),
        start_time=datetime.time(23, 59),
        open_for_signup=True,
        status=Activity.Status.PLANNED,
    )
    ActivityFactory(title="Pagi Tadi", start_date=now.date(), start_time=None, open_for_signup=True)
    html = anon_client.get(reverse("enrolment:activity-list")).content.decode()
    assert "Sore Ini" in html and "Pagi Tadi" not in html


def test_an_owner_signs_up_a_verified_business_and_gets_a_confirmation(
    owner_client, owner_user, mine, django_capture_on_commit_callbacks
):
    activity = _future()
    with django_capture_on_commit_callbacks(execute=True):
        response = _signup(owner_client, activity, mine)
    assert response.status_code == 302
    participation = Participation.objects.get()
    assert participation.business == mine
    assert participation.self_registered
    assert participation.status == ParticipationStatus.REGISTERED
    assert participation.registered_by == owner_user
    assert mail.outbox[0].to == ["pemilik@contoh.test"]
    assert activity.title in mail.outbox[0].body
    page = owner_client.get(reverse("enrolment:activity-list")).content.decode()
    assert "Amplang Milik Saya terdaftar" in page


def test_capacity_is_respected(owner_client, mine):
    activity = _future(capacity=1)
    ParticipationFactory(activity=activity)
    response = _signup(owner_client, activity, mine)
    assert "kuota peserta kegiatan ini sudah penuh" in owner_client.get(response.url).content.decode()
    assert not Participation.objects.filter(business=mine).exists()


def test_a_cancelled_seat_frees_the_capacity(owner_client, mine):
    activity = _future(capacity=1)
    ParticipationFactory(activity=activity, status=ParticipationStatus.CANCELLED)
    _signup(owner_client, activity, mine)
    assert Participation.objects.filter(business=mine).exists()


def test_sign_up_closes_at_the_start(owner_client, mine):
    started = ActivityFactory(
        start_date=timezone.localdate(), open_for_signup=True, status=Activity.Status.PLANNED
    )
    response = _signup(owner_client, started, mine)
    assert "sudah ditutup" in owner_client.get(response.url).content.decode()
    closed = ActivityFactory(start_date=timezone.localdate() + datetime.timedelta(days=3))
    _signup(owner_client, closed, mine)
    cancelled = _future(status=Activity.Status.CANCELLED, cancel_reason="banjir")
    _signup(owner_client, cancelled, mine)
    assert not Participation.objects.exists()


def test_only_a_verified_business_can_be_signed_up(owner_client, mine):
    mine.status = BusinessStatus.SUBMITTED
    mine.save()
    response = _signup(owner_client, _future(), mine)
    assert "sudah diverifikasi" in owner_client.get(response.url).content.decode()
    assert not Participation.objects.exists()


def test_an_owner_cannot_sign_up_someone_elses_business(owner_client, other_owner_user):
    theirs = BusinessFactory(owner=Owner.objects.get(user=other_owner_user))
    assert _signup(owner_client, _future(), theirs).status_code == 404
    assert not Participation.objects.exists()


def test_signing_up_twice_keeps_one_participation(owner_client, mine):
    activity = _future()
    _signup(owner_client, activity, mine)
    response = _signup(owner_client, activity, mine)
    assert "sudah menjadi peserta" in owner_client.get(response.url).content.decode()
    assert Participation.objects.count() == 1


def test_an_owner_cancels_before_the_start_and_may_sign_up_again(owner_client, mine):
    activity = _future()
    _signup(owner_client, activity, mine)
    participation = Participation.objects.get()
    response = owner_client.post(reverse("enrolment:activity-cancel", args=[participation.pk]))
    assert response.status_code == 302
    participation.refresh_from_db()
    assert participation.status == ParticipationStatus.CANCELLED
    _signup(owner_client, activity, mine)
    participation.refresh_from_db()
    assert participation.status == ParticipationStatus.REGISTERED
    assert Participation.objects.count() == 1


def test_a_sign_up_cannot_be_cancelled_after_the_start(owner_client, mine):
    activity = ActivityFactory(start_date=timezone.localdate(), status=Activity.Status.RUNNING)
    participation = ParticipationFactory(activity=activity, business=mine)
    response = owner_client.post(reverse("enrolment:activity-cancel", args=[participation.pk]))
    assert "sudah dimulai" in owner_client.get(response.url).content.decode()
    participation.refresh_from_db()
    assert participation.status == ParticipationStatus.REGISTERED


def test_an_owner_cannot_cancel_another_owners_sign_up(owner_client, other_owner_user):
    theirs = BusinessFactory(owner=Owner.objects.get(user=other_owner_user))
    participation = ParticipationFactory(activity=_future(), business=theirs)
    assert owner_client.post(reverse("enrolment:activity-cancel", args=[participation.pk])).status_code == 404
    participation.refresh_from_db()
    assert participation.status == ParticipationStatus.REGISTERED


def test_staff_and_council_cannot_sign_up_as_owners(staff_client, viewer_client, anon_client):
    activity = _future()
    business = BusinessFactory()
    for client in (staff_client, viewer_client):
        assert _signup(client, activity, business).status_code == 403
    assert _signup(anon_client, activity, business).status_code == 302  # to the login page
    assert not Participation.objects.exists()


def test_the_open_activities_list_needs_a_constant_number_of_queries(
    owner_client, mine, django_assert_max_num_queries
):
    for _ in range(2):
        ParticipationFactory(activity=_future(capacity=10), business=mine)
    with django_assert_max_num_queries(12) as few:
        owner_client.get(reverse("enrolment:activity-list"))
    for _ in range(15):
        ParticipationFactory(activity=_future(capacity=10), business=mine)
        _future()
    with django_assert_max_num_queries(len(few.captured_queries)):
        owner_client.get(reverse("enrolment:activity-list"))


def test_a_self_sign_up_keeps_the_progress_aggregates_right(owner_client, mine):
    from django.core.management import call_command

    from pembinaan.progress.models import Target
    from pembinaan.progress.selectors import check_aggregates

    call_command("rebuild_progress")
    activity = _future()
    _signup(owner_client, activity, mine)
    owner_client.post(reverse("enrolment:activity-cancel", args=[Participation.objects.get().pk]))
    for target in Target.objects.all():
        assert check_aggregates(target) == []
