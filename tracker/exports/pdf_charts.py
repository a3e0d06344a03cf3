"""The daily charts of the PDF summary (the adherence charts are in ``pdf_adherence_charts``).

They are ``reportlab.graphics.shapes.Drawing`` objects, which platypus lays out like any
other flowable. Sizes are in PDF points (1/72 inch). Days are the mother's local
days, as the selectors give them; a chart's x value is the number of days since
its first day. Drawing strings are not markup; the caption under the symptom charts
is a Paragraph, so the labels it names are escaped.
"""

import math
from collections.abc import Sequence
from datetime import date
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from tracker.exports.pdf_layout import (
    BLUE,
    FONT,
    GREY,
    INK,
    LIGHT_GREY,
    PALE_BLUE,
    SMALL,
    STYLES,
    WIDTH,
    long_date,
    side_by_side,
)
from tracker.selectors.dashboard import Marker
from tracker.selectors.feeding_stats import FeedingSummary
from tracker.selectors.symptom_trends import SymptomTrends

#: Checking every attribute set on a shape against its type is a debugging aid, and a fifth of
#: the time of building a two-year summary (the charts' axes and widgets set tens of thousands).
rl_config.shapeChecking = 0

#: Room left of and under a chart's plot area for its axis labels, in points (16 more above it
#: for the title).
PLOT_LEFT, PLOT_BOTTOM = 24, 14
#: Past this many days a per-day bar chart becomes a line chart.
BARS_UP_TO = 92
#: Past this many days, chart ticks show month and year rather than day and month.
LONG_SPAN = 120


def daily_counts(
    *,
    title: str,
    days: Sequence[date],
    values: Sequence[float],
    width: float,
    height: float,
    partial_last: bool = False,
) -> Drawing:
    """A bar per local day (feeds, minutes); a line instead past ``BARS_UP_TO`` days,
    where bars would be thinner than a hairline. With ``partial_last`` the last day is
    today, still under way: its bar is pale and outlined (a line: the segment into it is
    dashed), so it never reads as a drop."""
    if len(days) > BARS_UP_TO:
        return daily_lines(
            title=title,
            days=days,
            daily=values,
            rolling=[],
            marker_days=[],
            width=width,
            height=height,
            partial_last=partial_last,
        )
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 8, title, fontName="Helvetica-Bold", fontSize=7.5, fillColor=INK))
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = (
        PLOT_LEFT,
        PLOT_BOTTOM,
        width - PLOT_LEFT - 6,
        height - PLOT_BOTTOM - 16,
    )
    chart.data = [list(values) or [0]]
    chart.bars[0].fillColor = BLUE
    chart.bars[0].strokeColor = None
    if partial_last and values:
        today = chart.bars[(0, len(values) - 1)]
        today.fillColor, today.strokeColor, today.strokeWidth = PALE_BLUE, BLUE, 0.4
    chart.barSpacing = 0
    chart.groupSpacing = 1
    _style_value_axis(chart.valueAxis, top=max(values, default=0))
    # Dates are drawn below by hand: one label object per bar is slow and unreadable.
    chart.categoryAxis.visibleLabels = False
    chart.categoryAxis.visibleTicks = False
    chart.categoryAxis.strokeColor = GREY
    drawing.add(chart)
    step = chart.width / max(len(days), 1)
    for index in _tick_indexes(len(days)):
        x = chart.x + step * (index + 0.5)
        drawing.add(
            String(
                x,
                chart.y - 8,
                _tick_label(days[index], span=len(days)),
                fontName=FONT,
                fontSize=SMALL,
                textAnchor="middle",
            )
        )
    return drawing


def daily_lines(
    *,
    title: str,
    days: Sequence[date],
    daily: Sequence[float | None],
    rolling: Sequence[float | None],
    marker_days: Sequence[date],
    width: float,
    height: float,
    partial_last: bool = False,
) -> Drawing:
    """Each day's value (thin, pale) and its 7-day average (bold), with dashed markers.

    None is a day without data: the line breaks there (a gap, never a drop to 0), and a
    day with data between two gaps is a dot. With ``partial_last`` the last day is today,
    still under way: the segment into it is dashed. ``marker_days`` (a regimen start, a
    birth) become vertical dashed lines when they fall strictly after the first day; the
    caption under the chart names them.
    """
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 8, title, fontName="Helvetica-Bold", fontSize=7.5, fillColor=INK))
    if not days:
        return drawing
    first = days[0]
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = (
        PLOT_LEFT,
        PLOT_BOTTOM,
        width - PLOT_LEFT - 6,
        height - PLOT_BOTTOM - 16,
    )
    has_rolling = any(v is not None for v in rolling)
    styles = [(PALE_BLUE, 0.5) if has_rolling else (BLUE, 0.8), (BLUE, 1.4)]
    rows: list[tuple[list[tuple[float, float]], int, bool]] = []  # points, style, dashed
    for style, values in enumerate((daily, rolling)):
        done, today = (values[:-1], values[-2:]) if partial_last else (values, [])
        rows.extend((run, style, False) for run in _runs(done))
        if len(today) == 2 and today[-1] is not None:
            start = len(values) - 2 if today[0] is not None else len(values) - 1
            rows.append(([(float(i), float(values[i])) for i in range(start, len(values))], style, True))
    # The plot draws the axes, ticks and grid only: its own lines cost a widget lookup per point
    # (most of the PDF's time at two years), so each run is one PolyLine added below.
    plot.data = [[(0.0, 0.0)]]
    plot.lines[0].strokeColor = None
    span = max(len(days) - 1, 1)
    plot.xValueAxis.valueMin = 0
    plot.xValueAxis.valueMax = span
    plot.xValueAxis.valueSteps = _tick_indexes(len(days))
    plot.xValueAxis.labelTextFormat = lambda i: _tick_label(days[min(int(i), len(days) - 1)], span=len(days))
    plot.xValueAxis.labels.fontName = FONT
    plot.xValueAxis.labels.fontSize = SMALL
    plot.xValueAxis.strokeColor = GREY
    _style_value_axis(plot.yValueAxis, top=max((v for v in daily if v is not None), default=0))
    drawing.add(plot)
    x_scale = plot.width / span
    y_axis = plot.yValueAxis
    y_scale = plot.height / (y_axis.valueMax - y_axis.valueMin)
    for points, style, dashed in rows:
        colour, stroke = styles[style]
        xy = [(plot.x + x * x_scale, plot.y + (y - y_axis.valueMin) * y_scale) for x, y in points]
        if len(xy) == 1:  # a day with data between gaps (or today alone): a dot
            dot = colors.white if dashed else colour
            drawing.add(Circle(*xy[0], 1.2, strokeColor=BLUE, strokeWidth=0.6, fillColor=dot))
        else:
            dashes = [1.5, 1.5] if dashed else None
            flat = [coordinate for point in xy for coordinate in point]
            drawing.add(PolyLine(flat, strokeColor=colour, strokeWidth=stroke, strokeDashArray=dashes))
    for day in marker_days:
        offset = (day - first).days
        if 0 < offset <= span:
            x = plot.x + plot.width * offset / span
            drawing.add(
                Line(
                    x,
                    plot.y,
                    x,
                    plot.y + plot.height,
                    strokeColor=GREY,
                    strokeWidth=0.6,
                    strokeDashArray=[2, 2],
                )
            )
    return drawing


def _runs(values: Sequence[float | None]) -> list[list[tuple[float, float]]]:
    """The runs of consecutive days with a value, as (day index, value) points."""
    runs: list[list[tuple[float, float]]] = []
    previous = None
    for i, value in enumerate(values):
        if value is None:
            previous = None
            continue
        if previous is None:
            runs.append([])
        runs[-1].append((float(i), float(value)))
        previous = value
    return runs


def feeding_charts(feeding: FeedingSummary, *, width: float = WIDTH) -> list:
    """Feeds and minutes of feeding per local day, each ``width / 2`` wide; today, when
    shown, is still under way and drawn pale (``FEEDING_TODAY``)."""
    days = [row.day for row in feeding.per_day]
    partial = feeding.complete_days < feeding.days
    series = [
        ("Feeds a day", [row.feeds for row in feeding.per_day]),
        ("Minutes feeding a day", [round(row.minutes) for row in feeding.per_day]),
    ]
    return [
        daily_counts(
            title=title, days=days, values=values, width=width / 2, height=34 * mm, partial_last=partial
        )
        for title, values in series
    ]


#: Said beside the feeding charts when their last day is today.
FEEDING_TODAY = "Charts: pale bar (dashed line), today so far."


def symptom_charts(trends: SymptomTrends, *, markers: list[Marker]) -> list:
    """Spit-ups, vomiting, crying and stools per day with their 7-day averages, and a
    caption that names the markers (a regimen start, a birth) drawn as dashed lines. Days
    without records are gaps; today, when shown, is still under way and drawn dashed."""
    rows = trends.per_day
    days = [row.day for row in rows]
    markers = [m for m in markers if days[0] < m.day <= days[-1]]
    quarter = WIDTH / 4
    partial = trends.last_complete_day < trends.last_day
    series = [
        ("Spit-ups a day", [r.regurgitations for r in rows], [r.regurgitations_7d for r in rows]),
        ("Vomiting a day", [r.vomiting for r in rows], [r.vomiting_7d for r in rows]),
        ("Crying, minutes a day", [r.crying_minutes for r in rows], [r.crying_minutes_7d for r in rows]),
        ("Stools a day", [r.stools for r in rows], [r.stools_7d for r in rows]),
    ]
    charts = [
        daily_lines(
            title=title,
            days=days,
            daily=daily,
            rolling=rolling,
            marker_days=[m.day for m in markers],
            width=quarter,
            height=34 * mm,
            partial_last=partial,
        )
        for title, daily, rolling in series
    ]
    caption = (
        "Pale line: each day. Bold line: the 7-day average, over the days with records (at least 4)."
        " Gaps: days without records."
    )
    if partial:
        caption += " Dashed: today so far."
    if markers:
        caption += (
            " Dashed lines: " + "; ".join(f"{escape(m.label)} on {long_date(m.day)}" for m in markers) + "."
        )
    return [side_by_side(charts, [quarter] * 4), Paragraph(caption, STYLES["small"])]


def _style_value_axis(axis, *, top: float) -> None:
    """A y axis from 0 with whole-number ticks (these are counts and minutes), at most 5 steps."""
    step = next((s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500) if top / s <= 5), 1000)
    axis.valueMin = 0
    axis.valueMax = step * (math.floor(top / step) + 1)  # headroom: the highest day is never on the frame
    axis.valueStep = step
    axis.labels.fontName = FONT
    axis.labels.fontSize = SMALL
    axis.labelTextFormat = "%.0f"
    axis.strokeColor = GREY
    axis.visibleGrid = True
    axis.gridStrokeColor = LIGHT_GREY
    axis.gridStrokeWidth = 0.3


def _tick_indexes(count: int, ticks: int = 4) -> list[int]:
    """Up to ``ticks`` evenly spaced day indexes from the first day to the last."""
    if count <= 1:
        return [0]
    step = max(1, round((count - 1) / (ticks - 1)))
    indexes = list(range(0, count - 1, step))
    if count - 1 - indexes[-1] < step / 2 and len(indexes) > 1:
        indexes.pop()
    return [*indexes, count - 1]


def _tick_label(day: date, *, span: int) -> str:
    """ "3 Mar" on a chart of a few months; "Mar 26" on a longer one, where years change."""
    return f"{day.day} {day:%b}" if span <= LONG_SPAN else f"{day:%b %y}"
