"""The look on a 375 px phone, light and dark: WCAG 2 A/AA (contrast first) checked by axe-core
on Today, the dashboard, History and the log-in page, and the bottom bar marking where she is.

axe-core is vendored for the tests only (tests/vendor/axe-core/, never a static file of the
app); it is evaluated in the page through the DevTools protocol, so the page keeps its CSP."""

# ruff: noqa: F811 - each test takes the imported ``page`` fixture as an argument

import io
import os
from pathlib import Path

import pytest

from accounts.models import User
from tests.factories import CareGrantFactory, ClinicianFactory
from tests.test_browser import chromium, log_in, page  # noqa: F401
from tests.test_chart_colours import contrast_ratio
from tracker.chart_colours import CARD_BACKGROUND, SERIES_COLOURS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
DEMO = ("demo@example.org", "milk-and-probiotics-demo")
PAGES = {"today": "/", "dashboard": "/dashboard/?range=30", "history": "/history/feeds/"}


def axe_violations(page) -> list[dict]:
    """axe's WCAG 2 A and AA violations on the page as it is drawn now, each with its nodes."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa"]}});
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary}))}));
        }"""
    )


def listed_violations(found: dict[str, list[dict]]) -> list[str]:
    """One line per element axe found wanting, page first, with what would fix it."""
    return [
        f"{name}: {v['id']} ({v['impact']}) at {node['target']}: {' '.join(node['summary'].split())}"
        for name, violations in found.items()
        for v in violations
        for node in v["nodes"]
    ]


def look(page, name: str) -> None:
    """Keep a full-page picture to look at by hand, when SCREENSHOT_PATH asks for them."""
    if os.environ.get("SCREENSHOT_PATH"):
        page.screenshot(path=os.environ["SCREENSHOT_PATH"].replace(".png", f"-{name}.png"), full_page=True)


@pytest.fixture
def demo_mother(db):
    from django.core.management import call_command

    call_command("seed_demo", days=30, email=DEMO[0], tz="Europe/Rome", seed=7, stdout=io.StringIO())


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_wcag_aa_violations_on_her_pages(page, demo_mother, scheme):
    page.emulate_media(color_scheme=scheme)
    found = {}
    page.goto(f"{page.base_url}/accounts/login/")
    assert page.evaluate("document.documentElement.dataset.bsTheme") == scheme
    found["login"] = axe_violations(page)
    look(page, f"login-{scheme}")
    log_in(page, *DEMO)
    for name, path in PAGES.items():
        page.goto(f"{page.base_url}{path}")
        assert page.evaluate("document.documentElement.dataset.bsTheme") == scheme
        found[name] = axe_violations(page)
        look(page, f"{name}-{scheme}")
    listed = listed_violations(found)
    assert listed == [], "\n".join(listed)
    # The pages really are in the scheme axe checked: the body's background is dark or light.
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == ("rgb(43, 48, 53)" if scheme == "dark" else "rgb(248, 249, 250)"), background


def test_the_dashboard_charts_take_the_theme_s_colours(page, demo_mother):
    page.emulate_media(color_scheme="dark")
    log_in(page, *DEMO)
    page.goto(f"{page.base_url}/dashboard/?range=30")
    body_colour = page.evaluate("getComputedStyle(document.body).color")  # rgb(222, 226, 230) in dark
    assert page.evaluate("Chart.defaults.color") == "#dee2e6" and body_colour == "rgb(222, 226, 230)"
    page.emulate_media(color_scheme="light")  # the phone switches: the charts follow
    page.wait_for_function("() => Chart.defaults.color === '#212529'", timeout=5000)
    assert page.evaluate("document.documentElement.dataset.bsTheme") == "light"
    # Her charts' own grid colour is the light theme's now, read from Chart.js's resolved options.
    grid = page.evaluate("Chart.getChart('feeding-chart').options.scales.y.grid.color")
    assert grid == "rgba(0, 0, 0, 0.175)", grid
    # Vomiting's dark red is its own again (the dark page drew it lighter, #e35d6a).
    vomiting = "c => c.getDatasetMeta(2).controller.getStyle(0).backgroundColor"
    assert page.evaluate(f"({vomiting})(Chart.getChart('symptoms-chart'))") == "#b02a37"
    assert drawn_series_colours(page) == palette_by_label("light")
    page.emulate_media(color_scheme="dark")
    page.wait_for_function("() => Chart.defaults.color === '#dee2e6'", timeout=5000)
    assert page.evaluate(f"({vomiting})(Chart.getChart('symptoms-chart'))") == "#e35d6a"
    assert drawn_series_colours(page) == palette_by_label("dark")


#: Each chart's series (legend label) and its colour's name in ``tracker/chart_colours.py``.
SERIES = {
    "feeding-chart": {"Feeds": "feeds", "Minutes": "feed_minutes"},
    "symptoms-chart": {
        "Spit-ups": "spit_ups",
        "Spit-ups, 7-day": "spit_ups",
        "Vomiting": "vomiting",
        "Stools, 7-day": "stools",
        "Crying min, 7-day": "crying",
    },
    "stools-chart": {
        "Hard (1-3)": "stools_hard",
        "Formed (4)": "stools_formed",
        "Loose (5-6)": "stools_loose",
        "Watery (7)": "stools_watery",
    },
}


def palette_by_label(theme: str) -> dict[str, dict[str, str]]:
    return {
        chart: {label: SERIES_COLOURS[theme][name] for label, name in series.items()}
        for chart, series in SERIES.items()
    }


def drawn_series_colours(page) -> dict[str, dict[str, str]]:
    """The colour Chart.js resolved for each series' first day, by chart and legend label."""
    return page.evaluate(
        """ids => Object.fromEntries(ids.map(id => {
            const chart = Chart.getChart(id);
            const series = chart.data.datasets.map((d, i) => [d.label, chart.getDatasetMeta(i)])
                .filter(([label, meta]) => meta.data.length)
                .map(([label, meta]) => [label, meta.controller.getStyle(0).borderColor]);
            return [id, Object.fromEntries(series)];
        }))""",
        list(SERIES),
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_chart_series_reaches_3_to_1_against_its_card(page, demo_mother, scheme):
    """WCAG 2.1 1.4.11 (graphics), which axe does not check on a canvas: what the charts draw,
    against the card they are drawn on, as the page computes it."""
    page.emulate_media(color_scheme=scheme)
    log_in(page, *DEMO)
    page.goto(f"{page.base_url}/dashboard/?range=30")
    card = page.evaluate(
        "getComputedStyle(document.getElementById('feeding-chart').closest('.card')).backgroundColor"
    )
    assert card == {"light": "rgb(255, 255, 255)", "dark": "rgb(33, 37, 41)"}[scheme]
    assert CARD_BACKGROUND[scheme] == "#{:02x}{:02x}{:02x}".format(*map(int, card[4:-1].split(", ")))
    drawn = drawn_series_colours(page)
    assert drawn == palette_by_label(scheme)
    below = {
        f"{chart} {label}": round(contrast_ratio(colour, CARD_BACKGROUND[scheme]), 2)
        for chart, series in drawn.items()
        for label, colour in series.items()
        if contrast_ratio(colour, CARD_BACKGROUND[scheme]) < 3
    }
    assert below == {}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_bottom_bar_shows_on_a_phone_and_marks_the_page(page, demo_mother, scheme):
    page.emulate_media(color_scheme=scheme)
    log_in(page, *DEMO)
    bar = page.get_by_role("navigation", name="Sections")
    for path, current in [
        ("/", "Today"),
        ("/dashboard/", "Dashboard"),
        ("/history/doses/", "History"),
        ("/sharing/", "More"),
    ]:
        page.goto(f"{page.base_url}{path}")
        assert bar.is_visible()
        items = bar.locator(".bottom-nav-link")
        labels = [text.strip() for text in items.all_inner_texts()]
        assert labels == ["Today", "Dashboard", "History", "More"]
        marks = [items.nth(i).get_attribute("aria-current") for i in range(4)]
        assert marks == ["page" if label == current else None for label in labels], path
        box = bar.bounding_box()
        assert box["y"] + box["height"] == 812 and box["width"] == 375  # along the bottom edge
    # The page's last line is not hidden under the bar.
    page.goto(f"{page.base_url}/")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    main_bottom = page.evaluate("document.getElementById('main').getBoundingClientRect().bottom")
    assert main_bottom <= bar.bounding_box()["y"]
    # "More" opens the rest of the menu, Log out with it.
    bar.get_by_role("button", name="More").click()
    menu = page.get_by_role("dialog", name="Menu")
    menu.get_by_role("link", name="Downloads").wait_for(state="visible")
    assert menu.get_by_role("button", name="Log out").is_visible()


def test_wide_screens_keep_the_top_menu_and_no_bottom_bar(page, demo_mother):
    page.set_viewport_size({"width": 800, "height": 1024})  # a tablet: the nine items would not fit
    log_in(page, *DEMO)
    page.goto(f"{page.base_url}/history/doses/")
    assert page.get_by_role("navigation", name="Sections").is_visible()
    page.set_viewport_size({"width": 1024, "height": 768})
    assert not page.get_by_role("navigation", name="Sections").is_visible()
    top = page.get_by_role("navigation", name="Main")
    assert top.get_by_role("link", name="History").get_attribute("aria-current") == "page"
    assert top.get_by_role("link", name="Downloads").is_visible()


#: Her other pages, and a clinician's: the same check, so no page keeps a colour of its own.
OTHER_PAGES = [
    "/history/doses/",
    "/history/symptoms/",
    "/history/checks/",
    "/history/feeds/add/",
    "/setup/",
    "/settings/reminders/",
    "/sharing/",
    "/exports/",
    "/accounts/profile/",
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_wcag_aa_violations_on_her_other_pages_and_a_clinician_s(page, demo_mother, scheme):
    demo = User.objects.get(email=DEMO[0])
    doctor = ClinicianFactory(email="dr.rossi@example.org")
    CareGrantFactory(mother=demo, clinician=doctor, scope="summary_exports")
    page.emulate_media(color_scheme=scheme)
    found = {}
    log_in(page, *DEMO)
    for path in OTHER_PAGES:
        page.goto(f"{page.base_url}{path}")
        found[path] = axe_violations(page)
    page.context.clear_cookies()
    log_in(page, doctor.email)
    for path in ["/clinician/", f"/clinician/{demo.pk}/"]:
        page.goto(f"{page.base_url}{path}")
        found[path] = axe_violations(page)
        look(page, f"clinician-{scheme}")
    listed = listed_violations(found)
    assert listed == [], "\n".join(listed)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_api_reference_follows_the_phone_s_theme_and_leads_back(page, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(f"{page.base_url}/api/docs/")
    page.wait_for_selector("#swagger-ui .info")
    swagger_filter = page.evaluate("getComputedStyle(document.getElementById('swagger-ui')).filter")
    background = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    look(page, f"api-docs-{scheme}")
    if scheme == "dark":
        assert swagger_filter.startswith("invert(0.9)") and background == "rgb(27, 27, 27)"
    else:
        assert swagger_filter == "none" and background == "rgba(0, 0, 0, 0)"
    page.get_by_role("link", name="← Back to the tracker").click()
    page.wait_for_url(f"{page.base_url}/accounts/login/?next=/")  # signed out: her Today asks her in
