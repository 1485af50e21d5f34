from django.contrib import admin

from pembinaan.notifications.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "recipient", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "channel"]
    search_fields = ["recipient", "subject"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is not None and obj.holds_secret:
            # A password-reset link would let whoever reads it into someone else's account.
            return [name for name in fields if name != "body"]
        return fields
