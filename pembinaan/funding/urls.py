from django.urls import path

from pembinaan.funding import views

app_name = "funding"

urlpatterns = [
    path("pagu/", views.budget_line_list, name="budget-line-list"),
    path("pagu/ekspor.<slug:fmt>", views.budget_line_export, name="budget-line-export"),
    path("pagu/tambah/", views.budget_line_create, name="budget-line-create"),
    path("pagu/<int:pk>/ubah/", views.budget_line_edit, name="budget-line-edit"),
    path("pagu/<int:pk>/hapus/", views.budget_line_delete, name="budget-line-delete"),
]
