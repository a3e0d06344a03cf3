"""Rough edges a newcomer found on a 375 px phone: the menu, the audit table, the stool
pictures, the skip link and History's Edit/Delete buttons, in Debian's headless Chromium."""

# ruff: noqa: F811 - each test takes the imported ``page`` fixture as an argument

import os
from datetime import date, datetime, time, timedelta

import pytest

from tests.factories import (
    ClinicianFactory,
    DailyCheckFactory,
    DoseLogFactory,
    FeedingSessionFactory,
    InfantFactory,
    RegimenFactory,
    SymptomEntryFactory,
    UserFactory,
)

# The 375 px page that fails on console errors; pytest hands the fixture in by its name.
from tests.test_browser import ROME, chromium, log_in, page  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


def look(page, name: str) -> None:
    """Keep a full-page picture to look at by hand, when SCREENSHOT_PATH asks for them."""
    if os.environ.get("SCREENSHOT_PATH"):
        page.screenshot(path=os.environ["SCREENSHOT_PATH"].replace(".png", f"-{name}.png"), full_page=True)


@pytest.fixture
def anna(db):
    return UserFactory(email="anna@example.org", display_name="Anna", time_zone="Europe/Rome")


def main_menu_marks(page) -> dict[str, str | None]:
    """Each main menu link's text and its aria-current, after opening the whole menu from the
    bottom bar's "More" (on a phone it slides up from below)."""
    page.get_by_role("navigation", name="Sections").get_by_role("button", name="More").click()
    menu = page.get_by_role("navigation", name="Main")
    menu.get_by_role("link", name="Profile").wait_for(state="visible")
    marks = {}
    for link in menu.locator(".navbar-nav .nav-link").all():
        marks[link.inner_text()] = link.get_attribute("aria-current")
        assert ("active" in link.get_attribute("class").split()) == bool(marks[link.inner_text()])
    return marks


def test_the_menu_marks_the_page_she_is_on(page, anna):
    infant = InfantFactory(mother=anna, name="Luca")
    feed = FeedingSessionFactory(infant=infant)
    log_in(page, anna.email)
    base = page.base_url
    expected = {
        "/history/feeds/": "History",
        f"/history/feeds/{feed.pk}/edit/": "History",
        "/history/symptoms/add/": "History",
        f"/setup/baby/{infant.pk}/edit/": "Baby & regimen",
        "/sharing/": "Sharing",
        "/exports/": "Downloads",
        "/accounts/profile/": "Profile",
        "/": "Today",
    }
    for path, current in expected.items():
        page.goto(f"{base}{path}")
        marks = main_menu_marks(page)
        assert {text: mark for text, mark in marks.items() if mark} == {current: "page"}, path
    page.goto(f"{base}/accounts/password/change/")
    assert main_menu_marks(page)["Profile"] == "page"


def test_a_clinician_s_menu_marks_patients(page):
    clinician = ClinicianFactory(email="dr.rossi@example.org")
    log_in(page, clinician.email)
    page.goto(f"{page.base_url}/clinician/")
    assert main_menu_marks(page) == {"Patients": "page", "Profile": None}


def test_the_audit_table_stacks_on_a_phone_with_nothing_cut(page, anna):
    from tracker.models import AuditEvent

    long_email = "dr.maria-antonietta.bianchi-castelfranco@paediatrics.ospedale-universitario.example.org"
    for ip in [None, "192.168.100.200", "fd12:3456:789a:bcde:f012:3456:789a:bcde"]:  # newest last
        AuditEvent.objects.create(
            actor_email=long_email,
            mother=anna,
            action=AuditEvent.Action.EXPORT_PDF,
            detail="probiotic-tracker-summary-2026-11-16.pdf",
            ip_address=ip,
        )
    log_in(page, anna.email)
    page.goto(f"{page.base_url}/sharing/")
    table = page.get_by_test_id("audit-log")
    assert table.locator("tbody tr").count() == 3
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    cells = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid=audit-log] td')].map(td => {
            const box = td.getBoundingClientRect();
            return {left: box.left, right: box.right, scroll: td.scrollWidth, client: td.clientWidth,
                    caption: getComputedStyle(td, '::before').content, text: td.innerText};
        })"""
    )
    assert len(cells) == 12
    for cell in cells:
        assert cell["left"] >= 0 and cell["right"] <= 375, cell
        assert cell["scroll"] <= cell["client"], cell  # no text runs out of its cell
    # Stacked, each value says which column it came from.
    assert [cell["caption"] for cell in cells[:4]] == ['"When"', '"Who"', '"What"', '"From address"']
    assert "fd12:3456:789a:bcde:f012:3456:789a:bcde" in cells[3]["text"]
    assert cells[11]["text"].endswith("unknown")
    # The table as a whole still scrolls nowhere: its wrapper is as wide as its content.
    assert page.evaluate(
        "() => { const w = document.querySelector('[data-testid=audit-log]').parentElement;"
        " return w.scrollWidth <= w.clientWidth }"
    )
    look(page, "audit")


def test_the_stool_panel_shows_the_seven_brussels_pictures(page, anna):
    InfantFactory(mother=anna, name="Luca")
    log_in(page, anna.email)
    page.goto(f"{page.base_url}/")
    page.get_by_text("Stool…").click()
    buttons = page.locator("button[name=stool_consistency]")
    assert buttons.count() == 7
    pictures = page.evaluate(
        """() => [...document.querySelectorAll('button[name=stool_consistency]')].map(button => {
            const img = button.querySelector('img');
            if (!img) return null;
            const box = img.getBoundingClientRect();
            return {src: img.getAttribute('src'), alt: img.getAttribute('alt'), loaded: img.complete,
                    natural: img.naturalWidth, width: box.width, height: box.height};
        })"""
    )
    for value, picture in enumerate(pictures, start=1):
        assert picture is not None, value
        assert picture["src"].endswith(f"/tracker/brussels/{value}.svg")
        assert picture["alt"] == ""  # the button's words already name the type
        assert picture["loaded"] and picture["natural"] > 0, picture
        assert picture["width"] >= 40 and picture["height"] >= 24, picture
    # The words stay the button's name.
    assert page.get_by_role("button", name="4 · smooth, formed").count() == 1
    look(page, "stool")


def test_the_skip_link_comes_first_and_moves_focus_to_the_page(page, anna):
    InfantFactory(mother=anna, name="Luca")
    log_in(page, anna.email)
    page.goto(f"{page.base_url}/history/doses/")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.bounding_box() is None or skip.bounding_box()["width"] <= 1  # hidden until focused
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.innerText") == "Skip to content"
    box = skip.bounding_box()
    assert box["width"] > 50 and box["height"] > 20  # seen when focused
    look(page, "skip-link")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    look(page, "skipped")
    # The next Tab goes on from the page, past the menu.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def centre_offsets(page, selector: str) -> list[dict]:
    """For each element: how far its text's centre is from its own centre, in px."""
    return page.evaluate(
        """selector => [...document.querySelectorAll(selector)].map(el => {
            const range = document.createRange();
            range.selectNodeContents(el);
            const text = range.getBoundingClientRect(), box = el.getBoundingClientRect();
            return {label: el.innerText,
                    dx: (text.left + text.right) / 2 - (box.left + box.right) / 2,
                    dy: (text.top + text.bottom) / 2 - (box.top + box.bottom) / 2};
        })""",
        selector,
    )


def test_edit_and_delete_labels_are_centred_in_their_buttons(page, anna):
    regimen = RegimenFactory(mother=anna, dose_times=["08:00"], start_date=date(2026, 11, 1))
    DoseLogFactory(regimen=regimen, slot_date=date(2026, 11, 16), slot_time=time(8, 0))
    log_in(page, anna.email)
    page.goto(f"{page.base_url}/history/doses/")
    offsets = centre_offsets(page, "[data-testid=history-row] .btn")
    assert [offset["label"] for offset in offsets] == ["Edit", "Delete"]
    for offset in offsets:
        assert abs(offset["dx"]) <= 2 and abs(offset["dy"]) <= 2, offset
    look(page, "history")
    # The same links under the form she opens.
    page.locator("[data-testid=history-row] .btn").first.click()
    page.wait_for_url(lambda url: "/edit/" in url)
    offsets = centre_offsets(page, "main a.btn")
    assert [offset["label"] for offset in offsets] == ["Cancel", "Delete"]
    for offset in offsets:
        assert abs(offset["dx"]) <= 2 and abs(offset["dy"]) <= 2, offset


def test_history_links_name_their_record(page, anna):
    infant = InfantFactory(mother=anna, name="Luca")
    regimen = RegimenFactory(mother=anna, dose_times=["08:00", "20:00"], start_date=date(2026, 11, 1))
    for slot in [time(8, 0), time(20, 0)]:
        DoseLogFactory(regimen=regimen, slot_date=date(2026, 11, 16), slot_time=slot)
    started = datetime(2026, 11, 16, 14, 5, tzinfo=ROME)
    FeedingSessionFactory(infant=infant, started_at=started, ended_at=started + timedelta(minutes=20))
    SymptomEntryFactory(infant=infant, occurred_at=started + timedelta(hours=1))
    DailyCheckFactory(infant=infant, day=date(2026, 11, 16))
    log_in(page, anna.email)
    base = page.base_url

    page.goto(f"{base}/history/doses/")
    for name in [
        "Edit the 08:00 dose of 16 Nov",
        "Delete the 08:00 dose of 16 Nov",
        "Edit the 20:00 dose of 16 Nov",
        "Delete the 20:00 dose of 16 Nov",
    ]:
        assert page.get_by_role("link", name=name, exact=True).count() == 1, name
    assert page.get_by_role("link", name="Edit", exact=True).count() == 0
    page.get_by_role("link", name="Edit the 20:00 dose of 16 Nov", exact=True).click()
    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text() == "Edit the 20:00 dose of 16 Nov"  # the page it opens

    page.goto(f"{base}/history/feeds/")
    assert page.get_by_role("link", name="Delete the feed at 14:05 on 16 Nov", exact=True).count() == 1
    page.goto(f"{base}/history/symptoms/")
    assert page.get_by_role("link", name="Edit the spit-up at 15:05 on 16 Nov", exact=True).count() == 1
    page.goto(f"{base}/history/checks/")
    assert page.get_by_role("link", name="Delete Luca’s daily check for 16 Nov", exact=True).count() == 1


def test_the_history_filter_stacks_on_a_phone_with_nothing_cut(page, anna):
    """Each control of the open filter takes the width of the card, so the symptom select shows
    its longest choice and a date keeps its day, month and year clear of its calendar button."""
    InfantFactory(mother=anna, name="Luca")
    log_in(page, anna.email)
    page.goto(f"{page.base_url}/history/symptoms/")
    page.locator("summary", has_text="Filter").click()
    page.get_by_label("From").wait_for(state="visible")
    look(page, "history-filter")
    controls = page.evaluate(
        """() => [...document.querySelectorAll('details select, details input')].map(c => {
            const box = c.getBoundingClientRect();
            return {name: c.name, width: box.width, right: box.right, scroll: c.scrollWidth, client: c.clientWidth};
        })"""
    )
    assert [c["name"] for c in controls] == ["infant", "kind", "date_from", "date_to"]
    for control in controls:
        assert control["width"] >= 280 and control["right"] <= 375, control
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_an_installed_app_keeps_clear_of_the_notch_and_the_home_indicator(page, anna):
    """An iPhone's insets, as Chromium's DevTools emulate them: the top bar starts below the
    notch and the bottom bar's links sit above the home indicator."""
    log_in(page, anna.email)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setSafeAreaInsetsOverride", {"insets": {"top": 47, "bottom": 34}})
    page.goto(f"{page.base_url}/")
    assert "viewport-fit=cover" in page.locator('meta[name="viewport"]').get_attribute("content")
    padding = page.evaluate(
        """() => ({
            top: getComputedStyle(document.querySelector('nav.navbar')).paddingTop,
            bottom: getComputedStyle(document.querySelector('.bottom-nav')).paddingBottom,
            body: getComputedStyle(document.body).paddingBottom,
        })"""
    )
    assert padding == {"top": "47px", "bottom": "34px", "body": f"{64 + 34}px"}, padding
