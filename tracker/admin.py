from django.contrib import admin

from tracker.models import (
    AuditEvent,
    CareGrant,
    DailyCheck,
    DoseLog,
    DoseReminder,
    FeedingSession,
    Infant,
    Pregnancy,
    Regimen,
    ReminderSettings,
    ScheduleChange,
    SupplementProduct,
    SymptomEntry,
)


@admin.register(Pregnancy)
class PregnancyAdmin(admin.ModelAdmin):
    list_display = ["mother", "due_date"]
    search_fields = ["mother__email"]


@admin.register(Infant)
class InfantAdmin(admin.ModelAdmin):
    list_display = ["name", "mother", "birth_at", "gestational_weeks", "delivery_mode"]
    search_fields = ["name", "mother__email"]


@admin.register(SupplementProduct)
class SupplementProductAdmin(admin.ModelAdmin):
    list_display = ["name", "brand", "mother", "form"]
    search_fields = ["name", "brand", "mother__email"]


class ScheduleChangeInline(admin.TabularInline):
    """The times earlier days were judged on: written by ``regimen_save``, read-only here."""

    model = ScheduleChange
    extra = 0
    can_delete = False
    readonly_fields = ["effective_from", "previous_times", "changed_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Regimen)
class RegimenAdmin(admin.ModelAdmin):
    inlines = [ScheduleChangeInline]
    list_display = ["mother", "product", "preset", "doses_per_day", "start_date", "end_date"]
    list_filter = ["preset"]
    search_fields = ["mother__email"]


@admin.register(DoseLog)
class DoseLogAdmin(admin.ModelAdmin):
    list_display = ["regimen", "slot_date", "slot_time", "status", "taken_at", "source"]
    list_filter = ["status", "source"]
    date_hierarchy = "slot_date"
    list_select_related = ["regimen__mother", "regimen__product"]


@admin.register(FeedingSession)
class FeedingSessionAdmin(admin.ModelAdmin):
    list_display = ["infant", "started_at", "ended_at", "method", "left_seconds", "right_seconds"]
    list_filter = ["method"]
    date_hierarchy = "started_at"
    list_select_related = ["infant"]


@admin.register(SymptomEntry)
class SymptomEntryAdmin(admin.ModelAdmin):
    list_display = ["infant", "kind", "occurred_at", "size", "severity", "stool_consistency"]
    list_filter = ["kind"]
    date_hierarchy = "occurred_at"
    list_select_related = ["infant"]


@admin.register(DailyCheck)
class DailyCheckAdmin(admin.ModelAdmin):
    list_display = ["infant", "day", "no_symptoms", "other_than_breast_milk"]
    date_hierarchy = "day"
    list_select_related = ["infant"]


@admin.register(DoseReminder)
class DoseReminderAdmin(admin.ModelAdmin):
    list_display = ["regimen", "slot_date", "slot_time", "kind", "due_at", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    date_hierarchy = "due_at"
    list_select_related = ["regimen__mother", "regimen__product"]


@admin.register(ReminderSettings)
class ReminderSettingsAdmin(admin.ModelAdmin):
    list_display = ["mother", "email_enabled", "follow_up", "quiet_start", "quiet_end"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never changed: grants change only through the mother, the audit log never."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CareGrant)
class CareGrantAdmin(ReadOnlyAdmin):
    list_display = [
        "mother",
        "clinician",
        "invited_email",
        "scope",
        "created_at",
        "accepted_at",
        "expires_at",
        "revoked_at",
    ]
    list_filter = ["scope"]
    search_fields = ["mother__email", "clinician__email", "invited_email"]
    list_select_related = ["mother", "clinician"]


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor_email", "action", "mother", "ip_address", "detail"]
    list_filter = ["action"]
    date_hierarchy = "created_at"
    search_fields = ["actor_email", "mother__email"]
    list_select_related = ["mother"]
