from django.urls import path

from pembinaan.funding import views

app_name = "funding"

urlpatterns = [
    path("anggaran/", views.budget_overview, name="budget-overview"),
    path("anggaran/ekspor.<slug:fmt>", views.budget_overview_export, name="budget-overview-export"),
    path("anggaran/<int:year>/<slug:source_code>/", views.budget_drilldown, name="budget-drilldown"),
    path("pagu/", views.budget_line_list, name="budget-line-list"),
    path("pagu/ekspor.<slug:fmt>", views.budget_line_export, name="budget-line-export"),
    path("pagu/tambah/", views.budget_line_create, name="budget-line-create"),
    path("pagu/<int:pk>/ubah/", views.budget_line_edit, name="budget-line-edit"),
    path("pagu/<int:pk>/hapus/", views.budget_line_delete, name="budget-line-delete"),
    path("bantuan/", views.grant_list, name="grant-list"),
    path("bantuan/ekspor.<slug:fmt>", views.grant_export, name="grant-export"),
    path("bantuan/usulkan/", views.grant_create, name="grant-create"),
    path("bantuan/<int:pk>/", views.grant_detail, name="grant-detail"),
    path("bantuan/<int:pk>/ubah/", views.grant_edit, name="grant-edit"),
    path("bantuan/<int:pk>/setujui/", views.grant_approve, name="grant-approve"),
    path("bantuan/<int:pk>/salurkan/", views.grant_disburse, name="grant-disburse"),
    path("bantuan/<int:pk>/batalkan/", views.grant_cancel, name="grant-cancel"),
    path("bantuan/<int:pk>/berita-acara/", views.grant_evidence, name="grant-evidence"),
]
