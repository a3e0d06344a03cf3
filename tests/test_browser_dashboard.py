"""The symptom charts in Debian's headless Chromium: a day without records is a gap, today
is "today so far", vomiting and the Brussels groups have series of their own."""

# ruff: noqa: F811 - each test takes the imported ``page`` fixture as an argument

from datetime import datetime, time, timedelta

import pytest

from tests.factories import FeedingSessionFactory, InfantFactory, SymptomEntryFactory, UserFactory
from tests.test_browser import ROME, chromium, log_in, page  # noqa: F401
from tests.test_browser_ui import look

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]

CHART = """id => {
  const chart = Chart.getChart(document.getElementById(id));
  return chart.data.datasets.map(d => [d.label, d.data]);
}"""


def test_the_symptom_charts_draw_gaps_and_today_so_far(page):
    anna = UserFactory(email="anna@example.org", display_name="Anna", time_zone="Europe/Rome")
    today = datetime.now(ROME).date()
    baby = InfantFactory(
        mother=anna, birth_at=datetime.combine(today - timedelta(days=20), time(7), tzinfo=ROME)
    )

    def at(days_ago: int, hour: int) -> datetime:
        return datetime.combine(today - timedelta(days=days_ago), time(hour), tzinfo=ROME)

    for days_ago in (6, 5, 3, 2, 1):  # nothing logged 4 days ago
        SymptomEntryFactory(infant=baby, occurred_at=at(days_ago, 9))
        SymptomEntryFactory(
            infant=baby, kind="stool", size="", stool_consistency=4, occurred_at=at(days_ago, 10)
        )
    SymptomEntryFactory(infant=baby, occurred_at=at(1, 11), is_vomiting=True)
    SymptomEntryFactory(infant=baby, occurred_at=at(0, 0))  # just after midnight: today so far

    log_in(page, "anna@example.org")
    page.goto(f"{page.base_url}/dashboard/?range=7")
    page.locator("#symptoms-chart").scroll_into_view_if_needed()
    look(page, "dashboard-symptoms")

    symptoms = dict(page.evaluate(CHART, "symptoms-chart"))
    assert symptoms["Spit-ups"] == [1, 1, None, 1, 1, 1, 1]  # the vomit is not a spit-up
    assert symptoms["Vomiting"] == [0, 0, None, 0, 0, 1, 0]
    assert symptoms["Today so far"] == []
    stools = dict(page.evaluate(CHART, "stools-chart"))
    assert stools["Formed (4)"] == [1, 1, None, 1, 1, 1, 0]
    assert list(stools) == ["Hard (1-3)", "Formed (4)", "Loose (5-6)", "Watery (7)", "Today so far"]
    assert (
        "forceful vomiting is a reason to call your clinician"
        in page.locator("[data-testid=vomiting-notice]").inner_text()
    )


TODAY_STYLE = """id => {
  const chart = Chart.getChart(document.getElementById(id));
  const last = chart.data.labels.length - 1;
  const bars = chart.getDatasetMeta(0).data;
  return {
    barColours: [bars[last - 1].options.backgroundColor, bars[last].options.backgroundColor],
    dashed: chart.data.datasets[1].segment.borderDash({p1DataIndex: last}),
    before: chart.data.datasets[1].segment.borderDash({p1DataIndex: last - 1}) || null,
    legend: chart.data.datasets.map(d => d.label),
  };
}"""


def test_the_feeding_chart_draws_today_as_today_so_far_not_as_a_drop(page):
    anna = UserFactory(email="anna@example.org", display_name="Anna", time_zone="Europe/Rome")
    today = datetime.now(ROME).date()
    baby = InfantFactory(
        mother=anna, birth_at=datetime.combine(today - timedelta(days=20), time(7), tzinfo=ROME)
    )
    for days_ago in range(1, 7):
        for hour in (3, 9, 15, 21):
            FeedingSessionFactory(
                infant=baby,
                started_at=datetime.combine(today - timedelta(days=days_ago), time(hour), tzinfo=ROME),
            )

    log_in(page, "anna@example.org")
    page.goto(f"{page.base_url}/dashboard/?range=7")
    page.locator("#feeding-chart").scroll_into_view_if_needed()
    look(page, "dashboard-feeding")

    style = page.evaluate(TODAY_STYLE, "feeding-chart")
    assert style["legend"] == ["Feeds", "Minutes", "Today so far"]
    assert style["barColours"][1] != style["barColours"][0]  # today's bar is paler
    assert style["dashed"] == [4, 4] and style["before"] is None  # only the segment into today
