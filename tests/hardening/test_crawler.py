"""Every role walks the portal from its start page, following every link and form it is shown.

Breadth-first with the Django test client, bounded per role: no page may answer 500, and each role
gets only what docs/rules.md allows it. Then the private addresses a role is never shown (another
owner's records, their files, exports, media paths) are tried directly.
"""

from __future__ import annotations

import datetime
import re
from collections import deque
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from pembinaan.accounts import roles
from pembinaan.coaching import grants
from pembinaan.coaching import services as coaching
from pembinaan.coaching.models import ActivityAttachment, ParticipationStatus
from tests.coaching.factories import ActivityFactory, ParticipationFactory, outcome_type
from tests.factories import BusinessFactory, OwnerFactory, UserFactory
from tests.funding.factories import BudgetLineFactory, grant_round

pytestmark = pytest.mark.django_db

MAX_PAGES = 120  # per role
MAX_VARIANTS = 4  # query strings followed per path (sorting, pages, filters)
LINK = re.compile(
    r"""<(?:a|link)\b[^>]*?\shref=["']([^"']+)["']|<form\b[^>]*?\saction=["']([^"']*)["']""", re.I
)
NEVER_FOLLOW = ("/akun/keluar/", "/i18n/", "/static/", "/admin/logout/", "/admin/jsi18n/")

STAFF_ONLY = (
    "/registri/",
    "/pembinaan/",
    "/pendanaan/pagu/",
    "/pendanaan/bantuan/",
    "/impor/",
    "/daftar/verifikasi/",
    "/daftar/klaim/",
    "/perubahan-data/",
    "/permintaan-data/",
)
COUNCIL_AND_STAFF = ("/dasbor/", "/pendanaan/anggaran/")
FORBIDDEN = {
    "anon": STAFF_ONLY + COUNCIL_AND_STAFF + ("/admin/", "/beranda/", "/akun/kata-sandi/"),
    "owner": STAFF_ONLY + COUNCIL_AND_STAFF + ("/admin/",),
    "viewer": STAFF_ONLY + ("/admin/",),
    "staff": ("/admin/",),
    "admin": (),
}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def world(settings, tmp_path, owner_user, other_owner_user):
    """Two owners with coached businesses, evidence files, an attachment and a grant."""
    settings.MEDIA_ROOT = tmp_path
    staff = UserFactory(role=roles.STAFF, email="pencatat@dinas.test")
    mine = BusinessFactory(owner=owner_user.owner_profile, name="Usaha Milik Pemilik Satu")
    theirs = BusinessFactory(
        owner=other_owner_user.owner_profile,
        name="Usaha Milik Pemilik Dua",
        registered_on=datetime.date(2024, 1, 2),  # before the grant round below (rule 13c)
    )
    others = [BusinessFactory(owner=OwnerFactory(name=f"Pemilik Lain Uji {i}")) for i in range(3)]
    workshop = ActivityFactory(title="Workshop Uji Penjelajah")
    for business in [mine, theirs, *others]:
        ParticipationFactory(activity=workshop, business=business, status=ParticipationStatus.ATTENDED)
    outcome = coaching.outcome_record(
        business=theirs,
        by=staff,
        evidence=_pdf("nib.pdf"),
        outcome_type=outcome_type("nib"),
        achieved_on=datetime.date(2024, 6, 1),
    )
    attachment = coaching.attachment_add(
        activity=workshop, upload=_pdf("daftar-hadir.pdf"), kind=ActivityAttachment.Kind.ATTENDANCE, by=staff
    )
    line = BudgetLineFactory(fiscal_year=2024)
    grant = grants.grant_propose(
        by=staff,
        business=theirs,
        activity=grant_round(budget_line=line),
        budget_line=None,
        date=datetime.date(2024, 5, 14),
        form="tunai",
        amount=5_000_000,
        description="Modal kerja",
    )
    # Rule 14: approved and paid by two other people than the proposer.
    approver = UserFactory(role=roles.APPROVER, email="kabid-penjelajah@dinas.test")
    treasurer = UserFactory(role=roles.TREASURER, email="bendahara-penjelajah@dinas.test")
    grants.grant_approve(grant=grant, by=approver, approved_on=datetime.date(2024, 5, 14))
    grants.grant_disburse(
        grant=grant, by=treasurer, disbursed_on=datetime.date(2024, 5, 20), evidence=_pdf("ba.pdf")
    )
    theirs_participation = theirs.participations.get(activity=workshop)
    private = {
        "their business": f"/registri/usaha/{theirs.pk}/",
        "their owner record": f"/registri/pemilik/{theirs.owner_id}/",
        "their outcome evidence": f"/pembinaan/capaian/{outcome.pk}/bukti/",
        "their certificate": f"/pembinaan/kegiatan/{workshop.pk}/peserta/{theirs_participation.pk}/sertifikat/",
        "the attendance scan": f"/pembinaan/kegiatan/{workshop.pk}/lampiran/{attachment.pk}/",
        "their grant": f"/pendanaan/bantuan/{grant.pk}/",
        "their grant's evidence": f"/pendanaan/bantuan/{grant.pk}/berita-acara/",
        "the business list": "/registri/usaha/",
        "the duplicates": "/registri/duplikat/",
        "the evidence as a media file": f"{settings.MEDIA_URL}{outcome.evidence.name}",
        "the grant evidence as a media file": f"{settings.MEDIA_URL}{grant.evidence.name}",
        "the report PDF": "/dasbor/laporan/pdf/",
        "the dashboard": "/dasbor/",
        "their business in Usaha Saya": f"/usaha-saya/usaha/{theirs.pk}/",
        "their business edit": f"/usaha-saya/usaha/{theirs.pk}/ubah/",
        "their yearly figures": f"/usaha-saya/usaha/{theirs.pk}/data-tahunan/",
        "their certificate in Usaha Saya": (
            f"/usaha-saya/usaha/{theirs.pk}/sertifikat/{theirs_participation.pk}/"
        ),
        "the business export": "/registri/usaha/ekspor.xlsx",
        "the business export as CSV": "/registri/usaha/ekspor.csv",
        "the imports": "/impor/",
        "the import template": "/impor/templat/usaha.xlsx",
        "the verification queue": "/daftar/verifikasi/",
        "their submission under review": f"/daftar/verifikasi/{theirs.pk}/",
    }
    people = [o.owner_profile for o in (owner_user, other_owner_user)] + [b.owner for b in others]
    return {
        "private": private,
        "people": people,
        "other": other_owner_user.owner_profile,
        "me": owner_user.owner_profile,
    }


def _personal(owner) -> list[str]:
    return [owner.name, owner.nik, owner.phone, "0" + owner.phone[3:]]


def _links(base: str, html: str) -> list[str]:
    found = []
    for href, action in LINK.findall(html):
        raw = unescape(href or action or base)
        if raw.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
            continue
        url = urljoin(base, raw)
        parts = urlsplit(url)
        if parts.netloc not in ("", "testserver"):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def crawl(client: Client, start: list[str]) -> dict[str, tuple[int, str]]:
    """Breadth-first from `start`; answers {url: (status, body)} for every page visited."""
    seen: dict[str, tuple[int, str]] = {}
    variants: dict[str, int] = {}
    queue = deque(start)
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        path = url.split("?", 1)[0]
        if url in seen or path.startswith(NEVER_FOLLOW):
            continue
        if "?" in url:
            if variants.get(path, 0) >= MAX_VARIANTS:
                continue
            variants[path] = variants.get(path, 0) + 1
        response = client.get(url)
        content_type = response.get("Content-Type", "")
        content = b"".join(response.streaming_content) if response.streaming else response.content
        body = content.decode("utf-8", "replace") if "text/html" in content_type else ""
        if content_type.startswith(("application/pdf", "text/csv", "application/json")):
            body = content.decode("latin-1")
        seen[url] = (response.status_code, body)
        if response.status_code in (301, 302):
            queue.append(response["Location"])
        queue.extend(_links(url, body))
    return seen


def _login_as(user) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def _check_role(role: str, client: Client, world, hidden_people) -> dict:
    # The public forms of issue 6 (registration, directory, open activities) are start points too.
    start = ["/", "/beranda/", "/kemajuan/", "/dasbor/", "/daftar/", "/daftar/kegiatan/", "/direktori/"]
    pages = crawl(client, start + (["/usaha-saya/", "/data-saya/"] if role == "owner" else []))
    assert len(pages) > 5
    errors = [url for url, (status, _body) in pages.items() if status >= 500]
    assert not errors, f"{role}: server errors on {errors}"
    reached = [
        url
        for url, (status, _b) in pages.items()
        if status == 200 and url.startswith(FORBIDDEN[role]) and not url.startswith("/admin/login/")
    ]
    assert not reached, f"{role} reached pages it may not: {reached}"
    for owner in hidden_people:
        for value in _personal(owner):
            leaks = [url for url, (_s, body) in pages.items() if value in body]
            assert not leaks, f"{role} saw personal data ({value}) of {owner} on {leaks}"
    return pages


def test_anonymous_visitors_reach_only_public_pages_and_no_personal_data(world):
    _check_role("anon", _login_as(None), world, world["people"])


@pytest.mark.parametrize("persona", ["owner_user", "other_owner_user"])
def test_an_owner_reaches_no_staff_page_and_nothing_of_another_owner(request, world, persona):
    user = request.getfixturevalue(persona)
    others = [p for p in world["people"] if p.pk != user.owner_profile.pk]
    _check_role("owner", _login_as(user), world, others)


def test_a_council_member_reaches_the_figures_and_never_a_person(world, viewer_user):
    pages = _check_role("viewer", _login_as(viewer_user), world, world["people"])
    assert pages["/dasbor/"][0] == 200


def test_staff_reach_the_registry_with_masked_niks_and_no_server_error(world, staff_user):
    pages = crawl(_login_as(staff_user), ["/", "/beranda/", "/registri/usaha/", "/pembinaan/kegiatan/"])
    assert not [url for url, (status, _b) in pages.items() if status >= 500]
    assert any(url.startswith("/registri/usaha/") and status == 200 for url, (status, _b) in pages.items())
    assert not [url for url, (status, _b) in pages.items() if status == 200 and url.startswith("/admin/")]
    for owner in world["people"]:
        leaks = [url for url, (_s, body) in pages.items() if owner.nik in body]
        assert not leaks, f"staff without the full-NIK permission saw {owner.nik} on {leaks}"


def test_admin_dinas_crawl_meets_no_server_error(world, admin_user):
    pages = crawl(_login_as(admin_user), ["/", "/beranda/", "/registri/usaha/", "/dasbor/", "/admin/"])
    assert not [url for url, (status, _b) in pages.items() if status >= 500]


@pytest.mark.parametrize("persona", ["anon", "owner", "viewer"])
def test_private_addresses_tried_directly_are_refused(request, world, persona):
    user = {"anon": None, "owner": "owner_user", "viewer": "viewer_user"}[persona]
    client = _login_as(request.getfixturevalue(user) if user else None)
    allowed = {"viewer": {"the report PDF", "the dashboard"}}.get(persona, set())
    for name, url in world["private"].items():
        status = client.get(url).status_code
        if name in allowed:
            assert status == 200, f"{persona}: {name}"
        else:
            assert status in (302, 403, 404), f"{persona} got {status} for {name} ({url})"


def test_uploaded_files_are_never_served_as_media_even_to_staff(world, staff_client, admin_client):
    for name in ("the evidence as a media file", "the grant evidence as a media file"):
        assert staff_client.get(world["private"][name]).status_code == 404
        assert admin_client.get(world["private"][name]).status_code == 404


def test_evidence_downloads_are_attachments_that_browsers_do_not_sniff(world, staff_client):
    for name in ("their outcome evidence", "the attendance scan", "their grant's evidence"):
        response = staff_client.get(world["private"][name])
        assert response.status_code == 200, name
        assert response["Content-Disposition"].startswith("attachment"), name
        assert response["X-Content-Type-Options"] == "nosniff", name
