import pytest
from django.urls import reverse

from pembinaan.notifications.models import OutboxMessage
from pembinaan.registry.models import BusinessSource, BusinessStatus
from tests.factories import BusinessFactory, OwnerFactory

pytestmark = pytest.mark.django_db


def _submitted(**kwargs):
    return BusinessFactory(status=BusinessStatus.SUBMITTED, source=BusinessSource.SELF, **kwargs)


def test_the_queue_lists_submitted_businesses_oldest_first_with_duplicate_flags(staff_client):
    import datetime

    from django.utils import timezone

    from pembinaan.registry.matching import business_flag_duplicates

    newer = _submitted(name="Kue Bingka Baru", status_changed_at=timezone.now())
    older = _submitted(name="Amplang Lama", status_changed_at=timezone.now() - datetime.timedelta(days=3))
    twin = BusinessFactory(name="amplang lama", kelurahan=older.kelurahan)
    business_flag_duplicates(business=twin)
    BusinessFactory(name="Sudah Terverifikasi")
    html = staff_client.get(reverse("enrolment:queue")).content.decode()
    assert html.index("Amplang Lama") < html.index("Kue Bingka Baru")
    assert "Sudah Terverifikasi" not in html
    assert "1 kemungkinan ganda" in html
    assert newer.name in html


def test_the_queue_needs_a_constant_number_of_queries(staff_client, django_assert_max_num_queries):
    for _ in range(3):
        _submitted()
    with django_assert_max_num_queries(12) as few:
        staff_client.get(reverse("enrolment:queue"))
    for _ in range(20):
        _submitted()
    with django_assert_max_num_queries(len(few.captured_queries)):
        staff_client.get(reverse("enrolment:queue"))


def test_staff_verify_from_the_review_screen_and_the_owner_is_emailed(
    staff_client, staff_user, django_capture_on_commit_callbacks
):
    from django.core import mail

    business = _submitted(owner=OwnerFactory(email="pemilik@contoh.test"))
    page = staff_client.get(reverse("enrolment:review", args=[business.pk]))
    assert page.status_code == 200
    assert "6371 **** **** " in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("enrolment:review", args=[business.pk]), {"action": "verify"})
    assert response.status_code == 302
    business.refresh_from_db()
    assert business.status == BusinessStatus.VERIFIED
    change = business.status_changes.order_by("-pk").first()
    assert change.changed_by == staff_user and change.to_status == BusinessStatus.VERIFIED
    assert mail.outbox[0].to == ["pemilik@contoh.test"]
    assert "diverifikasi" in mail.outbox[0].subject
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT


def test_a_rejection_needs_a_reason_which_the_owner_receives(
    staff_client, django_capture_on_commit_callbacks
):
    from django.core import mail

    business = _submitted(owner=OwnerFactory(email="pemilik@contoh.test"))
    url = reverse("enrolment:review", args=[business.pk])
    response = staff_client.post(url, {"action": "reject", "reason": ""})
    assert response.status_code == 200
    assert "tidak boleh kosong" in response.content.decode()
    business.refresh_from_db()
    assert business.status == BusinessStatus.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url, {"action": "reject", "reason": "Foto KTP tidak terbaca."})
    business.refresh_from_db()
    assert business.status == BusinessStatus.REJECTED
    assert business.status_reason == "Foto KTP tidak terbaca."
    assert "Foto KTP tidak terbaca." in mail.outbox[0].body


def test_no_email_is_queued_for_an_owner_without_one(staff_client):
    business = _submitted(owner=OwnerFactory(email=""))
    staff_client.post(reverse("enrolment:review", args=[business.pk]), {"action": "verify"})
    assert not OutboxMessage.objects.exists()


def test_a_decided_business_cannot_be_decided_again_from_the_review_screen(staff_client):
    business = BusinessFactory(status=BusinessStatus.VERIFIED)
    response = staff_client.post(
        reverse("enrolment:review", args=[business.pk]), {"action": "reject", "reason": "x"}
    )
    assert response.status_code == 200
    business.refresh_from_db()
    assert business.status == BusinessStatus.VERIFIED


def test_verifying_in_the_registry_also_emails_the_owner(staff_client, django_capture_on_commit_callbacks):
    from django.core import mail

    business = _submitted(owner=OwnerFactory(email="pemilik@contoh.test"))
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("registry:business-verify", args=[business.pk]))
    assert len(mail.outbox) == 1
