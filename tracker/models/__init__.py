from tracker.models.family import Infant, Pregnancy
from tracker.models.feeding import FeedingSession, Side
from tracker.models.regimens import DoseLog, Regimen, SupplementProduct
from tracker.models.reminders import DoseReminder, ReminderSettings
from tracker.models.sharing import AuditEvent, CareGrant
from tracker.models.symptoms import DailyCheck, SymptomEntry

__all__ = [
    "AuditEvent",
    "CareGrant",
    "DailyCheck",
    "DoseLog",
    "DoseReminder",
    "FeedingSession",
    "Infant",
    "Pregnancy",
    "Regimen",
    "ReminderSettings",
    "Side",
    "SupplementProduct",
    "SymptomEntry",
]
