"""Pages behind the links in a reminder email. No login: the signed token is the key.

A GET only shows what the link will do, with one button; the POST does it. Mail
scanners open links, and a GET must never log a dose.
"""

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.models import User
from tracker.models import DoseLog, DoseReminder
from tracker.reminders import actions
from tracker.reminders.tokens import read_token
from tracker.roles import email_link
from tracker.signed_links import LinkError

TEMPLATE = "tracker/reminders/link.html"
BUTTONS = {"took": "Yes, I took it", "skip": "Skip this dose", "snooze": "Remind me in 30 minutes"}


def _error_page(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    return render(request, TEMPLATE, {"error": message}, status=status)


def reminder_for_link(object_id: int) -> DoseReminder:
    reminder = (
        DoseReminder.objects.select_related("regimen__mother", "regimen__product")
        .filter(pk=object_id)
        .first()
    )
    if reminder is None:
        raise LinkError("This reminder no longer exists. You can log the dose in the app.")
    return reminder


def _already_logged(log: DoseLog) -> str:
    if log.status == DoseLog.Status.TAKEN:
        taken = timezone.localtime(log.taken_at, log.regimen.mother.zone)
        return f"This dose is already logged as taken at {taken:%H:%M} on {taken:%d %b}. Nothing was changed."
    return "This dose is already logged as skipped. Nothing was changed."


def perform(action: str, reminder: DoseReminder, *, source: str = DoseLog.Source.EMAIL) -> str:
    """Carry out a confirmed action (from the email's page, or ``source``: the notification's
    button); the sentence to show. Raises ``ValidationError`` for a snooze that cannot be."""
    if action == "snooze":
        snooze = actions.reminder_snooze(reminder=reminder)
        at = timezone.localtime(snooze.due_at, reminder.regimen.mother.zone)
        return f"Done: we will remind you again at {at:%H:%M}."
    if action == "took":
        log, created = actions.reminder_took(reminder=reminder, source=source)
    else:
        log, created = actions.reminder_skip(reminder=reminder)
    if not created:
        return _already_logged(log)
    if action == "took":
        return f"Logged: your {reminder.slot_time:%H:%M} dose is taken. Well done."
    return f"Logged: your {reminder.slot_time:%H:%M} dose is skipped."


@require_http_methods(["GET", "POST"])
def reminder_action(request: HttpRequest, token: str, action: str) -> HttpResponse:
    try:
        reminder = reminder_for_link(read_token(action, token).object_id)
    except LinkError as error:
        return _error_page(request, error.message)
    context = {"reminder": reminder, "action": action, "button": BUTTONS[action]}
    if request.method == "POST":
        try:
            context["done"] = perform(action, reminder)
        except ValidationError as error:
            context["done"] = " ".join(error.messages)
    else:
        log = actions.slot_log(reminder)
        snooze = actions.snooze_made_by(reminder) if action == "snooze" else None
        if log is not None:
            context["done"] = _already_logged(log)
        elif snooze is not None:
            context["done"] = actions.snooze_already_made(snooze)
    return render(request, TEMPLATE, context)


@email_link
def took(request: HttpRequest, token: str) -> HttpResponse:
    return reminder_action(request, token, "took")


@email_link
def skip(request: HttpRequest, token: str) -> HttpResponse:
    return reminder_action(request, token, "skip")


@email_link
def snooze(request: HttpRequest, token: str) -> HttpResponse:
    return reminder_action(request, token, "snooze")


@email_link
@csrf_exempt  # RFC 8058 one-click: the mail provider POSTs without a CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        mother_id = read_token("unsubscribe", token).object_id
    except LinkError as error:
        return _error_page(request, error.message)
    mother = User.objects.filter(pk=mother_id, is_active=True).first()
    if mother is None:
        return _error_page(request, "This account no longer exists.", status=404)
    context = {"unsubscribe": True, "button": "Stop reminder emails"}
    if request.method == "POST":
        actions.reminders_unsubscribe(mother=mother)
        context["done"] = (
            "Done: you will get no more reminder emails. You can turn them on again in Settings."
        )
    return render(request, TEMPLATE, context)
