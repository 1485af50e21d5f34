from django.urls import path

from pembinaan.privacy import views

app_name = "privacy"

urlpatterns = [
    path("data-saya/", views.my_data, name="my-data"),
    path("data-saya/unduh/", views.my_data_download, name="my-data-download"),
    path("data-saya/pemberitahuan/", views.notice_channel, name="notice-channel"),
    path("data-saya/tarik-persetujuan/", views.consent_withdraw, name="consent-withdraw"),
    path("data-saya/hapus/", views.deletion_request, name="deletion-request"),
    path("permintaan-data/", views.request_list, name="request-list"),
    path("permintaan-data/<int:pk>/", views.request_detail, name="request-detail"),
]
