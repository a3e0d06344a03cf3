from tracker.models.family import Infant, Pregnancy
from tracker.models.feeding import FeedingSession, Side
from tracker.models.regimens import DoseLog, Regimen, SupplementProduct
from tracker.models.symptoms import DailyCheck, SymptomEntry

__all__ = [
    "DailyCheck",
    "DoseLog",
    "FeedingSession",
    "Infant",
    "Pregnancy",
    "Regimen",
    "Side",
    "SupplementProduct",
    "SymptomEntry",
]
