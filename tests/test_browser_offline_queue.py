"""Today's taps with the network off, in Debian's Chromium: kept in the phone's queue and shown
as waiting, then sent through the API once each, with the time she tapped, when the network
returns; a tap the server refuses says why; two pages sending one queue write each tap once."""

# ruff: noqa: F811 - each test takes the imported ``page`` fixture as an argument

import time
from datetime import datetime, timedelta

import pytest
from django.utils.dateparse import parse_datetime
from playwright.sync_api import expect

from tests.factories import InfantFactory, RegimenFactory, UserFactory
from tests.test_browser import ROME, chromium, log_in, page  # noqa: F401
from tests.test_browser_offline import back_online, controlled

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]

QUEUED = (
    "TrackerQueue.list().then(actions => actions.map(a => ({key: a.key, at: a.tappedAt, label: a.label})))"
)


@pytest.fixture
def anna(db):
    anna = UserFactory(email="anna@example.org", display_name="Anna", time_zone="Europe/Rome")
    InfantFactory(mother=anna, name="Luca", birth_at=datetime.now(ROME) - timedelta(days=5))
    now = datetime.now(ROME)
    RegimenFactory(mother=anna, dose_times=[now.strftime("%H:%M")], start_date=now.date() - timedelta(days=3))
    return anna


def go_offline(page) -> None:
    """The network off, and the page told so (Chromium tells the page a moment later)."""
    page.context.set_offline(True)
    page.wait_for_function("!navigator.onLine")


def rows(page):
    return page.get_by_test_id("queued-action")


def at(text: str) -> datetime:
    return parse_datetime(text)


def test_taps_made_offline_wait_then_sync_once_each_with_the_times_she_tapped(page, anna):
    from tracker.models import DoseLog, FeedingSession, IdempotencyKey, SymptomEntry

    log_in(page, anna.email)
    controlled(page)
    go_offline(page)
    page.get_by_role("button", name="Took my probiotic").click()
    page.get_by_role("button", name="Start left").click()
    running = page.get_by_test_id("running-feed")
    expect(running).to_contain_text("Feeding on the left")
    page.wait_for_timeout(1500)  # a feed of a second and a half, stopped offline
    running.get_by_role("button", name="Stop feed").click()
    expect(running).to_have_count(0)
    page.get_by_role("button", name="Small spit-up").click()
    expect(rows(page)).to_have_count(4)
    for index, label in enumerate(
        ["Took my probiotic", "Feed started on the left", "Feed stopped", "Small spit-up"]
    ):
        expect(rows(page).nth(index)).to_contain_text(f"{label} · waiting to sync")
    queued = page.evaluate(QUEUED)
    assert [item["label"] for item in queued] == [
        "Took my probiotic",
        "Feed started on the left",
        "Feed stopped",
        "Small spit-up",
    ]
    assert not DoseLog.objects.exists() and not FeedingSession.objects.exists()
    assert not SymptomEntry.objects.exists()
    # Reopened offline (the worker's copy of Today), the taps are still there and still waiting.
    page.reload()
    expect(rows(page)).to_have_count(4)
    expect(rows(page).nth(3)).to_contain_text("waiting to sync")
    time.sleep(2)  # synced well after the taps: the times kept must be the taps'
    online_at = datetime.now(ROME)
    back_online(page)

    for index in range(4):
        expect(rows(page).nth(index)).to_contain_text("saved")
    expect(rows(page).filter(has_text="not saved")).to_have_count(0)
    assert page.evaluate("TrackerQueue.list()") == []
    dose = DoseLog.objects.get()
    assert (dose.taken_at, dose.source) == (at(queued[0]["at"]), DoseLog.Source.API)
    feed = FeedingSession.objects.get()  # the stop stopped the feed the offline start made
    assert (feed.started_at, feed.ended_at) == (at(queued[1]["at"]), at(queued[2]["at"]))
    assert feed.ended_at < online_at - timedelta(seconds=1.5)
    assert (feed.left_seconds, feed.is_running) == (
        round((feed.ended_at - feed.started_at).total_seconds()),
        False,
    )
    spit = SymptomEntry.objects.get()
    assert (spit.kind, spit.size, spit.occurred_at) == ("regurgitation", "small", at(queued[3]["at"]))
    assert sorted(IdempotencyKey.objects.values_list("key", flat=True)) == sorted(q["key"] for q in queued)


def test_a_tap_the_server_refuses_is_explained_and_the_queue_moves_on(page, anna):
    from tracker.models import DoseLog, SymptomEntry

    log_in(page, anna.email)
    controlled(page)
    go_offline(page)
    page.get_by_role("button", name="Took my probiotic").click()
    page.get_by_role("button", name="Medium spit-up").click()
    expect(rows(page)).to_have_count(2)
    # Meanwhile she answered the dose from the reminder email.
    regimen = anna.regimens.get()
    slot = datetime.now(ROME).date(), regimen.slot_times[0]
    email = DoseLog.objects.create(
        regimen=regimen,
        slot_date=slot[0],
        slot_time=slot[1],
        status=DoseLog.Status.TAKEN,
        taken_at=regimen.slot_at(*slot),
        source=DoseLog.Source.EMAIL,
    )
    back_online(page)
    taken = email.taken_at.astimezone(ROME)
    expect(rows(page).first).to_contain_text(
        f"Took my probiotic · not saved: Your {slot[1]:%H:%M} dose of {slot[0].day} {slot[0]:%b} was already "
        f"logged (from the reminder email, taken at {taken:%H:%M}), so this tap was not logged again."
    )
    expect(rows(page).nth(1)).to_contain_text("Medium spit-up · saved")
    assert page.evaluate("TrackerQueue.list()") == []
    assert list(DoseLog.objects.values_list("source", flat=True)) == [DoseLog.Source.EMAIL]
    assert SymptomEntry.objects.get().size == "medium"
    page.console_errors[:] = [e for e in page.console_errors if "409 (Conflict)" not in e]


def test_two_pages_sending_one_queue_and_a_queue_sent_twice_write_each_tap_once(page, anna):
    from tracker.models import FeedingSession, IdempotencyKey, SymptomEntry

    log_in(page, anna.email)
    controlled(page)
    go_offline(page)
    page.get_by_role("button", name="Start right").click()
    page.get_by_role("button", name="Large spit-up").click()
    other = page.context.new_page()
    other.goto(f"{page.base_url}/")  # a second tab, offline too: the same queue, waiting
    expect(rows(other)).to_have_count(2)
    queued = page.evaluate("TrackerQueue.list()")
    page.context.set_offline(False)  # both pages hear "online" and send; so may the worker
    for tab in (page, other):
        expect(rows(tab).filter(has_text="saved")).to_have_count(2)
    assert FeedingSession.objects.count() == 1 and SymptomEntry.objects.count() == 1

    # A page closed between the server's answer and the queue's delete sends it all again, from
    # both tabs at once: the same keys, so the server answers its first responses and writes nothing.
    script = "async (actions) => { for (const a of actions) { delete a.seq; await TrackerQueue.add(a); } }"
    page.evaluate(script, queued)
    page.evaluate("Promise.all([TrackerQueue.replay(), TrackerQueue.replay()])")
    other.evaluate("TrackerQueue.replay()")
    assert page.evaluate("TrackerQueue.list()") == []
    assert FeedingSession.objects.count() == 1 and SymptomEntry.objects.count() == 1
    assert IdempotencyKey.objects.count() == 2
    feed = FeedingSession.objects.get()
    assert (feed.started_at, feed.start_side, feed.is_running) == (at(queued[0]["tappedAt"]), "right", True)
    other.close()


def test_undo_on_a_queued_tap_drops_it_before_it_is_ever_sent(page, anna):
    from tracker.models import FeedingSession, IdempotencyKey, SymptomEntry

    log_in(page, anna.email)
    controlled(page)
    go_offline(page)
    page.get_by_role("button", name="Small spit-up").click()
    toast = page.get_by_test_id("offline-toast")
    expect(toast).to_contain_text("Small spit-up at ")
    expect(toast).to_contain_text(": kept on this phone, waiting to sync.")
    toast.get_by_role("button", name="Undo").click()
    expect(rows(page)).to_have_count(0)
    page.get_by_role("button", name="Start left").click()
    expect(page.get_by_test_id("running-feed")).to_contain_text("Feeding on the left")
    page.get_by_test_id("offline-toast").get_by_role("button", name="Undo").click()
    # The page as it was before that tap (reopened from the worker's copy): no feed running.
    expect(page.get_by_role("button", name="Start left")).to_be_visible()
    expect(page.get_by_test_id("running-feed")).to_have_count(0)
    expect(rows(page)).to_have_count(0)
    assert page.evaluate("TrackerQueue.list()") == []
    back_online(page)
    page.reload()
    assert not FeedingSession.objects.exists() and not SymptomEntry.objects.exists()
    assert not IdempotencyKey.objects.exists()
