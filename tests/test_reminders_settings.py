"""Reminders: the reminder settings page and the service that saves it."""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError

from tests.factories import RegimenFactory
from tracker.models import Regimen, ReminderSettings
from tracker.services.reminders import reminder_settings_save

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reminder_outbox")]


def test_settings_page_sets_quiet_hours_follow_up_and_regimens(client, anna, anna_regimen):
    client.force_login(anna)
    response = client.post(
        "/settings/reminders/",
        {
            "email_enabled": "on",
            "follow_up": "on",
            "quiet_start": "22:00",
            "quiet_end": "07:00",
            "regimens": [],
        },
    )
    assert response["Location"] == "/settings/reminders/"
    saved = ReminderSettings.objects.get(mother=anna)
    assert (saved.follow_up, saved.quiet_start, saved.quiet_end) == (True, time(22, 0), time(7, 0))
    anna_regimen.refresh_from_db()
    assert anna_regimen.reminders_enabled is False


def test_settings_page_explains_half_quiet_hours(client, anna, anna_regimen):
    client.force_login(anna)
    response = client.post("/settings/reminders/", {"email_enabled": "on", "quiet_start": "22:00"})
    assert "Give both ends of your quiet hours, or neither." in response.content.decode()
    assert not ReminderSettings.objects.filter(mother=anna).exists()


def test_saving_reminder_settings_turns_reminders_on_for_exactly_the_chosen_regimens(anna, anna_regimen):
    other = RegimenFactory(mother=anna, dose_times=["09:00"], start_date=date(2026, 11, 1))
    strangers = RegimenFactory(dose_times=["09:00"], start_date=date(2026, 11, 1), reminders_enabled=False)
    row = ReminderSettings(mother=anna, email_enabled=True, follow_up=True)
    saved = reminder_settings_save(settings_row=row, regimens=[other, strangers])
    assert ReminderSettings.objects.get(mother=anna).follow_up is True
    assert saved.pk is not None
    enabled = {regimen.pk: regimen.reminders_enabled for regimen in Regimen.objects.all()}
    assert enabled == {anna_regimen.pk: False, other.pk: True, strangers.pk: False}


def test_reminder_settings_with_half_quiet_hours_are_refused(anna, anna_regimen):
    row = ReminderSettings(mother=anna, quiet_start=time(22, 0))
    with pytest.raises(ValidationError, match="Give both ends of your quiet hours"):
        reminder_settings_save(settings_row=row, regimens=[])
    assert not ReminderSettings.objects.exists()
    anna_regimen.refresh_from_db()
    assert anna_regimen.reminders_enabled is True
