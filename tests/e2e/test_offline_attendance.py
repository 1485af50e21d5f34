"""Issue 20: a field officer takes attendance on a phone in a kelurahan hall without a signal.

The officer prepares the activity while online, goes offline, marks twenty participants and two
walk-ins, reloads (everything is still there), comes back online and sends: the server has exactly
those twenty-two, the dashboard rose by as many, a second send sends nothing, and a change a
colleague made meanwhile comes back as a conflict the officer resolves on the phone.
"""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from pembinaan.accounts import roles
from pembinaan.coaching import services as coaching
from pembinaan.coaching.models import OfflineChange, Participation, ParticipationStatus
from pembinaan.registry.models import BusinessStatus
from tests.coaching.factories import ActivityFactory, ParticipationFactory
from tests.e2e.browser import PHONE, check, digits
from tests.e2e.test_phone_and_weight import _as_served_in_production
from tests.factories import BusinessFactory, OwnerFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HADIR = ParticipationStatus.ATTENDED
WEIGHT_LIMIT = 150 * 1024
DB_NAME = "portal-kehadiran-luring"


@pytest.fixture
def hall():
    """A workshop that has started, twenty registered businesses, and two that will walk in."""
    activity = ActivityFactory(title="Workshop Kemasan di Aula Kelurahan")
    registered = [
        ParticipationFactory(activity=activity, business=BusinessFactory(name=f"Usaha Peserta {i:02d}"))
        for i in range(20)
    ]
    by_nik = BusinessFactory(name="Usaha Datang NIK", owner=OwnerFactory(name="Pemilik Datang NIK"))
    by_nib = BusinessFactory(name="Usaha Datang NIB", nib="9120009876543")
    call_command("rebuild_progress", verbosity=0)
    return {"activity": activity, "registered": registered, "by_nik": by_nik, "by_nib": by_nib}


def _coached(page) -> int:
    page.goto("/dasbor/")
    return digits(page.locator("section[aria-label='Ringkasan'] .display-6").first.inner_text())


def _queued(page) -> int:
    return int(page.locator("#jumlah-antrean").inner_text())


def _item(page, name: str):
    return page.locator("#daftar-peserta li", has=page.locator(".nama", has_text=name))


def _wait_ready(page) -> None:
    page.wait_for_selector("body[data-siap='1']")


def test_an_officer_takes_attendance_offline_and_sends_it_once(browsing, hall):
    officer = UserFactory(role=roles.STAFF, email="pendamping@dinas.test", full_name="Budi Pendamping")
    colleague = UserFactory(role=roles.STAFF, email="rekan@dinas.test", full_name="Rina Kolega")
    activity = hall["activity"]
    page = browsing.page(viewport=PHONE)
    context = page.context
    browsing.login(page, officer.email)
    before = _coached(page)

    # Online: the attendance screen offers to prepare the activity for offline use.
    page.goto(f"/pembinaan/kegiatan/{activity.pk}/kehadiran/")
    page.get_by_role("link", name="Siapkan untuk luring").click()
    _wait_ready(page)
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    assert page.locator("#daftar-peserta li").count() == 20
    owner_nik = hall["registered"][0].business.owner.nik
    listed = page.locator("#daftar-peserta").inner_text()
    assert f"{owner_nik[:4]} **** **** {owner_nik[-4:]}" in listed and owner_nik not in listed
    check(page, "offline-01-prepared")
    # Reload once online so that the service worker controls the page before the signal goes.
    page.reload()
    _wait_ready(page)
    page.wait_for_function("() => !!navigator.serviceWorker.controller")

    # In the hall: no signal.
    context.set_offline(True)
    page.wait_for_function("() => !navigator.onLine")
    for participation in hall["registered"]:
        item = _item(page, participation.business.name)
        item.get_by_role("button", name="Hadir", exact=True).click()
        expect(item.get_by_role("button", name="Hadir", exact=True)).to_have_attribute("aria-pressed", "true")
    # Search the list.
    page.locator("#cari").fill("Peserta 07")
    expect(page.locator("#daftar-peserta li")).to_have_count(1)
    page.locator("#cari").fill("")
    # Two walk-ins: one by the owner's NIK, one by the business's NIB; a mistyped NIK is caught on the phone.
    page.locator("#walkin-nomor").fill("6371011506850000")
    page.get_by_role("button", name="Catat hadir", exact=True).click()
    expect(page.locator("#walkin-pesan")).to_contain_text("0000")
    page.locator("#walkin-nomor").fill(hall["by_nik"].owner.nik)
    page.get_by_role("button", name="Catat hadir", exact=True).click()
    page.locator("#walkin-nomor").fill("912-000-987-6543")
    page.get_by_role("button", name="Catat hadir", exact=True).click()
    expect(page.locator("#jumlah-antrean")).to_have_text("22")
    assert page.locator("#daftar-peserta li .belum-terkirim").count() == 22
    check(page, "offline-02-marked-offline")

    # Reload while offline: the screen comes from the service worker, the queue from IndexedDB.
    response = page.reload()
    assert response.from_service_worker
    _wait_ready(page)
    assert _queued(page) == 22
    assert page.locator("#daftar-peserta li").count() == 22
    first = _item(page, hall["registered"][0].business.name)
    expect(first.get_by_role("button", name="Hadir", exact=True)).to_have_attribute("aria-pressed", "true")
    assert Participation.objects.filter(activity=activity, status=HADIR).count() == 0

    # Meanwhile, at the office, a colleague marks the first participant absent.
    coaching.attendance_record(
        activity=activity, statuses={hall["registered"][0].pk: ParticipationStatus.ABSENT}, by=colleague
    )

    # Back online: the queue goes by itself; the colleague's change comes back as a conflict.
    page.problems.clear()  # requests the browser tried while offline are logged as errors
    context.set_offline(False)
    page.get_by_role("button", name="Kirim sekarang").click()
    page.wait_for_function("() => document.getElementById('jumlah-antrean').textContent === '0'")
    conflict = page.locator("#daftar-konflik li")
    conflict.first.wait_for()
    assert conflict.count() == 1
    text = conflict.inner_text()
    assert hall["registered"][0].business.name in text
    assert "Di perangkat: Hadir" in text
    assert re.search(r"Di server: Tidak hadir \(oleh Rina", text)
    assert Participation.objects.filter(activity=activity, status=HADIR).count() == 21
    check(page, "offline-03-conflict")

    # The officer saw the participant in the hall: keep mine.
    conflict.get_by_role("button", name="Pakai punya saya").click()
    page.wait_for_function("() => document.querySelectorAll('#daftar-konflik li').length === 0")
    page.wait_for_function("() => document.getElementById('jumlah-antrean').textContent === '0'")
    present = Participation.objects.filter(activity=activity, status=HADIR)
    assert present.count() == 22
    assert {hall["by_nik"].pk, hall["by_nib"].pk} <= set(present.values_list("business_id", flat=True))
    assert OfflineChange.objects.filter(activity=activity).count() == 23  # 22 + the resent one

    # A second send sends nothing.
    posts = []
    page.on("request", lambda request: request.method == "POST" and posts.append(request.url))
    page.get_by_role("button", name="Kirim sekarang").click()
    page.get_by_text("Tidak ada yang perlu dikirim.").wait_for()
    assert posts == []
    assert Participation.objects.filter(activity=activity, status=HADIR).count() == 22
    check(page, "offline-04-sent")

    assert _coached(page) - before == 22

    # Logging out wipes the device's copy.
    page.goto("/beranda/")
    page.locator(".navbar-toggler").click()
    # The folded menu slides open: its account button is clicked once the menu is fully open (a
    # click during the slide was lost once on a loaded CI machine, and the test waited in vain).
    expect(page.locator("#nav-utama")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    page.get_by_role("button", name="Budi").click()
    page.get_by_role("button", name="Keluar").click()
    page.wait_for_load_state()
    names = page.evaluate("() => indexedDB.databases().then((dbs) => dbs.map((d) => d.name))")
    assert DB_NAME not in names


def test_a_registration_offline_and_conflicts_taken_from_the_server_or_dropped(browsing):
    activity = ActivityFactory(title="Klinik Kemasan Keliling")
    first, second = (
        ParticipationFactory(activity=activity, business=BusinessFactory(name=name))
        for name in ("Usaha Pertama", "Usaha Kedua")
    )
    officer = UserFactory(role=roles.STAFF, email="pendamping@dinas.test", full_name="Budi Pendamping")
    colleague = UserFactory(role=roles.STAFF, email="rekan@dinas.test", full_name="Rina Kolega")
    page = browsing.page(viewport=PHONE)
    browsing.login(page, officer.email)
    page.goto(f"/pembinaan/luring/?kegiatan={activity.pk}")
    _wait_ready(page)
    expect(page.locator("#daftar-peserta li")).to_have_count(2)
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")

    page.context.set_offline(True)
    page.wait_for_function("() => !navigator.onLine")
    _item(page, "Usaha Pertama").get_by_role("button", name="Hadir", exact=True).click()
    _item(page, "Usaha Kedua").get_by_role("button", name="Tidak hadir", exact=True).click()
    # Someone not in the registry yet: entered as a submission, verified by staff later.
    page.get_by_text("Belum terdaftar di registri?").click()
    page.get_by_label("Nama pemilik", exact=True).fill("Hj. Mariana")
    page.get_by_label("NIK pemilik (opsional)").fill("6371010000000000")
    page.get_by_label("Nama usaha", exact=True).fill("Amplang Mariana")
    page.get_by_label("Kelurahan", exact=True).select_option(index=1)
    page.get_by_label("Kategori usaha (KBLI)").select_option("C")
    page.get_by_role("button", name="Daftarkan dan catat hadir").click()
    expect(page.locator("#daftar-nik-pesan")).to_contain_text("NIK")
    page.get_by_label("NIK pemilik (opsional)").fill("6371014403900007")
    page.get_by_role("button", name="Daftarkan dan catat hadir").click()
    # A walk-in whose NIK is well formed but not in the registry.
    page.locator("#walkin-nomor").fill("6371011203880009")
    page.get_by_role("button", name="Catat hadir", exact=True).click()
    expect(page.locator("#jumlah-antrean")).to_have_text("4")
    check(page, "offline-05-registration-offline")

    coaching.attendance_record(
        activity=activity, statuses={first.pk: ParticipationStatus.ABSENT}, by=colleague
    )
    page.problems.clear()
    page.context.set_offline(False)
    page.get_by_role("button", name="Kirim sekarang").click()
    expect(page.locator("#daftar-konflik li")).to_have_count(2)
    expect(page.locator("#jumlah-antrean")).to_have_text("0")
    check(page, "offline-06-two-conflicts")
    registered = Participation.objects.get(activity=activity, business__name="Amplang Mariana")
    assert registered.status == HADIR
    assert registered.business.status == BusinessStatus.SUBMITTED
    assert Participation.objects.get(pk=second.pk).status == ParticipationStatus.ABSENT

    # The colleague was right about the first one: take theirs.
    changed = page.locator("#daftar-konflik li", has_text="Usaha Pertama")
    expect(changed).to_contain_text("Di server: Tidak hadir (oleh Rina")
    changed.get_by_role("button", name="Pakai dari server").click()
    expect(
        _item(page, "Usaha Pertama").get_by_role("button", name="Tidak hadir", exact=True)
    ).to_have_attribute("aria-pressed", "true")
    # The walk-in nobody can find: dropped, knowingly.
    unknown = page.locator("#daftar-konflik li", has_text="6371 **** **** 0009")
    expect(unknown).to_contain_text("Tidak ditemukan di registri")
    unknown.get_by_role("button", name="Buang perubahan ini").click()
    expect(page.locator("#daftar-konflik li")).to_have_count(0)
    assert Participation.objects.get(pk=first.pk).status == ParticipationStatus.ABSENT

    # Signing out from the offline screen wipes the device's copy.
    page.get_by_role("button", name="Keluar").click()
    page.wait_for_url(lambda url: "/luring/" not in url)
    names = page.evaluate("() => indexedDB.databases().then((dbs) => dbs.map((d) => d.name))")
    assert DB_NAME not in names
    assert page.evaluate("() => caches.keys()") == []


def _offline_screen_weight(page, url: str) -> float:
    """What the phone downloads on first load: the page, its CSS and JS, its data, the worker and
    the manifest, each as served in production (static files brotli, the rest uncompressed)."""
    urls = []
    page.on("response", lambda response: response.status == 200 and urls.append(response.url))
    page.goto(url, wait_until="networkidle")
    page.wait_for_selector("body[data-siap='1']")
    origin = page.url.split("/pembinaan/")[0]
    urls += [origin + "/pembinaan/luring/sw.js", origin + "/pembinaan/luring/manifest.webmanifest"]
    total = 0
    print(f"\n{url} first load:")
    for address in dict.fromkeys(urls):
        # The bodies are fetched again, in the same session: Chromium may drop a page's response
        # bodies once the service worker takes over.
        response = page.request.get(address)
        size = _as_served_in_production(address, response.headers, response.body())
        print(
            f"  {size / 1024:6.1f} KB  (raw {len(response.body()) / 1024:6.1f} KB)  {address.split(origin)[1]}"
        )
        total += size
    print(f"  {total / 1024:.1f} KB in all")
    return total


def test_the_offline_screen_weighs_under_150_kb_on_first_load(browsing, hall):
    officer = UserFactory(role=roles.STAFF, email="pendamping@dinas.test")
    page = browsing.page(viewport=PHONE)
    browsing.login(page, officer.email)
    served = _offline_screen_weight(page, f"/pembinaan/luring/?kegiatan={hall['activity'].pk}")
    assert served < WEIGHT_LIMIT, f"the offline screen transfers {served / 1024:.1f} KB, the limit is 150 KB"
