from django.urls import path

from pembinaan.ops import views

app_name = "ops"

# Without a trailing slash, as probes are usually written; listed in SECURE_REDIRECT_EXEMPT.
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
]
