from django.contrib import admin

from pembinaan.reference.models import KbliCategory, Kecamatan, Kelurahan


class RegionAdmin(admin.ModelAdmin):
    """Renaming a region, or moving a kelurahan to another kecamatan, is a save that the dashboard
    hears (progress/signals.py: names are read live, a moved kelurahan's businesses are recounted
    in the same transaction). The Kemendagri code is the key businesses point at: fixed once saved."""

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if obj else ()


@admin.register(Kecamatan)
class KecamatanAdmin(RegionAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Kelurahan)
class KelurahanAdmin(RegionAdmin):
    list_display = ("code", "name", "kecamatan")
    list_filter = ("kecamatan",)
    search_fields = ("code", "name")
    list_select_related = ("kecamatan",)


@admin.register(KbliCategory)
class KbliCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name_id", "name_en")
