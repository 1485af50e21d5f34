"""The funding pages: who may open which, what a council member sees, forms, totals, money, queries.

docs/rules.md roles table (access is enforced on the server), rule 9 and rule 12 (money as Rp1.250.000),
and issue 4: staff and council see the budget overview, only staff see recipients, only Admin Dinas
keeps budget lines, and every total on a page equals the sum of the rows behind it.
"""

from __future__ import annotations

import datetime
import io
import re
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from pembinaan.coaching import grants
from pembinaan.coaching.models import Activity, CoachingType, Participation, ParticipationStatus
from pembinaan.funding.models import BudgetLine, CapitalAssistance, FundingSource
from pembinaan.reference.models import Kecamatan, Kelurahan
from tests.coaching.factories import ActivityFactory, ParticipationFactory, funding_source
from tests.factories import BusinessFactory, OwnerFactory
from tests.funding.factories import BudgetLineFactory, CapitalAssistanceFactory, grant_round
from tests.funding.reconcile import expected_overview, filter_grants, reconciliation_data

pytestmark = pytest.mark.django_db

G = CapitalAssistance.Status
P = ParticipationStatus
# Recipients of a disbursement were registered before the round started (rule 13c).
REGISTERED = datetime.date(2024, 1, 2)


def _png(name: str = "berita-acara.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "orange").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _text(response) -> str:
    return response.content.decode()


def _rupiah(text: str) -> int:
    assert re.fullmatch(r"Rp\d{1,3}(\.\d{3})*", text), text
    return int(text[2:].replace(".", ""))


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Access matrix ----------------------------------------------------------------------------


@pytest.fixture
def records(settings, tmp_path, staff_user):
    """One record of each kind a funding URL points at; the evidence file under a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path
    line = BudgetLineFactory(source=funding_source("apbd-kota"), fiscal_year=2024, amount=100_000_000)
    unused = BudgetLineFactory(source=funding_source("apbn"), fiscal_year=2025, amount=10_000_000)
    round_ = grant_round(budget_line=line)
    grant = grants.grant_propose(
        by=staff_user,
        business=BusinessFactory(name="Kue Bingka Hj. Ramlah"),
        activity=round_,
        amount=5_000_000,
        date=round_.start_date,
        evidence=_png(),
    )
    return {"line": line, "unused": unused, "round": round_, "grant": grant}


# (url name, HTTP method, how the URL's arguments are taken from the records)
FUNDING_URLS = [
    ("budget-overview", "get", lambda r: {}),
    ("budget-drilldown", "get", lambda r: {"year": 2024, "source_code": "apbd-kota"}),
    ("budget-line-list", "get", lambda r: {}),
    ("budget-line-create", "get", lambda r: {}),
    ("budget-line-edit", "get", lambda r: {"pk": r["line"].pk}),
    ("budget-line-delete", "post", lambda r: {"pk": r["unused"].pk}),
    ("grant-list", "get", lambda r: {}),
    ("grant-create", "get", lambda r: {}),
    ("grant-detail", "get", lambda r: {"pk": r["grant"].pk}),
    ("grant-edit", "get", lambda r: {"pk": r["grant"].pk}),
    ("grant-approve", "post", lambda r: {"pk": r["grant"].pk}),
    ("grant-disburse", "post", lambda r: {"pk": r["grant"].pk}),
    ("grant-cancel", "post", lambda r: {"pk": r["grant"].pk}),
    ("grant-evidence", "get", lambda r: {"pk": r["grant"].pk}),
]
URL_IDS = [entry[0] for entry in FUNDING_URLS]


def _qualified(name: str) -> str:
    """The URL's namespaced name: grants are coaching's, the budget overview progress's (issue 16)."""
    if name.startswith("grant-"):
        return f"coaching:{name}"
    if name.startswith(("budget-overview", "budget-drilldown")):
        return f"progress:{name}"
    return f"funding:{name}"


VIEWER_MAY = {"budget-overview", "budget-drilldown"}
ADMIN_ONLY = {"budget-line-create", "budget-line-edit", "budget-line-delete"}
# Rule 14: staff propose; approving is Kepala Bidang's step and paying Bendahara's.
NOT_STAFFS_STEP = {"grant-approve", "grant-disburse"}


def _url(name: str, kwargs_of, records: dict) -> str:
    return reverse(_qualified(name), kwargs=kwargs_of(records))


def _call(client, method: str, url: str):
    return getattr(client, method)(url)


def _snapshot() -> dict:
    return {
        "lines": sorted(BudgetLine.objects.values_list("pk", "source_id", "fiscal_year", "amount")),
        "grants": sorted(CapitalAssistance.objects.values_list("pk", "status", "amount", "change_reason")),
        "participations": sorted(Participation.objects.values_list("pk", "status")),
    }


def _assert_allowed(response, method: str) -> None:
    if method == "post":
        assert response.status_code == 302
        assert not response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code == 200


@pytest.mark.parametrize(("name", "method", "kwargs_of"), FUNDING_URLS, ids=URL_IDS)
def test_an_anonymous_visitor_is_sent_to_the_login_page(anon_client, records, name, method, kwargs_of):
    url = _url(name, kwargs_of, records)
    before = _snapshot()
    response = _call(anon_client, method, url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={quote(url)}"
    assert _snapshot() == before


@pytest.mark.parametrize(("name", "method", "kwargs_of"), FUNDING_URLS, ids=URL_IDS)
def test_an_owner_is_refused_every_funding_page(owner_client, records, name, method, kwargs_of):
    before = _snapshot()
    response = _call(owner_client, method, _url(name, kwargs_of, records))
    assert response.status_code == 403
    assert _snapshot() == before


@pytest.mark.parametrize(("name", "method", "kwargs_of"), FUNDING_URLS, ids=URL_IDS)
def test_a_council_viewer_sees_only_the_budget_overview_and_its_drilldown(
    viewer_client, records, name, method, kwargs_of
):
    before = _snapshot()
    response = _call(viewer_client, method, _url(name, kwargs_of, records))
    if name in VIEWER_MAY:
        assert response.status_code == 200
    else:
        assert response.status_code == 403
    assert _snapshot() == before


@pytest.mark.parametrize(("name", "method", "kwargs_of"), FUNDING_URLS, ids=URL_IDS)
def test_staff_open_every_page_except_keeping_budget_lines_and_approving_or_paying_grants(
    staff_client, records, name, method, kwargs_of
):
    before = _snapshot()
    response = _call(staff_client, method, _url(name, kwargs_of, records))
    if name in ADMIN_ONLY | NOT_STAFFS_STEP:
        assert response.status_code == 403
        assert _snapshot() == before
    else:
        _assert_allowed(response, method)


@pytest.mark.parametrize(("name", "method", "kwargs_of"), FUNDING_URLS, ids=URL_IDS)
def test_admin_dinas_opens_every_funding_page(admin_client, records, name, method, kwargs_of):
    response = _call(admin_client, method, _url(name, kwargs_of, records))
    _assert_allowed(response, method)


MISSING = [
    ("budget-drilldown", "get", {"year": 2024, "source_code": "csr-tidak-ada"}),
    ("budget-line-edit", "get", {"pk": 999_999}),
    ("budget-line-delete", "post", {"pk": 999_999}),
    ("grant-detail", "get", {"pk": 999_999}),
    ("grant-edit", "get", {"pk": 999_999}),
    ("grant-approve", "post", {"pk": 999_999}),
    ("grant-disburse", "post", {"pk": 999_999}),
    ("grant-cancel", "post", {"pk": 999_999}),
    ("grant-evidence", "get", {"pk": 999_999}),
]


@pytest.mark.parametrize(("name", "method", "kwargs"), MISSING, ids=[m[0] for m in MISSING])
def test_a_record_that_does_not_exist_is_404(admin_client, records, name, method, kwargs):
    response = getattr(admin_client, method)(reverse(_qualified(name), kwargs=kwargs))
    assert response.status_code == 404


def test_the_evidence_of_a_grant_without_one_is_404(staff_client, staff_user, records):
    grant = grants.grant_propose(
        by=staff_user,
        business=BusinessFactory(),
        activity=records["round"],
        amount=2_500_000,
        date=records["round"].start_date,
    )
    assert staff_client.get(reverse("coaching:grant-evidence", kwargs={"pk": grant.pk})).status_code == 404


def test_the_evidence_is_served_as_a_private_download(staff_client, records):
    response = staff_client.get(reverse("coaching:grant-evidence", kwargs={"pk": records["grant"].pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "attachment" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


@pytest.mark.parametrize("name", ["budget-line-delete", "grant-approve", "grant-disburse", "grant-cancel"])
def test_an_action_url_refuses_a_get(admin_client, records, name):
    pk = records["unused"].pk if name == "budget-line-delete" else records["grant"].pk
    before = _snapshot()
    response = admin_client.get(reverse(_qualified(name), kwargs={"pk": pk}))
    assert response.status_code == 405
    assert _snapshot() == before


# --- What a council member sees ---------------------------------------------------------------

SECRET_BUSINESSES = ["Amplang Haruan Zulkarnaen", "Sasirangan Kampung Qorib", "Kue Bingka Wulandari Xyz"]
SECRET_OWNERS = ["Hajah Rusmilawati Qorib", "Muhammad Zulkarnaen Fikri", "Wulandari Xyzabeth"]


@pytest.fixture
def named_recipients(staff_user, approver_user, treasurer_user):
    """Businesses with names nothing else on a page could contain, reached with APBD Kota 2024 money."""
    line = BudgetLineFactory(source=funding_source("apbd-kota"), fiscal_year=2024, amount=100_000_000)
    workshop = ActivityFactory(
        budget_line=line, title="Workshop Branding Produk UMKM 2024", actual_cost=20_000_000
    )
    round_ = grant_round(budget_line=line, title="Penyaluran Bantuan Modal Usaha 2024")
    businesses = []
    for i, (name, owner) in enumerate(zip(SECRET_BUSINESSES, SECRET_OWNERS, strict=True)):
        business = BusinessFactory(
            name=name, owner=OwnerFactory(name=owner), nib=f"91200012345{i:02d}", registered_on=REGISTERED
        )
        ParticipationFactory(activity=workshop, business=business, status=P.ATTENDED)
        businesses.append(business)
    grant = grants.grant_propose(
        by=staff_user, business=businesses[0], activity=round_, amount=7_500_000, date=round_.start_date
    )
    grant = grants.grant_approve(grant=grant, by=approver_user, approved_on=round_.start_date)
    grants.grant_disburse(grant=grant, by=treasurer_user, disbursed_on=round_.start_date)
    return businesses


def _assert_no_names(html: str, businesses) -> None:
    for name in SECRET_BUSINESSES + SECRET_OWNERS:
        assert name not in html
        # Not even part of a name, as a word: a random CSRF token may hold "Xyz" among its letters.
        assert not re.search(rf"\b{re.escape(name.split()[-1])}\b", html)
    for business in businesses:
        assert business.nib not in html
        assert business.owner.nik not in html


@pytest.mark.parametrize(
    ("name", "kwargs", "query"),
    [
        ("budget-overview", {}, {}),
        ("budget-overview", {}, {"year": 2024}),
        ("budget-drilldown", {"year": 2024, "source_code": "apbd-kota"}, {}),
        ("budget-drilldown", {"year": 2024, "source_code": "apbd-kota"}, {"usaha": "1"}),
    ],
    ids=["overview", "overview-2024", "drilldown", "drilldown-usaha"],
)
def test_a_council_viewer_sees_amounts_but_never_a_business_or_owner_name(
    viewer_client, named_recipients, name, kwargs, query
):
    response = viewer_client.get(reverse(_qualified(name), kwargs=kwargs), query)
    assert response.status_code == 200
    html = _text(response)
    assert "Rp100.000.000" in html  # the pagu
    assert "Rp30.000.000" in html  # realisasi: workshop 20.000.000 + round 2.500.000 + grant 7.500.000
    _assert_no_names(html, named_recipients)


def test_on_the_drilldown_a_council_viewer_is_not_offered_the_list_of_businesses(
    viewer_client, named_recipients
):
    response = viewer_client.get(
        reverse("progress:budget-drilldown", kwargs={"year": 2024, "source_code": "apbd-kota"}),
        {"usaha": "1"},
    )
    assert response.context["businesses"] is None
    assert "Tampilkan usaha yang dijangkau" not in _text(response)


def test_staff_asking_for_the_businesses_on_the_drilldown_see_their_names(staff_client, named_recipients):
    url = reverse("progress:budget-drilldown", kwargs={"year": 2024, "source_code": "apbd-kota"})
    without = _text(staff_client.get(url))
    for name in SECRET_BUSINESSES:
        assert name not in without
    html = _text(staff_client.get(url, {"usaha": "1"}))
    for name in SECRET_BUSINESSES:
        assert name in html


# --- Forms ------------------------------------------------------------------------------------


def _line_data(**overrides) -> dict:
    data = {
        "source": funding_source("apbd-kota").pk,
        "fiscal_year": 2025,
        "programme": "Program Pemberdayaan UMKM",
        "budget_code": "2.17.07.2.01",
        "amount": "1.250.000.000",
        "note": "",
    }
    data.update(overrides)
    return data


class TestBudgetLineForms:
    def test_admin_dinas_adds_a_line_typing_thousands_dots(self, admin_client):
        response = admin_client.post(reverse("funding:budget-line-create"), _line_data())
        assert response.status_code == 302
        assert BudgetLine.objects.get().amount == 1_250_000_000

    @pytest.mark.parametrize(
        ("amount", "message"),
        [
            ("abc", "Isi angka rupiah saja"),
            ("0", "Pagu harus lebih dari nol rupiah."),
            ("-5000000", "Isi angka rupiah saja"),
            ("1250000,50", "rupiah bulat"),
            ("", "Bidang ini tidak boleh kosong"),
        ],
        ids=["letters", "zero", "negative", "cents", "empty"],
    )
    def test_a_bad_amount_is_refused_with_an_indonesian_message_and_nothing_is_saved(
        self, admin_client, amount, message
    ):
        response = admin_client.post(reverse("funding:budget-line-create"), _line_data(amount=amount))
        assert response.status_code == 200
        assert "amount" in response.context["form"].errors
        assert message in _text(response)
        assert not BudgetLine.objects.exists()

    @pytest.mark.parametrize("year", ["1999", "2101"])
    def test_an_implausible_fiscal_year_is_refused_on_its_field_in_words_not_a_constraint_name(
        self, admin_client, year
    ):
        response = admin_client.post(reverse("funding:budget-line-create"), _line_data(fiscal_year=year))
        assert response.status_code == 200
        html = _text(response)
        assert "fiscal_year" in response.context["form"].errors
        assert "budget_line_year_plausible" not in html
        assert not BudgetLine.objects.exists()

    def test_entering_the_amount_of_a_placeholder_line_removes_its_mark_from_the_overview(self, admin_client):
        activity = ActivityFactory(funding_source=funding_source("lainnya"), fiscal_year=2024)
        line = activity.budget_line
        overview = reverse("progress:budget-overview")
        assert "perlu dilengkapi" in _text(admin_client.get(overview))
        response = admin_client.post(
            reverse("funding:budget-line-edit", kwargs={"pk": line.pk}),
            _line_data(
                source=line.source_id,
                fiscal_year=line.fiscal_year,
                programme="CSR Bank Kalsel 2024",
                amount="150.000.000",
            ),
        )
        assert response.status_code == 302
        line.refresh_from_db()
        assert (line.amount, line.needs_review) == (150_000_000, False)
        assert "perlu dilengkapi" not in _text(admin_client.get(overview))

    def test_editing_a_line_to_zero_is_refused_and_the_amount_stays(self, admin_client):
        line = BudgetLineFactory(amount=300_000_000, fiscal_year=2025)
        response = admin_client.post(
            reverse("funding:budget-line-edit", kwargs={"pk": line.pk}), _line_data(amount="0")
        )
        assert response.status_code == 200
        assert "Pagu harus lebih dari nol rupiah." in _text(response)
        line.refresh_from_db()
        assert line.amount == 300_000_000

    def test_moving_a_used_line_to_another_year_is_refused_on_the_page(self, admin_client):
        line = BudgetLineFactory(fiscal_year=2024)
        ActivityFactory(budget_line=line)
        response = admin_client.post(
            reverse("funding:budget-line-edit", kwargs={"pk": line.pk}),
            _line_data(fiscal_year=2025, amount="500.000.000"),
        )
        assert response.status_code == 200
        assert "tidak dapat diubah" in _text(response)
        line.refresh_from_db()
        assert line.fiscal_year == 2024

    def test_deleting_a_used_line_shows_what_depends_on_it_and_deletes_nothing(self, admin_client):
        line = BudgetLineFactory()
        ActivityFactory(budget_line=line, title="Klinik Desain Kemasan Sungai Jingah")
        response = admin_client.post(
            reverse("funding:budget-line-delete", kwargs={"pk": line.pk}), follow=True
        )
        assert response.status_code == 200
        html = _text(response)
        assert "1 kegiatan" in html
        assert "Klinik Desain Kemasan Sungai Jingah" in html
        assert BudgetLine.objects.filter(pk=line.pk).exists()

    def test_deleting_an_unused_line_works(self, admin_client):
        line = BudgetLineFactory()
        response = admin_client.post(reverse("funding:budget-line-delete", kwargs={"pk": line.pk}))
        assert response.status_code == 302
        assert not BudgetLine.objects.filter(pk=line.pk).exists()
        assert "Pagu dihapus." in _messages(response)


@pytest.fixture
def grant_round_2024():
    return grant_round(budget_line=BudgetLineFactory(source=funding_source("apbd-kota"), fiscal_year=2024))


def _grant_data(activity: Activity, **overrides) -> dict:
    data = {
        "activity": activity.pk,
        "date": activity.start_date.isoformat(),
        "form": CapitalAssistance.Form.EQUIPMENT,
        "amount": "5.000.000",
        "description": "Etalase dan peralatan produksi",
    }
    data.update(overrides)
    return data


class TestGrantForms:
    def test_staff_propose_a_grant_by_nib_and_the_recipient_becomes_a_participant(
        self, staff_client, grant_round_2024
    ):
        business = BusinessFactory(nib="9120001234567")
        response = staff_client.post(
            reverse("coaching:grant-create"), _grant_data(grant_round_2024, recipient="9120001234567")
        )
        grant = CapitalAssistance.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("coaching:grant-detail", kwargs={"pk": grant.pk})
        assert (grant.business, grant.amount, grant.status) == (business, 5_000_000, G.PROPOSED)
        assert Participation.objects.get(business=business).status == P.REGISTERED

    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"recipient": "9999999999999"}, "recipient", "tidak ditemukan di registri"),
            ({"recipient": ""}, "recipient", "Isi NIB usaha atau NIK pemilik penerima."),
            ({"amount": "abc"}, "amount", "Isi angka rupiah saja"),
            ({"amount": "0"}, "amount", "Nilai bantuan harus lebih dari nol rupiah."),
            ({"amount": "-1"}, "amount", "Isi angka rupiah saja"),
        ],
        ids=["unknown-nib", "no-recipient", "amount-letters", "amount-zero", "amount-negative"],
    )
    def test_bad_input_is_refused_on_its_field_in_indonesian_and_nothing_is_saved(
        self, staff_client, grant_round_2024, overrides, field, message
    ):
        BusinessFactory(nib="9120001234567")
        data = _grant_data(grant_round_2024, recipient="9120001234567")
        data.update(overrides)
        response = staff_client.post(reverse("coaching:grant-create"), data)
        assert response.status_code == 200
        html = _text(response)
        assert message in html
        assert field in response.context["form"].errors
        assert "Batasan" not in html and "Constraint" not in html  # no database constraint names
        assert not CapitalAssistance.objects.exists()
        assert not Participation.objects.exists()

    def test_a_second_source_grant_warns_staff_after_proposing(self, staff_client, staff_user):
        business = BusinessFactory(nib="9120001234567")
        kota = grant_round(
            budget_line=BudgetLineFactory(source=funding_source("apbd-kota"), fiscal_year=2024),
            title="Penyaluran Bantuan Modal Usaha Kota 2024",
        )
        grants.grant_propose(
            by=staff_user, business=business, activity=kota, amount=5_000_000, date=kota.start_date
        )
        apbn = grant_round(budget_line=BudgetLineFactory(source=funding_source("apbn"), fiscal_year=2024))
        response = staff_client.post(
            reverse("coaching:grant-create"), _grant_data(apbn, recipient="9120001234567"), follow=True
        )
        html = _text(response)
        assert "Penyaluran Bantuan Modal Usaha Kota 2024" in html
        assert "APBD Kota" in html

    def test_approving_a_second_source_grant_on_the_page_needs_a_reason(
        self, staff_client, staff_user, approver_client
    ):
        business = BusinessFactory()
        kota = grant_round(
            budget_line=BudgetLineFactory(source=funding_source("apbd-kota"), fiscal_year=2024)
        )
        apbn = grant_round(budget_line=BudgetLineFactory(source=funding_source("apbn"), fiscal_year=2024))
        grants.grant_propose(
            by=staff_user, business=business, activity=kota, amount=5_000_000, date=kota.start_date
        )
        second = grants.grant_propose(
            by=staff_user, business=business, activity=apbn, amount=5_000_000, date=apbn.start_date
        )
        url = reverse("coaching:grant-approve", kwargs={"pk": second.pk})
        response = approver_client.post(url, {"reason": ""})
        assert response.status_code == 302
        assert any("alasan" in m for m in _messages(response))
        second.refresh_from_db()
        assert second.status == G.PROPOSED
        approver_client.post(url, {"reason": "Peralatan rusak karena banjir"})
        second.refresh_from_db()
        assert (second.status, second.double_funding_reason) == (G.APPROVED, "Peralatan rusak karena banjir")
        detail = _text(staff_client.get(reverse("coaching:grant-detail", kwargs={"pk": second.pk})))
        assert "Peralatan rusak karena banjir" in detail

    def test_editing_a_disbursed_grant_without_a_reason_is_refused_and_with_one_is_kept(
        self, staff_client, staff_user, approver_user, treasurer_user, grant_round_2024
    ):
        business = BusinessFactory(registered_on=REGISTERED)
        grant = grants.grant_propose(
            by=staff_user,
            business=business,
            activity=grant_round_2024,
            amount=5_000_000,
            date=grant_round_2024.start_date,
        )
        grant = grants.grant_approve(grant=grant, by=approver_user, approved_on=grant_round_2024.start_date)
        grant = grants.grant_disburse(
            grant=grant, by=treasurer_user, disbursed_on=grant_round_2024.start_date
        )
        url = reverse("coaching:grant-edit", kwargs={"pk": grant.pk})
        data = {
            "budget_line": grant.budget_line_id,
            "date": grant.date.isoformat(),
            "form": grant.form,
            "amount": "4.750.000",
            "description": grant.description,
        }
        response = staff_client.post(url, {**data, "reason": ""})
        assert response.status_code == 200
        assert "reason" in response.context["form"].errors
        grant.refresh_from_db()
        assert grant.amount == 5_000_000
        response = staff_client.post(url, {**data, "reason": "Sesuai berita acara serah terima"})
        assert response.status_code == 302, response.context["form"].errors
        grant.refresh_from_db()
        assert grant.amount == 4_750_000
        detail = _text(staff_client.get(reverse("coaching:grant-detail", kwargs={"pk": grant.pk})))
        assert "Sesuai berita acara serah terima" in detail
        assert "Rp4.750.000" in detail

    def test_leaving_the_budget_line_empty_when_editing_keeps_the_rounds_line_as_the_help_text_says(
        self, staff_client, staff_user, grant_round_2024
    ):
        grant = grants.grant_propose(
            by=staff_user,
            business=BusinessFactory(),
            activity=grant_round_2024,
            amount=5_000_000,
            date=grant_round_2024.start_date,
        )
        response = staff_client.post(
            reverse("coaching:grant-edit", kwargs={"pk": grant.pk}),
            {
                "budget_line": "",  # "Kosongkan untuk memakai pagu kegiatan penyalurannya."
                "date": grant.date.isoformat(),
                "form": grant.form,
                "amount": "6.000.000",
                "description": grant.description,
            },
        )
        assert response.status_code == 302, response.context["form"].errors
        grant.refresh_from_db()
        assert grant.amount == 6_000_000
        assert grant.budget_line_id == grant_round_2024.budget_line_id

    def test_cancelling_on_the_page_needs_a_reason(self, staff_client, staff_user, grant_round_2024):
        grant = grants.grant_propose(
            by=staff_user,
            business=BusinessFactory(),
            activity=grant_round_2024,
            amount=5_000_000,
            date=grant_round_2024.start_date,
        )
        url = reverse("coaching:grant-cancel", kwargs={"pk": grant.pk})
        staff_client.post(url, {"reason": ""})
        grant.refresh_from_db()
        assert grant.status == G.PROPOSED
        staff_client.post(url, {"reason": "Penerima menolak bantuan"})
        grant.refresh_from_db()
        assert grant.status == G.CANCELLED

    def test_disbursing_on_the_page_marks_the_recipient_present(
        self, treasurer_client, staff_user, approver_user, grant_round_2024
    ):
        business = BusinessFactory(registered_on=REGISTERED)
        grant = grants.grant_propose(
            by=staff_user,
            business=business,
            activity=grant_round_2024,
            amount=5_000_000,
            date=grant_round_2024.start_date,
        )
        grants.grant_approve(grant=grant, by=approver_user, approved_on=grant_round_2024.start_date)
        future = timezone.localdate() + datetime.timedelta(days=30)
        treasurer_client.post(
            reverse("coaching:grant-disburse", kwargs={"pk": grant.pk}), {"disbursed_on": future}
        )
        grant.refresh_from_db()
        assert grant.status == G.APPROVED
        treasurer_client.post(
            reverse("coaching:grant-disburse", kwargs={"pk": grant.pk}),
            {"disbursed_on": grant_round_2024.start_date.isoformat()},
        )
        grant.refresh_from_db()
        assert grant.status == G.DISBURSED
        assert Participation.objects.get(business=business).status == P.ATTENDED


# --- Totals and marks on the pages ------------------------------------------------------------


class _Rows(HTMLParser):
    """Table rows of a page: (current h2 heading, link in the row, cell texts)."""

    def __init__(self):
        super().__init__()
        self.rows: list[tuple[str, str | None, list[str]]] = []
        self._heading = ""
        self._in_h2 = False
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._href: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "h2":
            self._in_h2, self._heading = True, ""
        elif tag == "tr":
            self._row, self._href = [], None
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "a" and self._row is not None and self._href is None:
            self._href = dict(attrs).get("href")

    def handle_endtag(self, tag):
        if tag == "h2":
            self._in_h2 = False
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append((self._heading, self._href, self._row))
            self._row = None

    def handle_data(self, data):
        if self._in_h2:
            self._heading += data
        if self._cell is not None:
            self._cell.append(data)


def _table_rows(html: str):
    parser = _Rows()
    parser.feed(html)
    return parser.rows


def _amount_cell(cell: str) -> int:
    return _rupiah(cell.split()[0])


def _count_cell(cell: str) -> int:
    return int(cell.replace(".", ""))


def _grant_page_totals(html: str) -> tuple[int, int, list[int]]:
    n = _count_cell(re.search(r'id="total-penerima">([^<]*)<', html).group(1))
    amount = _rupiah(re.search(r'id="total-nilai">([^<]*)<', html).group(1))
    rows = [r for _h, href, r in _table_rows(html) if href and "/bantuan/" in href]
    return n, amount, [_rupiah(r[5]) for r in rows]


@pytest.fixture
def varied_grants():
    """Grants over two years, two sources, every status and form, in two kecamatan."""
    kecamatan = list(Kecamatan.objects.order_by("code")[:2])
    kelurahan = [Kelurahan.objects.filter(kecamatan=k).order_by("code").first() for k in kecamatan]
    lines = [
        BudgetLineFactory(source=funding_source(code), fiscal_year=year)
        for code in ("apbd-kota", "apbn")
        for year in (2023, 2024)
    ]
    rounds = [
        grant_round(budget_line=line, start_date=datetime.date(line.fiscal_year, 6, 1)) for line in lines
    ]
    amounts = [2_500_000, 5_000_000, 7_500_000, 10_000_000, 1_250_000, 3_333_333]
    forms = CapitalAssistance.Form.values
    for i in range(24):
        CapitalAssistanceFactory(
            activity=rounds[i % len(rounds)],
            business=BusinessFactory(kelurahan=kelurahan[i % 2]),
            status=G.values[i % len(G.values)],
            form=forms[(i // 2) % len(forms)],
            amount=amounts[i % len(amounts)],
        )
    return {"kecamatan": kecamatan}


def _grant_filters(kecamatan) -> list[tuple[dict, dict]]:
    """(query string, the same filter as model objects) pairs."""
    kota, apbn = funding_source("apbd-kota"), funding_source("apbn")
    return [
        ({}, {}),
        ({"year": 2024}, {"year": 2024}),
        ({"source": apbn.pk}, {"source": apbn}),
        ({"status": G.DISBURSED}, {"status": G.DISBURSED}),
        ({"kecamatan": kecamatan[1].pk}, {"kecamatan": kecamatan[1]}),
        ({"form": "peralatan"}, {"form": "peralatan"}),
        (
            {"year": 2023, "source": kota.pk, "status": G.PROPOSED},
            {"year": 2023, "source": kota, "status": G.PROPOSED},
        ),
        (
            {"year": 2024, "kecamatan": kecamatan[0].pk, "form": "tunai"},
            {"year": 2024, "kecamatan": kecamatan[0], "form": "tunai"},
        ),
        ({"year": 2030}, {"year": 2030}),
    ]


def test_the_grant_list_totals_equal_the_sum_of_the_filtered_rows(staff_client, varied_grants):
    every = list(CapitalAssistance.objects.select_related("budget_line", "business__kelurahan"))
    for query, filters in _grant_filters(varied_grants["kecamatan"]):
        response = staff_client.get(reverse("coaching:grant-list"), query)
        assert response.status_code == 200
        expected = filter_grants(every, filters)
        counted = [g for g in expected if g.status != G.CANCELLED]  # never in the headline
        n, amount, row_amounts = _grant_page_totals(_text(response))
        assert n == len(counted), query
        assert amount == sum(g.amount for g in counted), query
        assert len(row_amounts) == len(expected), query
        assert sum(row_amounts) == sum(g.amount for g in expected), query
        totals = response.context["totals"]
        assert (totals.n, totals.amount) == (n, amount), query


def test_the_grant_list_totals_cover_every_page_not_only_the_first(staff_client):
    round_ = grant_round(budget_line=BudgetLineFactory())
    for _ in range(30):
        CapitalAssistanceFactory(activity=round_, amount=1_000_000)
    response = staff_client.get(reverse("coaching:grant-list"))
    n, amount, row_amounts = _grant_page_totals(_text(response))
    assert (n, amount) == (30, 30_000_000)
    assert len(row_amounts) == 25


def test_the_grant_list_totals_on_the_demo_data_equal_the_filtered_rows(staff_client):
    reconciliation_data()
    every = list(CapitalAssistance.objects.select_related("budget_line", "business__kelurahan"))
    kecamatan = list(Kecamatan.objects.order_by("code"))
    years = sorted({g.budget_line.fiscal_year for g in every})
    for query, filters in _grant_filters(kecamatan) + [
        ({"year": y, "status": G.DISBURSED}, {"year": y, "status": G.DISBURSED}) for y in years
    ]:
        response = staff_client.get(reverse("coaching:grant-list"), query)
        expected = filter_grants(every, filters)
        counted = [g for g in expected if g.status != G.CANCELLED]  # never in the headline
        totals = response.context["totals"]
        assert (totals.n, totals.amount) == (len(counted), sum(g.amount for g in counted)), query
        html = _text(response)
        n, amount, row_amounts = _grant_page_totals(html)
        assert (n, amount) == (totals.n, totals.amount), query
        if len(expected) <= 25:
            assert sum(row_amounts) == sum(g.amount for g in expected), query


def _overview_cells(html: str) -> tuple[dict, dict]:
    """Per (year, source code) the displayed cells, and per year the displayed total row."""
    rows, totals = {}, {}
    link = re.compile(r"/anggaran/(\d{4})/([\w-]+)/$")
    for heading, href, cells in _table_rows(html):
        match = link.search(href or "")
        if match:
            rows[(int(match.group(1)), match.group(2))] = cells
        elif cells and cells[0] == "Jumlah":
            totals[int(re.search(r"\d{4}", heading).group())] = cells
    return rows, totals


def _percent(cell: str):
    if cell == "–":
        return None
    # Indonesian, by the one rule for percentages (lib/numbers.py): `1.234,5 %`, the no-break space
    # read as a space (cells are whitespace-normalised).
    assert re.fullmatch(r"\d{1,3}(\.\d{3})*,\d %", cell), cell
    return cell[:-2].replace(".", "").replace(",", ".")


def test_every_figure_on_the_overview_page_equals_an_independent_sum_over_the_demo_rows(staff_client):
    reconciliation_data()
    expected = expected_overview()
    response = staff_client.get(reverse("progress:budget-overview"))
    rows, totals = _overview_cells(_text(response))
    assert set(rows) == set(expected)
    for key, cells in rows.items():
        e = expected[key]
        _name, budget, realized, percent, activities, reached, coached, cost = cells
        assert _amount_cell(budget) == e["budget"], key
        assert _amount_cell(realized) == e["realized"], key
        assert ("melebihi pagu" in realized) == (e["realized"] > e["budget"]), key
        assert _percent(percent) == (None if e["percent"] is None else str(e["percent"])), key
        assert _count_cell(activities) == e["activities"], key
        assert _count_cell(reached) == e["reached"], key
        assert _count_cell(coached) == e["coached"], key
        assert (None if cost == "–" else _rupiah(cost)) == e["cost_per_coached"], key
    assert set(totals) == {y for y, _c in expected}
    for year, cells in totals.items():
        mine = [e for (y, _c), e in expected.items() if y == year]
        assert _amount_cell(cells[1]) == sum(e["budget"] for e in mine), year
        assert _amount_cell(cells[2]) == sum(e["realized"] for e in mine), year
        assert _count_cell(cells[4]) == sum(e["activities"] for e in mine), year
        # Businesses are not added across sources (rule 8): the total row says so instead.
        assert "tidak dijumlahkan" in cells[5], year


def test_every_figure_on_each_drilldown_page_equals_an_independent_sum_over_the_demo_rows(staff_client):
    reconciliation_data()
    expected = expected_overview()
    for (year, code), e in expected.items():
        response = staff_client.get(
            reverse("progress:budget-drilldown", kwargs={"year": year, "source_code": code})
        )
        html = _text(response)
        row = response.context["row"]
        assert (row.budget, row.realized, row.reached, row.coached) == (
            e["budget"],
            e["realized"],
            e["reached"],
            e["coached"],
        ), (year, code)
        shown = re.search(
            r"Realisasi</dt><dd[^>]*>(Rp[\d.]+) \(kegiatan (Rp[\d.]+) \+ bantuan disalurkan (Rp[\d.]+)\)",
            html,
        )
        assert shown, (year, code)
        assert [_rupiah(x) for x in shown.groups()] == [e["realized"], e["activity_cost"], e["grants"]]
        costs = [
            _rupiah(cells[4])
            for _h, href, cells in _table_rows(html)
            if len(cells) == 5 and cells[4].startswith("Rp")
        ]
        assert sum(costs) == e["activity_cost"], (year, code)
        grants = [
            g
            for g in CapitalAssistance.objects.select_related("budget_line__source")
            if (g.budget_line.fiscal_year, g.budget_line.source.code) == (year, code)
        ]
        for item in response.context["grant_totals"].by_status:
            mine = [g for g in grants if g.status == item.status]
            assert (item.n, item.amount) == (len(mine), sum(g.amount for g in mine)), (year, code)
        assert sum(item.n for item in response.context["grant_totals"].by_status) == len(grants)


def test_the_overview_marks_an_overspent_line_and_a_placeholder_line(staff_client):
    over = BudgetLineFactory(source=funding_source("apbd-kota"), fiscal_year=2024, amount=10_000_000)
    fine = BudgetLineFactory(source=funding_source("apbn"), fiscal_year=2024, amount=100_000_000)
    ActivityFactory(budget_line=over, actual_cost=10_000_001)
    ActivityFactory(budget_line=fine, actual_cost=10_000_000)
    ActivityFactory(funding_source=funding_source("lainnya"), fiscal_year=2024, actual_cost=0)  # placeholder
    response = staff_client.get(reverse("progress:budget-overview"))
    rows, _totals = _overview_cells(_text(response))
    assert "melebihi pagu" in rows[(2024, "apbd-kota")][2]
    assert "melebihi pagu" not in rows[(2024, "apbn")][2]
    assert "perlu dilengkapi" in rows[(2024, "lainnya")][0]
    assert "perlu dilengkapi" not in rows[(2024, "apbd-kota")][0]
    assert _text(response).count("melebihi pagu") == 1


def test_the_drilldown_marks_a_placeholder_line(staff_client):
    ActivityFactory(funding_source=funding_source("lainnya"), fiscal_year=2024)
    response = staff_client.get(
        reverse("progress:budget-drilldown", kwargs={"year": 2024, "source_code": "lainnya"})
    )
    assert "perlu dilengkapi" in _text(response)


def test_money_is_shown_in_the_official_rupiah_style(staff_client, viewer_client):
    line = BudgetLineFactory(source=funding_source("apbd-kota"), fiscal_year=2024, amount=1_250_000)
    ActivityFactory(budget_line=line, actual_cost=1_000_500)
    for client in (staff_client, viewer_client):
        html = _text(client.get(reverse("progress:budget-overview")))
        assert "Rp1.250.000" in html
        assert "Rp1.000.500" in html
        assert "Rp 1" not in html
        assert "1,250,000" not in html and "1250000" not in html
        assert "80,0\xa0%" in html  # one rule for percentages (lib/numbers.py), as on the report


def test_the_absorption_follows_the_language_of_the_page(staff_client):
    line = BudgetLineFactory(source=funding_source("apbd-kota"), fiscal_year=2024, amount=1_000_000)
    ActivityFactory(budget_line=line, actual_cost=365_000)
    overview = reverse("progress:budget-overview")

    indonesian = _text(staff_client.get(overview, {"year": 2024}))
    staff_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = _text(staff_client.get(overview, {"year": 2024}))

    assert "36,5\xa0%" in indonesian and "36.5%" not in indonesian
    assert 'lang="en"' in english and "36.5%" in english and "36,5" not in english


# --- Queries ----------------------------------------------------------------------------------

# Measured with CaptureQueriesContext on SQLite: the same for 10 and 200 rows. Every page starts with
# 5 (session, user, two permission look-ups, the role groups for the menu).
# +1 on every staff page since issue 14: the menu's worklist badges, read in one query
# (pembinaan/front/selectors.py).
STAFF_MENU_QUERIES = 1
OVERVIEW_QUERIES = 10  # + STAFF_MENU_QUERIES for staff (council members have no worklist)
GRANT_LIST_QUERIES = 10 + STAFF_MENU_QUERIES
FILTERED_GRANT_LIST_QUERIES = 11 + STAFF_MENU_QUERIES
DRILLDOWN_QUERIES = 15 + STAFF_MENU_QUERIES  # with ?usaha=1: +1 for the businesses reached
SIZES = [10, 200]


def _bulk(size: int) -> None:
    """`size` activities, attendances and grants spread over every source and two years."""
    sources = list(FundingSource.objects.all())
    lines = [
        BudgetLineFactory(source=s, fiscal_year=y, amount=100_000_000) for s in sources for y in (2023, 2024)
    ]
    round_ = grant_round(budget_line=lines[0])
    workshop = CoachingType.objects.get(code="workshop")
    businesses = BusinessFactory.create_batch(size)
    activities = Activity.objects.bulk_create(
        [
            Activity(
                title=f"Kegiatan Pembinaan {i:03d}",
                coaching_type=workshop,
                funding_source_id=lines[i % len(lines)].source_id,
                fiscal_year=lines[i % len(lines)].fiscal_year,
                budget_line=lines[i % len(lines)],
                start_date=datetime.date(2024, 3, 1),
                end_date=datetime.date(2024, 3, 1),
                actual_cost=1_000_000,
            )
            for i in range(size)
        ]
    )
    Participation.objects.bulk_create(
        [
            Participation(activity=a, business=b, status=P.ATTENDED)
            for a, b in zip(activities, businesses, strict=True)
        ]
    )
    CapitalAssistance.objects.bulk_create(
        [
            CapitalAssistance(
                business=b,
                activity=round_,
                budget_line=lines[i % len(lines)],
                date=round_.start_date,
                amount=1_000_000,
                status=G.values[i % len(G.values)],
            )
            for i, b in enumerate(businesses)
        ]
    )


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("persona", ["staff_client", "viewer_client"])
def test_the_budget_overview_issues_a_bounded_number_of_queries(
    request, django_assert_max_num_queries, size, persona
):
    client = request.getfixturevalue(persona)
    _bulk(size)
    menu = STAFF_MENU_QUERIES if persona == "staff_client" else 0
    with django_assert_max_num_queries(OVERVIEW_QUERIES + menu):
        response = client.get(reverse("progress:budget-overview"))
    assert response.status_code == 200
    assert sum(r.activities for r in response.context["rows"]) == size + 1


@pytest.mark.parametrize("size", SIZES)
def test_the_grant_list_issues_a_bounded_number_of_queries(staff_client, django_assert_max_num_queries, size):
    _bulk(size)
    with django_assert_max_num_queries(GRANT_LIST_QUERIES):
        response = staff_client.get(reverse("coaching:grant-list"))
    assert response.status_code == 200
    assert sum(t.n for t in response.context["totals"].by_status) == size


@pytest.mark.parametrize("size", SIZES)
def test_the_filtered_grant_list_issues_a_bounded_number_of_queries(
    staff_client, django_assert_max_num_queries, size
):
    _bulk(size)
    with django_assert_max_num_queries(FILTERED_GRANT_LIST_QUERIES):
        response = staff_client.get(
            reverse("coaching:grant-list"),
            {"year": 2024, "source": funding_source("apbd-kota").pk, "status": G.DISBURSED, "page": 2},
        )
    assert response.status_code == 200


@pytest.mark.parametrize("size", SIZES)
def test_the_drilldown_issues_a_bounded_number_of_queries(staff_client, django_assert_max_num_queries, size):
    _bulk(size)
    with django_assert_max_num_queries(DRILLDOWN_QUERIES):
        response = staff_client.get(
            reverse("progress:budget-drilldown", kwargs={"year": 2024, "source_code": "apbd-kota"}),
            {"usaha": "1"},
        )
    assert response.status_code == 200
