"""History: the symptom and daily check forms, adding and editing them by hand."""

from datetime import date, timedelta

import pytest

from tests.factories import DailyCheckFactory, SymptomEntryFactory
from tests.history_helpers import NOW, form_errors, form_values, in_zone, rows, text, timed_on_today, utc
from tracker.forms.fields import MSG_YEAR
from tracker.models import SymptomEntry

pytestmark = pytest.mark.usefixtures("history_clock")


def test_adding_a_symptom_starts_by_choosing_what_happened(mother_client, infant):
    picker = text(mother_client.get("/history/symptoms/add/"))
    assert "Spit-up Crying / fussing Tummy pain / colic Stool" in picker

    stool_form = mother_client.get("/history/symptoms/add/?kind=stool").content.decode()
    assert 'name="stool_consistency"' in stool_form and 'name="straining_minutes"' in stool_form
    assert 'name="size"' not in stool_form and 'name="severity"' not in stool_form

    mother_client.post(
        "/history/symptoms/add/?kind=stool",
        {
            "infant": infant.pk,
            "occurred_at": "2026-11-16T09:10",
            "stool_consistency": "6",
            "stool_colour": "yellow",
            "straining_minutes": "3",
        },
    )
    entry = SymptomEntry.objects.get()
    assert (entry.kind, entry.occurred_at, entry.stool_consistency) == ("stool", utc(16, 8, 10), 6)
    assert (entry.stool_colour, entry.straining_minutes) == ("yellow", 3)


def test_symptom_forms_show_the_models_messages(mother_client, infant):
    spit_up = mother_client.post(
        "/history/symptoms/add/?kind=regurgitation", {"infant": infant.pk, "occurred_at": "2026-11-16T09:00"}
    )
    assert "Choose how big the spit-up was." in text(spit_up)
    pain = mother_client.post(
        "/history/symptoms/add/?kind=abdominal_pain", {"infant": infant.pk, "occurred_at": "2026-11-16T09:00"}
    )
    assert "Choose how bad the pain looked, from 0 (none) to 3 (severe)." in text(pain)
    crying = mother_client.post(
        "/history/symptoms/add/?kind=crying",
        {"infant": infant.pk, "occurred_at": "2026-11-16T09:00", "ended_at": "2026-11-16T08:30"},
    )
    assert "The end time must be after the start time." in text(crying)
    assert not SymptomEntry.objects.exists()


def test_crying_typed_with_start_and_stop_keeps_its_minutes(mother_client, infant):
    mother_client.post(
        "/history/symptoms/add/?kind=crying",
        {"infant": infant.pk, "occurred_at": "2026-11-16T08:00", "ended_at": "2026-11-16T08:45"},
    )
    entry = SymptomEntry.objects.get()
    assert (entry.kind, entry.duration_minutes, entry.is_running) == ("crying", 45, False)
    vague = mother_client.post(
        "/history/symptoms/add/?kind=crying", {"infant": infant.pk, "occurred_at": "2026-11-16T09:00"}
    )
    assert "Give the minutes, or the time the crying stopped." in text(vague)
    assert SymptomEntry.objects.count() == 1


def test_editing_a_symptom_saves_and_lists_the_new_values(mother_client, infant):
    entry = SymptomEntryFactory(infant=infant, occurred_at=utc(15, 9))
    response = mother_client.post(
        f"/history/symptoms/{entry.pk}/edit/",
        {"occurred_at": "2026-11-15T10:15", "size": "large", "is_vomiting": "on", "notes": "After feed"},
        follow=True,
    )
    entry.refresh_from_db()
    assert (entry.occurred_at, entry.size, entry.is_vomiting) == (utc(15, 9, 15), "large", True)
    assert rows(response)[0].startswith("Sun 15 Nov · 10:15 · Spit-up Luca · large · vomiting After feed")


def test_a_symptom_for_another_mothers_baby_is_refused(mother_client, infant, stranger_infant):
    response = mother_client.post(
        "/history/symptoms/add/?kind=regurgitation",
        {"infant": stranger_infant.pk, "occurred_at": "2026-11-16T09:00", "size": "small"},
    )
    assert "Choose one of your own babies." in text(response)
    assert not SymptomEntry.objects.exists()


def test_symptom_minutes_out_of_range_get_plain_messages(mother_client, infant):
    crying = mother_client.post(
        "/history/symptoms/add/?kind=crying",
        {"infant": infant.pk, "occurred_at": "2026-11-16T08:00", "duration_minutes": "2000"},
    )
    assert form_errors(crying)["duration_minutes"] == [
        "Crying minutes must be between 0 and 1440 (24 hours)."
    ]
    stool = mother_client.post(
        "/history/symptoms/add/?kind=stool",
        {
            "infant": infant.pk,
            "occurred_at": "2026-11-16T08:00",
            "stool_consistency": "4",
            "straining_minutes": "-3",
        },
    )
    assert form_errors(stool)["straining_minutes"] == ["Straining minutes must be between 0 and 120."]
    assert "Ensure this value" not in text(crying) + text(stool)
    assert not SymptomEntry.objects.exists()


def test_a_symptom_in_year_1_is_refused_for_a_mother_in_tokyo(mother_client, mother, infant):
    in_zone(mother, "Asia/Tokyo")
    response = mother_client.post(
        "/history/symptoms/add/?kind=regurgitation",
        {"infant": infant.pk, "occurred_at": "0001-01-01T00:00", "size": "small"},
    )
    assert response.status_code == 200
    assert MSG_YEAR in text(response)
    assert not SymptomEntry.objects.exists()


def test_a_crying_spell_stopped_within_a_minute_can_be_saved_unchanged_with_a_note(mother_client, infant):
    entry = timed_on_today(mother_client, infant, "crying", 5, 45)
    values = form_values(mother_client.get(f"/history/symptoms/{entry.pk}/edit/").content.decode())
    assert (values["occurred_at"], values["ended_at"]) == ("2026-11-16T10:00", "2026-11-16T10:00")

    response = mother_client.post(f"/history/symptoms/{entry.pk}/edit/", values | {"notes": "Wind"})
    assert response.status_code == 302, text(response)
    entry.refresh_from_db()
    assert (entry.occurred_at, entry.ended_at) == (NOW + timedelta(seconds=5), NOW + timedelta(seconds=45))
    assert (entry.notes, entry.duration_minutes) == ("Wind", 1)


# Daily checks


def test_editing_a_daily_check(mother_client, infant):
    check = DailyCheckFactory(infant=infant, day=date(2026, 11, 15))
    response = mother_client.post(
        f"/history/checks/{check.pk}/edit/",
        {"no_symptoms": "", "other_than_breast_milk": "true", "notes": "Some formula at night"},
        follow=True,
    )
    check.refresh_from_db()
    assert (check.no_symptoms, check.other_than_breast_milk, check.notes) == (
        False,
        True,
        "Some formula at night",
    )
    assert (check.infant, check.day) == (infant, date(2026, 11, 15))
    assert "Saved Luca’s daily check for 15 Nov." in text(response)
    assert "No symptoms: no · Other than breast milk: yes Some formula at night" in rows(response)[0]
