"""The Today page and its one-tap actions (each a POST that returns to Today, where a toast
says what was logged, with an Undo button: ``tracker/undo.py``), and that Undo."""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import time_format
from django.views.decorators.http import require_POST

from tracker.access import get_owned_or_404
from tracker.forms.today import DailyCheckForm, QuickSymptomForm, SlotAnswerForm
from tracker.localtime import local_today
from tracker.models import DailyCheck, FeedingSession, Infant, Regimen, SymptomEntry
from tracker.roles import mother_required, signed_in
from tracker.selectors.slots import open_slots_on
from tracker.selectors.today import today_overview
from tracker.services import doses, feeding, symptoms
from tracker.services.undo import UndoRefused, tap_undo
from tracker.undo import Tap, TicketExpired, offer_undo, read_ticket, ticket_for

#: A tap logs a pain episode, so "0 · none" is not one of the buttons.
PAIN_LEVELS = [(value, label) for value, label in SymptomEntry.PAIN_SCALE if value > 0]


def _error(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _local_hm(moment) -> str:
    return time_format(timezone.localtime(moment), "H:i")


def _ticket(request: HttpRequest, tap: Tap, record: models.Model, before: models.Model | None = None):
    return ticket_for(mother=request.user, tap=tap, record=record, before=before)


@signed_in
def today(request: HttpRequest) -> HttpResponse:
    if not request.user.is_mother:  # a clinician's home is the list of her patients
        return redirect("clinician_home")
    overview = today_overview(mother=request.user)
    if overview.needs_setup:
        return redirect("setup")
    return render(
        request,
        "tracker/today.html",
        {
            "overview": overview,
            "brussels": SymptomEntry.BRUSSELS_SCALE,
            "pain_levels": PAIN_LEVELS,
            "spit_sizes": SymptomEntry.Size.choices,
            "other_than_breast_milk_answers": DailyCheck.OTHER_THAN_BREAST_MILK_ANSWERS,
        },
    )


@mother_required
@require_POST
def dose_take(request: HttpRequest) -> HttpResponse:
    regimen = get_owned_or_404(Regimen, request.user, request.POST.get("regimen"))
    try:
        log = doses.dose_take_now(regimen=regimen)
    except ValidationError as error:
        _error(request, error)
        return redirect("today")
    if log is None:
        if open_slots_on(regimen=regimen, day=local_today(request.user.zone)):
            messages.info(
                request, "No dose is due right now. To log a dose, use the Taken button next to it."
            )
        else:
            messages.info(request, "Every dose for today is already logged.")
    else:
        offer_undo(
            request,
            f"Logged: your {log.slot_time:%H:%M} dose, taken at {_local_hm(log.taken_at)}.",
            _ticket(request, Tap.DOSE, log),
        )
    return redirect("today")


@mother_required
@require_POST
def dose_slot(request: HttpRequest) -> HttpResponse:
    """The per-slot buttons: this slot of today, taken now or skipped."""
    regimen = get_owned_or_404(Regimen, request.user, request.POST.get("regimen"))
    form = SlotAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That dose could not be logged. Please try again.")
        return redirect("today")
    data = form.cleaned_data
    try:
        log, created = doses.dose_log(
            regimen=regimen,
            slot_date=local_today(request.user.zone),
            slot_time=data["slot_time"],
            status=data["status"],
        )
    except ValidationError as error:
        _error(request, error)
        return redirect("today")
    if not created:
        messages.info(request, f"Your {log.slot_time:%H:%M} dose was already logged.")
    elif log.status == log.Status.TAKEN:
        offer_undo(
            request,
            f"Logged: your {log.slot_time:%H:%M} dose, taken at {_local_hm(log.taken_at)}.",
            _ticket(request, Tap.DOSE, log),
        )
    else:
        offer_undo(
            request, f"Logged: your {log.slot_time:%H:%M} dose is skipped.", _ticket(request, Tap.DOSE, log)
        )
    return redirect("today")


@mother_required
@require_POST
def feed_start(request: HttpRequest) -> HttpResponse:
    infant = get_owned_or_404(Infant, request.user, request.POST.get("infant"))
    try:
        feed = feeding.feed_start(infant=infant, side=request.POST.get("side", ""))
    except ValidationError as error:
        _error(request, error)
    else:
        offer_undo(
            request,
            f"Feed started for {infant.name} on the {feed.start_side} at {_local_hm(feed.started_at)}.",
            _ticket(request, Tap.FEED_START, feed),
        )
    return redirect("today")


@mother_required
@require_POST
def feed_switch(request: HttpRequest, pk: int) -> HttpResponse:
    before = get_owned_or_404(FeedingSession, request.user, pk)
    try:
        feed = feeding.feed_switch_side(feed=before)
    except ValidationError as error:
        _error(request, error)
    else:
        offer_undo(
            request,
            f"{feed.infant.name}: switched to the {feed.current_side}.",
            _ticket(request, Tap.FEED_SWITCH, feed, before),
        )
    return redirect("today")


@mother_required
@require_POST
def feed_stop(request: HttpRequest, pk: int) -> HttpResponse:
    before = get_owned_or_404(FeedingSession, request.user, pk)
    try:
        feed = feeding.feed_stop(feed=before)
    except ValidationError as error:
        _error(request, error)
        messages.info(request, "Set the time the feed really ended, then save.")
        return redirect("feed_edit", pk=before.pk)
    minutes = round(feed.duration.total_seconds() / 60)
    offer_undo(
        request,
        f"{feed.infant.name}: feed stopped at {_local_hm(feed.ended_at)} ({minutes} min).",
        _ticket(request, Tap.FEED_STOP, feed, before),
    )
    return redirect("today")


@mother_required
@require_POST
def symptom_quick(request: HttpRequest) -> HttpResponse:
    infant = get_owned_or_404(Infant, request.user, request.POST.get("infant"))
    form = QuickSymptomForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("today")
    try:
        entry, created = symptoms.symptom_log(infant=infant, **form.cleaned_details())
    except ValidationError as error:
        _error(request, error)
        return redirect("today")
    what, when = entry.get_kind_display().lower(), _local_hm(entry.occurred_at)
    if created:
        offer_undo(
            request, f"Logged for {infant.name}: {what} at {when}.", _ticket(request, Tap.SYMPTOM, entry)
        )
    else:
        messages.info(
            request,
            f"Already logged: {infant.name}’s {what} at {when}. A tap within "
            f"{symptoms.REPEAT_TAP_WINDOW.seconds} seconds counts once.",
        )
    return redirect("today")


@mother_required
@require_POST
def crying_start(request: HttpRequest) -> HttpResponse:
    infant = get_owned_or_404(Infant, request.user, request.POST.get("infant"))
    try:
        entry = symptoms.crying_start(infant=infant)
    except ValidationError as error:
        _error(request, error)
    else:
        offer_undo(
            request, f"Crying timer started for {infant.name}.", _ticket(request, Tap.CRYING_START, entry)
        )
    return redirect("today")


@mother_required
@require_POST
def crying_stop(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_owned_or_404(SymptomEntry, request.user, pk)
    before = copy.copy(entry)  # crying_stop changes the entry in hand
    try:
        entry = symptoms.crying_stop(entry=entry)
    except ValidationError as error:
        _error(request, error)
        messages.info(
            request, "Set when the crying really stopped (or how many minutes it lasted), then save."
        )
        return redirect("symptom_edit", pk=entry.pk)
    offer_undo(
        request,
        f"{entry.infant.name}: crying logged, {entry.duration_minutes} min.",
        _ticket(request, Tap.CRYING_STOP, entry, before),
    )
    return redirect("today")


@mother_required
@require_POST
def daily_check(request: HttpRequest) -> HttpResponse:
    infant = get_owned_or_404(Infant, request.user, request.POST.get("infant"))
    form = DailyCheckForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That check could not be saved. Please try again.")
        return redirect("today")
    try:
        check, before = symptoms.daily_check_answer(
            infant=infant, day=local_today(request.user.zone), **form.cleaned_data
        )
    except ValidationError as error:  # "no symptoms" on a day with symptoms: her words, not a 500
        _error(request, error)
    else:
        offer_undo(
            request, f"Today's check for {infant.name} is saved.", _ticket(request, Tap.CHECK, check, before)
        )
    return redirect("today")


@mother_required
@require_POST
def undo(request: HttpRequest) -> HttpResponse:
    """The toast's Undo button: undo the tap its signed ticket names, if it is hers (else 404),
    recent (``UNDO_MAX_AGE``) and still as the tap left it; the message says what happened."""
    try:
        ticket = read_ticket(request.POST.get("token", ""), mother=request.user)
    except TicketExpired as expired:
        messages.error(
            request, f"Too late to undo {expired}: correct it in History, where you can edit or delete it."
        )
        return redirect("today")
    try:
        done = tap_undo(mother=request.user, ticket=ticket, request=request)
    except UndoRefused as refused:
        messages.info(request, str(refused))
    else:
        messages.success(request, done)
    return redirect("today")
