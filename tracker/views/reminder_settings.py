from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from tracker.forms.reminders import ReminderSettingsForm
from tracker.models import ReminderSettings
from tracker.roles import mother_required
from tracker.services.reminders import reminder_settings_save


@mother_required
def reminder_settings(request: HttpRequest) -> HttpResponse:
    mother = request.user
    instance = ReminderSettings.objects.filter(mother=mother).first() or ReminderSettings(mother=mother)
    form = ReminderSettingsForm(request.POST or None, instance=instance, mother=mother)
    if request.method == "POST" and form.is_valid():
        reminder_settings_save(settings_row=form.save(commit=False), regimens=form.cleaned_data["regimens"])
        messages.success(request, "Reminder settings saved.")
        return redirect("reminder_settings")
    return render(request, "tracker/setup/form.html", {"form": form, "title": "Reminder emails"})
