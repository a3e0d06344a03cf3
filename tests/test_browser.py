"""A new mother in a real headless Chromium (Debian's), on a 375 px wide phone screen."""

import io
import os
import re
import shutil
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from playwright.sync_api import expect

# One xdist worker runs every browser test (--dist loadgroup): one Chromium at a time.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]

# Playwright's sync API runs an event loop in this thread; the live server's
# database calls are still synchronous, so Django's async guard must step aside.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROME = ZoneInfo("Europe/Rome")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def chromium():
    """One Chromium for a module's tests (launching it is the slow part); each test gets a
    fresh context, so no cookie, storage or cache passes from one test to the next."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(
        viewport={"width": 375, "height": 812}, timezone_id="Europe/Rome", locale="en-GB"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.base_url = live_server.url
    page.console_errors = errors  # a test that expects one takes it out
    yield page
    context.close()
    assert errors == [], errors


def log_in(page, email: str, password: str | None = None) -> None:
    """Log in through the form, as she would; the factories' password by default."""
    from tests.factories import PASSWORD

    page.goto(f"{page.base_url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password or PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url


def rome_minutes_around(action) -> set[str]:
    """Run ``action`` and return the Rome wall-clock minutes it may have been logged at."""
    before = datetime.now(ROME)
    action()
    after = datetime.now(ROME)
    return {before.strftime("%H:%M"), after.strftime("%H:%M")}


def test_new_mother_signs_up_onboards_and_logs_dose_feed_and_spit_up(page):
    base = page.base_url
    page.goto(f"{base}/accounts/signup/")
    page.get_by_label("Email").fill("bea@example.org")
    page.get_by_label("Display name").fill("Bea")
    # The time zone select was pre-filled from the browser.
    assert page.locator("#id_time_zone").input_value() == "Europe/Rome"
    page.get_by_role("button", name="Sign up").click()

    page.wait_for_url(f"{base}/accounts/signup/sent/")
    # The link in her email, opened on this server (the email names SITE_URL).
    (message,) = mail.outbox
    page.goto(base + re.search(r"https?://[^/\s]+(/accounts/signup/finish/\S+/)", message.body).group(1))
    page.locator("#id_password1").fill("a-long-and-unusual-passphrase")
    page.locator("#id_password2").fill("a-long-and-unusual-passphrase")
    page.get_by_role("button", name="Create my account").click()

    page.wait_for_url(f"{base}/setup/")
    page.get_by_role("link", name="Add your baby").click()
    born = datetime.now(ROME) - timedelta(days=3)
    page.get_by_label("Name").fill("Luca")
    page.locator("#id_birth_at").fill(born.strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_gestational_weeks").fill("39")
    page.locator("#id_gestational_days").fill("2")
    page.locator("#id_delivery_mode").select_option("vaginal")
    page.get_by_role("button", name="Save").click()

    page.wait_for_url(f"{base}/setup/regimen/add/")
    page.get_by_label("Product name").fill("Multi-strain probiotic")
    page.get_by_label("Trial: due date − 28 days to 28 days after birth").check()
    page.locator("#id_doses_per_day").fill("2")
    # One dose due now (so "Took my probiotic" answers it) and one twelve hours away.
    now = datetime.now(ROME)
    times = sorted([now.strftime("%H:%M"), (now + timedelta(hours=12)).strftime("%H:%M")])
    page.locator("#id_dose_times").fill(", ".join(times))
    page.get_by_role("button", name="Save").click()

    page.wait_for_url(f"{base}/")
    dose_minutes = rome_minutes_around(lambda: page.get_by_role("button", name="Took my probiotic").click())
    page.wait_for_selector("text=Logged: your")

    start_minutes = rome_minutes_around(lambda: page.get_by_role("button", name="Start left").click())
    page.wait_for_selector('[data-testid="running-feed"]')
    assert page.get_by_test_id("current-side").inner_text() == "left"
    # The live timer ticks: wait for it to pass 0:00 (a condition, not a fixed sleep).
    expect(page.locator(".timer")).to_have_text(re.compile(r"^0:0[1-3]$"), timeout=5000)
    page.get_by_role("button", name="Switch to right").click()
    page.wait_for_selector("text=Switched to the right.")
    assert page.get_by_test_id("current-side").inner_text() == "right"
    stop_minutes = rome_minutes_around(lambda: page.get_by_role("button", name="Stop feed").click())
    page.wait_for_selector("text=Feed stopped at")

    spit_minutes = rome_minutes_around(lambda: page.get_by_role("button", name="Small spit-up").click())
    page.wait_for_selector("text=Logged for Luca: spit-up")

    slots = page.get_by_test_id("dose-slot").all_inner_texts()
    assert any(f"Taken at {minute}" in text for text in slots for minute in dose_minutes), slots
    assert "1 of 2 taken today, 1 open" in page.get_by_test_id("doses-summary").inner_text()
    log = page.get_by_test_id("today-log").inner_text()
    assert any(f"{s}–{e} · feed" in log for s in start_minutes for e in stop_minutes), log
    assert any(f"{minute} · Spit-up (small)" in log for minute in spit_minutes), log
    if os.environ.get("SCREENSHOT_PATH"):  # to look at the page by hand
        page.screenshot(path=os.environ["SCREENSHOT_PATH"], full_page=True)


def test_dashboard_draws_its_charts_without_console_errors(page):
    from django.core.management import call_command

    call_command(
        "seed_demo", days=30, email="demo@example.org", tz="Europe/Rome", seed=7, stdout=io.StringIO()
    )
    base = page.base_url
    log_in(page, "demo@example.org", "milk-and-probiotics-demo")
    page.goto(f"{base}/dashboard/?range=30")
    for chart in ["feeding-chart", "symptoms-chart"]:
        drawn = page.evaluate(
            "id => { const c = Chart.getChart(id); return c ? c.data.datasets[0].data.length : 0 }", chart
        )
        assert drawn == 30, chart
        box = page.locator(f"#{chart}").bounding_box()
        assert box["width"] > 300 and box["height"] > 150  # fills a 375 px phone
    adherence = page.locator("[data-testid^=adherence-]").inner_text()
    # 31 days once today's slots are logged or an hour past, 30 before (seed_demo runs on the real clock)
    assert "Days covered" in adherence and ("/31 days)" in adherence or "/30 days)" in adherence)
    # The bars are drawn by a static script (the CSP allows no inline style): as wide as the figure.
    for figure, bar in [("pdc", "pdc-bar"), ("dose-adherence", "dose-adherence-bar")]:
        shown = page.get_by_test_id(figure).inner_text().split("%")[0]
        width = page.get_by_test_id(bar).evaluate("e => e.style.width")  # "70%" for 70.0%
        assert width.endswith("%") and float(width[:-1]) == float(shown), (figure, width, shown)
    if os.environ.get("SCREENSHOT_PATH"):
        page.screenshot(path=os.environ["SCREENSHOT_PATH"].replace(".png", "-dashboard.png"), full_page=True)


def test_a_clinician_whose_access_ended_taps_a_download_and_reads_why(page):
    from tests.factories import CareGrantFactory, ClinicianFactory, UserFactory
    from tracker.sharing.services import grant_revoke

    anna = UserFactory(email="anna@example.org", display_name="Anna")
    doctor = ClinicianFactory(email="dr.rossi@example.org", display_name="Dr Rossi")
    grant = CareGrantFactory(mother=anna, clinician=doctor, scope="summary_exports")
    base = page.base_url
    log_in(page, "dr.rossi@example.org")
    page.goto(f"{base}/clinician/{anna.pk}/")
    with page.expect_download() as download:  # while she shares, the link is a file
        page.get_by_role("link", name="Printable summary (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")

    grant_revoke(grant=grant)
    page.get_by_role("link", name="Printable summary (PDF)").click()
    page.wait_for_url(f"{base}/clinician/{anna.pk}/exports/summary.pdf")
    assert (
        page.get_by_test_id("access-ended")
        .inner_text()
        .startswith("Your access to Anna's record has ended: she stopped sharing on")
    )
    # The page is a 404 (as for any record she may not see), which Chromium notes in the console.
    assert page.console_errors == [
        "Failed to load resource: the server responded with a status of 404 (Not Found)"
    ]
    page.console_errors.clear()
    page.get_by_role("link", name="Your patients").click()
    page.wait_for_url(f"{base}/clinician/")


def test_the_regimen_form_hides_the_dates_the_trial_preset_ignores(page):
    from tests.factories import PregnancyFactory, UserFactory

    anna = UserFactory(email="anna@example.org", display_name="Anna")
    PregnancyFactory(mother=anna, due_date=datetime.now(ROME).date() + timedelta(days=20))
    base = page.base_url
    log_in(page, "anna@example.org")
    page.goto(f"{base}/setup/regimen/add/")
    start, end = page.locator("#id_start_date"), page.locator("#id_end_date")
    page.get_by_label("Trial: due date − 28 days to 28 days after birth").check()
    assert not start.is_visible() and not end.is_visible()
    page.get_by_label("My own dates").check()
    assert start.is_visible() and end.is_visible()
    page.get_by_label("Trial: due date − 28 days to 28 days after birth").check()
    assert not start.is_visible()
