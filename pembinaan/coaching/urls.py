from django.urls import path

from pembinaan.coaching import views

app_name = "coaching"

urlpatterns = [
    path("kegiatan/", views.activity_list, name="activity-list"),
    path("kegiatan/jadwal/", views.activity_calendar, name="activity-calendar"),
    path("kegiatan/tambah/", views.activity_create, name="activity-create"),
    path("kegiatan/<int:pk>/", views.activity_detail, name="activity-detail"),
    path("kegiatan/<int:pk>/ubah/", views.activity_edit, name="activity-edit"),
    path("kegiatan/<int:pk>/batalkan/", views.activity_cancel, name="activity-cancel"),
    path(
        "kegiatan/<int:pk>/peserta/ekspor.<slug:fmt>", views.participants_export, name="participants-export"
    ),
    path("kegiatan/<int:pk>/peserta/cari/", views.participant_search, name="participant-search"),
    path("kegiatan/<int:pk>/peserta/tambah/", views.participant_add, name="participant-add"),
    path("kegiatan/<int:pk>/peserta/massal/", views.participants_bulk_add, name="participants-bulk-add"),
    path("kegiatan/<int:pk>/peserta/pilih/", views.participants_pick, name="participants-pick"),
    path("kegiatan/<int:pk>/kehadiran/", views.attendance, name="attendance"),
    path(
        "kegiatan/<int:pk>/kehadiran/semua-hadir/",
        views.attendance_all_present,
        name="attendance-all-present",
    ),
    path(
        "kegiatan/<int:pk>/peserta/<int:participation_pk>/sertifikat/",
        views.certificate,
        name="certificate",
    ),
    path("kegiatan/<int:pk>/lampiran/", views.attachment_upload, name="attachment-upload"),
    path(
        "kegiatan/<int:pk>/lampiran/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment-download",
    ),
    path("usaha/<int:business_pk>/capaian/tambah/", views.outcome_create, name="outcome-create"),
    path("capaian/<int:pk>/bukti/", views.outcome_evidence, name="outcome-evidence"),
    path("usaha/<int:business_pk>/data-tahunan/tambah/", views.figures_create, name="figures-create"),
]
