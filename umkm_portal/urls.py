from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from pembinaan.accounts.login_limit import limit_login_posts

admin.site.site_header = _("Administrasi Portal Pembinaan UMKM")
admin.site.site_title = _("Portal UMKM")
admin.site.index_title = _("Data dan akun")

urlpatterns = [
    # The admin's login counts against the same per-IP login limit as the portal's (issue 15).
    path("admin/login/", limit_login_posts(admin.site.login)),
    path("admin/", admin.site.urls),
    path("", include("pembinaan.ops.urls")),
    path("akun/", include("pembinaan.accounts.urls")),
    path("registri/", include("pembinaan.registry.urls")),
    path("", include("pembinaan.coaching.urls")),  # /pembinaan/… and /pendanaan/bantuan/…
    path("pendanaan/", include("pembinaan.funding.urls")),
    path("daftar/", include("pembinaan.enrolment.urls")),
    path("notifikasi/", include("pembinaan.notifications.urls")),
    path("", include("pembinaan.ownerspace.urls")),
    path("", include("pembinaan.privacy.urls")),
    path("impor/", include("pembinaan.imports.urls")),
    path("pekerjaan/", include("pembinaan.jobs.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("pembinaan.progress.urls")),
    path("", include("pembinaan.front.urls")),
]

handler403 = "pembinaan.front.views.permission_denied"
handler404 = "pembinaan.front.views.page_not_found"
handler500 = "pembinaan.front.views.server_error"
