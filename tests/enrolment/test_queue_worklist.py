"""The verification queue as a worklist: its total, search, and one decision after another."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from pembinaan.registry.models import BusinessSource, BusinessStatus
from tests.conftest import PERSONAS
from tests.factories import BusinessFactory, OwnerFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _submitted(name: str, days_ago: int, **kwargs):
    return BusinessFactory(
        name=name,
        status=BusinessStatus.SUBMITTED,
        source=BusinessSource.SELF,
        status_changed_at=NOW - datetime.timedelta(days=days_ago),
        **kwargs,
    )


@pytest.fixture
def waiting():
    """Four submissions, oldest first: two amplang makers, a bingka baker, a sasirangan shop."""
    return [
        _submitted("Amplang Hj. Masitah", 9, nib="1234567890123"),
        _submitted("Kue Bingka Barabai", 7, owner=OwnerFactory(name="Siti Rahmah", nik="6371044501900001")),
        _submitted("Amplang Pak Udin", 5),
        _submitted("Sasirangan Galuh", 3),
    ]


def test_the_queue_shows_how_many_wait(staff_client, waiting):
    BusinessFactory(status=BusinessStatus.VERIFIED)
    html = staff_client.get(reverse("enrolment:queue")).content.decode()
    assert "4 pendaftaran menunggu verifikasi." in html


def test_the_total_counts_every_page_not_only_the_first(staff_client):
    for i in range(30):
        _submitted(f"Usaha Antre {i:02d}", 40 - i)
    html = staff_client.get(reverse("enrolment:queue")).content.decode()
    assert "30 pendaftaran menunggu verifikasi." in html
    assert "Halaman 1 dari 2" in html


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("amplang", ["Amplang Hj. Masitah", "Amplang Pak Udin"]),
        ("siti rahmah", ["Kue Bingka Barabai"]),
        ("6371 0445 0190 0001", ["Kue Bingka Barabai"]),
        ("1234567890123", ["Amplang Hj. Masitah"]),
        ("637104450190", []),  # part of an NIK finds nothing: identifiers match exactly
    ],
)
def test_staff_search_the_queue_by_name_nik_or_nib(staff_client, waiting, typed, found):
    response = staff_client.get(reverse("enrolment:queue"), {"cari": typed})
    listed = [b.name for b in response.context["page"]]
    assert listed == found
    html = response.content.decode()
    assert f"{len(found)} pendaftaran menunggu cocok dengan pencarian ini." in html
    assert f'value="{typed}"' in html


def test_the_review_link_keeps_the_search_and_page(staff_client, waiting):
    html = staff_client.get(reverse("enrolment:queue"), {"cari": "amplang", "page": "1"}).content.decode()
    assert f"{reverse('enrolment:review', args=[waiting[0].pk])}?cari=amplang&amp;page=1" in html
    review = staff_client.get(
        reverse("enrolment:review", args=[waiting[0].pk]), {"cari": "amplang", "page": "1"}
    )
    assert f'href="{reverse("enrolment:queue")}?cari=amplang&amp;page=1"' in review.content.decode()


def test_verifying_opens_the_next_submission_of_the_same_search(staff_client, waiting):
    first, _bingka, second, _sasirangan = waiting
    url = reverse("enrolment:review", args=[first.pk]) + "?cari=amplang&page=2"
    response = staff_client.post(url, {"action": "verify"})
    assert response.status_code == 302
    assert response["Location"] == reverse("enrolment:review", args=[second.pk]) + "?cari=amplang&page=2"
    page = staff_client.get(response["Location"]).content.decode()
    assert "Amplang Hj. Masitah diverifikasi." in page
    first.refresh_from_db()
    assert first.status == BusinessStatus.VERIFIED


def test_rejecting_also_opens_the_next_one_in_the_queue(staff_client, waiting):
    first, bingka, *_ = waiting
    response = staff_client.post(
        reverse("enrolment:review", args=[first.pk]), {"action": "reject", "reason": "Foto KTP buram."}
    )
    assert response["Location"] == reverse("enrolment:review", args=[bingka.pk])


def test_a_rejection_without_reason_stays_on_the_same_submission(staff_client, waiting):
    response = staff_client.post(reverse("enrolment:review", args=[waiting[0].pk]), {"action": "reject"})
    assert response.status_code == 200
    assert "tidak boleh kosong" in response.content.decode()


def test_the_next_one_is_the_one_after_the_current_not_a_skipped_older_one(staff_client, waiting):
    _first, bingka, udin, _sasirangan = waiting
    response = staff_client.post(reverse("enrolment:review", args=[bingka.pk]), {"action": "verify"})
    assert response["Location"] == reverse("enrolment:review", args=[udin.pk])


def test_after_the_last_one_the_oldest_skipped_one_comes_back(staff_client, waiting):
    first, *_rest, last = waiting
    response = staff_client.post(reverse("enrolment:review", args=[last.pk]), {"action": "verify"})
    assert response["Location"] == reverse("enrolment:review", args=[first.pk])


def test_when_none_is_left_staff_return_to_the_list_with_a_message(staff_client, waiting):
    _first, bingka, *_ = waiting
    url = reverse("enrolment:review", args=[bingka.pk]) + "?cari=siti+rahmah"
    response = staff_client.post(url, {"action": "verify"})
    assert response["Location"] == reverse("enrolment:queue") + "?cari=siti+rahmah"
    html = staff_client.get(response["Location"]).content.decode()
    assert "Tidak ada lagi pendaftaran yang menunggu di antrean ini." in html
    assert "Kue Bingka Barabai diverifikasi." in html


def test_staff_can_skip_to_the_next_submission_without_deciding(staff_client, waiting):
    html = staff_client.get(
        reverse("enrolment:review", args=[waiting[0].pk]), {"cari": "amplang"}
    ).content.decode()
    assert f'href="{reverse("enrolment:review", args=[waiting[2].pk])}?cari=amplang"' in html
    assert "Lewati, buka pendaftaran berikutnya" in html


def test_a_search_too_long_or_odd_is_no_error(staff_client, waiting):
    for typed in ("x" * 500, "%", "' OR 1=1 --", "６３７１"):
        assert staff_client.get(reverse("enrolment:queue"), {"cari": typed}).status_code == 200
        assert (
            staff_client.get(reverse("enrolment:review", args=[waiting[0].pk]), {"cari": typed}).status_code
            == 200
        )


def test_the_searched_queue_needs_a_constant_number_of_queries(staff_client, django_assert_max_num_queries):
    for i in range(3):
        _submitted(f"Amplang {i}", i + 1)
    with django_assert_max_num_queries(14) as few:
        staff_client.get(reverse("enrolment:queue"), {"cari": "amplang"})
    for i in range(30):
        _submitted(f"Amplang Lagi {i}", i + 10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        staff_client.get(reverse("enrolment:queue"), {"cari": "amplang", "page": "2"})


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_staff_reach_the_searched_queue_and_the_next_submission(persona, request, waiting):
    client = request.getfixturevalue(persona)
    expected = {"anon_client": 302, "owner_client": 403, "viewer_client": 403}.get(persona, 200)
    assert client.get(reverse("enrolment:queue"), {"cari": "amplang"}).status_code == expected
    response = client.post(
        reverse("enrolment:review", args=[waiting[0].pk]) + "?cari=amplang", {"action": "verify"}
    )
    assert response.status_code == (302 if expected == 200 else expected)
    waiting[0].refresh_from_db()
    assert (waiting[0].status == BusinessStatus.VERIFIED) == (expected == 200)
