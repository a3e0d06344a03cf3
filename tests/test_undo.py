"""Undo on Today: every tap's toast names what was logged and undoes exactly that record.

Anna lives in Rome (UTC+1 in November); the clock is moved by hand (``time_machine``), so a
ticket's age is known to the second. Each tap is posted, the Today page it leads to is read
for its toast (the words and the signed token of its Undo form), and the Undo is posted."""

import html
import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine

from tests.factories import DailyCheckFactory, DoseLogFactory, FeedingSessionFactory, SymptomEntryFactory
from tracker.models import AuditEvent, DailyCheck, DoseLog, FeedingSession, SymptomEntry

# 10:00 in Rome on Monday 16 November 2026: the 08:00 dose is the one "took my probiotic" takes.
NOW = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
TOAST = re.compile(
    r'<div class="undo-toast[^"]*" role="status" aria-live="polite" aria-atomic="true" data-undo-toast '
    r'data-undo-ms="(\d+)" data-testid="undo-toast">\s*<span class="undo-toast-text me-auto">(.*?)</span>'
    r'.*?<form method="post" action="/today/undo/" class="m-0">\s*'
    r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]+">\s*'
    r'<input type="hidden" name="token" value="([^"]+)">',
    re.S,
)


def said(response) -> list[str]:
    """The messages on the page, toast or not, as she reads them."""
    found = re.findall(
        r'<div class="(?:undo-toast )?alert[^"]*"[^>]*>(.*?)</(?:span|div)>', response.content.decode(), re.S
    )
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", one)).split()) for one in found]


def at(moment: datetime):
    return time_machine.travel(moment, tick=False)


def toast(response) -> tuple[str, str, int]:
    """(its words, its Undo token, its milliseconds) of the one toast on the page."""
    found = TOAST.findall(response.content.decode())
    assert len(found) == 1, response.content.decode()
    ms, words, token = found[0]
    return html.unescape(words).strip(), token, int(ms)


def tap(client, url: str, data: dict, moment: datetime = NOW) -> tuple[str, str]:
    with at(moment):
        response = client.post(url, data, follow=True)
    words, token, _ = toast(response)
    return words, token


def undo(client, token: str, moment: datetime = NOW + timedelta(seconds=5)):
    with at(moment):
        return client.post("/today/undo/", {"token": token}, follow=True)


@pytest.fixture
def earlier(mother, infant, regimen):
    """One record of each kind that the taps must leave alone."""
    return [
        DoseLogFactory(regimen=regimen, slot_date=date(2026, 11, 15), slot_time=time(20, 0)),
        FeedingSessionFactory(infant=infant, started_at=datetime(2026, 11, 16, 6, 0, tzinfo=UTC)),
        SymptomEntryFactory(infant=infant, occurred_at=datetime(2026, 11, 16, 7, 0, tzinfo=UTC)),
        DailyCheckFactory(infant=infant, day=date(2026, 11, 15)),
    ]


def snapshot(rows) -> dict:
    return {(type(row).__name__, row.pk): type(row).objects.filter(pk=row.pk).values().get() for row in rows}


# (url, data, model, words of the toast, what the audit trail calls the record)
MAKING_TAPS = {
    "took my probiotic": (
        "/today/dose/",
        {},
        DoseLog,
        "Logged: your 08:00 dose, taken at 10:00.",
        "the 08:00 dose of 16 Nov",
    ),
    "a slot taken": (
        "/today/dose/slot/",
        {"slot_time": "20:00", "status": "taken"},
        DoseLog,
        "Logged: your 20:00 dose, taken at 10:00.",
        "the 20:00 dose of 16 Nov",
    ),
    "a slot skipped": (
        "/today/dose/slot/",
        {"slot_time": "08:00", "status": "skipped"},
        DoseLog,
        "Logged: your 08:00 dose is skipped.",
        "the 08:00 dose of 16 Nov",
    ),
    "feed start": (
        "/today/feed/start/",
        {"side": "left"},
        FeedingSession,
        "Feed started for Luca on the left at 10:00.",
        "the feed at 10:00 on 16 Nov",
    ),
    "spit-up": (
        "/today/symptom/",
        {"kind": "regurgitation", "size": "medium"},
        SymptomEntry,
        "Logged for Luca: spit-up at 10:00.",
        "the spit-up at 10:00 on 16 Nov",
    ),
    "stool": (
        "/today/symptom/",
        {"kind": "stool", "stool_consistency": "4"},
        SymptomEntry,
        "Logged for Luca: stool at 10:00.",
        "the stool at 10:00 on 16 Nov",
    ),
    "tummy pain": (
        "/today/symptom/",
        {"kind": "abdominal_pain", "severity": "2"},
        SymptomEntry,
        "Logged for Luca: tummy pain / colic at 10:00.",
        "the tummy pain / colic at 10:00 on 16 Nov",
    ),
    "crying start": (
        "/today/crying/start/",
        {},
        SymptomEntry,
        "Crying timer started for Luca.",
        "the crying / fussing at 10:00 on 16 Nov",
    ),
    "daily check, new": (
        "/today/check/",
        {"no_symptoms": "on", "other_than_breast_milk": "false"},
        DailyCheck,
        "Today's check for Luca is saved.",
        "Luca’s daily check for 16 Nov",
    ),
}


@pytest.mark.parametrize("name", MAKING_TAPS)
def test_undo_deletes_the_record_the_tap_made_and_nothing_else(
    name, mother, infant, regimen, earlier, mother_client
):
    url, data, model, words, what = MAKING_TAPS[name]
    if name == "daily check, new":  # "no symptoms" holds only on a day without any
        SymptomEntry.objects.filter(pk=earlier[2].pk).update(
            occurred_at=datetime(2026, 11, 15, 9, tzinfo=UTC)
        )
    kept = snapshot(earlier)
    before = model.objects.count()

    shown, token = tap(mother_client, url, {"regimen": regimen.pk, "infant": infant.pk, **data})

    assert shown == words
    made = model.objects.exclude(pk__in=[row.pk for row in earlier if isinstance(row, model)]).get()
    assert model.objects.count() == before + 1
    page = undo(mother_client, token)
    assert f"Undone: {what} is deleted." in said(page)
    assert not model.objects.filter(pk=made.pk).exists()
    assert model.objects.count() == before
    assert snapshot(earlier) == kept
    event = AuditEvent.objects.get()
    assert (event.actor, event.actor_email, event.mother, event.action, event.detail) == (
        mother,
        "anna@example.org",
        mother,
        "deleted",
        f"{what}, Undo on Today",
    )
    assert event.ip_address == "127.0.0.1"


def test_the_toast_is_a_status_with_an_undo_form_shown_ten_seconds(regimen, mother_client):
    with at(NOW):
        page = mother_client.post("/today/dose/", {"regimen": regimen.pk}, follow=True)
    words, token, ms = toast(page)
    assert (words, ms) == ("Logged: your 08:00 dose, taken at 10:00.", 10_000)
    assert len(token) > 40
    assert 'class="btn btn-success btn-undo" type="submit">Undo</button>' in page.content.decode()
    assert page.content.decode().count("data-undo-toast") == 1
    # The page after that has no toast: a message is shown once.
    assert "data-undo-toast" not in mother_client.get("/").content.decode()


def test_a_second_undo_says_it_was_already_undone_and_changes_nothing(regimen, mother_client):
    _, token = tap(mother_client, "/today/dose/", {"regimen": regimen.pk})
    undo(mother_client, token)
    again = undo(mother_client, token, NOW + timedelta(seconds=8))
    assert "Already undone: the 08:00 dose of 16 Nov is not in your record any more." in said(again)
    assert DoseLog.objects.count() == 0
    assert AuditEvent.objects.count() == 1


def test_another_mothers_undo_token_is_a_404_and_deletes_nothing(regimen, mother_client, outsider_client):
    _, token = tap(mother_client, "/today/dose/", {"regimen": regimen.pk})
    log = DoseLog.objects.get()
    with at(NOW + timedelta(seconds=3)):
        assert outsider_client.post("/today/undo/", {"token": token}).status_code == 404
    assert DoseLog.objects.filter(pk=log.pk).exists()
    assert AuditEvent.objects.count() == 0


def test_a_clinician_cannot_undo(regimen, mother_client, clinician_client):
    _, token = tap(mother_client, "/today/dose/", {"regimen": regimen.pk})
    with at(NOW + timedelta(seconds=3)):
        assert clinician_client.post("/today/undo/", {"token": token}).status_code == 404
    assert DoseLog.objects.count() == 1


@pytest.mark.parametrize("token", ["", "made-up", "eyJtIjoxfQ:1tZ:forged"])
def test_a_made_up_or_altered_token_is_a_404(regimen, mother_client, token):
    _, real = tap(mother_client, "/today/dose/", {"regimen": regimen.pk})
    with at(NOW + timedelta(seconds=3)):
        assert mother_client.post("/today/undo/", {"token": token}).status_code == 404
        altered = real[:-2] + ("AA" if real[-2:] != "AA" else "BB")
        assert mother_client.post("/today/undo/", {"token": altered}).status_code == 404
    assert DoseLog.objects.count() == 1


def test_undo_is_a_post(mother_client):
    assert mother_client.get("/today/undo/").status_code == 405


def test_an_undo_two_minutes_late_is_refused_and_deletes_nothing(regimen, mother_client):
    _, token = tap(mother_client, "/today/dose/", {"regimen": regimen.pk})
    late = undo(mother_client, token, NOW + timedelta(minutes=2, seconds=1))
    assert (
        "Too late to undo the 08:00 dose of 16 Nov: correct it in History, where you can edit or delete it."
        in said(late)
    )
    assert DoseLog.objects.count() == 1
    assert AuditEvent.objects.count() == 0


def test_a_slow_network_still_undoes_within_the_grace(regimen, mother_client):
    _, token = tap(mother_client, "/today/dose/", {"regimen": regimen.pk})
    undo(mother_client, token, NOW + timedelta(seconds=110))
    assert DoseLog.objects.count() == 0


def test_a_record_changed_since_the_tap_is_not_undone(infant, mother_client):
    _, start_token = tap(mother_client, "/today/feed/start/", {"infant": infant.pk, "side": "left"})
    feed = FeedingSession.objects.get()
    tap(mother_client, f"/today/feed/{feed.pk}/switch/", {}, NOW + timedelta(minutes=1))
    page = undo(mother_client, start_token, NOW + timedelta(minutes=1, seconds=5))
    assert (
        "The feed at 10:00 on 16 Nov has changed since, so Undo can't put it back. Correct it in History."
        in said(page)
    )
    feed.refresh_from_db()
    assert (feed.current_side, feed.switches, feed.ended_at) == ("right", 1, None)


def test_a_repeated_tap_that_logs_nothing_offers_no_undo(infant, mother_client):
    tap(mother_client, "/today/symptom/", {"infant": infant.pk, "kind": "regurgitation", "size": "small"})
    with at(NOW + timedelta(seconds=2)):
        page = mother_client.post(
            "/today/symptom/", {"infant": infant.pk, "kind": "regurgitation", "size": "small"}, follow=True
        )
    assert said(page) == ["Already logged: Luca’s spit-up at 10:00. A tap within 5 seconds counts once."]
    assert "data-undo-toast" not in page.content.decode()


def test_undo_needs_the_csrf_token_of_her_page(mother, regimen, mother_client):
    from django.test import Client

    _, token = tap(mother_client, "/today/dose/", {"regimen": regimen.pk})
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(mother)
    with at(NOW + timedelta(seconds=3)):
        assert strict.post("/today/undo/", {"token": token}).status_code == 403
    assert DoseLog.objects.count() == 1
