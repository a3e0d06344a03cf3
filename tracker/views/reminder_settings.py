from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from tracker.forms.reminders import ReminderSettingsForm
from tracker.models import Regimen, ReminderSettings
from tracker.roles import mother_required


@mother_required
def reminder_settings(request: HttpRequest) -> HttpResponse:
    mother = request.user
    instance = ReminderSettings.objects.filter(mother=mother).first() or ReminderSettings(mother=mother)
    form = ReminderSettingsForm(request.POST or None, instance=instance, mother=mother)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            chosen = {regimen.pk for regimen in form.cleaned_data["regimens"]}
            Regimen.objects.for_mother(mother).update(reminders_enabled=False)
            Regimen.objects.for_mother(mother).filter(pk__in=chosen).update(reminders_enabled=True)
        messages.success(request, "Reminder settings saved.")
        return redirect("reminder_settings")
    return render(request, "tracker/setup/form.html", {"form": form, "title": "Reminder emails"})
