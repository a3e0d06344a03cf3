"""The Today page's one-tap actions, driven through the views at fixed times."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine

from tests.factories import FeedingSessionFactory, InfantFactory
from tracker.models import DailyCheck, DoseLog, FeedingSession, SymptomEntry
from tracker.selectors.today import next_breast

UTC = UTC
# 10:00 in Rome (CET, UTC+1) on Monday 16 November 2026.
MORNING = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)


@pytest.fixture
def setup_mother(mother, infant, regimen):
    return mother


def at(moment):
    return time_machine.travel(moment, tick=False)


def test_took_my_probiotic_answers_the_nearest_open_slot(setup_mother, regimen, mother_client):
    with at(datetime(2026, 11, 16, 18, 50, tzinfo=UTC)):  # 19:50 local: 20:00 is nearer than 08:00
        response = mother_client.post("/today/dose/", {"regimen": regimen.pk}, follow=True)
    log = DoseLog.objects.get()
    assert (log.slot_date, log.slot_time, log.source) == (date(2026, 11, 16), time(20, 0), "web")
    assert "Logged: your 20:00 dose, taken at 19:50." in response.content.decode()
    # A second tap after the evening dose does not back-fill the missed morning one.
    with at(datetime(2026, 11, 16, 18, 55, tzinfo=UTC)):
        response = mother_client.post("/today/dose/", {"regimen": regimen.pk}, follow=True)
    assert DoseLog.objects.count() == 1
    assert "No dose is due right now." in response.content.decode()


def test_a_second_tap_after_the_morning_dose_does_not_log_the_evening_one(
    setup_mother, regimen, mother_client
):
    with at(datetime(2026, 11, 16, 7, 10, tzinfo=UTC)):  # 08:10 local
        mother_client.post("/today/dose/", {"regimen": regimen.pk})
        mother_client.post("/today/dose/", {"regimen": regimen.pk})
    assert list(DoseLog.objects.values_list("slot_time", flat=True)) == [time(8, 0)]
    with at(datetime(2026, 11, 16, 17, 30, tzinfo=UTC)):  # 18:30: the 20:00 dose is within 2 hours
        mother_client.post("/today/dose/", {"regimen": regimen.pk})
    assert DoseLog.objects.order_by("slot_time").last().slot_time == time(20, 0)


def test_each_open_slot_can_be_taken_or_skipped_by_its_own_button(setup_mother, regimen, mother_client):
    with at(datetime(2026, 11, 16, 17, 0, tzinfo=UTC)):  # 18:00 local
        skipped = mother_client.post(
            "/today/dose/slot/",
            {"regimen": regimen.pk, "slot_time": "08:00", "status": "skipped"},
            follow=True,
        )
        mother_client.post(
            "/today/dose/slot/", {"regimen": regimen.pk, "slot_time": "20:00", "status": "taken"}
        )
        again = mother_client.post(
            "/today/dose/slot/",
            {"regimen": regimen.pk, "slot_time": "20:00", "status": "skipped"},
            follow=True,
        )
    assert "Logged: your 08:00 dose is skipped." in skipped.content.decode()
    assert "Your 20:00 dose was already logged." in again.content.decode()
    logs = {log.slot_time: (log.status, log.taken_at) for log in DoseLog.objects.all()}
    assert logs == {
        time(8, 0): ("skipped", None),
        time(20, 0): ("taken", datetime(2026, 11, 16, 17, 0, tzinfo=UTC)),
    }


def test_feed_timer_left_switch_right_stop(setup_mother, infant, mother_client):
    with at(MORNING):
        mother_client.post("/today/feed/start/", {"infant": infant.pk, "side": "left"})
    feed = FeedingSession.objects.get()
    assert (feed.start_side, feed.current_side, feed.ended_at) == ("left", "left", None)
    with at(MORNING + timedelta(minutes=12)):
        mother_client.post(f"/today/feed/{feed.pk}/switch/")
        page = mother_client.get("/").content.decode()
    assert 'data-testid="current-side">right<' in page
    with at(MORNING + timedelta(minutes=20)):
        response = mother_client.post(f"/today/feed/{feed.pk}/stop/", follow=True)
    feed.refresh_from_db()
    assert (feed.left_seconds, feed.right_seconds, feed.switches) == (720, 480, 1)
    assert feed.ended_at == MORNING + timedelta(minutes=20)
    assert "Luca: feed stopped at 10:20 (20 min)." in response.content.decode()
    # She ended on the right after using both sides: start on the right next time.
    assert next_breast(infant=infant) == "right"
    assert "10:00–10:20 · feed (12 min left, 8 min right)" in response.content.decode()


def test_a_second_feed_cannot_start_while_one_runs(setup_mother, infant, mother_client):
    with at(MORNING):
        mother_client.post("/today/feed/start/", {"infant": infant.pk, "side": "left"})
        response = mother_client.post(
            "/today/feed/start/", {"infant": infant.pk, "side": "right"}, follow=True
        )
    assert FeedingSession.objects.count() == 1
    assert "A feed is already running for Luca. Stop it before starting another." in response.content.decode()


def test_a_feed_left_running_too_long_sends_her_to_fix_the_end(setup_mother, infant, mother_client):
    with at(MORNING):
        mother_client.post("/today/feed/start/", {"infant": infant.pk, "side": "left"})
    feed = FeedingSession.objects.get()
    with at(MORNING + timedelta(hours=5)):
        response = mother_client.post(f"/today/feed/{feed.pk}/stop/")
    assert response["Location"] == f"/history/feeds/{feed.pk}/edit/"
    feed.refresh_from_db()
    assert feed.ended_at is None


def test_next_breast_after_a_one_sided_feed_is_the_other_side(infant):
    FeedingSessionFactory(infant=infant, start_side="left", switches=0, left_seconds=900, right_seconds=0)
    assert next_breast(infant=infant) == "right"


def test_spit_up_stool_pain_and_crying_from_today(setup_mother, infant, mother_client):
    with at(MORNING):
        mother_client.post(
            "/today/symptom/", {"infant": infant.pk, "kind": "regurgitation", "size": "medium"}
        )
        mother_client.post("/today/symptom/", {"infant": infant.pk, "kind": "stool", "stool_consistency": 5})
        mother_client.post("/today/symptom/", {"infant": infant.pk, "kind": "abdominal_pain", "severity": 2})
        mother_client.post("/today/crying/start/", {"infant": infant.pk})
    crying = SymptomEntry.objects.get(kind="crying")
    with at(MORNING + timedelta(minutes=35)):
        mother_client.post(f"/today/crying/{crying.pk}/stop/")
        page = mother_client.get("/").content.decode()
    kinds = dict(SymptomEntry.objects.values_list("kind", "occurred_at"))
    assert set(kinds) == {"regurgitation", "stool", "abdominal_pain", "crying"}
    assert SymptomEntry.objects.get(kind="regurgitation").size == "medium"
    assert SymptomEntry.objects.get(kind="stool").stool_consistency == 5
    assert SymptomEntry.objects.get(kind="abdominal_pain").severity == 2
    crying.refresh_from_db()
    assert crying.duration_minutes == 35
    assert "10:00 · Spit-up (medium)" in page
    assert "10:00 · Crying / fussing (35 min)" in page


def test_a_spit_up_without_a_size_is_refused_with_a_message(setup_mother, infant, mother_client):
    with at(MORNING):
        response = mother_client.post(
            "/today/symptom/", {"infant": infant.pk, "kind": "regurgitation"}, follow=True
        )
    assert SymptomEntry.objects.count() == 0
    assert "Choose how big the spit-up was." in response.content.decode()


def test_daily_check_is_saved_for_her_local_day(setup_mother, infant, mother_client):
    with at(datetime(2026, 11, 16, 23, 30, tzinfo=UTC)):  # 00:30 on 17 Nov in Rome
        mother_client.post(
            "/today/check/", {"infant": infant.pk, "no_symptoms": "on", "other_than_breast_milk": "false"}
        )
    check = DailyCheck.objects.get()
    assert (check.day, check.no_symptoms, check.other_than_breast_milk) == (date(2026, 11, 17), True, False)


def test_twins_each_get_their_own_timer(setup_mother, infant, mother, mother_client):
    twin = InfantFactory(mother=mother, pregnancy=infant.pregnancy, name="Sofia")
    with at(MORNING):
        mother_client.post("/today/feed/start/", {"infant": infant.pk, "side": "left"})
        mother_client.post("/today/feed/start/", {"infant": twin.pk, "side": "right"})
        page = mother_client.get("/").content.decode()
    assert FeedingSession.objects.filter(ended_at__isnull=True).count() == 2
    assert page.count('data-testid="running-feed"') == 2


def test_a_mother_cannot_act_on_someone_elses_baby_or_regimen(setup_mother, infant, regimen, outsider_client):
    with at(MORNING):
        assert (
            outsider_client.post("/today/feed/start/", {"infant": infant.pk, "side": "left"}).status_code
            == 404
        )
        assert outsider_client.post("/today/dose/", {"regimen": regimen.pk}).status_code == 404
        assert (
            outsider_client.post("/today/symptom/", {"infant": infant.pk, "kind": "stool"}).status_code == 404
        )
    assert FeedingSession.objects.count() == DoseLog.objects.count() == SymptomEntry.objects.count() == 0


def test_get_on_an_action_is_not_allowed(setup_mother, mother_client):
    assert mother_client.get("/today/dose/").status_code == 405


def test_no_symptoms_on_a_day_with_a_spit_up_is_a_message_not_a_crash(setup_mother, infant, mother_client):
    with at(MORNING):
        mother_client.post("/today/symptom/", {"infant": infant.pk, "kind": "regurgitation", "size": "small"})
        response = mother_client.post(
            "/today/check/",
            {"infant": infant.pk, "no_symptoms": "on", "other_than_breast_milk": "false"},
            follow=True,
        )
    assert response.status_code == 200
    page = response.content.decode()
    assert "You logged 1 symptom for Luca that day, so “no symptoms” can&#x27;t be ticked." in page
    assert DailyCheck.objects.count() == 0


def test_today_explains_instead_of_offering_no_symptoms_once_a_symptom_is_logged(
    setup_mother, infant, mother_client
):
    with at(MORNING):
        before = mother_client.get("/").content.decode()
        mother_client.post("/today/symptom/", {"infant": infant.pk, "kind": "stool", "stool_consistency": 4})
        after = mother_client.get("/").content.decode()
    assert f'id="no-symptoms-{infant.pk}"' in before
    assert f'id="no-symptoms-{infant.pk}"' not in after
    assert "1 symptom is logged today, so “No symptoms today” doesn't apply." in after
    # The rest of the check still saves.
    with at(MORNING):
        mother_client.post("/today/check/", {"infant": infant.pk, "other_than_breast_milk": "true"})
    check = DailyCheck.objects.get()
    assert (check.no_symptoms, check.other_than_breast_milk) == (False, True)


def test_twenty_taps_on_the_same_spit_up_within_seconds_are_one_entry(setup_mother, infant, mother_client):
    tap = {"infant": infant.pk, "kind": "regurgitation", "size": "small"}
    with time_machine.travel(MORNING, tick=False) as clock:
        first = mother_client.post("/today/symptom/", tap, follow=True).content.decode()
        for _ in range(19):
            clock.shift(timedelta(milliseconds=200))
            again = mother_client.post("/today/symptom/", tap, follow=True).content.decode()
    assert SymptomEntry.objects.count() == 1
    assert "Logged for Luca: spit-up at 10:00." in first
    assert "Already logged: Luca’s spit-up at 10:00. A tap within 5 seconds counts once." in again


def test_a_different_spit_up_or_one_after_5_seconds_is_a_new_entry(setup_mother, infant, mother_client):
    small = {"infant": infant.pk, "kind": "regurgitation", "size": "small"}
    with time_machine.travel(MORNING, tick=False) as clock:
        mother_client.post("/today/symptom/", small)
        mother_client.post("/today/symptom/", {**small, "size": "large"})  # another spit-up, another size
        clock.shift(timedelta(seconds=6))
        mother_client.post("/today/symptom/", small)
    assert sorted(SymptomEntry.objects.values_list("size", flat=True)) == ["large", "small", "small"]
