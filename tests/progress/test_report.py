import pytest
from django.urls import reverse

from pembinaan.coaching.models import Participation
from pembinaan.coaching.services import attendance_record
from pembinaan.progress.models import ReportSnapshot, Target
from pembinaan.registry.models import Business
from tests.programme import build_programme, first_attendance_in_the_period

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    """A programme with every case in it: figures in every breakdown, budget lines, absent owners."""
    return build_programme()


def test_the_report_shows_the_headline_every_breakdown_the_budget_and_the_definitions(seeded, viewer_client):
    response = viewer_client.get(reverse("progress:report"))
    assert response.status_code == 200
    body = response.content.decode()
    figures = response.context["figures"]
    assert f"{figures['coached_total']:,}".replace(",", ".") in body
    for heading in (
        "Per kecamatan",
        "Per jenis pembinaan",
        "Per sumber dana",
        "Anggaran dan realisasi",
        "Definisi",
    ):
        assert heading in body
    assert figures["budget"]


def test_council_members_see_no_names_in_the_report(seeded, viewer_client):
    body = viewer_client.get(reverse("progress:report")).content.decode()
    for business in Business.objects.select_related("owner")[:200]:
        assert business.owner.name not in body


def test_a_frozen_report_never_changes_and_shows_the_difference_to_the_live_figures(
    seeded, admin_client, staff_user
):
    response = admin_client.post(reverse("progress:snapshot-create"), {"title": "Laporan Semester I 2026"})
    snapshot = ReportSnapshot.objects.get()
    assert response.url == reverse("progress:snapshot", args=[snapshot.pk])
    frozen_total = snapshot.figures["coached_total"]
    participation = (
        Participation.objects.filter(
            status="tidak-hadir", activity__status="selesai", business__status="terverifikasi"
        )
        .exclude(business__participations__status="hadir")
        .select_related("activity")
        .first()
    )
    attendance_record(activity=participation.activity, statuses={participation.pk: "hadir"}, by=staff_user)
    page = admin_client.get(reverse("progress:snapshot", args=[snapshot.pk]))
    snapshot.refresh_from_db()
    assert snapshot.figures["coached_total"] == frozen_total
    assert page.context["figures"]["coached_total"] == frozen_total
    in_period = (
        Target.primary().period_start <= participation.activity.start_date <= Target.primary().period_end
    )
    assert page.context["diff"]["coached_total"] == (1 if in_period else 0)


@pytest.mark.parametrize("persona", ["staff_client", "viewer_client"])
def test_only_admin_dinas_freezes_reports(request, persona):
    client = request.getfixturevalue(persona)
    assert client.post(reverse("progress:snapshot-create"), {"title": "x"}).status_code == 403
    assert not ReportSnapshot.objects.exists()


@pytest.mark.parametrize(
    "persona, status", [("anon_client", 302), ("owner_client", 403), ("viewer_client", 200)]
)
def test_the_report_is_for_those_who_may_see_the_dashboard(request, persona, status):
    assert request.getfixturevalue(persona).get(reverse("progress:report")).status_code == status


def test_the_report_downloads_as_a_pdf_live_and_frozen(seeded, admin_client):
    response = admin_client.get(reverse("progress:report-pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    admin_client.post(reverse("progress:snapshot-create"), {"title": "Laporan Semester I 2026"})
    snapshot = ReportSnapshot.objects.get()
    frozen = admin_client.get(reverse("progress:report-pdf"), {"arsip": snapshot.pk})
    assert frozen.content.startswith(b"%PDF-")


@pytest.mark.parametrize(
    "persona, status", [("anon_client", 302), ("owner_client", 403), ("viewer_client", 200)]
)
def test_the_pdf_is_for_those_who_may_see_the_dashboard(request, persona, status):
    assert request.getfixturevalue(persona).get(reverse("progress:report-pdf")).status_code == status


def test_a_repeated_report_reads_no_figures_and_shows_a_new_attendance_at_once(
    seeded, viewer_client, staff_user, django_assert_max_num_queries
):
    first = viewer_client.get(reverse("progress:report"), {"tahun": "", "sumber": ""})
    before = first.context["figures"]["coached_total"]
    # Measured: 8 — session, user, the user's groups, the user's and the groups' permissions, the
    # primary target, the figures' version, the frozen reports listed; none for the figures (22 uncached).
    with django_assert_max_num_queries(8):
        again = viewer_client.get(reverse("progress:report"), {"tahun": "", "sumber": ""})
    assert again.context["figures"]["coached_total"] == before

    participation = first_attendance_in_the_period()
    attendance_record(activity=participation.activity, statuses={participation.pk: "hadir"}, by=staff_user)

    after = viewer_client.get(reverse("progress:report"), {"tahun": "", "sumber": ""})
    assert after.context["figures"]["coached_total"] == before + 1


def test_a_filtered_report_is_never_served_the_figures_of_another_view(seeded, viewer_client):
    whole = viewer_client.get(reverse("progress:report")).context["figures"]
    kecamatan = next(r for r in whole["by_kecamatan"] if 0 < r["coached"] < whole["coached_total"])
    one = viewer_client.get(reverse("progress:report"), {"kecamatan": kecamatan["code"]}).context["figures"]
    assert one["coached_total"] == kecamatan["coached"]
    assert (
        viewer_client.get(reverse("progress:report")).context["figures"]["coached_total"]
        == whole["coached_total"]
    )
