"""Undo on Today: the ticket a tap hands out with its toast, signed, and read back.

A ticket names one record of hers (what the tap did, the record's id), the mother it belongs
to, a fingerprint of the record as the tap left it and, when the tap changed a record rather
than making one, its fingerprint before and the values to put back. It travels signed
(``django.core.signing``, salted for this use only) in the toast's Undo form, so the browser
can neither forge nor alter it. The toast shows for ``UNDO_SHOWN_MS``; the server accepts the
ticket for ``UNDO_MAX_AGE`` (a slow network, a phone that slept with the page open), then it
is refused as too late. ``tracker/services/undo.py`` carries the undo out.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

from django.contrib import messages
from django.core import signing
from django.db import models
from django.http import Http404, HttpRequest

from tracker.selectors.history import record_label
from tracker.services.symptoms import DAILY_CHECK_ANSWERS

#: How long the toast with its Undo button stays on the page, in milliseconds.
UNDO_SHOWN_MS = 10_000
#: How long after the tap the server still undoes it: the 10 seconds shown, and some grace.
UNDO_MAX_AGE = timedelta(minutes=2)
SALT = "tracker.undo"
#: The message tag that marks a message as a toast with an Undo button (templates/_toast.html).
UNDO_TAG = "undo"


class Tap(StrEnum):
    """What a tap on Today did, and so what its Undo does."""

    DOSE = "dose"  # a dose logged, taken or skipped: Undo deletes the log
    FEED_START = "feed_start"  # Undo deletes the feed
    FEED_SWITCH = "feed_switch"  # Undo puts the feed back on the breast it was on
    FEED_STOP = "feed_stop"  # Undo: the feed runs again, as if never stopped
    SYMPTOM = "symptom"  # a spit-up, stool or tummy pain: Undo deletes the entry
    CRYING_START = "crying_start"  # Undo deletes the spell
    CRYING_STOP = "crying_stop"  # Undo: the crying timer runs again
    CHECK = "check"  # Undo deletes a new daily check, or puts back the answers it replaced


@dataclass(frozen=True)
class UndoTicket:
    mother_id: int
    tap: Tap
    record_id: int
    #: What the record is called, in her words ("the 08:00 dose of 16 Nov").
    what: str
    #: ``fingerprint`` of the record as the tap left it: Undo refuses a record changed since.
    after: str
    #: ``fingerprint`` of the record before the tap; "" when the tap made it.
    before: str = ""
    #: For a tap that changed a record: the values Undo puts back (JSON: times as ISO 8601).
    restore: dict = field(default_factory=dict)


#: What a running feed's timer holds: what Undo of a switch or a stop puts back.
FEED_TIMER = ("current_side", "side_started_at", "left_seconds", "right_seconds")
#: The values each tap that changes a record has Undo put back (a crying spell's stop needs none).
RESTORED = {Tap.FEED_SWITCH: FEED_TIMER, Tap.FEED_STOP: FEED_TIMER, Tap.CHECK: DAILY_CHECK_ANSWERS}


class TicketExpired(Exception):
    """Her own ticket, past ``UNDO_MAX_AGE``."""


def fingerprint(record: models.Model) -> str:
    """A short hash of every stored value of ``record``: it changes whenever the record does."""
    values = {f.attname: f.value_to_string(record) for f in record._meta.concrete_fields if not f.primary_key}
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()[:24]


def ticket_for(*, mother, tap: Tap, record: models.Model, before: models.Model | None = None) -> UndoTicket:
    """The ticket of ``mother``'s tap that left ``record`` as it is now; ``before``: a copy of
    the record as it was, when the tap changed it rather than made it."""
    restore = {}
    if before is not None:
        for name in RESTORED.get(tap, ()):
            value = getattr(before, name)
            restore[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return UndoTicket(
        mother_id=mother.pk,
        tap=tap,
        record_id=record.pk,
        what=record_label(record),
        after=fingerprint(record),
        before=fingerprint(before) if before is not None else "",
        restore=restore,
    )


def ticket_token(ticket: UndoTicket) -> str:
    """The signed (and timestamped) token of ``ticket``, for the toast's Undo form."""
    payload = {
        "m": ticket.mother_id,
        "t": str(ticket.tap),
        "id": ticket.record_id,
        "w": ticket.what,
        "a": ticket.after,
        "b": ticket.before,
        "r": ticket.restore,
    }
    return signing.dumps(payload, salt=SALT, compress=True)


def read_ticket(token: str, *, mother, max_age: timedelta = UNDO_MAX_AGE) -> UndoTicket:
    """The ticket in ``token`` if it is genuine and ``mother``'s; ``Http404`` otherwise (a
    forged, altered or someone else's token reveals nothing). ``TicketExpired`` when it is
    hers but older than ``max_age``."""
    try:
        payload = signing.loads(token, salt=SALT)
        ticket = UndoTicket(
            mother_id=payload["m"],
            tap=Tap(payload["t"]),
            record_id=int(payload["id"]),
            what=str(payload["w"]),
            after=str(payload["a"]),
            before=str(payload["b"]),
            restore=dict(payload["r"]),
        )
    except (signing.BadSignature, KeyError, ValueError, TypeError) as error:
        raise Http404("No such undo.") from error
    if ticket.mother_id != mother.pk:
        raise Http404("No such undo.")
    try:
        signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired as error:
        raise TicketExpired(ticket.what) from error
    return ticket


def offer_undo(request: HttpRequest, text: str, ticket: UndoTicket) -> None:
    """Say ``text`` ("Logged: your 08:00 dose…") in a toast with an Undo button for ``ticket``.

    A tap that changed nothing (a feed already stopped) gets the plain message: nothing to undo."""
    if ticket.after == ticket.before:
        messages.success(request, text)
        return
    messages.success(request, text, extra_tags=f"{UNDO_TAG} {ticket_token(ticket)}")


def undo_token_of(message) -> str:
    """The Undo token a message carries (``offer_undo``), or "" for a plain message."""
    tags = (getattr(message, "extra_tags", "") or "").split()
    if len(tags) == 2 and tags[0] == UNDO_TAG:
        return tags[1]
    return ""
