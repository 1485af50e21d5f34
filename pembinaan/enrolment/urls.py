from django.urls import path

from pembinaan.enrolment import views

app_name = "enrolment"

urlpatterns = [
    path("", views.start, name="start"),
    path("pemilik/", views.owner_step, name="owner"),
    path("usaha/", views.business_step, name="business"),
    path("persetujuan/", views.consent_step, name="consent"),
    path("selesai/", views.done, name="done"),
    path("konfirmasi/<str:token>/", views.claim_confirm, name="claim-confirm"),
    path("verifikasi/", views.queue, name="queue"),
    path("verifikasi/<int:pk>/", views.review, name="review"),
    path("klaim/", views.claim_list, name="claim-list"),
    path("klaim/<int:pk>/", views.claim_decide, name="claim-decide"),
    path("kegiatan/", views.activity_list, name="activity-list"),
    path("kegiatan/<int:pk>/ikut/", views.activity_signup, name="activity-signup"),
    path("kegiatan/peserta/<int:pk>/batal/", views.activity_cancel, name="activity-cancel"),
]
