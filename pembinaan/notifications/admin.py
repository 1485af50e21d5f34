from django.contrib import admin

from pembinaan.notifications.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "recipient", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "channel"]
    search_fields = ["recipient", "subject"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]
