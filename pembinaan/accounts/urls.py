from django.urls import path

from pembinaan.accounts import views

app_name = "accounts"

urlpatterns = [
    path("masuk/", views.LoginView.as_view(), name="login"),
    path("keluar/", views.LogoutView.as_view(), name="logout"),
    path("kata-sandi/", views.PasswordChangeView.as_view(), name="password-change"),
    path("kata-sandi/selesai/", views.PasswordChangeDoneView.as_view(), name="password-change-done"),
    path("lupa-kata-sandi/", views.PasswordResetView.as_view(), name="password-reset"),
    path("lupa-kata-sandi/terkirim/", views.PasswordResetDoneView.as_view(), name="password-reset-done"),
    path("konfirmasi-hp/", views.phone_confirm, name="phone-confirm"),
    path("lupa-kata-sandi/kode/", views.password_reset_code, name="password-reset-code"),
    path(
        "atur-ulang/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "atur-ulang/selesai/",
        views.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
]
