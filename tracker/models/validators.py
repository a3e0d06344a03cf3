"""Checks shared by the models' ``clean()`` methods, worded for a tired parent."""

import unicodedata
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

FUTURE_TOLERANCE = timedelta(minutes=5)
MAX_FEED_DURATION = timedelta(hours=4)
BOTTLE_ML_MIN, BOTTLE_ML_MAX = 1, 400

MSG_END_BEFORE_START = "The end time must be after the start time."
MSG_IN_FUTURE = "That time is in the future. You can log things up to 5 minutes ahead, not more."
MSG_FEED_TOO_LONG = (
    "A feed can't be longer than 4 hours. If the timer was left running, set the time the feed really ended."
)
MSG_BOTTLE_RANGE = "A bottle amount must be between 1 and 400 ml."
MSG_ONE_LINE = "Use one line: no line breaks, tabs or other control characters."


def breaks_a_line(char: str) -> bool:
    """A control character (line feed, tab, NUL...) or a Unicode line or paragraph separator."""
    return unicodedata.category(char) in {"Cc", "Zl", "Zp"}


def validate_single_line(value: str) -> None:
    """A name, product or brand is one line of text. A line break in it would end up in an
    email header or a CSV row where it does not belong, so it is refused when typed."""
    if any(breaks_a_line(char) for char in value):
        raise ValidationError(MSG_ONE_LINE, code="single_line")


def check_not_future(value: datetime | None, field: str, now: datetime | None = None) -> None:
    if value is not None and value > (now or timezone.now()) + FUTURE_TOLERANCE:
        raise ValidationError({field: MSG_IN_FUTURE})


def check_end_after_start(start: datetime | None, end: datetime | None) -> None:
    if start is not None and end is not None and end <= start:
        raise ValidationError({"ended_at": MSG_END_BEFORE_START})


def check_not_before_birth(value: datetime | None, field: str, infant) -> None:
    """Baby records start at birth (an hour's slack for a clock set roughly)."""
    if value is None or infant is None or infant.birth_at is None:
        return
    if value < infant.birth_at - timedelta(hours=1):
        born = infant.birth_at.astimezone(infant.mother.zone)
        raise ValidationError(
            {
                field: f"That is before {infant.name} was born ({born:%d %b %Y %H:%M}). Check the date and year."
            }
        )


def in_hand(instance, *names: str) -> list[str]:
    """Those of the foreign keys ``names`` of ``instance`` whose row is in hand (fetched or
    assigned, as a service's caller hands the baby or regimen it fetched for her): ``full_clean``
    can leave them out (``exclude``) instead of querying again that the row exists."""
    return [name for name in names if instance._meta.get_field(name).is_cached(instance)]
