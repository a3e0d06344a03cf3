"""Push reminders: subscribing this browser, removing a device, and the notification's buttons."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from tracker.access import get_owned_or_404
from tracker.models import DoseLog, PushSubscription
from tracker.reminders.push import push_configured
from tracker.reminders.tokens import read_token
from tracker.roles import email_link, mother_required
from tracker.services.push_subscriptions import push_subscription_remove, push_subscription_save
from tracker.signed_links import LinkError
from tracker.views.reminder_links import perform, reminder_for_link


@mother_required
@require_POST
def push_subscribe(request: HttpRequest) -> JsonResponse:
    """Keep this browser's subscription (``PushSubscription.toJSON()`` as JSON, with the CSRF
    token in ``X-CSRFToken``) for her; 201 with its name, or 400 saying what is wrong."""
    if not push_configured():
        return JsonResponse({"error": "Push reminders are not set up on this server."}, status=400)
    try:
        body = json.loads(request.body)
        keys = body.get("keys") or {}
        endpoint, p256dh, auth = str(body["endpoint"]), str(keys["p256dh"]), str(keys["auth"])
    except (ValueError, KeyError, TypeError, AttributeError):
        return JsonResponse({"error": "Send the browser's subscription as JSON."}, status=400)
    try:
        subscription = push_subscription_save(
            mother=request.user,
            endpoint=endpoint,
            p256dh=p256dh,
            auth=auth,
            user_agent=request.headers.get("User-Agent", ""),
        )
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    messages.success(request, f"Reminders will show on this device ({subscription.name}).")
    return JsonResponse({"id": subscription.pk, "name": subscription.name}, status=201)


@mother_required
@require_POST
def push_device_remove(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_owned_or_404(PushSubscription, request.user, pk)
    push_subscription_remove(subscription=subscription)
    messages.success(request, f"Removed: {subscription.name} will show no more reminders.")
    return redirect("reminder_settings")


def _notification_action(request: HttpRequest, token: str, action: str) -> JsonResponse:
    """Do what the notification's button says, with the reminder's signed token (the one its
    email's link carries, so the slot is logged and a snooze made once, whichever she taps)."""
    try:
        reminder = reminder_for_link(read_token(action, token).object_id)
    except LinkError as error:
        return JsonResponse({"error": error.message}, status=400)
    try:
        done = perform(action, reminder, source=DoseLog.Source.PUSH)
    except ValidationError as error:
        done = " ".join(error.messages)
    return JsonResponse({"done": done})


# The service worker posts these from the lock screen: no page, so no CSRF token; the signed
# token in the path is the whole key, as for the one-click unsubscribe.
@email_link
@csrf_exempt
@require_POST
def push_took(request: HttpRequest, token: str) -> JsonResponse:
    return _notification_action(request, token, "took")


@email_link
@csrf_exempt
@require_POST
def push_snooze(request: HttpRequest, token: str) -> JsonResponse:
    return _notification_action(request, token, "snooze")
