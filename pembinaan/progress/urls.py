from django.urls import path

from pembinaan.progress import views

app_name = "progress"

urlpatterns = [
    path("kemajuan/", views.public_progress, name="public-progress"),
    path("api/v1/progress/", views.api_progress, name="api-progress"),
    path("api/v1/progress/<slug:part>.csv", views.api_progress_csv, name="api-progress-csv"),
    path("dasbor/", views.dashboard_view, name="dashboard"),
    path("dasbor/laporan/", views.report, name="report"),
    path("dasbor/laporan/pdf/", views.report_pdf_view, name="report-pdf"),
    path("dasbor/laporan/bekukan/", views.snapshot_create, name="snapshot-create"),
    path("dasbor/laporan/arsip/<int:pk>/", views.snapshot_detail, name="snapshot"),
    path("dasbor/koreksi/", views.corrections, name="corrections"),
    path("dasbor/tutup-tahun/", views.closed_years, name="closed-years"),
    path("pendanaan/anggaran/", views.budget_overview, name="budget-overview"),
    path("pendanaan/anggaran/ekspor.<slug:fmt>", views.budget_overview_export, name="budget-overview-export"),
    path(
        "pendanaan/anggaran/<int:year>/<slug:source_code>/", views.budget_drilldown, name="budget-drilldown"
    ),
]
