"""The service worker in Debian's Chromium: it registers, Today and the last History page she
loaded open with the network off, a page not kept says so, the pages go when she logs out or
another account's pages come, and a new deploy offers "Update available — Reload"."""

# ruff: noqa: F811 - each test takes the imported ``page`` fixture as an argument

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from tests.factories import FeedingSessionFactory, InfantFactory, RegimenFactory, UserFactory
from tests.test_browser import chromium, log_in, page  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


@pytest.fixture
def anna(db):
    anna = UserFactory(email="anna@example.org", display_name="Anna", time_zone="Europe/Rome")
    FeedingSessionFactory(infant=InfantFactory(mother=anna, name="Luca"), notes="the long night feed")
    RegimenFactory(mother=anna)
    return anna


def controlled(page) -> str:
    """Wait until the service worker is active and controls the page; its cache version.

    The worker registers on the log-in page; when it activates while her log-in is on its way,
    the page that answers was fetched without it and stays so (clients.claim() takes only the
    pages already open): the next page she opens is controlled, here a reload."""
    page.evaluate("navigator.serviceWorker.ready")
    if not page.evaluate("!!navigator.serviceWorker.controller"):
        page.reload()
        page.wait_for_function("() => !!navigator.serviceWorker.controller")
    # This page is kept for offline use (a page the worker took over after it loaded asks to
    # be kept: pwa.js's KEEP_PAGE), whichever way it came.
    page.wait_for_function("() => caches.match(location.href).then(Boolean)", timeout=10000)
    return page.evaluate("caches.keys().then(keys => keys.find(k => k.startsWith('shell-')))")


#: What Chromium's console says of a page the worker answers offline (its "You are offline"
#: page is a 503) and of the request the worker tried first.
OFFLINE_NOISE = {
    "Failed to load resource: the server responded with a status of 503 ()",
    "Failed to load resource: net::ERR_INTERNET_DISCONNECTED",
}


def back_online(page) -> None:
    page.context.set_offline(False)
    assert set(page.console_errors) <= OFFLINE_NOISE, page.console_errors
    page.console_errors.clear()


def kept_pages(page) -> list[str]:
    return page.evaluate(
        "caches.open('pages').then(c => c.keys()).then(rs => rs.map(r => new URL(r.url).pathname + new URL(r.url).search))"
    )


def test_today_and_the_last_history_page_open_offline(page, anna):
    from tracker.pwa import shell_version

    log_in(page, anna.email)
    assert controlled(page) == f"shell-{shell_version()}"
    page.get_by_role("button", name="Start left").click()  # a feed running when the signal goes
    page.get_by_test_id("running-feed").wait_for()
    page.goto(f"{page.base_url}/history/feeds/")
    assert page.get_by_test_id("history-row").filter(has_text="the long night feed").count() == 1
    assert sorted(kept_pages(page)) == ["/", "/__page-owner__", "/history/feeds/"]

    page.context.set_offline(True)
    page.goto(f"{page.base_url}/")
    assert page.get_by_role("button", name="Took my probiotic").is_visible()
    # The feed timer runs from the cached page (timer.js from the cache): it ticks on.
    timer = page.get_by_test_id("running-feed").locator(".timer")
    shown = timer.inner_text()
    assert re.fullmatch(r"\d+:\d\d", shown), shown
    expect(timer).not_to_have_text(shown, timeout=5000)
    # Styled from the cache: the bottom bar is Bootstrap's and app.css's, fixed at the bottom.
    assert (
        page.get_by_role("navigation", name="Sections").evaluate("e => getComputedStyle(e).position")
        == "fixed"
    )
    page.goto(f"{page.base_url}/history/feeds/")
    assert page.get_by_test_id("history-row").filter(has_text="the long night feed").count() == 1
    page.goto(f"{page.base_url}/dashboard/")  # never opened on this phone: no copy to show
    assert page.get_by_role("heading", level=1).inner_text() == "You are offline"
    page.get_by_role("link", name="Open Today").click()
    page.get_by_role("button", name="Took my probiotic").wait_for()
    back_online(page)


def test_offline_the_page_says_so_and_a_form_it_cannot_queue_stays_on_it_unsaved(page, anna):
    """Today's taps are queued offline (tests/test_browser_offline_queue.py); any other form, here
    logging out, stays on the page, which says it was not saved."""
    from tracker.models import DoseLog

    log_in(page, anna.email)
    controlled(page)
    assert page.locator("#offline-notice").count() == 0
    page.context.set_offline(True)
    page.goto(f"{page.base_url}/")
    notice = page.locator("#offline-notice")
    expect(notice).to_have_text(
        "You are offline: this is the copy you last opened. "
        "What you tap is kept on this phone and sent when you are back online."
    )
    page.get_by_role("navigation", name="Sections").get_by_role("button", name="More").click()
    page.get_by_role("button", name="Log out").click()
    expect(notice).to_have_text("You are offline: that was not saved. Try again once you are back online.")
    assert page.url == f"{page.base_url}/"  # not the browser's "no internet" page
    page.keyboard.press("Escape")  # the menu closes
    expect(page.locator(".offcanvas-backdrop")).to_have_count(0)
    back_online(page)
    expect(notice).to_have_count(0)
    assert DoseLog.objects.filter(regimen__mother=anna).count() == 0
    page.get_by_role("button", name="Took my probiotic").click()  # online again: the server answers
    expect(page.get_by_test_id("undo-toast")).to_contain_text("Logged: your")  # with its Undo


def test_logging_out_forgets_her_pages(page, anna):
    log_in(page, anna.email)
    controlled(page)
    page.goto(f"{page.base_url}/history/feeds/")
    assert "/history/feeds/" in kept_pages(page)
    page.get_by_role("navigation", name="Sections").get_by_role("button", name="More").click()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/accounts/login/")
    assert kept_pages(page) == []
    page.context.set_offline(True)
    page.goto(f"{page.base_url}/history/feeds/")
    assert page.get_by_role("heading", level=1).inner_text() == "You are offline"
    assert "the long night feed" not in page.content()
    back_online(page)


def test_another_account_s_page_replaces_hers(page, anna):
    """Even without logging out (her session simply ended), a page for someone else drops hers."""
    olga = UserFactory(email="olga@example.org", display_name="Olga", time_zone="Europe/Rome")
    RegimenFactory(mother=olga)
    InfantFactory(mother=olga, name="Olivia")
    log_in(page, anna.email)
    controlled(page)
    page.goto(f"{page.base_url}/history/feeds/")
    olgas = Client()
    olgas.force_login(olga)
    page.context.clear_cookies()
    host = page.base_url.split("//")[1].split(":")[0]
    page.context.add_cookies(
        [{"name": "sessionid", "value": olgas.cookies["sessionid"].value, "domain": host, "path": "/"}]
    )
    page.goto(f"{page.base_url}/")
    assert "Olivia" in page.content()
    assert sorted(kept_pages(page)) == ["/", "/__page-owner__"]
    page.context.set_offline(True)
    page.goto(f"{page.base_url}/history/feeds/")
    assert page.get_by_role("heading", level=1).inner_text() == "You are offline"
    back_online(page)


def test_a_new_deploy_offers_to_reload(page, anna, monkeypatch):
    log_in(page, anna.email)
    old = controlled(page)
    banner = page.locator("#update-banner")
    assert banner.count() == 0
    # A deploy changes a shell file, so the version the live server writes into /sw.js.
    monkeypatch.setattr("tracker.pwa.shell_version", lambda: "0123456789ab")
    page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
    banner.wait_for(state="visible")
    assert banner.inner_text().startswith("Update available")
    with page.expect_navigation():
        banner.get_by_role("button", name="Reload").click()
    page.wait_for_function(
        "() => navigator.serviceWorker.controller && navigator.serviceWorker.controller.state === 'activated'"
    )
    keys = page.evaluate("caches.keys()")
    assert "shell-0123456789ab" in keys and old not in keys
    assert banner.count() == 0  # the reloaded page runs the new version: nothing to offer


def test_chromium_finds_the_app_installable(page, anna):
    """Chromium's own check (the one behind its "Install app"): the manifest parses, its icons
    load, the worker controls the start page."""
    log_in(page, anna.email)
    controlled(page)
    devtools = page.context.new_cdp_session(page)
    manifest = devtools.send("Page.getAppManifest")
    assert manifest["url"] == f"{page.base_url}/manifest.webmanifest"
    assert manifest["errors"] == []
    errors = devtools.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # Playwright's contexts are incognito, where Chromium installs nothing: that one is the
    # test browser's, not the app's.
    assert [error for error in errors if error["errorId"] != "in-incognito"] == []


def test_a_page_the_worker_did_not_fetch_asks_to_be_kept(page, anna):
    """Her first page after logging in may come before the worker takes over, so the worker
    never saw it: the page asks the worker to keep it (pwa.js's KEEP_PAGE), and it opens offline."""
    log_in(page, anna.email)
    controlled(page)
    page.evaluate("caches.open('pages').then(cache => cache.delete(location.href))")
    assert not page.evaluate("caches.match(location.href).then(Boolean)")
    page.evaluate(
        "navigator.serviceWorker.ready.then(r => r.active.postMessage({type: 'KEEP_PAGE', url: location.href}))"
    )
    page.wait_for_function("() => caches.match(location.href).then(Boolean)", timeout=10000)
    # A page of another site, or one not kept offline, is never fetched for it.
    page.evaluate(
        "navigator.serviceWorker.ready.then(r => r.active.postMessage({type: 'KEEP_PAGE', url: '/accounts/profile/'}))"
    )
    page.wait_for_timeout(500)
    assert not page.evaluate("caches.match('/accounts/profile/').then(Boolean)")
