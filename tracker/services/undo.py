"""Undo a tap on Today, through the same services as any other write, and audited.

What Undo does, per tap (``tracker.undo.Tap``):
- a dose logged (taken or skipped), a feed started, a spit-up, stool or tummy pain, a crying
  spell started: the record the tap made is deleted, and the delete is in her audit trail as
  any delete from History is ("Deleted a record");
- a feed's side switched: the feed is back on the breast it was on, as if she never switched;
- a feed or the crying timer stopped: it runs again from where it was;
- the daily check: a check the tap created is deleted (audited as a delete); a check it
  changed gets back the answers it had.
The last three are in her audit trail too ("Undid a tap on Today").

Only the record the ticket names, and only while it is as the tap left it: a record changed
since (edited in History, a feed switched or stopped again) is refused with a message, never
half undone. A second Undo of the same tap finds it already undone and says so.
"""

from collections.abc import Callable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest

from accounts.models import User
from tracker.models import AuditEvent, DailyCheck, DoseLog, FeedingSession, SymptomEntry
from tracker.services import doses, feeding, symptoms
from tracker.sharing.services import audit_deleted, audit_record
from tracker.undo import Tap, UndoTicket, fingerprint

HOW = "Undo on Today"

MODELS: dict[Tap, type[models.Model]] = {
    Tap.DOSE: DoseLog,
    Tap.FEED_START: FeedingSession,
    Tap.FEED_SWITCH: FeedingSession,
    Tap.FEED_STOP: FeedingSession,
    Tap.SYMPTOM: SymptomEntry,
    Tap.CRYING_START: SymptomEntry,
    Tap.CRYING_STOP: SymptomEntry,
    Tap.CHECK: DailyCheck,
}


class UndoRefused(Exception):
    """Nothing was changed; the message says why, in her words."""


def _sentence(words: str) -> str:
    """``words`` starting a sentence ("the feed at…" → "The feed at…"; the rest unchanged)."""
    return words[:1].upper() + words[1:]


def _at(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _delete(record: models.Model, ticket: UndoTicket) -> str:
    if isinstance(record, DoseLog):
        doses.dose_delete(log=record)
    elif isinstance(record, FeedingSession):
        feeding.feed_delete(feed=record)
    elif isinstance(record, SymptomEntry):
        symptoms.symptom_delete(entry=record)
    else:
        symptoms.daily_check_delete(check=record)
    return f"Undone: {ticket.what} is deleted."


def _feed_switch(feed: FeedingSession, ticket: UndoTicket) -> str:
    feed = feeding.feed_switch_undo(
        feed=feed,
        side_started_at=_at(ticket.restore["side_started_at"]),
        left_seconds=ticket.restore["left_seconds"],
        right_seconds=ticket.restore["right_seconds"],
    )
    return f"Undone: {feed.infant.name} is feeding on the {feed.current_side} again."


def _feed_stop(feed: FeedingSession, ticket: UndoTicket) -> str:
    feed = feeding.feed_resume(
        feed=feed,
        current_side=ticket.restore["current_side"],
        side_started_at=_at(ticket.restore["side_started_at"]),
        left_seconds=ticket.restore["left_seconds"],
        right_seconds=ticket.restore["right_seconds"],
    )
    return f"Undone: {feed.infant.name}’s feed is running again."


def _crying_stop(entry: SymptomEntry, ticket: UndoTicket) -> str:
    symptoms.crying_resume(entry=entry)
    return f"Undone: the crying timer for {entry.infant.name} is running again."


def _check_change(check: DailyCheck, ticket: UndoTicket) -> str:
    symptoms.daily_check_save(
        infant=check.infant,
        day=check.day,
        **{name: ticket.restore[name] for name in symptoms.DAILY_CHECK_ANSWERS},
    )
    return f"Undone: {ticket.what} has its earlier answers back."


#: How a tap that changed a record (rather than making one) is undone, and its name in her
#: audit trail.
REVERTS: dict[Tap, tuple[Callable[[models.Model, UndoTicket], str], str]] = {
    Tap.FEED_SWITCH: (_feed_switch, "switch of breast"),
    Tap.FEED_STOP: (_feed_stop, "stop of the feed"),
    Tap.CRYING_STOP: (_crying_stop, "stop of the crying timer"),
    Tap.CHECK: (_check_change, "change of the daily check"),
}


def tap_undo(*, mother: User, ticket: UndoTicket, request: HttpRequest | None = None) -> str:
    """Undo the tap ``ticket`` stands for, on ``mother``'s record, and put it in her audit trail
    (both or neither). Returns what was done, in her words; ``UndoRefused`` says why nothing was.

    The ticket has been read for ``mother`` (``tracker.undo.read_ticket``): it is hers and
    fresh. The record is locked while it is checked and changed, so two Undos of one tap at
    once undo it once."""
    model = MODELS[ticket.tap]
    with transaction.atomic():
        rows = model.objects.for_mother(mother).select_for_update(of=("self",))
        record = rows.filter(pk=ticket.record_id).first()
        if record is None:
            if ticket.before:  # it was there before the tap: deleted since
                raise UndoRefused(f"{_sentence(ticket.what)} is no longer in your record.")
            raise UndoRefused(f"Already undone: {ticket.what} is not in your record any more.")
        state = fingerprint(record)
        if ticket.before and state == ticket.before:
            raise UndoRefused(f"Already undone: {ticket.what} is back as it was.")
        if state != ticket.after:
            raise UndoRefused(
                f"{_sentence(ticket.what)} has changed since, so Undo can't put it back. "
                "Correct it in History."
            )
        try:
            if not ticket.before:
                done = _delete(record, ticket)
                audit_deleted(actor=mother, mother=mother, what=ticket.what, how=HOW, request=request)
            else:
                revert, name = REVERTS[ticket.tap]
                done = revert(record, ticket)
                audit_record(
                    actor=mother,
                    mother=mother,
                    action=AuditEvent.Action.UNDONE,
                    request=request,
                    detail=f"{name}, {ticket.what}",
                )
        except ValidationError as error:
            raise UndoRefused(" ".join(error.messages)) from error
    return done
