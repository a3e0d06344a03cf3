"""Undo of a tap that changed a record rather than made one (a switch, a stop, a daily check
answered again): the record is put back as it was, in place; and every delete, from History
or by Undo, is in her audit trail on the sharing page."""

import threading
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client

from tests.conftest import needs_service
from tests.factories import DailyCheckFactory, RegimenFactory, UserFactory
from tests.history_helpers import text
from tests.test_undo import NOW, at, said, tap, undo
from tracker.models import AuditEvent, DailyCheck, DoseLog, FeedingSession, SymptomEntry
from tracker.services import doses

MIN = timedelta(minutes=1)


@pytest.fixture
def running_feed(infant, mother_client):
    """A feed started on the left at 10:00 (Rome), by the Today button."""
    tap(mother_client, "/today/feed/start/", {"infant": infant.pk, "side": "left"})
    return FeedingSession.objects.get()


def test_undoing_a_switch_puts_the_feed_back_on_the_breast_it_was_on(mother, running_feed, mother_client):
    feed = running_feed
    words, token = tap(mother_client, f"/today/feed/{feed.pk}/switch/", {}, NOW + 5 * MIN)
    assert words == "Luca: switched to the right."
    page = undo(mother_client, token, NOW + 5 * MIN + timedelta(seconds=4))
    assert said(page) == ["Undone: Luca is feeding on the left again."]
    feed.refresh_from_db()
    assert (feed.current_side, feed.side_started_at, feed.switches) == ("left", NOW, 0)
    assert (feed.left_seconds, feed.right_seconds, feed.ended_at) == (0, 0, None)
    # As if she never switched: stopped at 10:12, all twelve minutes are on the left.
    tap(mother_client, f"/today/feed/{feed.pk}/stop/", {}, NOW + 12 * MIN)
    feed.refresh_from_db()
    assert (feed.left_seconds, feed.right_seconds) == (720, 0)
    event = AuditEvent.objects.get()
    assert (event.actor, event.mother, event.action, event.detail) == (
        mother,
        mother,
        "undone",
        "switch of breast, the feed at 10:00 on 16 Nov",
    )


def test_undoing_a_stop_lets_the_feed_run_on_and_a_second_undo_is_already_undone(
    mother, running_feed, mother_client
):
    feed = running_feed
    tap(mother_client, f"/today/feed/{feed.pk}/switch/", {}, NOW + 4 * MIN)
    words, token = tap(mother_client, f"/today/feed/{feed.pk}/stop/", {}, NOW + 10 * MIN)
    assert words == "Luca: feed stopped at 10:10 (10 min)."
    page = undo(mother_client, token, NOW + 10 * MIN + timedelta(seconds=6))
    assert said(page) == ["Undone: Luca’s feed is running again."]
    feed.refresh_from_db()
    assert (feed.ended_at, feed.current_side, feed.side_started_at) == (None, "right", NOW + 4 * MIN)
    assert (feed.left_seconds, feed.right_seconds, feed.switches) == (240, 0, 1)
    assert "Stop feed" in text(page)

    again = undo(mother_client, token, NOW + 10 * MIN + timedelta(seconds=9))
    assert said(again) == ["Already undone: the feed at 10:00 on 16 Nov is back as it was."]
    assert AuditEvent.objects.filter(action="undone").count() == 1
    assert FeedingSession.objects.get().ended_at is None


def test_a_stop_is_not_undone_when_another_feed_has_started_since(infant, running_feed, mother_client):
    _, token = tap(mother_client, f"/today/feed/{running_feed.pk}/stop/", {}, NOW + 10 * MIN)
    tap(mother_client, "/today/feed/start/", {"infant": infant.pk, "side": "right"}, NOW + 11 * MIN)
    page = undo(mother_client, token, NOW + 11 * MIN + timedelta(seconds=5))
    # Running again, it would overlap the feed started since: the feed's own rule refuses it.
    assert said(page) == [
        "This overlaps another feed for Luca that started at 10:11 on 16 Nov. Feeds for one baby can't overlap."
    ]
    running_feed.refresh_from_db()
    assert running_feed.ended_at == NOW + 10 * MIN
    assert FeedingSession.objects.filter(ended_at=None).count() == 1
    assert AuditEvent.objects.count() == 0


def test_undoing_the_crying_stop_times_the_spell_again(infant, mother_client):
    tap(mother_client, "/today/crying/start/", {"infant": infant.pk})
    spell = SymptomEntry.objects.get()
    words, token = tap(mother_client, f"/today/crying/{spell.pk}/stop/", {}, NOW + 25 * MIN)
    assert words == "Luca: crying logged, 25 min."
    page = undo(mother_client, token, NOW + 25 * MIN + timedelta(seconds=3))
    assert said(page) == ["Undone: the crying timer for Luca is running again."]
    spell.refresh_from_db()
    assert (spell.occurred_at, spell.ended_at, spell.duration_minutes) == (NOW, None, None)
    assert "Stop crying timer" in text(page)


def test_undoing_a_daily_check_answered_again_puts_back_its_earlier_answers(infant, mother_client):
    check = DailyCheckFactory(infant=infant, day=date(2026, 11, 16), no_symptoms=True, notes="calm day")
    check.other_than_breast_milk = True
    check.save()
    words, token = tap(
        mother_client, "/today/check/", {"infant": infant.pk, "other_than_breast_milk": "false"}
    )
    assert words == "Today's check for Luca is saved."
    changed = DailyCheck.objects.get()
    assert (changed.no_symptoms, changed.other_than_breast_milk, changed.notes) == (False, False, "")
    page = undo(mother_client, token)
    assert said(page) == ["Undone: Luca’s daily check for 16 Nov has its earlier answers back."]
    back = DailyCheck.objects.get()
    assert (back.pk, back.no_symptoms, back.other_than_breast_milk, back.notes) == (
        check.pk,
        True,
        True,
        "calm day",
    )
    assert AuditEvent.objects.get().detail == "change of the daily check, Luca’s daily check for 16 Nov"


def test_a_daily_check_saved_unchanged_offers_no_undo(infant, mother_client):
    DailyCheckFactory(infant=infant, day=date(2026, 11, 16), no_symptoms=False, other_than_breast_milk=False)
    with at(NOW):
        page = mother_client.post(
            "/today/check/", {"infant": infant.pk, "other_than_breast_milk": "false"}, follow=True
        )
    assert said(page) == ["Today's check for Luca is saved."]
    assert "data-undo-toast" not in page.content.decode()


# Deletes in her audit trail


@pytest.mark.usefixtures("history_clock")
@pytest.mark.parametrize("kind", ["feeds", "doses", "symptoms", "checks"])
def test_a_delete_from_history_is_in_her_audit_trail(mother, mother_client, one_of_each, kind):
    row, question = one_of_each[kind]
    what = question.removeprefix("Delete ").removesuffix("? This can't be undone.")
    mother_client.post(f"/history/{kind}/{row.pk}/delete/")
    assert not type(row).objects.filter(pk=row.pk).exists()
    event = AuditEvent.objects.get()
    assert (event.actor, event.actor_email, event.mother, event.action, event.detail) == (
        mother,
        "anna@example.org",
        mother,
        "deleted",
        f"{what}, History",
    )
    # Asking (GET) deletes nothing and writes nothing.
    assert mother_client.get(f"/history/{kind}/{row.pk}/delete/").status_code == 404
    assert AuditEvent.objects.count() == 1


API_PREFIX = {"feeds": "feeds", "doses": "doses", "symptoms": "symptoms", "checks": "daily-checks"}


@pytest.mark.usefixtures("history_clock")
@pytest.mark.parametrize("kind", ["feeds", "doses", "symptoms", "checks"])
def test_a_delete_through_the_api_is_in_her_audit_trail_in_her_time(mother, api, one_of_each, kind):
    row, question = one_of_each[kind]
    what = question.removeprefix("Delete ").removesuffix("? This can't be undone.")
    assert api.delete(f"/api/v1/{API_PREFIX[kind]}/{row.pk}/").status_code == 204
    assert not type(row).objects.filter(pk=row.pk).exists()
    event = AuditEvent.objects.get()
    assert (event.actor, event.mother, event.action, event.detail) == (
        mother,
        mother,
        "deleted",
        f"{what}, the API",
    )


def test_her_sharing_page_lists_deletes_by_history_and_by_undo(mother, regimen, infant, mother_client):
    _, token = tap(mother_client, "/today/dose/", {"regimen": regimen.pk})
    undo(mother_client, token)
    feed = FeedingSession.objects.create(
        infant=infant,
        started_at=datetime(2026, 11, 15, 8, 0, tzinfo=UTC),
        ended_at=datetime(2026, 11, 15, 8, 20, tzinfo=UTC),
    )
    with at(NOW + MIN):
        mother_client.post(f"/history/feeds/{feed.pk}/delete/")
        page = text(mother_client.get("/sharing/"))
    assert "Every look, and every delete" in page
    assert "Deleted a record (the feed at 09:00 on 15 Nov, History)" in page
    assert "Deleted a record (the 08:00 dose of 16 Nov, Undo on Today)" in page
    assert page.index("the feed at 09:00") < page.index("the 08:00 dose")  # newest first
    assert AuditEvent.objects.filter(mother=mother, actor=mother, action="deleted").count() == 2


def test_an_outsider_sees_none_of_her_deletes(mother, outsider_client, regimen, mother_client):
    _, token = tap(mother_client, "/today/dose/", {"regimen": regimen.pk})
    undo(mother_client, token)
    assert "the 08:00 dose of 16 Nov" not in text(outsider_client.get("/sharing/"))


# Two Undos at once


@pytest.mark.django_db(transaction=True)
def test_two_undos_of_one_tap_at_once_delete_once_and_audit_once_on_postgresql(monkeypatch):
    if connection.vendor != "postgresql":
        needs_service("two requests at once need PostgreSQL's row locks: runs on PostgreSQL")
    mother = UserFactory(email="anna@example.org", time_zone="Europe/Rome")
    regimen = RegimenFactory(mother=mother)
    first = Client()
    first.force_login(mother)
    _, token = tap(first, "/today/dose/", {"regimen": regimen.pk})
    deleting = doses.dose_delete

    def slow_delete(**kwargs):  # hold the first Undo's lock while the second arrives
        time.sleep(0.3)
        return deleting(**kwargs)

    monkeypatch.setattr(doses, "dose_delete", slow_delete)
    start = threading.Barrier(2)
    answers = []

    def send():
        client = Client()
        client.force_login(mother)
        start.wait()
        try:
            answers.extend(said(undo(client, token)))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert sorted(answers) == [
        "Already undone: the 08:00 dose of 16 Nov is not in your record any more.",
        "Undone: the 08:00 dose of 16 Nov is deleted.",
    ]
    assert DoseLog.objects.count() == 0
    assert AuditEvent.objects.filter(action="deleted").count() == 1


def test_her_own_deletes_keep_nothing_of_her_once_her_account_is_deleted(mother, regimen, mother_client):
    from accounts.services import account_delete

    _, token = tap(mother_client, "/today/dose/", {"regimen": regimen.pk})
    undo(mother_client, token)
    account_delete(user=mother)
    [row] = AuditEvent.objects.values()
    assert (row["actor_id"], row["mother_id"], row["actor_email"], row["detail"]) == (None, None, "", "")
    assert row["action"] == "deleted"
