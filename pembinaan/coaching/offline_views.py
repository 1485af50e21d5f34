"""The offline attendance screen (issue 20): an installable page, its service worker and its JSON.

Mounted from coaching/urls.py under `luring/`. The page itself holds no personal data (the device
fetches the list as JSON and keeps it in IndexedDB), so the service worker may keep it for offline use.
"""

from __future__ import annotations

import hashlib
import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from pembinaan.accounts.access import require
from pembinaan.coaching import offline
from pembinaan.coaching.access import get_activity_for_user

PERMISSION = "coaching.change_participation"
# What the page loads; the service worker keeps these for offline use.
ASSETS = (
    "vendor/bootstrap/bootstrap.min.css",
    "css/portal.css",
    "css/offline.css",
    "js/offline/identifiers.js",
    "js/offline/app.js",
    "img/favicon.svg",
)


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def _strings() -> dict[str, str]:
    """The page's words, for the script (which has no catalogue of its own)."""
    return {
        "online": _("Daring: perubahan dikirim ke server."),
        "offline": _("Luring: perubahan disimpan di perangkat ini dan dikirim saat daring."),
        "prepared": _("Daftar tersimpan di perangkat: %(time)s."),
        "not_prepared": _(
            "Daftar peserta kegiatan ini belum tersimpan di perangkat. Buka halaman ini saat daring lalu "
            "tekan Siapkan untuk luring."
        ),
        "no_activity": _("Buka halaman ini dari layar kehadiran sebuah kegiatan."),
        "preparing": _("Menyimpan daftar peserta…"),
        "prepare_failed": _("Daftar tidak dapat diambil: %(error)s"),
        "pending": _("belum terkirim"),
        "to_decide": _("perlu diputuskan"),
        "sending": _("Mengirim…"),
        "sent": _("%(n)s perubahan terkirim."),
        "nothing_to_send": _("Tidak ada yang perlu dikirim."),
        "send_failed": _(
            "Belum terkirim: server tidak dapat dihubungi. Perubahan tetap tersimpan di perangkat."
        ),
        "session_ended": _(
            "Sesi Anda berakhir. Masuk lagi, lalu buka halaman ini untuk mengirim; perubahan tetap tersimpan."
        ),
        "other_user": _("Data luring di perangkat ini milik akun lain dan sudah dihapus."),
        "cannot_mark": _("Kehadiran kegiatan ini belum dapat dicatat (belum dimulai atau dibatalkan)."),
        "group": _("Kehadiran %(name)s"),
        "new_walkin": _("Datang langsung: %(number)s"),
        "new_registration": _("Pendaftaran baru: %(name)s"),
        "walkin_added": _("Dicatat hadir; dikirim saat daring."),
        "no_match": _("Tidak ada peserta yang cocok."),
        "conflict_changed": _("Diubah orang lain"),
        "conflict_refused": _("Ditolak server"),
        "mine": _("Di perangkat: %(value)s"),
        "theirs": _("Di server: %(value)s"),
        "theirs_by": _("Di server: %(value)s (oleh %(by)s, %(at)s)"),
        "keep_mine": _("Pakai punya saya"),
        "take_theirs": _("Pakai dari server"),
        "retry": _("Kirim ulang"),
        "drop": _("Buang perubahan ini"),
        "nik_or_nib": _("Isi NIK (16 digit) atau NIB (13 digit)."),
        "required": _("Wajib diisi."),
        "logout_pending": _(
            "Masih ada %(n)s perubahan yang belum terkirim. Keluar akan menghapusnya dari perangkat ini. Tetap keluar?"
        ),
        "logout_offline": _("Keluar hanya dapat dilakukan saat daring."),
    }


@login_required
@require_safe
def offline_app(request: HttpRequest) -> HttpResponse:
    """The screen itself; which activity it shows comes from `?kegiatan=` and the device's store."""
    require(request.user, PERMISSION)
    return render(
        request,
        "coaching/offline/app.html",
        {
            "strings": _strings(),
            "urls": {
                "session": reverse("coaching:offline-session"),
                "data": reverse("coaching:offline-data", args=[0]),
                "sync": reverse("coaching:offline-sync", args=[0]),
                "worker": reverse("coaching:offline-worker"),
                "logout": reverse("accounts:logout"),
            },
            "nik_messages": _nik_messages(),
        },
    )


def _nik_messages() -> dict[str, str]:
    """The server's own messages (same msgids as lib/identifiers.py) for the checks the device repeats."""
    return {
        "required": _("NIK wajib diisi."),
        "excel_number": _(
            "%(label)s tampaknya telah diubah Excel menjadi angka (misalnya 6.371E+15 atau "
            "diakhiri .0), sehingga digitnya tidak bisa dipastikan. Format kolom sebagai Teks "
            "lalu ketik ulang nilainya."
        ),
        "nik_digits": _("NIK hanya boleh berisi angka."),
        "nik_length": _("NIK harus 16 digit (yang diisi %(count)d digit)."),
        "nik_province": _(
            "Dua angka pertama NIK (%(code)s) bukan kode provinsi mana pun. Periksa lagi NIK di KTP Anda."
        ),
        "nik_region": _(
            "Angka ke-3 sampai ke-6 NIK (kode kota dan kecamatan) tidak boleh berisi 00. "
            "Periksa lagi NIK di KTP Anda."
        ),
        "nik_birth_date": _(
            "Tanggal lahir di NIK (digit 7–12: %(part)s) tidak masuk akal. Periksa lagi NIK di "
            "KTP Anda: enam angka itu adalah tanggal, bulan dan tahun lahir; untuk perempuan "
            "tanggalnya ditambah 40 (lahir tanggal 5 ditulis 45)."
        ),
        "nik_serial": _("Empat angka terakhir NIK tidak boleh 0000. Periksa lagi NIK di KTP Anda."),
        "digits": _("%(label)s hanya boleh berisi angka."),
        "nib_length": _("NIB harus 13 digit (yang diisi %(count)d digit)."),
    }


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from `luring/` so that its scope is the offline screen; it holds no personal data."""
    assets = [static(path) for path in ASSETS]
    shell = reverse("coaching:offline-app")
    version = hashlib.sha256(json.dumps([shell, *assets]).encode()).hexdigest()[:12]
    response = render(
        request,
        "coaching/offline/sw.js",
        {"shell": shell, "assets_json": json.dumps(assets), "version": version},
        content_type="application/javascript; charset=utf-8",
    )
    return _no_store(response)


@require_safe
def manifest(request: HttpRequest) -> JsonResponse:
    shell = reverse("coaching:offline-app")
    return JsonResponse(
        {
            "name": _("Kehadiran Luring — Portal UMKM"),
            "short_name": _("Kehadiran"),
            "start_url": shell,
            "scope": shell,
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#0b5563",
            "lang": request.LANGUAGE_CODE,
            "icons": [{"src": static("img/favicon.svg"), "sizes": "any", "type": "image/svg+xml"}],
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


@require_safe
def session(request: HttpRequest) -> JsonResponse:
    """Who is signed in on this device, and a fresh CSRF token for the next send."""
    user = request.user
    return _no_store(
        JsonResponse(
            {
                "user": user.pk if user.is_authenticated else None,
                "may_mark": user.is_authenticated and user.has_perm(PERMISSION),
                "csrf": get_token(request),
            }
        )
    )


@login_required
@require_safe
def activity_data(request: HttpRequest, pk: int) -> JsonResponse:
    activity = get_activity_for_user(request.user, pk, permission=PERMISSION)
    package = offline.activity_package(activity)
    package["user"] = request.user.pk
    return _no_store(JsonResponse(package, json_dumps_params={"ensure_ascii": False}))


def _error(message: str, status: int = 400) -> JsonResponse:
    return _no_store(JsonResponse({"error": message}, status=status))


@login_required
@require_POST
def activity_sync(request: HttpRequest, pk: int) -> JsonResponse:
    """Apply the device's queued changes in order; each answers ok or conflict (never lost)."""
    activity = get_activity_for_user(request.user, pk, permission=PERMISSION)
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return _error(_("Data yang dikirim tidak terbaca (bukan JSON)."))
    changes = body.get("changes") if isinstance(body, dict) else None
    if not isinstance(changes, list):
        return _error(_("Data yang dikirim tidak berisi daftar perubahan."))
    if len(changes) > offline.MAX_CHANGES:
        return _error(
            _("Terlalu banyak perubahan sekaligus (paling banyak %(n)s); kirim bertahap.")
            % {"n": offline.MAX_CHANGES}
        )
    results = offline.changes_apply(activity=activity, changes=changes, by=request.user)
    return _no_store(JsonResponse({"results": results}, json_dumps_params={"ensure_ascii": False}))
