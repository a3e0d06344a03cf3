"""The mother's dashboard: adherence, feeding and symptom trends."""

from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.gzip import gzip_page

from tracker.chart_colours import SERIES_COLOURS
from tracker.roles import mother_required
from tracker.selectors.dashboard import RANGES, Dashboard, dashboard_for
from tracker.selectors.screening import NO_FLAG, VOMITING_NOTICE
from tracker.selectors.symptom_days import DAY_COUNTS, MIN_LOGGING_DAYS
from tracker.selectors.symptom_trends import ROLLING_DAYS

#: The per-day series of the symptom charts, as the chart JSON names them.
SYMPTOM_SERIES = (
    *DAY_COUNTS,
    "regurgitations_7d",
    "vomiting_7d",
    "crying_minutes_7d",
    "stools_7d",
)


def chart_data_for(board: Dashboard) -> dict:
    """The series the charts draw, keyed by local ISO day; markers as label indexes.

    A symptom series holds null on a day without data (no entry, no daily check), which
    the charts draw as a gap, and a 7-day mean is null with fewer than 4 logging days in
    its window. ``today`` (in the feeding and the symptom series) names the day still under
    way (drawn as "today so far", never as a drop), null when the range ends before it.
    ``colours`` are the series' colours by theme (``tracker/chart_colours.py``)."""
    data: dict = {"feeding": None, "symptoms": None}
    if board.feeding is not None:
        days = [row.day.isoformat() for row in board.feeding.per_day]
        data["feeding"] = {
            "labels": days,
            "feeds": [row.feeds for row in board.feeding.per_day],
            "minutes": [round(row.minutes) for row in board.feeding.per_day],
            "today": board.today.isoformat() if board.feeding.last_day == board.today else None,
        }
    if board.symptoms is not None:
        rows = board.symptoms.per_day
        data["symptoms"] = {
            "labels": [row.day.isoformat() for row in rows],
            "today": board.today.isoformat() if rows and rows[-1].day == board.today else None,
            **{name: [getattr(row, name) for row in rows] for name in SYMPTOM_SERIES},
        }
    data["markers"] = [{"day": m.day.isoformat(), "label": m.label} for m in board.markers]
    data["colours"] = SERIES_COLOURS
    return data


def trend_sentence_for(board: Dashboard) -> str:
    """A text summary of the symptom chart, for screen readers and a quick read.

    "The last 7 days" are the 7 complete days to yesterday (``SymptomTrends.last_week``,
    which the PDF prints too): today's hours still to come would otherwise read as an
    improvement. When the range holds an earlier 7 days of life, before that week, with a
    mean (the first such window that starts on or after the birth day), the sentence
    compares the two."""
    trends = board.symptoms
    if trends is None or not any(row.logged for row in trends.per_day):
        return "No symptoms logged in this range yet."
    week = trends.last_week
    if not week.has_means:
        return (
            f"Fewer than {MIN_LOGGING_DAYS} days with records in the 7 days to {week.last_day:%-d %b} "
            f"({week.logging_days}), so no 7-day average yet."  # the caption goes on: "Days without records are gaps"
        )
    over = f" Averages are over the {week.logging_days} days with records of the 7 complete days to {week.last_day:%-d %b}."
    first_week_ends = trends.birth_day + timedelta(days=ROLLING_DAYS - 1)
    first = next(
        (
            row
            for row in trends.per_day
            if first_week_ends <= row.day < week.first_day and row.regurgitations_7d is not None
        ),
        None,
    )
    if first is None:
        return (
            f"In the week to {week.last_day:%-d %b}, a day on average: {week.regurgitations:.1f} spit-ups, "
            f"{week.vomiting:.1f} vomiting, {week.crying_minutes:.0f} minutes of crying, "
            f"{week.stools:.1f} stools." + over
        )
    return (
        f"Spit-ups, 7-day average: {first.regurgitations_7d:.1f} a day in the week to {first.day:%-d %b}, "
        f"{week.regurgitations:.1f} a day in the week to {week.last_day:%-d %b}. "
        f"Vomiting: {first.vomiting_7d:.1f} then {week.vomiting:.1f} a day. "
        f"Crying: {first.crying_minutes_7d:.0f} then {week.crying_minutes:.0f} minutes a day. "
        f"Stools: {first.stools_7d:.1f} then {week.stools:.1f} a day." + over
    )


#: Her dashboard and a clinician's summary are the largest pages (a two-year chart is tens of
#: kilobytes of JSON) and are sent gzipped. BREACH needs a secret and text an attacker chooses
#: in the same compressed response: the only secret here is the CSRF token of the log-out form,
#: which Django masks afresh in every response, the page echoes nothing from the request but a
#: range and a baby validated to one of hers, and Django's gzip adds random bytes to each
#: response's length. Pages that echo what is typed (forms) are left uncompressed.
compressed = gzip_page


@compressed
@mother_required
def dashboard(request: HttpRequest) -> HttpResponse:
    board = dashboard_for(
        mother=request.user, range_key=request.GET.get("range", ""), infant_id=request.GET.get("infant")
    )
    return render(request, "tracker/dashboard.html", board_context(board))


def board_context(board: Dashboard) -> dict:
    """What ``_dashboard_sections.html`` needs, for her dashboard and a clinician's summary."""
    return {
        "board": board,
        "ranges": [(key, "All" if key == "all" else f"{key} days") for key in RANGES],
        "chart_data": chart_data_for(board),
        "trend_sentence": trend_sentence_for(board),
        "no_flag": NO_FLAG,
        "vomiting_notice": VOMITING_NOTICE,
    }
