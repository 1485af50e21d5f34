from django.urls import path

from pembinaan.registry import views

app_name = "registry"

urlpatterns = [
    path("usaha/", views.business_list, name="business-list"),
    path("usaha/ekspor.<slug:fmt>", views.business_export, name="business-export"),
    path("usaha/tambah/", views.business_create, name="business-create"),
    path("usaha/<int:pk>/", views.business_detail, name="business-detail"),
    path("usaha/<int:pk>/ubah/", views.business_edit, name="business-edit"),
    path("usaha/<int:pk>/verifikasi/", views.business_verify, name="business-verify"),
    path("usaha/<int:pk>/tolak/", views.business_reject, name="business-reject"),
    path("usaha/<int:pk>/nonaktifkan/", views.business_deactivate, name="business-deactivate"),
    path("usaha/<int:pk>/aktifkan/", views.business_reactivate, name="business-reactivate"),
    path("pemilik/<int:pk>/", views.owner_detail, name="owner-detail"),
    path("pemilik/<int:pk>/ubah/", views.owner_edit, name="owner-edit"),
    path("pemilik/<int:pk>/kode-atur-ulang/", views.owner_reset_code_issue, name="owner-reset-code-issue"),
    path("duplikat/", views.duplicate_list, name="duplicate-list"),
    path("duplikat/<int:pk>/", views.duplicate_review, name="duplicate-review"),
    path("duplikat/<int:pk>/bukan-ganda/", views.duplicate_dismiss, name="duplicate-dismiss"),
]
