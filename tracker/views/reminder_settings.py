from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from tracker.forms.reminders import ReminderSettingsForm
from tracker.models import PushSubscription, ReminderSettings
from tracker.reminders.push import push_configured
from tracker.roles import mother_required
from tracker.services.reminders import reminder_settings_save


@mother_required
def reminder_settings(request: HttpRequest) -> HttpResponse:
    """Her reminder choices (email, push on her devices, or both; follow-up, quiet hours,
    regimens) and the devices she turned push on for, each removable."""
    mother = request.user
    push = push_configured()
    instance = ReminderSettings.objects.filter(mother=mother).first() or ReminderSettings(mother=mother)
    form = ReminderSettingsForm(request.POST or None, instance=instance, mother=mother, push=push)
    if request.method == "POST" and form.is_valid():
        reminder_settings_save(settings_row=form.save(commit=False), regimens=form.cleaned_data["regimens"])
        messages.success(request, "Reminder settings saved.")
        return redirect("reminder_settings")
    context = {
        "form": form,
        "title": "Reminders",
        "push_configured": push,
        "devices": PushSubscription.objects.for_mother(mother),
    }
    if push:
        context["vapid_public_key"] = settings.VAPID_PUBLIC_KEY
    return render(request, "tracker/reminders/settings.html", context)
