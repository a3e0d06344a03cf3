"""When a one-tap action happened: now, or the time she tapped, sent later (an offline queue).

A tap time may be a little ahead of the server's clock (a phone's clock drifts), by at most
``TAP_CLOCK_SKEW``, and at most ``TAP_MAX_AGE`` old: a queue older than that is better logged
in History, where she sees and types the times herself."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

TAP_CLOCK_SKEW = timedelta(minutes=2)
TAP_MAX_AGE = timedelta(hours=48)

MSG_TAP_AHEAD = (
    "That time is more than 2 minutes ahead of the server's clock: check the time set on the phone."
)
MSG_TAP_TOO_OLD = (
    "That tap is more than 48 hours old, too old to send from the phone's queue: "
    "log it in History with its time instead."
)
MSG_TAP_NAIVE = "Give the tap time with its offset from UTC."


def tap_moment(at: datetime | None, now: datetime | None = None) -> datetime:
    """The moment of a one-tap action: ``at`` when she gave it (checked), else ``now``."""
    now = now or timezone.now()
    if at is None:
        return now
    if at.tzinfo is None:
        raise ValidationError({"at": MSG_TAP_NAIVE})
    if at > now + TAP_CLOCK_SKEW:
        raise ValidationError({"at": MSG_TAP_AHEAD})
    if at < now - TAP_MAX_AGE:
        raise ValidationError({"at": MSG_TAP_TOO_OLD})
    return at


@contextmanager
def errors_on_tap(at: datetime | None, *fields: str) -> Iterator[None]:
    """Within it, a model's errors on ``fields`` (the times the tap sets) are the tap time's
    errors (``at``) when she gave one: she sent ``at``, not ``started_at``."""
    try:
        yield
    except ValidationError as error:
        if at is None or not hasattr(error, "error_dict"):
            raise
        moved: dict[str, list] = {}
        for field, errors in error.error_dict.items():
            key = "at" if field in fields else field
            moved.setdefault(key, []).extend(errors)
        raise ValidationError(moved) from error
