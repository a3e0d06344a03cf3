"""The closed-days cache: the dashboard's history-wide numbers stay right after every write.

Anna lives in Rome; "now" is 10 October 2026 at 21:00 there, so 1-9 October are closed
days and 10 October is today. Her regimen is two doses a day at 08:00 and 20:00.
"""

from datetime import UTC, date, datetime, time

import pytest
import time_machine

from accounts.models import User
from tests.factories import DailyCheckFactory, DoseLogFactory, RegimenFactory, SymptomEntryFactory
from tracker.models import DoseLog, Regimen, SymptomEntry
from tracker.selectors.adherence import adherence_for_regimen
from tracker.selectors.symptom_trends import symptom_trends

MORNING, EVENING = time(8, 0), time(20, 0)
NOW = datetime(2026, 10, 10, 19, 0, tzinfo=UTC)  # 21:00 in Rome
TODAY = date(2026, 10, 10)


@pytest.fixture(autouse=True)
def at_night():
    with time_machine.travel(NOW, tick=False):
        yield


def stamp(mother) -> str:
    return User.objects.get(pk=mother.pk).records_stamp


def adherence(regimen):
    return adherence_for_regimen(regimen=Regimen.objects.select_related("mother").get(pk=regimen.pk))


def took(regimen, day, at):
    return DoseLogFactory(regimen=regimen, slot_date=day, slot_time=at)


def test_a_dose_logged_today_is_counted_without_forgetting_the_past(mother, regimen):
    took(regimen, date(2026, 10, 1), MORNING)
    assert adherence(regimen).doses_taken == 1  # the closed days are now cached
    before = stamp(mother)

    took(regimen, TODAY, MORNING)

    assert stamp(mother) == before  # today's dose leaves the closed days alone
    assert adherence(regimen).doses_taken == 2


def test_a_missed_dose_added_for_a_past_day_is_counted_at_once(mother, regimen):
    assert adherence(regimen).doses_taken == 0
    before = stamp(mother)

    took(regimen, date(2026, 10, 3), MORNING)
    took(regimen, date(2026, 10, 3), EVENING)

    assert stamp(mother) != before
    result = adherence(regimen)
    assert (result.doses_taken, result.days_covered) == (2, 1)


def test_editing_and_deleting_a_past_dose_are_seen(mother, regimen):
    dose = took(regimen, date(2026, 10, 2), MORNING)
    assert adherence(regimen).doses_taken == 1

    dose.status, dose.taken_at = DoseLog.Status.SKIPPED, None
    dose.save()
    assert (adherence(regimen).doses_taken, adherence(regimen).doses_skipped) == (0, 1)

    dose.delete()
    assert adherence(regimen).doses_skipped == 0


def test_a_new_time_zone_reads_the_days_afresh(mother, infant):
    # 23:30 UTC on 3 November is already the 4th in Rome, still the 3rd in New York.
    with time_machine.travel(datetime(2026, 11, 7, 19, 0, tzinfo=UTC), tick=False):
        SymptomEntryFactory(infant=infant, occurred_at=datetime(2026, 11, 3, 23, 30, tzinfo=UTC))
        assert spit_up_days(infant) == [date(2026, 11, 4)]
        mother.time_zone = "America/New_York"
        mother.save()
        assert spit_up_days(infant) == [date(2026, 11, 3)]


def spit_ups(infant) -> dict[date, int]:
    trends = symptom_trends(
        infant=type(infant).objects.select_related("mother").get(pk=infant.pk),
        first_day=date(2026, 11, 1),
        last_day=date(2026, 11, 7),
    )
    return {d.day: d.regurgitations for d in trends.per_day}


def spit_up_days(infant) -> list[date]:
    return [day for day, count in spit_ups(infant).items() if count]


def test_symptoms_of_a_past_day_added_or_removed_change_the_trends(mother, infant):
    def spit_ups_on(day: date) -> int:
        return spit_ups(infant)[day]

    with time_machine.travel(datetime(2026, 11, 7, 19, 0, tzinfo=UTC), tick=False):
        entry = SymptomEntryFactory(infant=infant, occurred_at=datetime(2026, 11, 3, 9, 0, tzinfo=UTC))
        assert spit_ups_on(date(2026, 11, 3)) == 1
        SymptomEntryFactory(infant=infant, occurred_at=datetime(2026, 11, 3, 15, 0, tzinfo=UTC))
        assert spit_ups_on(date(2026, 11, 3)) == 2
        entry.delete()
        assert spit_ups_on(date(2026, 11, 3)) == 1
        SymptomEntryFactory(infant=infant, occurred_at=datetime(2026, 11, 7, 15, 0, tzinfo=UTC))
        assert spit_ups_on(date(2026, 11, 7)) == 1  # today's, read live


def test_a_daily_check_for_a_past_day_changes_the_stamp_and_one_for_today_does_not(mother, infant):
    with time_machine.travel(datetime(2026, 11, 7, 19, 0, tzinfo=UTC), tick=False):
        before = stamp(mother)
        DailyCheckFactory(infant=infant, day=date(2026, 11, 7))
        assert stamp(mother) == before
        DailyCheckFactory(infant=infant, day=date(2026, 11, 6))
        assert stamp(mother) != before


def test_another_mothers_writes_leave_her_stamp_alone(mother, outsider, regimen):
    from tests.factories import RegimenFactory

    before = stamp(mother)
    took(RegimenFactory(mother=outsider), date(2026, 10, 2), MORNING)
    assert stamp(mother) == before


def test_saving_her_account_loaded_before_a_past_edit_keeps_the_new_stamp(mother, regimen):
    loaded_earlier = User.objects.get(pk=mother.pk)  # e.g. her profile page, still open
    took(regimen, date(2026, 10, 5), MORNING)  # a closed day: the stamp changes
    after_the_edit = stamp(mother)
    loaded_earlier.display_name = "Anna R."
    loaded_earlier.save()
    assert stamp(mother) == after_the_edit
    assert User.objects.get(pk=mother.pk).display_name == "Anna R."


def test_bulk_writes_of_records_change_her_stamp_and_not_another_mothers(mother, regimen, outsider):
    took(regimen, date(2026, 10, 5), MORNING)
    RegimenFactory(mother=outsider)
    before, others_before = stamp(mother), stamp(outsider)

    DoseLog.objects.for_mother(mother).update(status=DoseLog.Status.SKIPPED, taken_at=None)
    after_update = stamp(mother)
    assert after_update != before

    infant = SymptomEntryFactory(infant__mother=mother).infant
    after_create = stamp(mother)
    SymptomEntry.objects.bulk_create(
        [SymptomEntry(infant=infant, kind="regurgitation", size="small", occurred_at=NOW)]
    )
    assert stamp(mother) != after_create
    assert stamp(outsider) == others_before
