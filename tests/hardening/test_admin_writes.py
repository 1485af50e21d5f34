"""Every write goes through the services, the admin included (issue 17).

Each test posts an admin change form as Admin Dinas, then checks that the figures the dashboard
serves equal both a fresh count and the plain-SQL recount, and that the status rules, required
reasons and timelines held.
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from pembinaan.accounts import roles
from pembinaan.coaching.admin import CapitalAssistanceAdmin
from pembinaan.coaching.models import Activity, ParticipationStatus
from pembinaan.funding.models import BudgetLine, CapitalAssistance
from pembinaan.ownerspace.models import BusinessProfile
from pembinaan.progress import independent_check
from pembinaan.progress.models import Target
from pembinaan.progress.selectors import check_aggregates, dashboard
from pembinaan.progress.services import rebuild
from pembinaan.reference.models import Kecamatan, Kelurahan
from pembinaan.registry.models import BusinessStatus, DuplicatePair, StatusChange
from tests.coaching.factories import ActivityFactory, ParticipationFactory
from tests.factories import BusinessFactory, ClaimRequestFactory, UserFactory, make_nik
from tests.funding.factories import CapitalAssistanceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_dinas(client):
    user = UserFactory(role=roles.ADMIN, email="kepala@dinas.test", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


@pytest.fixture
def target():
    return Target.primary()


@pytest.fixture
def attended():
    """A coached business (rule 6) with its attendance; the aggregates built over it."""
    participation = ParticipationFactory(activity=ActivityFactory(), status=ParticipationStatus.ATTENDED)
    rebuild(Target.primary())
    return participation


def _agree(target) -> None:
    assert check_aggregates(target) == []
    assert independent_check.check(target) == []


def _url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def _value(bound):
    value = bound.value()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return value


def _post(client, url, **changes):
    """Post the admin form as shown, with `changes`: what a person editing one field sends."""
    page = client.get(url)
    assert page.status_code == 200
    data = {}
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        forms.append(formset.management_form)
        forms.extend(formset.forms)
    for form in forms:
        for name in form.fields:
            value = _value(form[name])
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    data.update(changes)
    return client.post(url, data)


def _errors(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]


def test_marking_a_participant_absent_in_the_admin_moves_the_served_figures(
    client, admin_dinas, target, attended
):
    assert dashboard(target)["coached_total"] == 1

    response = _post(client, _url(attended), status=ParticipationStatus.ABSENT)

    assert response.status_code == 302, _errors(response)
    attended.refresh_from_db()
    assert attended.status == ParticipationStatus.ABSENT
    assert attended.attendance_marked_by == admin_dinas  # recorded as the staff screen records it
    assert dashboard(target)["coached_total"] == 0
    _agree(target)


def test_cancelling_an_activity_in_the_admin_needs_its_reason_and_moves_the_figures(
    client, admin_dinas, target, attended
):
    activity = attended.activity

    refused = _post(client, _url(activity), status=Activity.Status.CANCELLED, cancel_reason="")
    assert _errors(refused)
    activity.refresh_from_db()
    assert activity.status == Activity.Status.DONE

    response = _post(
        client, _url(activity), status=Activity.Status.CANCELLED, cancel_reason="Narasumber batal"
    )
    assert response.status_code == 302, _errors(response)
    activity.refresh_from_db()
    assert (activity.status, activity.cancel_reason) == (Activity.Status.CANCELLED, "Narasumber batal")
    assert dashboard(target)["coached_total"] == 0  # rule 6d
    _agree(target)


def test_business_status_in_the_admin_follows_rule_1_with_reason_and_timeline(client, admin_dinas, target):
    participation = ParticipationFactory(
        activity=ActivityFactory(), business=BusinessFactory(status=BusinessStatus.SUBMITTED), status="hadir"
    )
    rebuild(target)
    business = participation.business

    refused = _post(client, _url(business), status=BusinessStatus.REJECTED, status_change_reason="")
    assert _errors(refused)  # rule 1c: rejecting needs a reason
    business.refresh_from_db()
    assert business.status == BusinessStatus.SUBMITTED

    verified = _post(client, _url(business), status=BusinessStatus.VERIFIED)
    assert verified.status_code == 302, _errors(verified)
    assert dashboard(target)["coached_total"] == 1
    _agree(target)

    skipped = _post(client, _url(business), status=BusinessStatus.REJECTED, status_change_reason="Data palsu")
    assert _errors(skipped)  # rule 1a: verified → rejected is not a move

    closed = _post(client, _url(business), status=BusinessStatus.INACTIVE, status_change_reason="Tutup usaha")
    assert closed.status_code == 302, _errors(closed)
    timeline = list(
        StatusChange.objects.filter(business=business).order_by("pk").values_list("to_status", "reason")
    )
    assert timeline[-2:] == [(BusinessStatus.VERIFIED, ""), (BusinessStatus.INACTIVE, "Tutup usaha")]
    assert StatusChange.objects.filter(business=business).last().changed_by == admin_dinas
    _agree(target)


def test_rejecting_a_submitted_business_in_the_admin_keeps_the_reason_for_the_owner(
    client, admin_dinas, target
):
    business = BusinessFactory(status=BusinessStatus.SUBMITTED)

    response = _post(
        client, _url(business), status=BusinessStatus.REJECTED, status_change_reason="NIB tidak cocok"
    )

    assert response.status_code == 302, _errors(response)
    business.refresh_from_db()
    assert (business.status, business.status_reason) == (BusinessStatus.REJECTED, "NIB tidak cocok")
    assert StatusChange.objects.filter(
        business=business, to_status="ditolak", reason="NIB tidak cocok"
    ).exists()
    _agree(target)


def test_moving_a_business_to_a_kelurahan_of_another_kecamatan_moves_its_kecamatan_figure(
    client, admin_dinas, target, attended
):
    business = attended.business
    elsewhere = Kelurahan.objects.exclude(kecamatan=business.kelurahan.kecamatan_id).order_by("code").first()

    response = _post(client, _url(business), kelurahan=elsewhere.code)

    assert response.status_code == 302, _errors(response)
    per_kecamatan = {r["code"]: r["coached"] for r in dashboard(target)["by_kecamatan"]}
    assert per_kecamatan[elsewhere.kecamatan_id] == 1
    _agree(target)


def test_an_owners_nik_changed_in_the_admin_gives_the_gender_figure(client, admin_dinas, target, attended):
    owner = attended.business.owner
    response = _post(client, _url(owner), nik=make_nik(female=True))

    assert response.status_code == 302, _errors(response)
    owner.refresh_from_db()
    assert owner.gender == "P"  # rule 3b, from the NIK by the service
    assert {r["code"]: r["coached"] for r in dashboard(target)["by_gender"]}["P"] == 1
    _agree(target)


def test_a_budget_line_changed_in_the_admin_keeps_the_money_figures_true(
    client, admin_dinas, target, attended
):
    line = attended.activity.budget_line
    assert line.needs_review  # the placeholder the activity was charged to

    response = _post(client, _url(line), amount="250000000")
    assert response.status_code == 302, _errors(response)
    line.refresh_from_db()
    assert (line.amount, line.needs_review) == (250_000_000, False)

    refused = _post(client, _url(line), amount="0")
    assert refused.status_code == 200 or _errors(refused)  # rule 9a: more than zero
    line.refresh_from_db()
    assert line.amount == 250_000_000
    source = next(r for r in dashboard(target)["by_funding_source"] if r["code"] == line.source.code)
    assert source["budget"] == 250_000_000
    _agree(target)


def test_an_activity_cost_changed_in_the_admin_moves_realisasi(client, admin_dinas, target, attended):
    activity = attended.activity

    response = _post(client, _url(activity), actual_cost="12000000")

    assert response.status_code == 302, _errors(response)
    source = next(
        r for r in dashboard(target)["by_funding_source"] if r["code"] == activity.funding_source.code
    )
    assert source["realized"] == 12_000_000
    _agree(target)


def test_grant_status_is_not_typed_in_the_admin(client, admin_dinas):
    assert "status" in CapitalAssistanceAdmin.readonly_fields
    assert "approved_on" in CapitalAssistanceAdmin.readonly_fields


def test_moving_a_kelurahan_to_another_kecamatan_in_the_admin_moves_the_figures(
    client, admin_dinas, target, attended
):
    kelurahan = attended.business.kelurahan
    other = Kecamatan.objects.exclude(code=kelurahan.kecamatan_id).order_by("code").first()

    response = _post(client, _url(kelurahan), kecamatan=other.code)

    assert response.status_code == 302, _errors(response)
    per_kecamatan = {r["code"]: r["coached"] for r in dashboard(target)["by_kecamatan"]}
    assert per_kecamatan[other.code] == 1
    assert per_kecamatan[kelurahan.kecamatan_id] == 0
    _agree(target)


def test_renaming_a_kecamatan_in_the_admin_is_served_at_once(client, admin_dinas, target, attended):
    kecamatan = attended.business.kelurahan.kecamatan
    dashboard(target)  # cached pages and money keyed on the version that the rename moves

    response = _post(client, _url(kecamatan), name="Banjarmasin Tengah Baru")

    assert response.status_code == 302, _errors(response)
    api = client.get(reverse("progress:api-progress"))
    names = {r["code"]: r["name"] for r in api.json()["by_kecamatan"]}
    assert names[kecamatan.code] == "Banjarmasin Tengah Baru"
    _agree(target)


def test_old_versions_are_not_reverted_past_the_services(client, admin_dinas, attended):
    business = attended.business
    version = business.history.first()
    url = reverse("admin:registry_business_simple_history", args=[business.pk, version.history_id])

    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "Lama"})

    assert response.status_code == 302
    business.refresh_from_db()
    assert business.name != "Lama"


def test_budget_line_deletion_and_grant_creation_are_not_offered(client, admin_dinas, attended):
    line = attended.activity.budget_line
    assert client.get(reverse("admin:funding_budgetline_delete", args=[line.pk])).status_code == 403
    assert client.get(reverse("admin:funding_capitalassistance_add")).status_code == 403
    assert BudgetLine.objects.filter(pk=line.pk).exists()


def test_a_disbursed_grant_changed_in_the_admin_needs_a_reason_and_keeps_realisasi_true(
    client, admin_dinas, target
):
    grant = CapitalAssistanceFactory(status=CapitalAssistance.Status.DISBURSED)
    rebuild(target)
    _agree(target)

    refused = _post(client, _url(grant), amount="7500000")
    assert _errors(refused)  # a disbursed grant changes only with a reason the history keeps
    grant.refresh_from_db()
    assert grant.amount == 5_000_000

    response = _post(client, _url(grant), amount="7500000", change_reason_input="Salah ketik di berita acara")
    assert response.status_code == 302, _errors(response)
    grant.refresh_from_db()
    assert (grant.amount, grant.change_reason) == (7_500_000, "Salah ketik di berita acara")
    assert grant.history.first().history_user == admin_dinas
    _agree(target)  # realisasi of its source and year, as served and as recounted


def test_a_duplicate_pair_is_dismissed_in_the_admin_through_the_service(client, admin_dinas):
    a, b = BusinessFactory(), BusinessFactory()
    pair = DuplicatePair.objects.create(business_a=a, business_b=b, same_name=True)

    response = _post(client, _url(pair), status=DuplicatePair.Status.DISMISSED)

    assert response.status_code == 302, _errors(response)
    pair.refresh_from_db()
    assert (pair.status, pair.resolved_by) == (DuplicatePair.Status.DISMISSED, admin_dinas)
    assert pair.resolved_at is not None


def test_claims_are_decided_on_the_staff_screen_not_in_the_admin(client, admin_dinas):
    claim = ClaimRequestFactory()

    response = client.post(_url(claim), {"status": "disetujui"})

    assert response.status_code == 403


def test_a_public_profile_in_the_admin_follows_the_owners_rules(client, admin_dinas):
    profile = BusinessProfile.objects.create(business=BusinessFactory(status=BusinessStatus.SUBMITTED))

    refused = _post(client, _url(profile), is_public="on")

    assert _errors(refused)  # only a verified business is shown to the public
    profile.refresh_from_db()
    assert not profile.is_public
