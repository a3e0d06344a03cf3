"""`manage.py seed_demo`: a believable demo mother, fast, and safe to run twice."""

import re
from datetime import UTC, date, datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Count, F
from django.db.models.functions import TruncDate
from django.test import Client

from accounts.models import User
from tracker.localtime import local_date
from tracker.models import DailyCheck, DoseLog, FeedingSession, Infant, Regimen, SymptomEntry

NEW_YORK = ZoneInfo("America/New_York")
# 11:00 in New York on Tuesday 10 March 2026: the week before holds the spring-forward day (8 March).
NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
TODAY = date(2026, 3, 10)
WEEK = [TODAY - timedelta(days=n) for n in range(7, 0, -1)]


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=True):
        yield


def seed(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **{"email": "x@example.org", "tz": "America/New_York", **options})
    return out.getvalue()


def per_local_day(queryset, field: str) -> dict[date, int]:
    rows = queryset.annotate(day=TruncDate(field, tzinfo=NEW_YORK)).values("day").annotate(n=Count("id"))
    return {row["day"]: row["n"] for row in rows}


@pytest.mark.django_db
def test_a_week_of_history_for_a_mother_in_new_york():
    seed(days=7, seed=1)

    mother = User.objects.get(email="x@example.org")
    assert (mother.time_zone, mother.role) == ("America/New_York", User.Role.MOTHER)
    infant = Infant.objects.get(mother=mother)
    assert 38 <= infant.gestational_weeks <= 41
    assert local_date(infant.birth_at, NEW_YORK) == TODAY - timedelta(days=8)
    regimen = Regimen.objects.get(mother=mother)
    assert (regimen.dose_times, regimen.doses_per_day) == (["08:00", "20:00"], 2)
    assert regimen.covers(WEEK[0]) and regimen.covers(TODAY)

    feeds = FeedingSession.objects.filter(infant=infant)
    per_day = per_local_day(feeds, "started_at")
    assert sorted(per_day) == WEEK  # nothing today, nothing before the week
    assert all(8 <= count <= 12 for count in per_day.values()), per_day
    assert not feeds.filter(ended_at__isnull=True).exists()

    doses = DoseLog.objects.filter(regimen=regimen)
    assert not doses.filter(slot_date=TODAY).exists()  # today's two slots are still open
    assert set(doses.values_list("slot_date", flat=True)) <= set(WEEK)
    taken = doses.filter(status=DoseLog.Status.TAKEN).count()
    assert 0.8 * 14 <= taken <= 14
    for log in doses:
        assert log.scheduled_at == regimen.slot_at(log.slot_date, log.slot_time)


@pytest.mark.django_db
def test_breastfeeds_take_turns_and_never_overlap():
    seed(days=7, seed=3)
    feeds = list(FeedingSession.objects.order_by("started_at"))
    for earlier, later in zip(feeds, feeds[1:], strict=False):
        assert earlier.ended_at <= later.started_at
    breastfeeds = [feed for feed in feeds if feed.method == FeedingSession.Method.BREAST]
    for feed in breastfeeds:
        assert timedelta(minutes=10) <= feed.duration <= timedelta(minutes=25)
        assert 0 < feed.left_seconds + feed.right_seconds <= feed.duration.total_seconds()
    both_sides = sum(1 for feed in breastfeeds if feed.left_seconds and feed.right_seconds)
    assert both_sides > 0.7 * len(breastfeeds)
    starts = [feed.start_side for feed in breastfeeds]
    assert 0.4 < starts.count("left") / len(starts) < 0.6


@pytest.mark.django_db
def test_night_feeds_are_further_apart_than_day_feeds():
    seed(days=14, seed=5)
    gaps = {"night": [], "day": []}
    feeds = list(FeedingSession.objects.order_by("started_at"))
    for earlier, later in zip(feeds, feeds[1:], strict=False):
        hour = later.started_at.astimezone(NEW_YORK).hour
        gaps["night" if hour < 6 else "day"].append(later.started_at - earlier.started_at)
    mean = {part: sum(values, timedelta()) / len(values) for part, values in gaps.items()}
    assert mean["night"] > mean["day"]


@pytest.mark.django_db
def test_three_mothers_are_numbered_from_the_first_address():
    seed(days=2, mothers=3)
    assert list(User.objects.order_by("email").values_list("email", flat=True)) == [
        "x+2@example.org",
        "x+3@example.org",
        "x@example.org",
    ]
    assert Infant.objects.count() == Regimen.objects.count() == 3
    assert len(set(User.objects.values_list("password", flat=True))) == 1  # hashed once


@pytest.mark.django_db
def test_running_it_twice_creates_nothing_the_second_time():
    seed(days=3, mothers=2)
    counts = (User.objects.count(), FeedingSession.objects.count(), DoseLog.objects.count())

    output = seed(days=3, mothers=2)

    assert (User.objects.count(), FeedingSession.objects.count(), DoseLog.objects.count()) == counts
    assert "The demo account x@example.org already exists" in output
    assert "Created: nothing." in output


@pytest.mark.django_db
def test_spit_ups_become_rarer_as_the_probiotic_goes_on():
    seed(days=30, seed=7)
    spit_ups = per_local_day(SymptomEntry.objects.filter(kind=SymptomEntry.Kind.REGURGITATION), "occurred_at")
    days = [TODAY - timedelta(days=n) for n in range(30, 0, -1)]
    first, last = days[:10], days[-10:]
    early = sum(spit_ups.get(day, 0) for day in first) / 10
    late = sum(spit_ups.get(day, 0) for day in last) / 10
    assert early > 2 and late < 1.8 and late < early


@pytest.mark.django_db
def test_symptoms_and_daily_checks_look_like_a_newborn():
    seed(days=14, seed=2)
    stools = SymptomEntry.objects.filter(kind=SymptomEntry.Kind.STOOL)
    assert set(stools.values_list("stool_consistency", flat=True)) <= {4, 5, 6}
    assert all(2 <= n <= 5 for n in per_local_day(stools, "occurred_at").values())
    crying = SymptomEntry.objects.filter(kind=SymptomEntry.Kind.CRYING)
    assert crying.exists()
    assert all(entry.crying_minutes() and 5 <= entry.crying_minutes() <= 45 for entry in crying)
    assert SymptomEntry.objects.filter(kind=SymptomEntry.Kind.ABDOMINAL_PAIN).exists()
    assert 10 <= DailyCheck.objects.count() <= 14
    assert DoseLog.objects.filter(status=DoseLog.Status.SKIPPED).exclude(skip_reason="").exists()
    assert DoseLog.objects.filter(taken_at__gte=F("scheduled_at") + timedelta(hours=1)).exists()


@pytest.mark.django_db
def test_a_sample_of_the_rows_passes_the_models_own_validation():
    seed(days=10, seed=4)
    mother = User.objects.get()
    samples = [
        mother,
        *Infant.objects.all(),
        *Regimen.objects.all(),
        *FeedingSession.objects.order_by("started_at")[::4],
        *DoseLog.objects.all(),
        *SymptomEntry.objects.order_by("occurred_at")[::3],
        *DailyCheck.objects.all(),
    ]
    for row in samples:
        row.full_clean()


@pytest.mark.django_db
def test_she_can_log_in_with_the_printed_password():
    output = seed(days=1)
    email, password = re.search(r"Demo login: (\S+)\s+password: (\S+)", output).groups()
    assert email == "x@example.org"

    client = Client()
    response = client.post("/accounts/login/", {"username": email, "password": password})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(email=email).pk)


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_history():
    seed(days=3, seed=9, email="a@example.org")
    seed(days=3, seed=9, email="b@example.org")

    def history(email: str) -> list[tuple]:
        feeds = FeedingSession.objects.filter(infant__mother__email=email).order_by("started_at")
        return list(feeds.values_list("started_at", "ended_at", "start_side", "left_seconds"))

    assert history("a@example.org") == history("b@example.org")
    assert time(8, 0) in DoseLog.objects.values_list("slot_time", flat=True)
