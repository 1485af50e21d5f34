from django.contrib import admin

from pembinaan.reference.models import KbliCategory, Kecamatan, Kelurahan


@admin.register(Kecamatan)
class KecamatanAdmin(admin.ModelAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Kelurahan)
class KelurahanAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kecamatan")
    list_filter = ("kecamatan",)
    search_fields = ("code", "name")
    list_select_related = ("kecamatan",)


@admin.register(KbliCategory)
class KbliCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name_id", "name_en")
