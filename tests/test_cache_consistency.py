"""The dashboard's cached numbers always equal freshly computed ones, whatever writes came before.

Hypothesis draws sequences of writes to one mother's records: logs created on today or on a
closed day, edited into and out of a closed day, deleted; bulk creates and updates (which send
no ``post_save``); a regimen, its dose times (through the service, which keeps the old ones for
the days before), a baby or her time zone changed; the clock moved on. After each
write the dashboard is built twice: through the cache as it stands (warmed by the steps before)
and with no cache at all. They must be equal.
"""

from datetime import UTC, datetime, time, timedelta
from unittest import mock

import time_machine
from django.core.cache import cache
from django.core.cache.backends.dummy import DummyCache
from django.db import IntegrityError, transaction
from django.db.models import F
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

import tracker.closed_days
import tracker.day_totals
from accounts.models import User
from tests.factories import (
    DailyCheckFactory,
    DoseLogFactory,
    FeedingSessionFactory,
    InfantFactory,
    RegimenFactory,
    SymptomEntryFactory,
    UserFactory,
)
from tracker.models import DailyCheck, DoseLog, FeedingSession, SymptomEntry
from tracker.selectors.dashboard import dashboard_for
from tracker.services.regimens import regimen_save

# 16 Nov 2026, 21:00 in Rome; the baby was born on 30 Oct, the regimen began on 1 Nov.
NOW = datetime(2026, 11, 16, 20, 0, tzinfo=UTC)
LOGGED = (DoseLog, FeedingSession, SymptomEntry, DailyCheck)

days_back = st.integers(min_value=0, max_value=9)  # 0: today, 1..9: closed days
hour = st.integers(min_value=0, max_value=23)
write = st.one_of(
    st.tuples(st.just("dose"), days_back, st.sampled_from(["08:00", "20:00"]), st.booleans()),
    st.tuples(st.just("feed"), days_back, hour, st.integers(min_value=1, max_value=90)),
    st.tuples(st.just("spit_up"), days_back, hour),
    st.tuples(st.just("crying"), days_back, hour, st.integers(min_value=1, max_value=180)),
    st.tuples(st.just("check"), days_back, st.booleans()),
    st.tuples(st.just("move"), st.sampled_from(LOGGED), st.integers(min_value=-9, max_value=9)),
    st.tuples(st.just("delete"), st.sampled_from(LOGGED)),
    st.tuples(st.just("bulk_create"), days_back, st.integers(min_value=1, max_value=4)),
    st.tuples(st.just("bulk_shift"), st.sampled_from([-1, 1])),
    st.tuples(
        st.just("bulk_skip"),
    ),
    st.tuples(st.just("regimen"), st.integers(min_value=1, max_value=12), st.booleans()),
    st.tuples(st.just("times"), st.sampled_from([["08:00"], ["08:00", "20:00"], ["09:00", "21:00"]])),
    st.tuples(st.just("birth"), st.integers(min_value=-3, max_value=3)),
    st.tuples(st.just("zone"), st.sampled_from(["Europe/Rome", "America/New_York", "Asia/Tokyo"])),
    st.tuples(st.just("clock"), st.integers(min_value=1, max_value=30)),
)


class Family:
    """One mother, her baby and her regimen, and the writes Hypothesis asks for."""

    def __init__(self):
        self.mother = UserFactory(time_zone="Europe/Rome")
        self.infant = InfantFactory(mother=self.mother, birth_at=datetime(2026, 10, 30, 6, 0, tzinfo=UTC))
        self.regimen = RegimenFactory(mother=self.mother, start_date=NOW.date() - timedelta(days=15))

    def at(self, back: int, hour: int = 12) -> datetime:
        return datetime.now(UTC).replace(minute=0, second=0, microsecond=0, hour=hour) - timedelta(days=back)

    def latest(self, model):
        return model.objects.for_mother(self.mother).order_by("-pk").first()

    def apply(self, step: tuple) -> None:
        kind, *args = step
        with transaction.atomic():  # a write the database refuses (a second log of a slot) is no write
            try:
                getattr(self, f"do_{kind}")(*args)
            except IntegrityError:
                transaction.set_rollback(True)

    def do_dose(self, back, slot, taken):
        day = datetime.now(self.mother.zone).date() - timedelta(days=back)
        status = DoseLog.Status.TAKEN if taken else DoseLog.Status.SKIPPED
        DoseLogFactory(regimen=self.regimen, slot_date=day, slot_time=time.fromisoformat(slot), status=status)

    def do_feed(self, back, hour, minutes):
        start = self.at(back, hour)
        FeedingSessionFactory(
            infant=self.infant, started_at=start, ended_at=start + timedelta(minutes=minutes)
        )

    def do_spit_up(self, back, hour):
        SymptomEntryFactory(infant=self.infant, occurred_at=self.at(back, hour))

    def do_crying(self, back, hour, minutes):
        SymptomEntryFactory(
            infant=self.infant,
            kind=SymptomEntry.Kind.CRYING,
            occurred_at=self.at(back, hour),
            duration_minutes=minutes,
            size="",
        )

    def do_check(self, back, no_symptoms):
        day = datetime.now(self.mother.zone).date() - timedelta(days=back)
        DailyCheckFactory(infant=self.infant, day=day, no_symptoms=no_symptoms)

    def do_move(self, model, days):
        """Edit the newest record of ``model`` into another day (in or out of the closed days)."""
        record = self.latest(model)
        if record is None:
            return
        shift = timedelta(days=days)
        if model is DoseLog:
            record.slot_date += shift
            if record.taken_at:
                record.taken_at += shift
        elif model is DailyCheck:
            record.day += shift
        elif model is FeedingSession:
            record.started_at += shift
            record.ended_at += shift
        else:
            record.occurred_at += shift
        record.save()

    def do_delete(self, model):
        record = self.latest(model)
        if record is not None:
            record.delete()

    def do_bulk_create(self, back, count):
        SymptomEntry.objects.bulk_create(
            SymptomEntry(infant=self.infant, kind="regurgitation", size="small", occurred_at=self.at(back, h))
            for h in range(count)
        )

    def do_bulk_shift(self, days):
        SymptomEntry.objects.for_mother(self.mother).update(
            occurred_at=F("occurred_at") + timedelta(days=days)
        )

    def do_bulk_skip(self):
        DoseLog.objects.for_mother(self.mother).update(status=DoseLog.Status.SKIPPED, taken_at=None)

    def do_regimen(self, days_ago, twice_a_day):
        self.regimen.start_date = NOW.date() - timedelta(days=days_ago)
        self.regimen.dose_times = ["08:00", "20:00"] if twice_a_day else ["08:00"]
        self.regimen.doses_per_day = len(self.regimen.dose_times)
        self.regimen.save()

    def do_times(self, times):
        """Her dose times changed on the set-up page: the days before keep theirs (ScheduleChange)."""
        self.regimen.dose_times, self.regimen.doses_per_day = times, len(times)
        regimen_save(regimen=self.regimen)

    def do_birth(self, days):
        self.infant.birth_at += timedelta(days=days)
        self.infant.save()

    def do_zone(self, name):
        self.mother.time_zone = name
        self.mother.save()

    def do_clock(self, hours):
        self.traveller.shift(timedelta(hours=hours))


def dashboard_numbers(mother_id: int):
    mother = User.objects.get(pk=mother_id)  # as a page view reads her: stamp and zone fresh
    return dashboard_for(mother=mother, range_key="all")


class CachedDashboardEqualsUncached(TestCase):
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(write, min_size=1, max_size=12))
    # At 21:00 in Rome it is 05:00 tomorrow in Tokyo: Tokyo has closed (and cached) Rome's today,
    # a dose logged on it in Rome must be seen when she is back on Tokyo time.
    @example(
        [("zone", "Asia/Tokyo"), ("zone", "Europe/Rome"), ("dose", 0, "08:00", True), ("zone", "Asia/Tokyo")]
    )
    def test_after_any_sequence_of_writes_the_cached_dashboard_equals_the_uncached_one(self, steps):
        cache.clear()
        with time_machine.travel(NOW, tick=False) as traveller:
            family = Family()
            family.traveller = traveller
            dashboard_numbers(family.mother.pk)  # warm the cache before the first write
            for number, step in enumerate(steps, start=1):
                family.apply(step)
                warm = dashboard_numbers(family.mother.pk)
                uncached = DummyCache("uncached", {})
                with (
                    mock.patch.object(tracker.closed_days, "cache", uncached),
                    mock.patch.object(tracker.day_totals, "cache", uncached),
                ):
                    stored = dashboard_numbers(family.mother.pk)  # the months kept in the database
                    with (
                        mock.patch.object(tracker.day_totals, "_stored_months", lambda *args: {}),
                        mock.patch.object(tracker.day_totals, "_store_months", lambda *args: False),
                    ):
                        cold = dashboard_numbers(family.mother.pk)  # from the records alone
                assert warm == cold, f"after step {number} of {steps}"
                assert stored == cold, f"after step {number} of {steps}, from the stored months"
