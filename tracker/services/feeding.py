"""The feed timer: start on a side, switch, stop; and feeds typed in afterwards."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tracker.models import FeedingSession, Infant, Side
from tracker.models.validators import in_hand
from tracker.services.tap_times import errors_on_tap, tap_moment

MSG_ALREADY_RUNNING = "A feed is already running for {name}. Stop it before starting another."


def feed_start(
    *, infant: Infant, side: str, now: datetime | None = None, at: datetime | None = None
) -> FeedingSession:
    """Start a breastfeed on ``side`` (left or right) with the timer running, now or at the
    time she tapped (``at``, see ``tap_times``)."""
    now = tap_moment(at, now)
    if side not in Side.values:
        raise ValidationError("Choose the left or the right breast.")
    if FeedingSession.objects.filter(infant=infant, ended_at__isnull=True).exists():
        raise ValidationError(MSG_ALREADY_RUNNING.format(name=infant.name))
    feed = FeedingSession(
        infant=infant,
        started_at=now,
        method=FeedingSession.Method.BREAST,
        start_side=side,
        current_side=side,
        side_started_at=now,
    )
    # The running feed was looked for above, and a race with another start is caught below:
    # the constraint need not be checked in a query of its own.
    with errors_on_tap(at, "started_at"):
        feed.full_clean(exclude=in_hand(feed, "infant"), validate_constraints=False)
    try:
        with transaction.atomic():
            feed.save()
    except IntegrityError as error:  # a double tap raced the check above
        raise ValidationError(MSG_ALREADY_RUNNING.format(name=infant.name)) from error
    return feed


def _locked(feed: FeedingSession) -> FeedingSession:
    """``feed`` read again and locked until the transaction ends, with the baby it had in hand."""
    locked = FeedingSession.objects.select_for_update().get(pk=feed.pk)
    if in_hand(feed, "infant") and locked.infant_id == feed.infant_id:
        locked.infant = feed.infant
    return locked


def _check_after_last_change(feed: FeedingSession, at: datetime | None, what: str) -> None:
    """A switch or stop at a tap time comes after the feed's start and its last switch."""
    last = feed.side_started_at or feed.started_at
    if at is not None and at < last:
        local = last.astimezone(feed.infant.mother.zone)
        change = "its last switch" if feed.switches and feed.side_started_at else "it started"
        raise ValidationError(
            {"at": f"That {what} is before the feed's {local:%H:%M:%S}, when {change}: check the time."}
        )


@transaction.atomic
def feed_switch_side(
    *, feed: FeedingSession, now: datetime | None = None, at: datetime | None = None
) -> FeedingSession:
    """Move a running breastfeed to the other breast, now or at the time she tapped (``at``):
    the time on the breast it leaves is counted up to then."""
    now = tap_moment(at, now)
    feed = _locked(feed)
    if not feed.is_running:
        raise ValidationError("That feed has already ended.")
    _check_after_last_change(feed, at, "switch")
    feed.bank_current_side(until=now)
    feed.current_side = feed.switch_side
    feed.side_started_at = now
    feed.switches += 1
    feed.save(update_fields=["left_seconds", "right_seconds", "current_side", "side_started_at", "switches"])
    return feed


@transaction.atomic
def feed_stop(
    *, feed: FeedingSession, now: datetime | None = None, at: datetime | None = None
) -> FeedingSession:
    """Stop a running feed now, or at the time she tapped (``at``), banking the time on the
    current breast. A feed already ended is returned as it is."""
    now = tap_moment(at, now)
    feed = _locked(feed)
    if not feed.is_running:
        return feed
    _check_after_last_change(feed, at, "stop")
    feed.bank_current_side(until=now)
    feed.current_side = ""
    feed.side_started_at = None
    # A stop in the same second as the start still leaves a valid, positive span.
    feed.ended_at = max(now, feed.started_at + timedelta(seconds=1))
    # Ended, it cannot break the one-running-feed constraint: no query to check it.
    with errors_on_tap(at, "ended_at"):
        feed.full_clean(exclude=in_hand(feed, "infant"), validate_constraints=False)
    feed.save()
    return feed


@transaction.atomic
def feed_switch_undo(
    *, feed: FeedingSession, side_started_at: datetime, left_seconds: int, right_seconds: int
) -> FeedingSession:
    """Undo a switch of a running breastfeed: back on the breast it was on, as if she had
    never switched (the time since counts on that breast). The arguments are the feed's values
    before the switch. ``ValidationError`` if it has ended or has no switch to undo."""
    feed = _locked(feed)
    if not feed.is_running or not feed.switches:
        raise ValidationError("That feed has no switch to undo.")
    feed.current_side = Side.other(feed.current_side)
    feed.side_started_at = side_started_at
    feed.left_seconds, feed.right_seconds = left_seconds, right_seconds
    feed.switches -= 1
    feed.save(update_fields=["left_seconds", "right_seconds", "current_side", "side_started_at", "switches"])
    return feed


@transaction.atomic
def feed_resume(
    *,
    feed: FeedingSession,
    current_side: str,
    side_started_at: datetime | None,
    left_seconds: int,
    right_seconds: int,
) -> FeedingSession:
    """Undo a stop: the feed runs again as if never stopped (the time since counts on the
    breast it was on). The arguments are the feed's values before the stop. ``ValidationError``
    when another feed of this baby has started since (one feed runs at a time)."""
    feed = _locked(feed)
    feed.ended_at = None
    feed.current_side, feed.side_started_at = current_side, side_started_at
    feed.left_seconds, feed.right_seconds = left_seconds, right_seconds
    feed.full_clean(exclude=in_hand(feed, "infant"), validate_constraints=False)
    try:
        with transaction.atomic():
            feed.save()
    except IntegrityError as error:
        raise ValidationError(
            f"Another feed has started for {feed.infant.name} since, so this one can't run again."
        ) from error
    return feed


def feed_save(*, feed: FeedingSession, validated: bool = False) -> FeedingSession:
    """Validate and save a feed typed in or edited by hand. ``validated``: the caller has just
    run ``feed.full_clean()`` on these values (a ModelForm's ``is_valid()`` does), so it is not
    run twice."""
    if not feed.is_running:
        feed.current_side = ""
        feed.side_started_at = None
    if not validated:
        # Only a running feed can break the one-running-feed constraint; an ended one is not
        # checked against it (a query), nor its baby's existence when the caller holds the row.
        feed.full_clean(exclude=in_hand(feed, "infant"), validate_constraints=feed.is_running)
    feed.save()
    return feed


def feed_delete(*, feed: FeedingSession) -> None:
    """Delete a feed, running or ended."""
    feed.delete()
