"""A baby's symptoms per local day (``symptom_days``): the totals the dashboard, the daily
summary and the weekly diary share. Values are counted by hand from the entries below."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction

from tests.factories import DailyCheckFactory, SymptomEntryFactory
from tracker.models import DailyCheck, SymptomEntry
from tracker.selectors.symptom_days import NO_SYMPTOMS, symptom_days

pytestmark = pytest.mark.django_db

ROME = ZoneInfo("Europe/Rome")
Kind = SymptomEntry.Kind
DAY = date(2026, 11, 10)


def at(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute, second), tzinfo=ROME).astimezone(UTC)


def totals(infant):
    return symptom_days(
        entries=SymptomEntry.objects.filter(infant=infant),
        checked=DailyCheck.objects.filter(infant=infant).values_list("infant_id", "day"),
        zone=ROME,
    )


def test_a_day_counts_vomiting_apart_and_stools_by_brussels_group(infant):
    for hour in (8, 9, 10):
        SymptomEntryFactory(infant=infant, kind=Kind.REGURGITATION, occurred_at=at(DAY, hour), size="small")
    SymptomEntryFactory(
        infant=infant, kind=Kind.REGURGITATION, occurred_at=at(DAY, 11), size="large", is_vomiting=True
    )
    for hour, picture in [(12, 2), (13, 3), (14, 4), (15, 5), (16, 6), (17, 7)]:
        SymptomEntryFactory(
            infant=infant, kind=Kind.STOOL, occurred_at=at(DAY, hour), stool_consistency=picture
        )
    SymptomEntryFactory(
        infant=infant, kind=Kind.STOOL, occurred_at=at(DAY, 18), stool_consistency=4, straining_minutes=10
    )

    day = totals(infant)[(infant.pk, DAY)]

    assert (day.regurgitations, day.vomiting) == (3, 1)
    assert (day.stools, day.stools_hard, day.stools_formed, day.stools_loose, day.stools_watery) == (
        7,
        2,
        2,
        2,
        1,
    )
    assert day.strained is True
    assert day.checked is False


def test_a_day_with_no_entry_and_no_check_is_not_a_logging_day(infant):
    DailyCheckFactory(infant=infant, day=DAY, no_symptoms=True)
    SymptomEntryFactory(
        infant=infant, kind=Kind.STOOL, occurred_at=at(DAY + timedelta(days=2), 9), stool_consistency=4
    )

    days = totals(infant)

    assert days[(infant.pk, DAY)] == NO_SYMPTOMS  # a symptom-free day: zeros, and checked
    assert (infant.pk, DAY + timedelta(days=1)) not in days  # no data: absent, not zero
    assert days[(infant.pk, DAY + timedelta(days=2))].stools == 1


def test_a_days_crying_is_the_sum_of_its_spells_minutes(infant):
    """Two spells of 10 min 30 s each are 10 minutes each in History, so 20 for the day (not 21)."""
    for hour in (9, 15):
        SymptomEntry.objects.create(
            infant=infant, kind=Kind.CRYING, occurred_at=at(DAY, hour), ended_at=at(DAY, hour, 10, 30)
        )
    SymptomEntryFactory(infant=infant, kind=Kind.CRYING, occurred_at=at(DAY, 20), duration_minutes=25)

    spells = SymptomEntry.objects.filter(infant=infant, kind=Kind.CRYING)
    assert sorted(spell.crying_minutes() for spell in spells) == [10, 10, 25]
    assert totals(infant)[(infant.pk, DAY)].crying_minutes == 45


def test_a_spell_that_started_before_midnight_belongs_to_that_day(infant):
    SymptomEntry.objects.create(
        infant=infant,
        kind=Kind.CRYING,
        occurred_at=at(DAY, 23, 40),
        ended_at=at(DAY + timedelta(days=1), 0, 30),
    )
    days = totals(infant)
    assert days[(infant.pk, DAY)].crying_minutes == 50
    assert (infant.pk, DAY + timedelta(days=1)) not in days


def test_an_ended_spell_without_minutes_cannot_be_stored(infant):
    spell = SymptomEntry.objects.create(
        infant=infant, kind=Kind.CRYING, occurred_at=at(DAY, 9), ended_at=at(DAY, 9, 30)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        SymptomEntry.objects.filter(pk=spell.pk).update(duration_minutes=None)
