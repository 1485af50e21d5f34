"""The staff home (/beranda/): what waits for the signed-in staff member, and the menu's badges."""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from pembinaan.enrolment.models import ClaimRequest
from pembinaan.front.selectors import worklist_for
from pembinaan.notifications.models import OutboxMessage
from pembinaan.ownerspace.models import ChangeRequest
from pembinaan.privacy.models import DataRequest
from pembinaan.registry.models import BusinessSource, BusinessStatus
from tests.factories import BusinessFactory, OwnerFactory, UserFactory, roles
from tests.jobs.factories import JobFactory

pytestmark = pytest.mark.django_db


def _waiting_work(n: int = 1, *, job_owner=None) -> None:
    """`n` items in each list the staff home counts (and some that must not be counted)."""
    for i in range(n):
        BusinessFactory(status=BusinessStatus.SUBMITTED, source=BusinessSource.SELF)
        owner = OwnerFactory()
        ClaimRequest.objects.create(
            user=UserFactory(role=roles.OWNER),
            owner=owner,
            matched_by="nik",
            consent_version="x",
            consent_at=timezone.now(),
        )
        ChangeRequest.objects.create(business=BusinessFactory(owner=owner), changes={"name": f"Baru {i}"})
        DataRequest.objects.create(owner=owner, owner_label=f"Pemilik #{i}", kind=DataRequest.Kind.DELETION)
        OutboxMessage.objects.create(recipient="a@b.test", subject="s", body="b", status="gagal", attempts=6)
        JobFactory(failed=True, created_by=job_owner)
    # Not waiting: decided, sent, verified, or failed too long ago.
    BusinessFactory(status=BusinessStatus.VERIFIED)
    OutboxMessage.objects.create(recipient="c@d.test", subject="s", body="b", status="terkirim", attempts=1)
    JobFactory(failed=True, created_by=job_owner, finished_at=timezone.now() - datetime.timedelta(days=8))


def _count_on_home(html: str, url: str) -> int | None:
    """The figure on the home's card that links to `url` (None when there is no such card)."""
    match = re.search(
        rf'href="{re.escape(url)}">\s*<span class="card-body[^>]*>\s*<span[^>]*>(\d+)</span>', html
    )
    return int(match.group(1)) if match else None


def test_staff_land_on_their_worklist_after_logging_in(anon_client, staff_user):
    response = anon_client.post(
        reverse("accounts:login"), {"username": staff_user.email, "password": "rahasia-uji-123"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("front:home")
    assert "Yang menunggu Anda" in response.content.decode()


def test_the_home_counts_each_list_and_links_to_it(staff_client, staff_user):
    _waiting_work(2, job_owner=staff_user)
    JobFactory(failed=True)  # someone else's failure is not this staff member's to see
    html = staff_client.get(reverse("front:home")).content.decode()
    assert _count_on_home(html, reverse("enrolment:queue")) == 2
    assert _count_on_home(html, reverse("enrolment:claim-list")) == 2
    assert _count_on_home(html, reverse("ownerspace:change-request-list")) == 2
    assert _count_on_home(html, reverse("privacy:request-list")) == 2
    assert _count_on_home(html, reverse("notifications:failed-list")) == 2
    assert _count_on_home(html, reverse("jobs:job-list")) == 2
    assert _count_on_home(html, reverse("jobs:queue")) is None, "the jobs queue is Admin Dinas's"
    assert "Pekerjaan Anda yang gagal (7 hari)" in html


def test_admin_dinas_count_every_failed_job_and_reach_the_jobs_queue(admin_client, staff_user, admin_user):
    _waiting_work(1, job_owner=staff_user)
    JobFactory(failed=True, created_by=admin_user)
    html = admin_client.get(reverse("front:home")).content.decode()
    assert _count_on_home(html, reverse("jobs:queue")) == 2
    assert _count_on_home(html, reverse("enrolment:queue")) == 1


def test_an_empty_list_still_shows_with_nothing_waiting(staff_client):
    html = staff_client.get(reverse("front:home")).content.decode()
    assert _count_on_home(html, reverse("enrolment:queue")) == 0
    assert "Tidak ada yang menunggu" in html


def test_a_list_the_user_may_not_open_is_neither_counted_nor_linked(staff_user, client):
    _waiting_work(1, job_owner=staff_user)
    # A staff account from which the privacy permission was taken away (but kept everything else).
    limited = UserFactory(role=roles.STAFF, email="staf-terbatas@dinas.test")
    group = limited.groups.get()
    group.permissions.remove(Permission.objects.get(codename="process_datarequest"))
    client.force_login(limited)
    html = client.get(reverse("front:home")).content.decode()
    assert _count_on_home(html, reverse("enrolment:queue")) == 1
    assert _count_on_home(html, reverse("privacy:request-list")) is None
    assert "Permintaan data pribadi" not in html
    assert reverse("privacy:request-list") not in html, "nor in the menu"


@pytest.mark.parametrize("persona", ["owner_client", "viewer_client"])
def test_owners_and_council_members_see_no_worklist_counts(persona, request, staff_user):
    _waiting_work(3, job_owner=staff_user)
    client = request.getfixturevalue(persona)
    html = client.get(reverse("front:home"), follow=True).content.decode()
    assert "Yang menunggu Anda" not in html and "Antrean kerja" not in html
    for url in (reverse("enrolment:queue"), reverse("privacy:request-list"), reverse("jobs:queue")):
        assert url not in html


def test_anonymous_visitors_are_sent_to_the_landing_page(anon_client):
    response = anon_client.get(reverse("front:home"))
    assert response.status_code == 302 and response.url == reverse("front:landing")


def test_the_menu_carries_the_same_counts_as_badges(staff_client, staff_user):
    _waiting_work(2, job_owner=staff_user)
    html = staff_client.get(reverse("registry:business-list")).content.decode()
    menu = html[html.index('id="nav-utama"') : html.index("</nav>")]
    # 2 each: registrations, claims, change requests, data requests, messages, own failed jobs.
    assert re.search(r'Antrean kerja <span class="badge[^"]*">12<', menu)
    verify = re.search(
        rf'href="{reverse("enrolment:queue")}"><span>Verifikasi</span><span class="badge[^"]*">2<', menu
    )
    assert verify
    assert "Masuk" not in menu


def test_no_logged_in_role_sees_the_login_link_in_the_menu(
    admin_client, staff_client, owner_client, viewer_client
):
    for client in (admin_client, staff_client, owner_client, viewer_client):
        html = client.get(reverse("ownerspace:directory")).content.decode()
        menu = html[html.index('id="nav-utama"') : html.index("</nav>")]
        assert reverse("accounts:login") not in menu and ">Masuk<" not in menu


def test_the_worklist_is_read_in_one_query_however_much_waits(staff_user, django_assert_max_num_queries):
    staff_user.get_all_permissions()  # the permission cache, which every page loads anyway
    _ = staff_user.role_names
    with django_assert_max_num_queries(1):
        worklist_for(staff_user)
    _waiting_work(15, job_owner=staff_user)
    with django_assert_max_num_queries(1):
        work = worklist_for(staff_user)
    assert work.total == 15 * 6


@pytest.mark.parametrize("persona", ["staff_client", "admin_client"])
def test_the_home_and_the_menu_cost_a_bounded_number_of_queries(
    persona, request, staff_user, django_assert_max_num_queries
):
    client = request.getfixturevalue(persona)
    _waiting_work(1, job_owner=staff_user)
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("front:home"))
    _waiting_work(20, job_owner=staff_user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("front:home"))
    counts = [q["sql"] for q in few.captured_queries if 'AS "failed_jobs"' in q["sql"]]
    assert len(counts) == 1, "home and menu share one read of the counts"


def test_pages_of_other_roles_read_no_counts(owner_client, viewer_client, django_assert_max_num_queries):
    for client in (owner_client, viewer_client):
        with django_assert_max_num_queries(20) as queries:
            client.get(reverse("ownerspace:directory"))
        # The worklist's one query names each count (`AS "failed_jobs"`): none of it for these roles.
        assert not any('AS "failed_jobs"' in q["sql"] for q in queries.captured_queries)
