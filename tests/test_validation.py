"""Each validation rule, with the message a tired parent sees."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError

from tests.factories import FeedingSessionFactory, InfantFactory, RegimenFactory
from tracker.models import FeedingSession, Regimen
from tracker.services.doses import dose_log

UTC = UTC


def messages_of(error: ValidationError) -> list[str]:
    return error.messages


def feed(infant, start, minutes=20, **extra) -> FeedingSession:
    return FeedingSession(
        infant=infant,
        started_at=start,
        ended_at=start + timedelta(minutes=minutes) if minutes is not None else None,
        method=extra.pop("method", FeedingSession.Method.BREAST),
        **extra,
    )


@pytest.fixture
def baby(db):
    return InfantFactory(name="Luca")


def test_a_feed_must_end_after_it_starts(baby):
    start = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    with pytest.raises(ValidationError) as caught:
        feed(baby, start, minutes=-5).full_clean()
    assert caught.value.message_dict["ended_at"] == ["The end time must be after the start time."]


def test_a_time_more_than_five_minutes_ahead_is_refused(baby):
    soon = datetime.now(UTC) + timedelta(minutes=4)
    feed(baby, soon - timedelta(minutes=20), minutes=20).full_clean()  # ends in 4 min: fine
    later = datetime.now(UTC) + timedelta(minutes=6)
    with pytest.raises(ValidationError) as caught:
        feed(baby, later, minutes=None).full_clean()
    assert caught.value.message_dict["started_at"] == [
        "That time is in the future. You can log things up to 5 minutes ahead, not more."
    ]


def test_a_feed_may_last_four_hours_but_not_longer(baby):
    start = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    feed(baby, start, minutes=240).full_clean()
    with pytest.raises(ValidationError) as caught:
        feed(baby, start + timedelta(hours=5), minutes=241).full_clean()
    assert "A feed can't be longer than 4 hours" in caught.value.message_dict["ended_at"][0]


def test_two_feeds_of_one_baby_cannot_overlap(baby, settings):
    FeedingSessionFactory(infant=baby, started_at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    with pytest.raises(ValidationError) as caught:
        feed(baby, datetime(2026, 11, 2, 9, 15, tzinfo=UTC)).full_clean()
    assert caught.value.messages == [
        "This overlaps another feed for Luca that started at 10:00 on 02 Nov. Feeds for one baby can't overlap."
    ]
    # Back to back is fine, and a twin may feed at the same time.
    feed(baby, datetime(2026, 11, 2, 9, 20, tzinfo=UTC)).full_clean()
    twin = InfantFactory(mother=baby.mother, pregnancy=baby.pregnancy, name="Sofia")
    feed(twin, datetime(2026, 11, 2, 9, 5, tzinfo=UTC)).full_clean()


@pytest.mark.parametrize("amount, ok", [(0, False), (1, True), (400, True), (401, False)])
def test_bottle_amounts_are_1_to_400_ml(baby, amount, ok):
    bottle = feed(baby, datetime(2026, 11, 2, 9, 0, tzinfo=UTC), method=FeedingSession.Method.FORMULA)
    bottle.bottle_ml = amount
    if ok:
        bottle.full_clean()
    else:
        with pytest.raises(ValidationError) as caught:
            bottle.full_clean()
        assert caught.value.message_dict["bottle_ml"] == ["A bottle amount must be between 1 and 400 ml."]


@pytest.fixture
def october_regimen(db):
    return RegimenFactory(
        dose_times=["08:00", "20:00"], start_date=date(2026, 10, 1), end_date=date(2026, 10, 31)
    )


def test_a_dose_slot_must_be_inside_the_regimen_window(october_regimen):
    with pytest.raises(ValidationError) as caught:
        dose_log(regimen=october_regimen, slot_date=date(2026, 11, 1), slot_time=time(8, 0))
    assert caught.value.message_dict["slot_date"] == [
        "That day is outside your regimen (01 Oct 2026 to 31 Oct 2026)."
    ]


def test_a_dose_slot_must_be_one_of_the_regimen_times(october_regimen):
    with pytest.raises(ValidationError) as caught:
        dose_log(regimen=october_regimen, slot_date=date(2026, 10, 5), slot_time=time(9, 0))
    assert caught.value.message_dict["slot_time"] == ["09:00 is not one of your dose times (08:00, 20:00)."]


def test_a_second_taken_for_the_same_slot_is_not_a_second_dose(october_regimen):
    first, created = dose_log(
        regimen=october_regimen,
        slot_date=date(2026, 10, 5),
        slot_time=time(8, 0),
        taken_at=datetime(2026, 10, 5, 6, 10, tzinfo=UTC),
    )
    again, created_again = dose_log(
        regimen=october_regimen,
        slot_date=date(2026, 10, 5),
        slot_time=time(8, 0),
        taken_at=datetime(2026, 10, 5, 7, 0, tzinfo=UTC),
    )
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert again.taken_at == datetime(2026, 10, 5, 6, 10, tzinfo=UTC)
    assert october_regimen.doses.count() == 1


def test_regimen_dose_times_must_match_doses_per_day(db):
    regimen = RegimenFactory.build(dose_times=["08:00"], doses_per_day=2)
    regimen.mother.save()
    regimen.product.mother = regimen.mother
    regimen.product.save()
    regimen.product_id = regimen.product.pk
    regimen.mother_id = regimen.mother.pk
    with pytest.raises(ValidationError) as caught:
        regimen.full_clean()
    assert caught.value.message_dict["dose_times"] == [
        "You said 2 dose(s) a day: give exactly that many times."
    ]


def test_trial_preset_needs_a_due_date(db):
    regimen = RegimenFactory.build(preset=Regimen.Preset.TRIAL, pregnancy=None)
    with pytest.raises(ValidationError) as caught:
        regimen.clean()
    assert caught.value.message_dict["preset"] == ["The trial preset needs your due date first."]
