from django.urls import path

from pembinaan.coaching import offline_views, views

app_name = "coaching"

# Mounted at the site root: activities live under /pembinaan/, grants under /pendanaan/bantuan/ (the
# paths they had when the funding app served them).
urlpatterns = [
    path("pembinaan/kegiatan/", views.activity_list, name="activity-list"),
    path("pembinaan/kegiatan/jadwal/", views.activity_calendar, name="activity-calendar"),
    path("pembinaan/kegiatan/tambah/", views.activity_create, name="activity-create"),
    path("pembinaan/kegiatan/<int:pk>/", views.activity_detail, name="activity-detail"),
    path("pembinaan/kegiatan/<int:pk>/ubah/", views.activity_edit, name="activity-edit"),
    path("pembinaan/kegiatan/<int:pk>/batalkan/", views.activity_cancel, name="activity-cancel"),
    path(
        "pembinaan/kegiatan/<int:pk>/peserta/ekspor.<slug:fmt>",
        views.participants_export,
        name="participants-export",
    ),
    path("pembinaan/kegiatan/<int:pk>/peserta/cari/", views.participant_search, name="participant-search"),
    path("pembinaan/kegiatan/<int:pk>/peserta/tambah/", views.participant_add, name="participant-add"),
    path(
        "pembinaan/kegiatan/<int:pk>/peserta/massal/",
        views.participants_bulk_add,
        name="participants-bulk-add",
    ),
    path("pembinaan/kegiatan/<int:pk>/peserta/pilih/", views.participants_pick, name="participants-pick"),
    path("pembinaan/kegiatan/<int:pk>/kehadiran/", views.attendance, name="attendance"),
    path(
        "pembinaan/kegiatan/<int:pk>/kehadiran/semua-hadir/",
        views.attendance_all_present,
        name="attendance-all-present",
    ),
    path(
        "pembinaan/kegiatan/<int:pk>/peserta/<int:participation_pk>/sertifikat/",
        views.certificate,
        name="certificate",
    ),
    path("pembinaan/kegiatan/<int:pk>/lampiran/", views.attachment_upload, name="attachment-upload"),
    path(
        "pembinaan/kegiatan/<int:pk>/lampiran/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment-download",
    ),
    path("pembinaan/usaha/<int:business_pk>/capaian/tambah/", views.outcome_create, name="outcome-create"),
    path("pembinaan/capaian/<int:pk>/bukti/", views.outcome_evidence, name="outcome-evidence"),
    path(
        "pembinaan/usaha/<int:business_pk>/data-tahunan/tambah/", views.figures_create, name="figures-create"
    ),
    path("pendanaan/bantuan/", views.grant_list, name="grant-list"),
    path("pendanaan/bantuan/ekspor.<slug:fmt>", views.grant_export, name="grant-export"),
    path("pendanaan/bantuan/usulkan/", views.grant_create, name="grant-create"),
    path("pendanaan/bantuan/<int:pk>/", views.grant_detail, name="grant-detail"),
    path("pendanaan/bantuan/<int:pk>/ubah/", views.grant_edit, name="grant-edit"),
    path("pendanaan/bantuan/<int:pk>/setujui/", views.grant_approve, name="grant-approve"),
    path("pendanaan/bantuan/<int:pk>/salurkan/", views.grant_disburse, name="grant-disburse"),
    path("pendanaan/bantuan/<int:pk>/batalkan/", views.grant_cancel, name="grant-cancel"),
    path("pendanaan/bantuan/<int:pk>/berita-acara/", views.grant_evidence, name="grant-evidence"),
]

# --- Offline attendance (issue 20) ---
urlpatterns += [
    path("pembinaan/luring/", offline_views.offline_app, name="offline-app"),
    path("pembinaan/luring/sw.js", offline_views.service_worker, name="offline-worker"),
    path("pembinaan/luring/manifest.webmanifest", offline_views.manifest, name="offline-manifest"),
    path("pembinaan/luring/sesi/", offline_views.session, name="offline-session"),
    path("pembinaan/luring/kegiatan/<int:pk>/data/", offline_views.activity_data, name="offline-data"),
    path("pembinaan/luring/kegiatan/<int:pk>/kirim/", offline_views.activity_sync, name="offline-sync"),
]
