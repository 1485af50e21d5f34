from django.urls import path

from pembinaan.notifications import views

app_name = "notifications"

urlpatterns = [
    path("gagal/", views.failed_list, name="failed-list"),
    path("<int:pk>/kirim-ulang/", views.message_retry, name="message-retry"),
]
