from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from pembinaan.accounts.models import ResetCode, User


class PortalUserCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("email", "phone", "full_name")


class PortalUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = PortalUserChangeForm
    add_form = PortalUserCreationForm
    ordering = ("full_name",)
    list_display = ("full_name", "email", "phone", "is_active", "last_login")
    list_filter = ("groups", "is_active", "is_staff")
    search_fields = ("full_name", "email", "phone")
    fieldsets = (
        (None, {"fields": ("email", "phone", "phone_confirmed_at", "password")}),
        (_("Data diri"), {"fields": ("full_name",)}),
        (
            _("Peran dan izin"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Waktu penting"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "phone", "full_name", "password1", "password2"),
            },
        ),
    )

    def save_model(self, request, obj, form, change):
        # A new number is not confirmed by anyone yet, unless the admin says so in the same change.
        if change and "phone" in form.changed_data and "phone_confirmed_at" not in form.changed_data:
            obj.phone_confirmed_at = obj.phone_confirmed_by = None
        elif "phone_confirmed_at" in form.changed_data:
            obj.phone_confirmed_by = request.user if obj.phone_confirmed_at else None
        super().save_model(request, obj, form, change)

    def get_readonly_fields(self, request, obj=None):
        # Admin Dinas manages accounts but must not be able to make anyone (or itself) superuser.
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions", "last_login", "date_joined"]
        return readonly

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(ResetCode)
class ResetCodeAdmin(admin.ModelAdmin):
    """Read only: the codes staff issued are the audit trail of who gave whom access, and when."""

    list_display = ("created_at", "user", "via", "issued_by", "expires_at", "used_at", "failed_tries")
    list_filter = ("via",)
    search_fields = ("user__full_name", "user__email", "user__phone", "issued_by__full_name")
    list_select_related = ("user", "issued_by")
    exclude = ("code_hash",)
    readonly_fields = ("user", "via", "issued_by", "created_at", "expires_at", "used_at", "failed_tries")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
