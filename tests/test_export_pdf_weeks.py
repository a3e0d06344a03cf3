"""The PDF's last four weeks read only those weeks' days, and print the weekly diary's rows."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from tests.factories import (
    DoseLogFactory,
    FeedingSessionFactory,
    InfantFactory,
    RegimenFactory,
    SymptomEntryFactory,
)
from tracker.exports import pdf_weeks
from tracker.exports.weekly import weekly_records
from tracker.models import Infant

NOW = datetime(2026, 11, 16, 20, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_last_four_weeks_of_siblings_are_the_weekly_diarys_own(mother):
    """Two babies born 75 and 40 days ago, records every few days (one before the younger's
    birth): each one's last four weeks are the diary's last four rows, read from fewer days."""
    older = InfantFactory(mother=mother, name="Luca", birth_at=NOW - timedelta(days=75))
    younger = InfantFactory(mother=mother, name="Sara", birth_at=NOW - timedelta(days=40))
    regimen = RegimenFactory(mother=mother, start_date=date(2026, 8, 1))
    for days_ago in range(0, 80, 3):
        at = NOW - timedelta(days=days_ago, hours=5)
        DoseLogFactory(regimen=regimen, slot_date=at.date())
        for infant in (older, younger):
            if at >= infant.birth_at - timedelta(days=1):
                FeedingSessionFactory(infant=infant, started_at=at, ended_at=at + timedelta(minutes=20))
                SymptomEntryFactory(infant=infant, occurred_at=at + timedelta(minutes=30))
    today = date(2026, 11, 16)
    everything: dict[int, list] = {}
    for week in weekly_records(mother=mother, today=today):
        if week.infant_id is not None:
            everything.setdefault(week.infant_id, []).append(week)

    recent = pdf_weeks.recent_weeks(
        mother=mother, today=today, infants=list(Infant.objects.for_mother(mother))
    )

    assert recent == {infant_id: weeks[-4:] for infant_id, weeks in everything.items()}
    assert [week.week_of_life for week in recent[older.pk]] == [8, 9, 10, 11]
    assert pdf_weeks.recent_weeks(mother=mother, today=today) == recent  # infants read when not given
