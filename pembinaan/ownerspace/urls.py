from django.urls import path

from pembinaan.ownerspace import views

app_name = "ownerspace"

urlpatterns = [
    path("usaha-saya/", views.home, name="home"),
    path("usaha-saya/kontak/", views.contact_edit, name="contact-edit"),
    path("usaha-saya/usaha/<int:pk>/", views.business_detail, name="business-detail"),
    path("usaha-saya/usaha/<int:pk>/ubah/", views.business_edit, name="business-edit"),
    path("usaha-saya/usaha/<int:pk>/data-tahunan/", views.figures_create, name="figures-create"),
    path("usaha-saya/usaha/<int:pk>/profil/", views.profile_edit, name="profile-edit"),
    path("usaha-saya/usaha/<int:pk>/profil/foto/", views.profile_photo, name="profile-photo"),
    path(
        "usaha-saya/usaha/<int:pk>/sertifikat/<int:participation_pk>/",
        views.certificate,
        name="certificate",
    ),
    path(
        "usaha-saya/usaha/<int:pk>/sertifikat/<int:participation_pk>/sertifikat.pdf",
        views.certificate_pdf,
        name="certificate-pdf",
    ),
    path("perubahan-data/", views.change_request_list, name="change-request-list"),
    path("perubahan-data/<int:pk>/", views.change_request_review, name="change-request-review"),
    path("direktori/", views.directory, name="directory"),
    path("direktori/<int:pk>/", views.public_profile, name="public-profile"),
    path("direktori/<int:pk>/foto/", views.public_photo, name="public-photo"),
]
