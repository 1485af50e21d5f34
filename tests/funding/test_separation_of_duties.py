"""Separation of duties on money (docs/rules.md rule 14, issue 17).

A grant is proposed (Staf Dinas), approved (Kepala Bidang or Admin Dinas, never the proposer) and
disbursed (Bendahara or Admin Dinas, never the approver; by default not the proposer either). Each
step's person and time is on the record and in its history. The issue's case: one staff account
proposed, approved and disbursed Rp 5,000,000 in three clicks.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from pembinaan.accounts import roles
from pembinaan.coaching import grants
from pembinaan.coaching.models import Participation, ParticipationStatus
from pembinaan.funding.models import CapitalAssistance, DutySeparation
from pembinaan.imports import services as imports
from pembinaan.imports.models import ImportRun
from tests.factories import BusinessFactory, UserFactory
from tests.funding.factories import BudgetLineFactory, grant_round
from tests.imports.files import csv_bytes

pytestmark = pytest.mark.django_db

G = CapitalAssistance.Status
REGISTERED = datetime.date(2024, 1, 2)  # before the round of 14 May 2024 (rule 13c)
PROPOSER_MESSAGE = "Anda yang mengusulkan bantuan ini; persetujuan oleh orang lain."
APPROVER_MESSAGE = "Anda yang menyetujui bantuan ini; penyaluran dicatat oleh orang lain."
PROPOSER_PAYS_MESSAGE = "Anda yang mengusulkan bantuan ini; penyaluran dicatat oleh orang lain."


@pytest.fixture
def round_2024():
    return grant_round(budget_line=BudgetLineFactory(fiscal_year=2024))


def _propose(by, activity) -> CapitalAssistance:
    return grants.grant_propose(
        by=by,
        business=BusinessFactory(registered_on=REGISTERED),
        activity=activity,
        amount=5_000_000,
        date=activity.start_date,
    )


def _approve(grant, by) -> CapitalAssistance:
    return grants.grant_approve(grant=grant, by=by, approved_on=grant.activity.start_date)


def _disburse(grant, by) -> CapitalAssistance:
    return grants.grant_disburse(grant=grant, by=by, disbursed_on=grant.activity.start_date)


def _user_with(*role_names: str, email: str):
    """One person holding several roles: the services must still keep the steps apart."""
    user = UserFactory(role=role_names[0], email=email)
    user.groups.add(*Group.objects.filter(name__in=role_names[1:]))
    return type(user).objects.get(pk=user.pk)  # fresh permission cache


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _state(grant) -> tuple:
    grant.refresh_from_db()
    return grant.status, grant.approved_by_id, grant.disbursed_by_id


def _set_mode(mode: str) -> None:
    setting = DutySeparation.objects.first() or DutySeparation()
    setting.mode = mode
    setting.save()


# --- The roles ----------------------------------------------------------------------------------


def test_staff_may_propose_but_neither_approve_nor_disburse_and_admin_dinas_may_do_each():
    def codenames(role):
        return set(Permission.objects.filter(group__name=role).values_list("codename", flat=True))

    staff, approver, treasurer, admin = (
        codenames(r) for r in (roles.STAFF, roles.APPROVER, roles.TREASURER, roles.ADMIN)
    )
    assert "add_capitalassistance" in staff
    assert not {"approve_capitalassistance", "disburse_capitalassistance"} & staff
    assert "approve_capitalassistance" in approver and "disburse_capitalassistance" not in approver
    assert "disburse_capitalassistance" in treasurer and "approve_capitalassistance" not in treasurer
    assert not {"add_capitalassistance"} & (approver | treasurer)
    assert {"approve_capitalassistance", "disburse_capitalassistance", "change_dutyseparation"} <= admin


# --- The case: one account, three clicks --------------------------------------------------


def test_the_reported_three_clicks_by_one_staff_account_are_refused_and_nothing_moves(
    staff_client, staff_user, round_2024
):
    grant = _propose(staff_user, round_2024)
    for name in ("grant-approve", "grant-disburse"):
        response = staff_client.post(reverse(f"coaching:{name}", kwargs={"pk": grant.pk}))
        assert response.status_code == 403
    assert _state(grant) == (G.PROPOSED, None, None)


def test_one_person_holding_every_role_still_cannot_approve_their_own_proposal(round_2024):
    everything = _user_with(roles.STAFF, roles.APPROVER, roles.TREASURER, email="semua@dinas.test")
    grant = _propose(everything, round_2024)
    with pytest.raises(ValidationError) as exc:
        _approve(grant, everything)
    assert exc.value.messages == [PROPOSER_MESSAGE]
    assert _state(grant) == (G.PROPOSED, None, None)


def test_admin_dinas_cannot_approve_a_grant_they_proposed(admin_client, admin_user, round_2024):
    grant = _propose(admin_user, round_2024)
    response = admin_client.post(reverse("coaching:grant-approve", kwargs={"pk": grant.pk}), follow=True)
    assert PROPOSER_MESSAGE in response.content.decode()
    assert _state(grant) == (G.PROPOSED, None, None)


def test_the_approver_cannot_disburse_what_they_approved_even_as_admin_dinas(
    admin_client, admin_user, staff_user, round_2024
):
    grant = _approve(_propose(staff_user, round_2024), admin_user)
    response = admin_client.post(
        reverse("coaching:grant-disburse", kwargs={"pk": grant.pk}),
        {"disbursed_on": round_2024.start_date.isoformat()},
    )
    assert response.status_code == 200
    assert APPROVER_MESSAGE in response.content.decode()
    assert _state(grant) == (G.APPROVED, admin_user.pk, None)
    assert Participation.objects.get(activity=round_2024).status == ParticipationStatus.REGISTERED


def test_by_default_the_proposer_cannot_record_the_payment_either(approver_user, round_2024):
    proposer_and_treasurer = _user_with(roles.STAFF, roles.TREASURER, email="staf-bendahara@dinas.test")
    grant = _approve(_propose(proposer_and_treasurer, round_2024), approver_user)
    with pytest.raises(ValidationError) as exc:
        _disburse(grant, proposer_and_treasurer)
    assert exc.value.messages == [PROPOSER_PAYS_MESSAGE]
    assert _state(grant) == (G.APPROVED, approver_user.pk, None)


def test_three_people_take_the_three_steps(staff_user, approver_user, treasurer_user, round_2024):
    grant = _disburse(_approve(_propose(staff_user, round_2024), approver_user), treasurer_user)
    assert _state(grant) == (G.DISBURSED, approver_user.pk, treasurer_user.pk)


# --- Each role against each step's page -----------------------------------------------------------

# Who may take each step by role; a refused role gets 403 and nothing changes.
MAY = {
    "grant-approve": {"approver_client", "admin_client"},
    "grant-disburse": {"treasurer_client", "admin_client"},
}
ROLE_CLIENTS = [
    "staff_client",
    "approver_client",
    "treasurer_client",
    "admin_client",
    "viewer_client",
    "owner_client",
]


@pytest.mark.parametrize("persona", ROLE_CLIENTS)
@pytest.mark.parametrize("name", ["grant-approve", "grant-disburse"])
def test_each_role_may_take_only_its_own_step_on_the_page(request, round_2024, name, persona):
    proposer = UserFactory(role=roles.STAFF, email="pengusul@dinas.test")
    approver = UserFactory(role=roles.APPROVER, email="kabid-lain@dinas.test")
    grant = _propose(proposer, round_2024)
    if name == "grant-disburse":
        grant = _approve(grant, approver)
    before = _state(grant)
    client = request.getfixturevalue(persona)

    response = client.post(
        reverse(f"coaching:{name}", kwargs={"pk": grant.pk}),
        {"disbursed_on": round_2024.start_date.isoformat()},
    )

    if persona in MAY[name]:
        assert response.status_code == 302
        assert _state(grant)[0] == (G.APPROVED if name == "grant-approve" else G.DISBURSED)
    else:
        assert response.status_code == 403
        assert _state(grant) == before


def test_the_grant_page_offers_the_approval_to_the_kepala_bidang_only(
    staff_client, staff_user, approver_client, treasurer_client, round_2024
):
    grant = _propose(staff_user, round_2024)
    url = reverse("coaching:grant-detail", kwargs={"pk": grant.pk})
    approve_url = reverse("coaching:grant-approve", kwargs={"pk": grant.pk})

    assert approve_url in approver_client.get(url).content.decode()
    for client in (staff_client, treasurer_client):
        html = client.get(url).content.decode()
        assert approve_url not in html
        assert "Menunggu persetujuan Kepala Bidang atau Admin Dinas." in html


def test_the_grant_page_tells_the_proposer_with_approval_rights_why_the_button_is_not_theirs(round_2024):
    both = _user_with(roles.STAFF, roles.APPROVER, email="staf-kabid@dinas.test")
    grant = _propose(both, round_2024)
    client = _client(both)
    html = client.get(reverse("coaching:grant-detail", kwargs={"pk": grant.pk})).content.decode()
    assert PROPOSER_MESSAGE in html
    assert reverse("coaching:grant-approve", kwargs={"pk": grant.pk}) not in html


def test_the_grant_page_tells_the_approver_with_payment_rights_why_the_payment_is_not_theirs(
    admin_client, admin_user, staff_user, treasurer_client, round_2024
):
    grant = _approve(_propose(staff_user, round_2024), admin_user)
    url = reverse("coaching:grant-detail", kwargs={"pk": grant.pk})
    disburse_url = reverse("coaching:grant-disburse", kwargs={"pk": grant.pk})
    html = admin_client.get(url).content.decode()
    assert APPROVER_MESSAGE in html and disburse_url not in html
    assert disburse_url in treasurer_client.get(url).content.decode()


# --- Who and when, on the record and in the history -------------------------------------------------


def test_each_step_keeps_its_person_and_time_on_the_record_in_the_history_and_on_the_page(
    staff_client, staff_user, approver_user, treasurer_user, round_2024
):
    grant = _disburse(_approve(_propose(staff_user, round_2024), approver_user), treasurer_user)
    grant.refresh_from_db()

    assert (grant.created_by, grant.approved_by, grant.disbursed_by) == (
        staff_user,
        approver_user,
        treasurer_user,
    )
    assert grant.created_at is not None
    assert grant.approved_on == grant.disbursed_on == round_2024.start_date

    steps = list(grant.history.order_by("history_date", "history_id").values_list("status", "history_user"))
    assert steps == [
        (G.PROPOSED, staff_user.pk),
        (G.APPROVED, approver_user.pk),
        (G.DISBURSED, treasurer_user.pk),
    ]
    paid = grant.history.order_by("-history_date", "-history_id")[0]
    assert (paid.approved_by_id, paid.disbursed_by_id) == (approver_user.pk, treasurer_user.pk)

    html = staff_client.get(reverse("coaching:grant-detail", kwargs={"pk": grant.pk})).content.decode()
    for person in (staff_user, approver_user, treasurer_user):
        assert str(person) in html
    assert "14 Mei 2024 · " + str(treasurer_user) in html


# --- Admin Dinas chooses how strict ---------------------------------------------------------------


def test_admin_dinas_switches_to_two_people_in_the_admin_and_the_proposer_may_then_pay(
    admin_client, admin_user, approver_user, round_2024
):
    proposer_and_treasurer = _user_with(roles.STAFF, roles.TREASURER, email="staf-bendahara@dinas.test")
    grant = _approve(_propose(proposer_and_treasurer, round_2024), approver_user)
    assert DutySeparation.current().mode == DutySeparation.Mode.STRICT

    response = admin_client.post(reverse("admin:funding_dutyseparation_add"), {"mode": "dua-orang"})

    assert response.status_code == 302
    setting = DutySeparation.objects.get()
    assert setting.mode == DutySeparation.Mode.TWO_PEOPLE
    assert setting.history.get().history_user == admin_user
    _disburse(grant, proposer_and_treasurer)
    assert _state(grant) == (G.DISBURSED, approver_user.pk, proposer_and_treasurer.pk)


def test_with_two_people_the_approver_still_never_pays_nor_approves_their_own_proposal(round_2024):
    _set_mode(DutySeparation.Mode.TWO_PEOPLE)
    both = _user_with(roles.STAFF, roles.APPROVER, roles.TREASURER, email="semua@dinas.test")
    other = UserFactory(role=roles.APPROVER, email="kabid-lain@dinas.test")

    own = _propose(both, round_2024)
    with pytest.raises(ValidationError, match="persetujuan oleh orang lain"):
        _approve(own, both)

    approved_by_both = _approve(_propose(other, round_2024), both)
    with pytest.raises(ValidationError) as exc:
        _disburse(approved_by_both, both)
    assert exc.value.messages == [APPROVER_MESSAGE]
    assert _state(approved_by_both)[0] == G.APPROVED


def test_staff_cannot_change_the_setting(staff_client):
    response = staff_client.post(reverse("admin:funding_dutyseparation_add"), {"mode": "dua-orang"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not DutySeparation.objects.exists()


# --- The import is no way around it ----------------------------------------------------------------

HEADER = [
    "NIB",
    "Putaran Penyaluran",
    "Tanggal",
    "Nilai (Rp)",
    "Status",
    "Tanggal Disetujui",
    "Tanggal Disalurkan",
]


def _import(by, row):
    return imports.run_file(kind="bantuan", file_name="bantuan.csv", data=csv_bytes([HEADER, row]), by=by)


def test_staff_cannot_approve_or_pay_through_a_file_and_nothing_is_kept(staff_user, round_2024):
    business = BusinessFactory(nib="9123456789012", registered_on=REGISTERED)
    start = round_2024.start_date.isoformat()
    paid = _import(staff_user, [business.nib, round_2024.title, start, "5000000", "Disalurkan", start, start])
    approved = _import(staff_user, [business.nib, round_2024.title, start, "5000000", "Disetujui", start, ""])

    assert paid.status == approved.status == ImportRun.Status.REFUSED
    assert "Kepala Bidang" in " ".join(message for _row, _col, message in approved.errors)
    assert "Kepala Bidang" in " ".join(message for _row, _col, message in paid.errors)
    assert not CapitalAssistance.objects.exists()
    # A plain proposal is still staff's to import.
    proposed = _import(staff_user, [business.nib, round_2024.title, start, "5000000", "", "", ""])
    assert proposed.status == ImportRun.Status.DONE, proposed.errors
    assert CapitalAssistance.objects.get().status == G.PROPOSED


# --- Where the new roles work ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"), [("approver_client", "diusulkan"), ("treasurer_client", "disetujui")]
)
def test_the_kepala_bidang_and_the_bendahara_land_on_the_grants_waiting_for_their_step(
    persona, status, request
):
    client = request.getfixturevalue(persona)
    response = client.get(reverse("front:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("coaching:grant-list") + f"?status={status}"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'href="{}"'.format(reverse("coaching:grant-list")) in page.content.decode()


def test_changing_the_amount_of_an_approved_grant_sends_it_back_to_be_approved(round_2024, staff_user):
    approver = UserFactory(role=roles.APPROVER, email="kabid2@dinas.test")
    grant = _approve(_propose(staff_user, round_2024), approver)
    response = _client(staff_user).post(
        reverse("coaching:grant-edit", args=[grant.pk]),
        {
            "budget_line": "",
            "date": grant.date.isoformat(),
            "form": grant.form,
            "amount": "7.500.000",
            "description": grant.description,
        },
        follow=True,
    )
    assert "kembali diusulkan dan perlu disetujui lagi" in response.content.decode()
    grant.refresh_from_db()
    assert (grant.status, grant.amount, grant.approved_by_id, grant.approved_on) == (
        G.PROPOSED,
        7_500_000,
        None,
        None,
    )


def test_an_approved_grant_edited_without_touching_the_amount_stays_approved(round_2024, staff_user):
    approver = UserFactory(role=roles.APPROVER, email="kabid3@dinas.test")
    grant = _approve(_propose(staff_user, round_2024), approver)
    grants.grant_update(grant=grant, by=staff_user, description="Etalase dan rak")
    grant.refresh_from_db()
    assert (grant.status, grant.approved_by_id) == (G.APPROVED, approver.pk)


def test_the_grant_export_carries_the_approval_date(round_2024, staff_user, admin_client):
    approver = UserFactory(role=roles.APPROVER, email="kabid4@dinas.test")
    grant = _approve(_propose(staff_user, round_2024), approver)
    response = admin_client.get(reverse("coaching:grant-export", args=["csv"]))
    text = b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
    header, *rows = text.splitlines()
    assert "Tanggal Disetujui" in header
    column = header.split(",").index("Tanggal Disetujui")
    assert rows[0].split(",")[column] == grant.approved_on.isoformat()
