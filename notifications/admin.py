"""Read-only: mail and reminders are written by the services only; the admin shows what waits or failed."""

from django.contrib import admin

from branches.admin import ReadOnlyAdmin

from .models import OutboundEmail, Reminder


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["key", "created_at"]
    search_fields = ["key"]


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyAdmin):
    """Shows what mail is waiting or failing, so staff can tell users why a mail is late."""

    list_display = ["to", "subject", "created_at", "sent_at", "attempts", "last_error"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["to", "subject"]
