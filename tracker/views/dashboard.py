"""The mother's dashboard: adherence, feeding and symptom trends."""

from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tracker.roles import mother_required
from tracker.selectors.dashboard import RANGES, Dashboard, dashboard_for
from tracker.selectors.symptom_trends import NO_FLAG, ROLLING_DAYS


def chart_data_for(board: Dashboard) -> dict:
    """The series the charts draw, keyed by local ISO day; markers as label indexes."""
    data: dict = {"feeding": None, "symptoms": None}
    if board.feeding is not None:
        days = [row.day.isoformat() for row in board.feeding.per_day]
        data["feeding"] = {
            "labels": days,
            "feeds": [row.feeds for row in board.feeding.per_day],
            "minutes": [round(row.minutes) for row in board.feeding.per_day],
        }
    if board.symptoms is not None:
        rows = board.symptoms.per_day
        data["symptoms"] = {
            "labels": [row.day.isoformat() for row in rows],
            "regurgitations": [row.regurgitations for row in rows],
            "regurgitations_7d": [row.regurgitations_7d for row in rows],
            "crying_minutes": [row.crying_minutes for row in rows],
            "crying_minutes_7d": [row.crying_minutes_7d for row in rows],
            "stools": [row.stools for row in rows],
            "stools_7d": [row.stools_7d for row in rows],
        }
    data["markers"] = [{"day": m.day.isoformat(), "label": m.label} for m in board.markers]
    return data


def trend_sentence_for(board: Dashboard) -> str:
    """A text summary of the symptom chart, for screen readers and a quick read.

    It compares the 7-day averages of the range's first full week of life with those of
    the week to yesterday: a birth day without records, or today's hours still to come,
    would otherwise read as an improvement or a worsening that did not happen."""
    rows = (
        [row for row in board.symptoms.per_day if row.regurgitations_7d is not None] if board.symptoms else []
    )
    if not rows:
        return "No symptoms logged in this range yet."
    closed = [row for row in rows if row.day < board.today] or rows
    first_week_ends = board.symptoms.birth_day + timedelta(days=ROLLING_DAYS - 1)
    first = next((row for row in closed if row.day >= first_week_ends), closed[0])
    last = closed[-1]
    if first is last:
        return (
            f"In the week to {last.day:%d %b}, a day on average: {last.regurgitations_7d:.1f} spit-ups, "
            f"{last.crying_minutes_7d:.0f} minutes of crying, {last.stools_7d:.1f} stools."
        )
    return (
        f"Spit-ups, 7-day average: {first.regurgitations_7d:.1f} a day in the week to {first.day:%d %b}, "
        f"{last.regurgitations_7d:.1f} a day in the week to {last.day:%d %b}. "
        f"Crying: {first.crying_minutes_7d:.0f} then {last.crying_minutes_7d:.0f} minutes a day. "
        f"Stools: {first.stools_7d:.1f} then {last.stools_7d:.1f} a day."
    )


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
    }
