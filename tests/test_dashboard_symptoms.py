"""Symptoms as she and her clinician see them: gaps for days without records, today drawn
as "today so far", the week to yesterday the same on the dashboard and in the PDF, the
vomiting notice and stools by Brussels group.

One fixed week, computed by hand. Now is Monday 16 November 2026, 21:00 in Rome; Luca was
born on 30 October. The 7 complete days to yesterday are 9-15 November:

    day     spit-ups  vomiting  crying  stools (Brussels picture)
    9 Nov   2         1         30      1 (4)
    10 Nov  -- nothing logged --
    11 Nov  3         0         60      2 (2, 5)
    12 Nov  a daily check, "no symptoms today": a logging day of zeros
    13 Nov  -- nothing logged --
    14 Nov  1         0         90      1 (7)
    15 Nov  4         0         0       1 (6)
    16 Nov  5         1         0       0       (today, still under way)

Logging days in 9-15 Nov: 5. Means a day over them: spit-ups 10/5 = 2.0, vomiting 1/5 =
0.2, crying 180/5 = 36, stools 5/5 = 1.0; by group hard 1, formed 1, loose 2, watery 1
(0.2, 0.2, 0.4, 0.2 a day). Counting the missing days as zeros, over 7 days, would have
given 1.4 spit-ups and 26 minutes.
"""

import json
import re
from datetime import UTC, date, datetime, time

import pytest
import time_machine

from tests.factories import CareGrantFactory, DailyCheckFactory, SymptomEntryFactory
from tests.test_export_pdf import readable_summary
from tracker.models import SymptomEntry

NOW = datetime(2026, 11, 16, 20, 0, tzinfo=UTC)
Kind = SymptomEntry.Kind
WEEK_SENTENCE = (
    "In the week to 15 Nov, a day on average: 2.0 spit-ups, 0.2 vomiting, 36 minutes of crying, "
    "1.0 stools. Averages are over the 5 days with records of the 7 complete days to 15 Nov."
)
NOTICE = (
    "Vomiting logged in the last week or today (9 Nov: 1 time; 16 Nov: 1 time): "
    "forceful vomiting is a reason to call your clinician."
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def at(day: int, hour: int) -> datetime:
    return datetime.combine(date(2026, 11, day), time(hour), tzinfo=UTC)


@pytest.fixture
def week(infant):
    def spit_up(day, times, vomiting=0):
        for n in range(times):
            SymptomEntryFactory(infant=infant, occurred_at=at(day, 6 + n))
        for n in range(vomiting):
            SymptomEntryFactory(infant=infant, occurred_at=at(day, 12 + n), is_vomiting=True)

    def crying(day, minutes):
        SymptomEntryFactory(
            infant=infant, kind=Kind.CRYING, size="", duration_minutes=minutes, occurred_at=at(day, 14)
        )

    def stool(day, picture, hour=16):
        SymptomEntryFactory(
            infant=infant, kind=Kind.STOOL, size="", stool_consistency=picture, occurred_at=at(day, hour)
        )

    spit_up(9, 2, vomiting=1), crying(9, 30), stool(9, 4)
    spit_up(11, 3), crying(11, 60), stool(11, 2), stool(11, 5, hour=17)
    DailyCheckFactory(infant=infant, day=date(2026, 11, 12), no_symptoms=True)
    spit_up(14, 1), crying(14, 90), stool(14, 7)
    spit_up(15, 4), stool(15, 6)
    spit_up(16, 5, vomiting=1)
    return infant


def chart_json(page: str) -> dict:
    found = re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', page, re.S)
    return json.loads(found[1])


def test_her_dashboard_shows_gaps_today_so_far_the_week_to_yesterday_and_the_notice(week, mother_client):
    page = mother_client.get("/dashboard/?range=7").content.decode()

    symptoms = chart_json(page)["symptoms"]
    assert symptoms["labels"][0] == "2026-11-10" and symptoms["today"] == "2026-11-16"
    assert symptoms["regurgitations"] == [None, 3, 0, None, 1, 4, 5]  # gaps, not zeros
    assert symptoms["vomiting"] == [None, 0, 0, None, 0, 0, 1]
    # 10-13 Nov: 1, 2, 3 and 3 logging days in their 7: no mean. 14 Nov: (2+3+0+1)/4; 15 Nov:
    # 10/5; today, so far: (3+0+1+4+5)/5.
    assert symptoms["regurgitations_7d"] == [None, None, None, None, 1.5, 2.0, 2.6]
    assert symptoms["crying_minutes_7d"][-2] == 36.0
    assert symptoms["stools_loose"] == [None, 1, 0, None, 0, 1, 0]
    assert symptoms["stools_watery"] == [None, 0, 0, None, 1, 0, 0]
    assert WEEK_SENTENCE in page
    assert "today is drawn dashed, as today so far" in page
    assert NOTICE in page
    table = re.search(r'data-testid="stool-groups">(.*?)</table>', page, re.S)[1]
    assert "7 complete days to 15 Nov (5 days with records)" in table
    cells = re.findall(
        r'<th scope="row" class="fw-normal">(.*?)</th><td class="text-end">(\d+)</td><td class="text-end">(.*?)</td>',
        table,
    )
    assert cells == [
        ("hard (1-3)", "1", "0.2"),
        ("formed (4)", "1", "0.2"),
        ("loose (5-6)", "2", "0.4"),
        ("watery (7)", "1", "0.2"),
    ]


def test_the_chart_script_draws_gaps_and_today_so_far():
    from pathlib import Path

    script = (Path(__file__).resolve().parent.parent / "tracker/static/tracker/dashboard.js").read_text()
    assert "spanGaps: false" in script and '"Today so far"' in script and "borderDash" in script


def test_her_clinician_sees_the_same_week_the_notice_and_the_groups(
    week, mother, clinician, clinician_client
):
    CareGrantFactory(mother=mother, clinician=clinician)

    page = clinician_client.get(f"/clinician/{mother.pk}/?range=7").content.decode()

    assert WEEK_SENTENCE in page
    assert NOTICE.replace("): forceful", "): she is told that forceful") in page  # not "your clinician"
    assert "Stools by Brussels group, 7 complete days to 15 Nov (5 days with records)" in page
    assert chart_json(page)["symptoms"]["regurgitations"][3] is None


def test_the_pdf_gives_the_dashboards_numbers_for_the_last_7_days(week, mother):
    _, text = readable_summary(mother)

    # Since the birth: the first week (30 Oct-5 Nov) has no records, so no mean.
    assert "Last 7 days (to 15 Nov 2026)" in text
    assert "Days with records 0 of 7 5 of 7" in text
    assert "Spit-ups a day – 2.0" in text
    assert "Vomiting a day – 0.2" in text
    assert "Crying, minutes a day – 36" in text
    assert "Stools a day – 1.0" in text
    assert (
        "Stools by Brussels group, 9 Nov 2026 to 15 Nov 2026: hard (1-3) 1 (0.2 a day), formed (4) 1 "
        "(0.2 a day), loose (5-6) 2 (0.4 a day), watery (7) 1 (0.2 a day)." in text
    )
    assert (
        "Vomiting logged in the last week or today (9 Nov 2026: 1 time; 16 Nov 2026: 1 time): "
        "forceful vomiting is a reason to call your clinician." in text
    )
    assert "Dashed: today so far." in text


def test_without_vomiting_in_the_last_week_or_today_there_is_no_notice(infant, mother_client):
    SymptomEntryFactory(infant=infant, occurred_at=at(8, 12), is_vomiting=True)  # the day before 9-15 Nov

    page = mother_client.get("/dashboard/").content.decode()

    assert "forceful vomiting" not in page
    assert chart_json(page)["symptoms"]["vomiting"] == [None] * 7


def test_fewer_than_4_days_with_records_give_no_average(infant, mother_client):
    for day in (12, 14, 15):
        SymptomEntryFactory(infant=infant, occurred_at=at(day, 9))

    response = mother_client.get("/dashboard/")

    assert response.context["trend_sentence"] == (
        "Fewer than 4 days with records in the 7 days to 15 Nov (3), so no 7-day average yet."
    )
    caption = re.search(
        r'<figcaption id="symptoms-summary-text"[^>]*>(.*?)</figcaption>', response.content.decode(), re.S
    )
    assert caption[1].count("gap") == 1  # "Days without records are gaps", said once


def test_the_week_sentence_writes_a_day_as_the_stool_table_does_without_a_leading_zero(infant):
    """Thursday 10 December: the week to yesterday ends on 9 Dec, not "09 Dec"."""
    from tracker.selectors.dashboard import dashboard_for
    from tracker.views.dashboard import trend_sentence_for

    for day in (6, 7, 8, 9):
        SymptomEntryFactory(infant=infant, occurred_at=datetime(2026, 12, day, 9, 0, tzinfo=UTC))

    with time_machine.travel(datetime(2026, 12, 10, 20, 0, tzinfo=UTC), tick=False):
        sentence = trend_sentence_for(dashboard_for(mother=infant.mother))

    assert sentence.startswith("In the week to 9 Dec, a day on average: 1.0 spit-ups")
    assert sentence.endswith("Averages are over the 4 days with records of the 7 complete days to 9 Dec.")
