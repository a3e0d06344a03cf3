"""Undo in a real Chromium on a 375 px phone: the toast after "Took my probiotic", its Undo, its
ten seconds (shortened through the template's data attribute where a test would wait), a
keyboard reaching it, the toast the offline queue will show from a script, and axe in both
themes with the toast on the page."""

# ruff: noqa: F811 - each test takes the imported ``page`` fixture as an argument

import time
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.test_browser import ROME, chromium, log_in, page  # noqa: F401
from tests.test_browser_look import axe_violations, listed_violations, look

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


@pytest.fixture
def anna(db):
    """A mother with a baby and a regimen whose first dose is due now (Rome time)."""
    from tests.factories import InfantFactory, RegimenFactory, UserFactory

    mother = UserFactory(email="anna@example.org", display_name="Anna", time_zone="Europe/Rome")
    InfantFactory(mother=mother, name="Luca", birth_at=datetime.now(ROME) - timedelta(days=5))
    now = datetime.now(ROME)
    RegimenFactory(
        mother=mother,
        dose_times=sorted([now.strftime("%H:%M"), (now + timedelta(hours=12)).strftime("%H:%M")]),
    )
    return mother


def dose_logs(mother) -> list:
    from tracker.models import DoseLog

    return list(DoseLog.objects.filter(regimen__mother=mother).values_list("pk", flat=True))


def take_dose(page) -> None:
    page.goto(f"{page.base_url}/")
    page.get_by_role("button", name="Took my probiotic").click()
    page.wait_for_load_state()


def test_took_it_shows_a_toast_whose_undo_removes_the_dose(page, anna):
    log_in(page, "anna@example.org")
    take_dose(page)
    toast = page.get_by_test_id("undo-toast")
    expect(toast).to_be_visible()
    expect(toast).to_contain_text("Logged: your")
    assert toast.get_attribute("role") == "status"
    assert toast.get_attribute("data-undo-ms") == "10000"
    assert page.evaluate("TrackerToast.DEFAULT_MS") == 10000
    assert len(dose_logs(anna)) == 1
    # Floating above the bottom bar, within the phone's width, its Undo a thumb-sized target.
    box, bar = toast.bounding_box(), page.locator(".bottom-nav").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375
    assert box["y"] + box["height"] <= bar["y"]
    undo = toast.get_by_role("button", name="Undo")
    assert undo.bounding_box()["height"] >= 44 and undo.bounding_box()["width"] >= 44
    assert "1 of 2 taken today" in page.get_by_test_id("doses-summary").inner_text()

    undo.click()
    page.wait_for_load_state()
    expect(page.get_by_role("alert")).to_contain_text("Undone: the ")
    expect(page.get_by_role("alert")).to_contain_text("dose of ")
    expect(page.get_by_test_id("undo-toast")).to_have_count(0)
    assert "0 of 2 taken today" in page.get_by_test_id("doses-summary").inner_text()
    assert dose_logs(anna) == []


def test_the_toast_goes_on_its_own_and_waits_while_the_keyboard_is_on_it(page, anna, monkeypatch):
    monkeypatch.setattr("tracker.undo.UNDO_SHOWN_MS", 3000)
    log_in(page, "anna@example.org")
    take_dose(page)
    toast = page.get_by_test_id("undo-toast")
    expect(toast).to_be_visible()
    assert toast.get_attribute("data-undo-ms") == "3000"
    shown = time.monotonic()
    expect(toast).to_be_hidden(timeout=8000)
    # Not at once: after its delay, less the time the page took to load and the checks above
    # (up to a second on a loaded machine, where 1.5 s of delay left too thin a margin).
    assert time.monotonic() - shown >= 2.0
    assert len(dose_logs(anna)) == 1  # going away undoes nothing

    # Reached by the keyboard from the top of the page, it stays while focused.
    page.get_by_role("button", name="Taken: ").first.click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("undo-toast")).to_be_visible()
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('btn-undo')"):
            break
    else:
        pytest.fail("Tab never reached the toast's Undo button")
    page.wait_for_timeout(2500)
    expect(page.get_by_test_id("undo-toast")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("undo-toast")).to_have_count(0)
    assert len(dose_logs(anna)) == 2


def test_a_script_s_toast_calls_its_undo_instead_of_posting(page, anna):
    """The offline queue's toast: same look, its Undo drops the queued action (a callback)."""
    log_in(page, "anna@example.org")
    page.goto(f"{page.base_url}/")
    page.evaluate(
        """() => { window.dropped = 0;
            TrackerToast.show({text: "Spit-up logged, waiting to sync.", onUndo: () => window.dropped++}); }"""
    )
    toast = page.locator("[data-undo-toast]")
    expect(toast).to_contain_text("Spit-up logged, waiting to sync.")
    assert toast.get_attribute("data-undo-ms") == "10000"
    toast.get_by_role("button", name="Undo").click()
    expect(toast).to_have_count(0)
    assert page.evaluate("window.dropped") == 1
    assert page.url == f"{page.base_url}/"  # nothing was posted


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_wcag_aa_violations_with_the_toast_on_today(page, anna, monkeypatch, scheme):
    monkeypatch.setattr("tracker.undo.UNDO_SHOWN_MS", 60_000)  # on the page while axe looks
    page.emulate_media(color_scheme=scheme)
    log_in(page, "anna@example.org")
    take_dose(page)
    toast = page.get_by_test_id("undo-toast")
    expect(toast).to_contain_text("Logged: your")
    assert page.evaluate("document.documentElement.dataset.bsTheme") == scheme
    look(page, f"undo-toast-{scheme}")
    listed = listed_violations({"today with the toast": axe_violations(page)})
    assert listed == [], "\n".join(listed)
