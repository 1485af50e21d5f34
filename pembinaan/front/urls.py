from django.urls import path

from pembinaan.front import views

app_name = "front"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("beranda/", views.home, name="home"),
    path("kredit/", views.credits, name="credits"),
]
