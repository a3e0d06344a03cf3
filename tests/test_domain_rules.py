"""Rules that keep records plausible: found by trying the app as a tired parent would."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from tests.factories import (
    DoseLogFactory,
    FeedingSessionFactory,
    InfantFactory,
    PregnancyFactory,
    RegimenFactory,
    SymptomEntryFactory,
)
from tracker.models import DoseLog, FeedingSession, Infant, SymptomEntry
from tracker.services.doses import dose_log
from tracker.services.regimens import regimen_save
from tracker.services.symptoms import daily_check_save

UTC = UTC
NOW = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_birth_that_does_not_fit_the_due_date_is_refused(mother):
    pregnancy = PregnancyFactory(mother=mother, due_date=date(2026, 12, 5))
    twin_b = Infant(
        mother=mother,
        pregnancy=pregnancy,
        name="Twin B",
        birth_at=datetime(2025, 11, 27, 8, 0, tzinfo=UTC),  # a year typo
        gestational_weeks=37,
        delivery_mode="vaginal",
    )
    with pytest.raises(ValidationError) as caught:
        twin_b.full_clean()
    assert caught.value.message_dict["birth_at"] == [
        "A birth on 27 Nov 2025 doesn't fit your due date (05 Dec 2026): it would be -14 weeks of pregnancy. "
        "Check the year, or correct your due date first."
    ]


def test_a_birth_more_than_three_years_ago_is_refused(mother):
    infant = Infant(
        mother=mother,
        name="Leo",
        birth_at=datetime(1990, 1, 1, tzinfo=UTC),
        gestational_weeks=40,
        delivery_mode="vaginal",
    )
    with pytest.raises(ValidationError) as caught:
        infant.full_clean()
    assert caught.value.message_dict["birth_at"] == [
        "That birth date is more than 3 years ago. Check the year."
    ]


@pytest.mark.parametrize(
    "due, message",
    [
        ("2035-01-01", "A due date is at most 45 weeks from today, and at most 3 years ago."),
        ("2020-01-01", "A due date is at most 45 weeks from today, and at most 3 years ago."),
        ("1990-01-01", "Check the year: dates from 2000 to 2100 only."),
    ],
)
def test_an_implausible_due_date_is_refused(mother_client, due, message):
    response = mother_client.post("/setup/due-date/", {"due_date": due})
    assert message in response.content.decode()
    assert not mother_client.get("/setup/").context["pregnancy"]


def test_baby_records_cannot_predate_the_birth(infant):
    before = infant.birth_at - timedelta(days=2)
    with pytest.raises(ValidationError) as caught:
        SymptomEntry(infant=infant, kind="regurgitation", size="small", occurred_at=before).full_clean()
    assert caught.value.message_dict["occurred_at"][0].startswith(
        "That is before Luca was born (30 Oct 2026 07:00)."
    )
    with pytest.raises(ValidationError):
        FeedingSession(infant=infant, started_at=before, ended_at=before + timedelta(minutes=10)).full_clean()


def test_breast_minutes_must_fit_in_the_feed(infant):
    start = datetime(2026, 11, 15, 9, 0, tzinfo=UTC)
    feed = FeedingSession(
        infant=infant,
        started_at=start,
        ended_at=start + timedelta(minutes=10),
        left_seconds=200 * 60,
        right_seconds=0,
    )
    with pytest.raises(ValidationError) as caught:
        feed.full_clean()
    assert caught.value.messages == [
        "The minutes on each breast add up to 200 min, more than the feed's 10 min."
    ]


def test_a_bottle_feed_has_no_breast_time(infant):
    start = datetime(2026, 11, 15, 9, 0, tzinfo=UTC)
    feed = FeedingSession(
        infant=infant,
        started_at=start,
        ended_at=start + timedelta(minutes=20),
        method="formula",
        bottle_ml=90,
        right_seconds=20 * 60,
        switches=5,
    )
    with pytest.raises(ValidationError) as caught:
        feed.full_clean()
    assert "A bottle feed has no time on the breast" in caught.value.messages[0]


def test_crying_minutes_cannot_exceed_its_start_to_end(infant):
    start = datetime(2026, 11, 15, 2, 0, tzinfo=UTC)
    entry = SymptomEntry(
        infant=infant,
        kind="crying",
        occurred_at=start,
        ended_at=start + timedelta(minutes=10),
        duration_minutes=90,
    )
    with pytest.raises(ValidationError) as caught:
        entry.full_clean()
    assert caught.value.message_dict["duration_minutes"] == [
        "From start to end is 10 min, so the crying can't have lasted 90 min."
    ]


def test_no_symptoms_today_is_refused_on_a_day_with_symptoms(infant):
    SymptomEntryFactory(infant=infant, occurred_at=datetime(2026, 11, 15, 10, 0, tzinfo=UTC))
    with pytest.raises(ValidationError) as caught:
        daily_check_save(
            infant=infant, day=date(2026, 11, 15), no_symptoms=True, other_than_breast_milk=False
        )
    assert caught.value.messages[0].startswith("You logged 1 symptom for Luca that day")
    check = daily_check_save(
        infant=infant, day=date(2026, 11, 14), no_symptoms=True, other_than_breast_milk=False
    )
    assert check.no_symptoms is True


def test_a_dose_taken_days_before_its_slot_is_refused(regimen):
    with pytest.raises(ValidationError) as caught:
        dose_log(
            regimen=regimen,
            slot_date=date(2026, 11, 15),
            slot_time=time(20, 0),
            taken_at=datetime(2026, 11, 7, 19, 0, tzinfo=UTC),
        )
    assert caught.value.message_dict["taken_at"] == [
        "The time taken must be within 12 hours before and 24 hours after the dose time (20:00 on 15 Nov)."
    ]


def test_changing_the_dose_time_keeps_todays_dose_counted(mother, regimen):
    regimen.dose_times, regimen.doses_per_day = ["07:30"], 1
    regimen.save()
    DoseLogFactory(
        regimen=regimen,
        slot_date=date(2026, 11, 16),
        slot_time=time(7, 30),
        taken_at=NOW - timedelta(hours=1),
    )
    DoseLogFactory(regimen=regimen, slot_date=date(2026, 11, 15), slot_time=time(7, 30))
    regimen.dose_times = ["09:00"]
    regimen_save(regimen=regimen)
    today = DoseLog.objects.get(slot_date=date(2026, 11, 16))
    yesterday = DoseLog.objects.get(slot_date=date(2026, 11, 15))
    assert today.slot_time == time(9, 0)  # still answers today's (only) slot
    assert today.scheduled_at == datetime(2026, 11, 16, 8, 0, tzinfo=UTC)
    assert yesterday.slot_time == time(7, 30)  # history keeps its time


def test_dose_times_accept_single_digit_hours(mother, mother_client):
    PregnancyFactory(mother=mother)
    mother_client.post(
        "/setup/regimen/add/",
        {
            "product_name": "P",
            "form": "capsule",
            "preset": "trial",
            "doses_per_day": "2",
            "dose_times": "8:00, 20:00",
        },
    )
    assert mother.regimens.get().dose_times == ["08:00", "20:00"]


def test_a_count_mismatch_is_reported_once(mother, mother_client):
    PregnancyFactory(mother=mother)
    response = mother_client.post(
        "/setup/regimen/add/",
        {
            "product_name": "P",
            "form": "capsule",
            "preset": "trial",
            "doses_per_day": "2",
            "dose_times": "08:00",
        },
    )
    assert response.content.decode().count("You said 2 dose(s) a day") == 1


def test_a_new_regimen_form_starts_with_one_dose_at_eight(mother_client):
    form = mother_client.get("/setup/regimen/add/").context["form"]
    assert (form.initial["doses_per_day"], form.initial["dose_times"]) == (1, "08:00")


def test_deleting_a_baby_asks_first_then_removes_their_records(mother, mother_client, infant):
    FeedingSessionFactory(infant=infant)
    page = mother_client.get(f"/setup/baby/{infant.pk}/delete/").content.decode()
    assert "This deletes Luca" in page and "1 feed," in page
    assert Infant.objects.filter(pk=infant.pk).exists()
    mother_client.post(f"/setup/baby/{infant.pk}/delete/")
    assert not Infant.objects.filter(pk=infant.pk).exists()
    assert FeedingSession.objects.count() == 0


def test_a_trial_regimen_keeps_its_dates_valid_after_a_twin_is_added(mother):
    pregnancy = PregnancyFactory(mother=mother, due_date=date(2026, 11, 20))
    regimen = RegimenFactory(mother=mother, preset="trial", pregnancy=pregnancy)
    regimen_save(regimen=regimen)
    InfantFactory(mother=mother, pregnancy=pregnancy, birth_at=datetime(2026, 11, 14, 8, 0, tzinfo=UTC))
    from tracker.services.regimens import regimens_follow_pregnancy

    regimens_follow_pregnancy(pregnancy=pregnancy)
    regimen.refresh_from_db()
    assert (regimen.start_date, regimen.end_date) == (date(2026, 10, 23), date(2026, 12, 12))
