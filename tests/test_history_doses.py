"""History: the dose forms, editing a logged dose and logging a missed one."""

from datetime import date, time

import pytest

from tests.factories import DoseLogFactory, RegimenFactory
from tests.history_helpers import feed_data, form_errors, in_zone, rows, text, utc
from tracker.forms.fields import MSG_YEAR
from tracker.models import DoseLog, FeedingSession

pytestmark = pytest.mark.usefixtures("history_clock")


def test_editing_a_dose_to_skipped_clears_the_time(mother_client, regimen):
    log = DoseLogFactory(regimen=regimen, slot_date=date(2026, 11, 15), slot_time=time(20, 0))
    response = mother_client.post(
        f"/history/doses/{log.pk}/edit/",
        {"status": "skipped", "taken_at": "2026-11-15T20:05", "skip_reason": "Felt sick"},
        follow=True,
    )
    log.refresh_from_db()
    assert (log.status, log.taken_at, log.skip_reason) == ("skipped", None, "Felt sick")
    assert "Saved the 20:00 dose of 15 Nov." in text(response)
    assert "Sun 15 Nov · 20:00 dose Skipped: Felt sick" in rows(response)[0]


def test_editing_a_dose_time_and_the_models_messages(mother_client, regimen):
    log = DoseLogFactory(
        regimen=regimen,
        slot_date=date(2026, 11, 15),
        status=DoseLog.Status.SKIPPED,
        skip_reason="Forgot",
    )
    missing = mother_client.post(f"/history/doses/{log.pk}/edit/", {"status": "taken", "taken_at": ""})
    assert "Say when you took it." in text(missing)
    future = mother_client.post(
        f"/history/doses/{log.pk}/edit/", {"status": "taken", "taken_at": "2026-11-16T11:00"}
    )
    assert "That time is in the future." in text(future)
    log.refresh_from_db()
    assert log.status == "skipped"

    mother_client.post(f"/history/doses/{log.pk}/edit/", {"status": "taken", "taken_at": "2026-11-15T08:40"})
    log.refresh_from_db()
    assert (log.status, log.taken_at, log.skip_reason) == ("taken", utc(15, 7, 40), "")


# Logging a missed dose


def dose_data(regimen, **overrides) -> dict:
    data = {
        "regimen": regimen.pk,
        "slot_date": "2026-11-15",
        "slot_time": "20:00",
        "status": "taken",
        "taken_at": "2026-11-15T21:30",
        "skip_reason": "",
    }
    return data | overrides


def test_the_doses_list_links_to_log_a_missed_dose(mother_client, regimen):
    empty = mother_client.get("/history/doses/").content.decode()
    assert empty.count('href="/history/doses/add/"') == 2  # the button and the empty state
    DoseLogFactory(regimen=regimen, slot_date=date(2026, 11, 14))
    assert (
        'href="/history/doses/add/">Log a missed dose'
        in mother_client.get("/history/doses/").content.decode()
    )


def test_log_a_missed_dose_offers_her_regimen_and_its_times(mother_client, regimen, outsider):
    RegimenFactory(mother=outsider, dose_times=["07:15"])
    page = mother_client.get("/history/doses/add/")
    content = page.content.decode()
    assert (
        f'<option value="{regimen.pk}" selected>Multi-strain probiotic, from 01 Oct 2026</option>' in content
    )
    assert 'value="08:00"' in content and 'value="20:00"' in content
    assert "07:15" not in content
    assert 'value="2026-11-16"' in content  # today, her day


def test_a_missed_dose_is_logged_in_her_time(mother_client, regimen):
    response = mother_client.post("/history/doses/add/", dose_data(regimen), follow=True)
    log = DoseLog.objects.get()
    assert (log.regimen, log.slot_date, log.slot_time, log.status) == (
        regimen,
        date(2026, 11, 15),
        time(20),
        "taken",
    )
    assert (log.taken_at, log.source, log.skip_reason) == (utc(15, 20, 30), "web", "")
    assert "Saved the 20:00 dose of 15 Nov." in text(response)
    assert rows(response)[0].startswith("Sun 15 Nov · 20:00 dose Taken at 21:30")


def test_a_skipped_dose_keeps_its_reason_and_no_time(mother_client, regimen):
    mother_client.post(
        "/history/doses/add/",
        dose_data(regimen, status="skipped", skip_reason="Felt sick", slot_time="08:00"),
    )
    log = DoseLog.objects.get()
    assert (log.slot_time, log.status, log.taken_at, log.skip_reason) == (
        time(8),
        "skipped",
        None,
        "Felt sick",
    )


def test_a_taken_dose_needs_its_time(mother_client, regimen):
    response = mother_client.post("/history/doses/add/", dose_data(regimen, taken_at=""))
    assert form_errors(response)["taken_at"] == ["Say when you took it."]
    assert not DoseLog.objects.exists()


def test_a_dose_already_logged_is_not_logged_twice(mother_client, regimen):
    DoseLogFactory(regimen=regimen, slot_date=date(2026, 11, 15), slot_time=time(20), status="skipped")
    response = mother_client.post("/history/doses/add/", dose_data(regimen))
    assert response.status_code == 200
    assert "That dose is already logged." in text(response)
    assert "Saved" not in text(response)
    assert DoseLog.objects.get().status == "skipped"


def test_the_models_dose_messages_show_on_the_form(mother_client, mother, regimen):
    evening = RegimenFactory(mother=mother, dose_times=["09:00"], start_date=date(2026, 11, 1))
    outside = mother_client.post("/history/doses/add/", dose_data(regimen, slot_date="2026-09-20"))
    assert form_errors(outside)["slot_date"] == [
        "That day is outside your regimen (01 Oct 2026 to no end date)."
    ]
    not_a_time = mother_client.post("/history/doses/add/", dose_data(evening, slot_time="20:00"))
    assert form_errors(not_a_time)["slot_time"] == ["20:00 is not one of your dose times (09:00)."]
    future = mother_client.post("/history/doses/add/", dose_data(regimen, taken_at="2026-11-16T11:00"))
    assert form_errors(future)["taken_at"] == [
        "That time is in the future. You can log things up to 5 minutes ahead, not more."
    ]
    assert not DoseLog.objects.exists()


def test_she_cannot_log_a_dose_on_another_mothers_regimen(mother_client, regimen, outsider):
    theirs = RegimenFactory(mother=outsider)
    response = mother_client.post("/history/doses/add/", dose_data(theirs))
    assert form_errors(response)["regimen"] == ["Choose one of your own regimens."]
    assert not DoseLog.objects.exists()


def test_without_a_regimen_logging_a_dose_sends_her_to_set_one_up(mother_client):
    assert mother_client.get("/history/doses/add/")["Location"] == "/setup/regimen/add/"


# A year far off


def test_feed_and_dose_forms_refuse_a_year_far_off(mother_client, mother, infant, regimen):
    in_zone(mother, "Asia/Tokyo")
    feed = mother_client.post(
        "/history/feeds/add/", feed_data(infant=infant.pk, started_at="0001-01-01T00:00")
    )
    assert MSG_YEAR in text(feed)
    assert not FeedingSession.objects.exists()
    log = DoseLogFactory(regimen=regimen, slot_date=date(2026, 11, 15))
    dose = mother_client.post(
        f"/history/doses/{log.pk}/edit/", {"status": "taken", "taken_at": "9999-12-31T23:59"}
    )
    assert MSG_YEAR in text(dose)
    added = mother_client.post(
        "/history/doses/add/",
        {"regimen": regimen.pk, "slot_date": "0001-01-01", "slot_time": "08:00", "status": "skipped"},
    )
    assert MSG_YEAR in text(added)
    assert DoseLog.objects.count() == 1
