from tracker.models.api import ApiToken, IdempotencyKey
from tracker.models.day_totals import DayTotalsMonth
from tracker.models.family import Infant, Pregnancy
from tracker.models.feeding import FeedingSession, Side
from tracker.models.push import PushSubscription
from tracker.models.regimens import DoseLog, DoseSchedule, Regimen, ScheduleChange, SupplementProduct
from tracker.models.reminders import DoseReminder, ReminderSettings
from tracker.models.sharing import AuditEvent, CareGrant
from tracker.models.symptoms import DailyCheck, SymptomEntry

__all__ = [
    "ApiToken",
    "AuditEvent",
    "CareGrant",
    "DailyCheck",
    "DayTotalsMonth",
    "DoseLog",
    "DoseReminder",
    "DoseSchedule",
    "FeedingSession",
    "IdempotencyKey",
    "Infant",
    "Pregnancy",
    "PushSubscription",
    "Regimen",
    "ReminderSettings",
    "ScheduleChange",
    "Side",
    "SupplementProduct",
    "SymptomEntry",
]
