from django.urls import path

from pembinaan.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.run_list, name="run-list"),
    path("templat/<str:kind>.xlsx", views.template_download, name="template"),
    path("<int:pk>/", views.run_detail, name="run-detail"),
    path("<int:pk>/pratinjau/", views.run_preview, name="run-preview"),
    path("<int:pk>/konfirmasi/", views.run_confirm, name="run-confirm"),
    path("<int:pk>/batal/", views.run_cancel, name="run-cancel"),
    path("<int:pk>/baris-ditolak.xlsx", views.bad_rows_download, name="bad-rows"),
]
