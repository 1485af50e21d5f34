"""Who may open which coaching page (docs/rules.md: roles; access enforced on the server).

Staff and Admin Dinas run the coaching programme; an owner and a council member (Pemantau) never
reach these pages, whatever the record, and a visitor is sent to the login page.
"""

from __future__ import annotations

import datetime
import io
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from pembinaan.coaching import services
from pembinaan.coaching.models import (
    Activity,
    ActivityAttachment,
    CoachingType,
    FiguresSnapshot,
    Outcome,
    OutcomeType,
    Participation,
    ParticipationStatus,
)
from pembinaan.funding.models import FundingSource
from tests.coaching.factories import placeholder_line
from tests.factories import BusinessFactory

pytestmark = pytest.mark.django_db

PAST = datetime.date(2024, 5, 14)


def _activity(**fields) -> Activity:
    values = {
        "title": "Workshop Kemasan Produk Olahan Ikan",
        "coaching_type": CoachingType.objects.get(code="workshop"),
        "start_date": PAST,
        "end_date": PAST,
        "venue": "Aula Dinas Koperasi",
        "funding_source": FundingSource.objects.get(code="apbd-kota"),
    }
    values.update(fields)
    values.setdefault("fiscal_year", values["start_date"].year)
    values.setdefault("budget_line", placeholder_line(values["funding_source"], values["fiscal_year"]))
    return Activity.objects.create(**values)


def _png(name: str = "foto.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "orange").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# (url name, HTTP method, how the URL's arguments are taken from the records)
COACHING_URLS = [
    ("activity-list", "get", lambda r: {}),
    ("activity-calendar", "get", lambda r: {}),
    ("activity-create", "get", lambda r: {}),
    ("activity-detail", "get", lambda r: {"pk": r["activity"].pk}),
    ("activity-edit", "get", lambda r: {"pk": r["activity"].pk}),
    ("activity-cancel", "get", lambda r: {"pk": r["activity"].pk}),
    ("participant-search", "get", lambda r: {"pk": r["activity"].pk}),
    ("participant-add", "post", lambda r: {"pk": r["activity"].pk}),
    ("participants-bulk-add", "get", lambda r: {"pk": r["activity"].pk}),
    ("attendance", "get", lambda r: {"pk": r["activity"].pk}),
    ("attendance-all-present", "post", lambda r: {"pk": r["activity"].pk}),
    ("certificate", "get", lambda r: {"pk": r["activity"].pk, "participation_pk": r["present"].pk}),
    ("attachment-upload", "post", lambda r: {"pk": r["activity"].pk}),
    ("attachment-download", "get", lambda r: {"pk": r["activity"].pk, "attachment_pk": r["attachment"].pk}),
    ("outcome-create", "get", lambda r: {"business_pk": r["business"].pk}),
    ("outcome-evidence", "get", lambda r: {"pk": r["outcome"].pk}),
    ("figures-create", "get", lambda r: {"business_pk": r["business"].pk}),
]
URL_IDS = [entry[0] for entry in COACHING_URLS]
POST_URLS = [entry for entry in COACHING_URLS if entry[1] == "post"]

# Each URL with every one of its ids replaced, in turn, by one that does not exist.
MISSING_IDS = [
    ("activity-detail", {"pk": 999_999}),
    ("activity-edit", {"pk": 999_999}),
    ("activity-cancel", {"pk": 999_999}),
    ("participant-search", {"pk": 999_999}),
    ("participant-add", {"pk": 999_999}),
    ("participants-bulk-add", {"pk": 999_999}),
    ("attendance", {"pk": 999_999}),
    ("attendance-all-present", {"pk": 999_999}),
    ("certificate", {"pk": 999_999, "participation_pk": "present"}),
    ("certificate", {"pk": "activity", "participation_pk": 999_999}),
    ("attachment-upload", {"pk": 999_999}),
    ("attachment-download", {"pk": 999_999, "attachment_pk": "attachment"}),
    ("attachment-download", {"pk": "activity", "attachment_pk": 999_999}),
    ("outcome-create", {"business_pk": 999_999}),
    ("outcome-evidence", {"pk": 999_999}),
    ("figures-create", {"business_pk": 999_999}),
]
POST_NAMES = {entry[0] for entry in POST_URLS}


@pytest.fixture
def records(settings, tmp_path, staff_user):
    """One record of each kind a coaching URL points at, files stored under a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path
    activity = _activity()
    business = BusinessFactory(name="Amplang Ikan Pipih Hj. Aminah")
    present = Participation.objects.create(
        activity=activity, business=business, status=ParticipationStatus.ATTENDED
    )
    attachment = services.attachment_add(
        activity=activity, upload=_png("daftar-hadir.png"), kind="foto", by=staff_user
    )
    outcome = services.outcome_record(
        business=business,
        by=staff_user,
        evidence=_png("sertifikat-halal.png"),
        outcome_type=OutcomeType.objects.get(code="halal"),
        achieved_on=datetime.date(2024, 8, 1),
        activity=activity,
    )
    return {
        "activity": activity,
        "business": business,
        "present": present,
        "attachment": attachment,
        "outcome": outcome,
    }


def _url(name: str, kwargs_of, records: dict) -> str:
    return reverse(f"coaching:{name}", kwargs=kwargs_of(records))


def _call(client, method: str, url: str):
    return getattr(client, method)(url)


def _snapshot() -> dict:
    """Everything a coaching POST could change."""
    return {
        "activities": sorted(Activity.objects.values_list("pk", "status", "capacity")),
        "participations": sorted(Participation.objects.values_list("pk", "business_id", "status")),
        "attachments": sorted(ActivityAttachment.objects.values_list("pk", flat=True)),
        "outcomes": sorted(Outcome.objects.values_list("pk", flat=True)),
        "figures": sorted(FiguresSnapshot.objects.values_list("pk", flat=True)),
    }


@pytest.mark.parametrize(("name", "method", "kwargs_of"), COACHING_URLS, ids=URL_IDS)
def test_an_anonymous_visitor_is_sent_to_the_login_page(anon_client, records, name, method, kwargs_of):
    url = _url(name, kwargs_of, records)

    response = _call(anon_client, method, url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={quote(url)}"


@pytest.mark.parametrize("persona", ["owner_client", "viewer_client"])
@pytest.mark.parametrize(("name", "method", "kwargs_of"), COACHING_URLS, ids=URL_IDS)
def test_an_owner_or_a_council_viewer_is_refused_in_indonesian(
    request, records, persona, name, method, kwargs_of
):
    client = request.getfixturevalue(persona)

    response = _call(client, method, _url(name, kwargs_of, records))

    assert response.status_code == 403
    assert "Akses ditolak" in response.content.decode()


@pytest.mark.parametrize("persona", ["staff_client", "admin_client"])
@pytest.mark.parametrize(("name", "method", "kwargs_of"), COACHING_URLS, ids=URL_IDS)
def test_staff_and_admin_may_open_every_coaching_page(request, records, persona, name, method, kwargs_of):
    client = request.getfixturevalue(persona)

    response = _call(client, method, _url(name, kwargs_of, records))

    assert response.status_code == (302 if method == "post" else 200)


@pytest.mark.parametrize("persona", ["owner_client", "viewer_client"])
def test_a_refused_post_changes_nothing(request, records, persona):
    client = request.getfixturevalue(persona)
    activity = records["activity"]
    newcomer = BusinessFactory(name="Kue Bingka Kentang")
    Participation.objects.create(activity=activity, business=BusinessFactory())  # still registered
    before = _snapshot()

    responses = [
        client.post(
            reverse("coaching:participant-add", kwargs={"pk": activity.pk}), {"business": newcomer.pk}
        ),
        client.post(reverse("coaching:attendance-all-present", kwargs={"pk": activity.pk})),
        client.post(
            reverse("coaching:attachment-upload", kwargs={"pk": activity.pk}),
            {"kind": "foto", "file": _png()},
        ),
        client.post(
            reverse("coaching:participants-bulk-add", kwargs={"pk": activity.pk}),
            {"lines": newcomer.owner.nik},
        ),
        client.post(
            reverse("coaching:activity-cancel", kwargs={"pk": activity.pk}),
            {"reason": "Narasumber berhalangan"},
        ),
        client.post(
            reverse("coaching:figures-create", kwargs={"business_pk": records["business"].pk}),
            {"year": "2024", "recorded_on": "2025-01-10", "employees": "2"},
        ),
    ]

    assert {r.status_code for r in responses} == {403}
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("name", "kwargs"), MISSING_IDS, ids=[f"{n}-{'-'.join(map(str, k.values()))}" for n, k in MISSING_IDS]
)
def test_a_record_that_does_not_exist_is_404_for_staff(staff_client, records, name, kwargs):
    real = {
        "activity": records["activity"].pk,
        "present": records["present"].pk,
        "attachment": records["attachment"].pk,
    }
    url = reverse(f"coaching:{name}", kwargs={k: real.get(v, v) for k, v in kwargs.items()})

    response = staff_client.post(url) if name in POST_NAMES else staff_client.get(url)

    assert response.status_code == 404


def test_an_attachment_of_another_activity_is_404(staff_client, records, staff_user):
    other = _activity(title="Pelatihan Pemasaran Digital")
    foreign = services.attachment_add(activity=other, upload=_png("rahasia.png"), kind="foto", by=staff_user)

    response = staff_client.get(
        reverse(
            "coaching:attachment-download", kwargs={"pk": records["activity"].pk, "attachment_pk": foreign.pk}
        )
    )

    assert response.status_code == 404


def test_a_participant_of_another_activity_has_no_certificate_here(staff_client, records):
    other = _activity(title="Pelatihan Pemasaran Digital")
    foreign = Participation.objects.create(
        activity=other, business=BusinessFactory(), status=ParticipationStatus.ATTENDED
    )

    response = staff_client.get(
        reverse("coaching:certificate", kwargs={"pk": records["activity"].pk, "participation_pk": foreign.pk})
    )

    assert response.status_code == 404


def test_an_outcome_without_evidence_has_nothing_to_download(staff_client, records, staff_user):
    outcome = services.outcome_record(
        business=records["business"],
        by=staff_user,
        outcome_type=OutcomeType.objects.get(code="qris"),
        achieved_on=datetime.date(2024, 9, 2),
    )

    response = staff_client.get(reverse("coaching:outcome-evidence", kwargs={"pk": outcome.pk}))

    assert response.status_code == 404


def test_the_coaching_pages_stay_closed_to_an_owner_even_for_their_own_business(
    owner_client, owner_user, records
):
    own = BusinessFactory(owner=owner_user.owner_profile, name="Sasirangan Milik Sendiri")
    participation = Participation.objects.create(
        activity=records["activity"], business=own, status=ParticipationStatus.ATTENDED
    )

    urls = [
        reverse(
            "coaching:certificate",
            kwargs={"pk": records["activity"].pk, "participation_pk": participation.pk},
        ),
        reverse("coaching:outcome-create", kwargs={"business_pk": own.pk}),
        reverse("coaching:figures-create", kwargs={"business_pk": own.pk}),
    ]

    assert [owner_client.get(url).status_code for url in urls] == [403, 403, 403]


def test_a_council_viewer_never_sees_a_name_on_the_refusal_pages(viewer_client, records):
    activity = records["activity"]

    for url in (
        reverse("coaching:activity-detail", kwargs={"pk": activity.pk}),
        reverse("coaching:attendance", kwargs={"pk": activity.pk}),
        reverse("coaching:participant-search", kwargs={"pk": activity.pk}) + "?cari=Amplang",
        reverse(
            "coaching:certificate", kwargs={"pk": activity.pk, "participation_pk": records["present"].pk}
        ),
    ):
        html = viewer_client.get(url).content.decode()
        assert "Amplang Ikan Pipih" not in html
        assert records["business"].owner.name not in html


def test_a_get_on_a_post_only_action_is_refused_without_changing_anything(staff_client, records):
    Participation.objects.create(activity=records["activity"], business=BusinessFactory())
    before = _snapshot()

    response = staff_client.get(
        reverse("coaching:attendance-all-present", kwargs={"pk": records["activity"].pk})
    )

    assert response.status_code == 405
    assert _snapshot() == before
