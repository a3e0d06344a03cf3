"""History: the feed form, adding and editing a feed by hand, and a feed left running."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from tests.factories import FeedingSessionFactory
from tests.history_helpers import NOW, feed_data, form_errors, form_values, rows, text, timed_on_today, utc
from tracker.models import FeedingSession

pytestmark = pytest.mark.usefixtures("history_clock")


def test_adding_a_feed_by_hand_saves_it_in_her_time(mother_client, infant):
    page = mother_client.get("/history/feeds/add/").content.decode()
    assert f'<option value="{infant.pk}" selected>Luca</option>' in page  # her only baby is chosen
    response = mother_client.post(
        "/history/feeds/add/", feed_data(infant=infant.pk, notes="Sleepy"), follow=True
    )
    feed = FeedingSession.objects.get()
    assert (feed.infant, feed.started_at, feed.ended_at) == (infant, utc(16, 7), utc(16, 7, 25))
    assert (feed.left_seconds, feed.right_seconds, feed.switches, feed.notes) == (900, 600, 1, "Sleepy")
    assert "Saved the feed at 08:00 on 16 Nov." in text(response)
    assert rows(response)[0].startswith("Mon 16 Nov · 08:00–08:25 (25 min)")


def test_editing_a_feed_saves_and_lists_the_new_values(mother_client, infant):
    feed = FeedingSessionFactory(infant=infant, started_at=utc(15, 6), left_seconds=610, right_seconds=0)
    form = mother_client.get(f"/history/feeds/{feed.pk}/edit/").content.decode()
    assert 'value="2026-11-15T07:00"' in form  # shown in her local time
    assert 'name="minutes_left" value="10"' in form

    response = mother_client.post(
        f"/history/feeds/{feed.pk}/edit/",
        feed_data(
            started_at="2026-11-15T07:05",
            ended_at="2026-11-15T07:45",
            method="mixed",
            minutes_left="10",  # unchanged: the timer's exact 610 seconds stay
            minutes_right="20",
            switches="2",
            bottle_ml="60",
            notes="Top-up after",
        ),
        follow=True,
    )
    feed.refresh_from_db()
    assert (feed.started_at, feed.ended_at, feed.method) == (utc(15, 6, 5), utc(15, 6, 45), "mixed")
    assert (feed.left_seconds, feed.right_seconds, feed.switches, feed.bottle_ml) == (610, 1200, 2, 60)
    assert rows(response)[0].startswith(
        "Sun 15 Nov · 07:05–07:45 (40 min) Luca · Mixed · left 10 min, right 20 min · 60 ml Top-up after"
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ended_at": "2026-11-16T07:50"}, "The end time must be after the start time."),
        (
            {"ended_at": "2026-11-16T10:10"},
            "That time is in the future. You can log things up to 5 minutes ahead, not more.",
        ),
        ({"started_at": "2026-11-16T03:00"}, "A feed can't be longer than 4 hours."),
        ({"method": "formula", "bottle_ml": "0"}, "A bottle amount must be between 1 and 400 ml."),
        ({"method": "formula", "bottle_ml": "401"}, "A bottle amount must be between 1 and 400 ml."),
        (
            {"started_at": "2026-11-16T06:10", "ended_at": "2026-11-16T06:40"},
            "This overlaps another feed for Luca that started at 06:30 on 16 Nov. "
            "Feeds for one baby can't overlap.",
        ),
    ],
    ids=["end-before-start", "future", "over-4-hours", "bottle-0", "bottle-401", "overlap"],
)
def test_feed_validation_messages_show_on_the_add_and_edit_forms(mother_client, infant, overrides, message):
    other = FeedingSessionFactory(infant=infant, started_at=utc(16, 5, 30))  # 06:30-06:50 in Rome
    mine = FeedingSessionFactory(infant=infant, started_at=utc(15, 6))
    before = mine.started_at, mine.ended_at, mine.bottle_ml

    added = mother_client.post("/history/feeds/add/", feed_data(infant=infant.pk, **overrides))
    assert added.status_code == 200
    assert message in text(added)
    assert text(added).count(message) == 1
    assert FeedingSession.objects.count() == 2

    edited = mother_client.post(f"/history/feeds/{mine.pk}/edit/", feed_data(**overrides))
    assert edited.status_code == 200
    assert message in text(edited)
    mine.refresh_from_db()
    assert (mine.started_at, mine.ended_at, mine.bottle_ml) == before
    assert other.pk in FeedingSession.objects.values_list("pk", flat=True)


def test_a_feed_for_another_mothers_baby_is_refused(mother_client, infant, stranger_infant):
    response = mother_client.post("/history/feeds/add/", feed_data(infant=stranger_infant.pk))
    assert "Choose one of your own babies." in text(response)
    assert not FeedingSession.objects.exists()
    assert "Olivia" not in response.content.decode()


def test_with_twins_she_must_choose_the_baby(mother_client, infant, twin):
    response = mother_client.post("/history/feeds/add/", feed_data())
    assert "This field is required." in text(response)
    response = mother_client.post("/history/feeds/add/", feed_data(infant=twin.pk))
    assert FeedingSession.objects.get().infant == twin


def test_without_a_baby_adding_sends_her_to_add_one(mother_client):
    response = mother_client.get("/history/feeds/add/")
    assert response["Location"] == "/setup/baby/add/"
    assert mother_client.get("/history/symptoms/add/")["Location"] == "/setup/baby/add/"


# Feed minutes and wording


def test_more_breast_minutes_than_the_feed_lasted_is_refused(mother_client, infant):
    response = mother_client.post(
        "/history/feeds/add/",
        feed_data(infant=infant.pk, ended_at="2026-11-16T08:10", minutes_left="200", minutes_right="0"),
    )
    assert response.status_code == 200
    assert "The minutes on each breast add up to 200 min, more than the feed's 10 min." in text(response)
    assert not FeedingSession.objects.exists()


def test_a_bottle_feed_with_breast_minutes_is_refused(mother_client, infant):
    response = mother_client.post(
        "/history/feeds/add/", feed_data(infant=infant.pk, method="formula", bottle_ml="90")
    )
    assert "A bottle feed has no time on the breast" in text(response)
    assert not FeedingSession.objects.exists()
    mother_client.post(
        "/history/feeds/add/",
        feed_data(
            infant=infant.pk,
            method="formula",
            bottle_ml="90",
            start_side="",
            minutes_left="0",
            minutes_right="0",
            switches="0",
        ),
    )
    assert FeedingSession.objects.get().bottle_ml == 90


def test_a_new_feeds_side_is_not_noted_rather_than_contradicting_its_method(mother_client, infant):
    """A new feed is a breast feed by default: its empty side must not read "bottle only"."""
    page = mother_client.get("/history/feeds/add/").content.decode()
    assert '<option value="breast" selected>Breast</option>' in page
    assert '<option value="" selected>Not noted</option>' in page
    assert "Leave it “Not noted” for a bottle feed." in page
    assert "bottle only" not in page
    assert "---------" not in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"method": "mixed", "bottle_ml": "-5"},
            "bottle_ml",
            "A bottle amount must be between 1 and 400 ml.",
        ),
        ({"minutes_left": "-1"}, "minutes_left", "Minutes on one breast must be between 0 and 240."),
        ({"minutes_right": "300"}, "minutes_right", "Minutes on one breast must be between 0 and 240."),
        ({"switches": "-1"}, "switches", "Give the number of side switches: 0 or more."),
    ],
    ids=["bottle-negative", "minutes-negative", "minutes-too-many", "switches-negative"],
)
def test_feed_numbers_out_of_range_get_plain_messages(mother_client, infant, overrides, field, message):
    response = mother_client.post("/history/feeds/add/", feed_data(infant=infant.pk, **overrides))
    assert form_errors(response)[field] == [message]
    assert "Ensure this value" not in text(response)
    assert not FeedingSession.objects.exists()


def test_a_model_message_about_a_sides_seconds_shows_on_its_minutes_field(mother_client, infant, monkeypatch):
    def refuse(feed):
        raise ValidationError({"left_seconds": "Too long on the left."})

    monkeypatch.setattr(FeedingSession, "clean", refuse)
    response = mother_client.post("/history/feeds/add/", feed_data(infant=infant.pk))
    assert form_errors(response)["minutes_left"] == ["Too long on the left."]
    assert not FeedingSession.objects.exists()


# A feed left running


@pytest.fixture
def running_feed(infant):
    """Started at 05:00 her time on the left, on the right since 05:10, never stopped."""
    return FeedingSessionFactory(
        infant=infant,
        started_at=utc(16, 4),
        ended_at=None,
        start_side="left",
        left_seconds=600,
        right_seconds=0,
        switches=1,
        current_side="right",
        side_started_at=utc(16, 4, 10),
    )


def test_a_running_feed_gets_its_real_end_time(mother_client, infant):
    feed = FeedingSessionFactory(
        infant=infant, started_at=NOW - timedelta(hours=5), ended_at=None, current_side="left"
    )
    response = mother_client.post(
        f"/history/feeds/{feed.pk}/edit/",
        feed_data(started_at="2026-11-16T05:00", ended_at="2026-11-16T05:40"),
    )
    assert response.status_code == 302
    feed.refresh_from_db()
    assert (feed.ended_at, feed.current_side) == (utc(16, 4, 40), "")


def test_the_running_feed_form_asks_for_the_real_end(mother_client, running_feed):
    page = text(mother_client.get(f"/history/feeds/{running_feed.pk}/edit/"))
    assert "You were on the right breast since 05:10." in page
    assert "When did the feed really end?" in page
    assert "Leave empty while the feed is still going" not in page


def test_ending_a_running_feed_keeps_the_time_on_the_breast_she_was_on(mother_client, running_feed):
    response = mother_client.post(
        f"/history/feeds/{running_feed.pk}/edit/",
        feed_data(
            started_at="2026-11-16T05:00", ended_at="2026-11-16T05:40", minutes_left="10", minutes_right="0"
        ),
    )
    assert response.status_code == 302
    running_feed.refresh_from_db()
    assert (running_feed.left_seconds, running_feed.right_seconds) == (600, 30 * 60)
    assert (running_feed.ended_at, running_feed.current_side, running_feed.side_started_at) == (
        utc(16, 4, 40),
        "",
        None,
    )


def test_minutes_she_types_for_the_running_side_win(mother_client, running_feed):
    mother_client.post(
        f"/history/feeds/{running_feed.pk}/edit/",
        feed_data(
            started_at="2026-11-16T05:00", ended_at="2026-11-16T05:40", minutes_left="10", minutes_right="12"
        ),
    )
    running_feed.refresh_from_db()
    assert (running_feed.left_seconds, running_feed.right_seconds) == (600, 12 * 60)


def test_an_end_before_the_side_started_adds_nothing(mother_client, running_feed):
    mother_client.post(
        f"/history/feeds/{running_feed.pk}/edit/",
        feed_data(
            started_at="2026-11-16T05:00", ended_at="2026-11-16T05:08", minutes_left="8", minutes_right="0"
        ),
    )
    running_feed.refresh_from_db()
    assert (running_feed.left_seconds, running_feed.right_seconds) == (480, 0)
    assert running_feed.ended_at == utc(16, 4, 8)


def test_ending_a_running_feed_sent_from_today_goes_back_to_today(mother_client, running_feed):
    data = feed_data(
        started_at="2026-11-16T05:00", ended_at="2026-11-16T05:40", minutes_left="10", minutes_right="0"
    )
    response = mother_client.post(f"/history/feeds/{running_feed.pk}/edit/", data)
    assert response["Location"] == "/"


def test_an_explicit_next_to_today_wins_for_any_feed(mother_client, infant):
    feed = FeedingSessionFactory(infant=infant, started_at=utc(15, 6))
    response = mother_client.post(
        f"/history/feeds/{feed.pk}/edit/?next=/",
        feed_data(
            started_at="2026-11-15T07:00", ended_at="2026-11-15T07:20", minutes_left="10", minutes_right="10"
        ),
    )
    assert response["Location"] == "/"


# A feed timed on Today


def test_a_feed_stopped_within_a_minute_can_be_saved_unchanged_with_a_note(mother_client, infant):
    feed = timed_on_today(mother_client, infant, "feed", 10, 50)
    values = form_values(mother_client.get(f"/history/feeds/{feed.pk}/edit/").content.decode())
    assert (values["started_at"], values["ended_at"]) == ("2026-11-16T10:00", "2026-11-16T10:00")

    response = mother_client.post(f"/history/feeds/{feed.pk}/edit/", values | {"notes": "Fell asleep"})
    assert response.status_code == 302, text(response)
    feed.refresh_from_db()
    assert (feed.started_at, feed.ended_at) == (NOW + timedelta(seconds=10), NOW + timedelta(seconds=50))
    assert (feed.notes, feed.left_seconds) == ("Fell asleep", 40)


def test_a_time_she_changes_is_saved_to_the_minute_she_typed(mother_client, infant):
    feed = timed_on_today(mother_client, infant, "feed", 10, 50)
    values = form_values(mother_client.get(f"/history/feeds/{feed.pk}/edit/").content.decode())
    response = mother_client.post(
        f"/history/feeds/{feed.pk}/edit/", values | {"started_at": "2026-11-16T09:40"}
    )
    assert response.status_code == 302, text(response)
    feed.refresh_from_db()
    assert (feed.started_at, feed.ended_at) == (NOW - timedelta(minutes=20), NOW + timedelta(seconds=50))
