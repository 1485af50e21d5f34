from django.urls import path

from pembinaan.jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="job-list"),
    path("antrean/", views.queue, name="queue"),
    path("<int:pk>/", views.job_detail, name="job-detail"),
    path("<int:pk>/unduh/", views.job_download, name="job-download"),
]
