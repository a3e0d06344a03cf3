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
from reportlab.graphics.shapes import Circle, Drawing, Line, Path, PolyLine, String
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
    """Each day's value (thin, grey) and its 7-day average (bold, blue), with dashed markers.

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
    plot_x, plot_y = PLOT_LEFT, PLOT_BOTTOM
    plot_width, plot_height = width - PLOT_LEFT - 6, height - PLOT_BOTTOM - 16
    has_rolling = any(v is not None for v in rolling)
    # Each line at 3:1 or more on white (WCAG 1.4.11), told apart by hue and by width.
    styles = [(GREY, 0.6) if has_rolling else (BLUE, 0.8), (BLUE, 1.4)]
    rows: list[tuple[list[tuple[float, float]], int, bool]] = []  # points, style, dashed
    for style, values in enumerate((daily, rolling)):
        done, today = (values[:-1], values[-2:]) if partial_last else (values, [])
        rows.extend((run, style, False) for run in _runs(done))
        if len(today) == 2 and today[-1] is not None:
            start = len(values) - 2 if today[0] is not None else len(values) - 1
            rows.append(([(float(i), float(values[i])) for i in range(start, len(values))], style, True))
    span = max(len(days) - 1, 1)
    step, value_max = _value_range(max((v for v in daily if v is not None), default=0))
    x_scale, y_scale = plot_width / span, plot_height / value_max
    x_ticks = [(plot_x + x_scale * i, _tick_label(days[i], span=len(days))) for i in _tick_indexes(len(days))]
    y_ticks = [(plot_y + y_scale * v, f"{v:.0f}") for v in range(0, value_max + 1, step)]
    _axes(drawing, x_ticks, y_ticks, x=plot_x, y=plot_y, width=plot_width, height=plot_height)
    for points, style, dashed in rows:
        colour, stroke = styles[style]
        xy = [(plot_x + x * x_scale, plot_y + y * y_scale) for x, y in points]
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
            x = plot_x + plot_width * offset / span
            drawing.add(
                Line(
                    x,
                    plot_y,
                    x,
                    plot_y + plot_height,
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
        "Thin grey line: each day. Bold blue line: the 7-day average, over the days with records (at least 4)."
        " Gaps: days without records."
    )
    if partial:
        caption += " Dashed: today so far."
    if markers:
        caption += (
            " Dashed lines: " + "; ".join(f"{escape(m.label)} on {long_date(m.day)}" for m in markers) + "."
        )
    return [side_by_side(charts, [quarter] * 4), Paragraph(caption, STYLES["small"])]


def _value_range(top: float) -> tuple[int, int]:
    """The step and top of a y axis from 0 with whole-number ticks (these are counts and
    minutes), at most 5 steps, with headroom: the highest day is never on the frame."""
    step = next((s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500) if top / s <= 5), 1000)
    return step, step * (math.floor(top / step) + 1)


def _style_value_axis(axis, *, top: float) -> None:
    """A bar chart's y axis (``_value_range``), with the line charts' look (``_axes``)."""
    axis.valueMin = 0
    axis.valueStep, axis.valueMax = _value_range(top)
    axis.labels.fontName = FONT
    axis.labels.fontSize = SMALL
    axis.labelTextFormat = "%.0f"
    axis.strokeColor = GREY
    axis.visibleGrid = True
    axis.gridStrokeColor = LIGHT_GREY
    axis.gridStrokeWidth = 0.3


def _axes(drawing: Drawing, x_ticks: list, y_ticks: list, *, x: float, y: float, width: float, height: float):
    """A line chart's axes as reportlab's value axes draw them (``_style_value_axis``), in the same
    order, with a path for each set of ticks and for the grid rather than a shape a line: the axis
    widgets cost a fifth of the PDF's time at two years. ``x_ticks`` and ``y_ticks`` are
    (position, label) pairs; ticks are 5 points long, their labels 5 beyond them, and the grid
    runs across the plot at every y tick but the x axis."""
    for axis, ticks, tick in ((0, x_ticks, (0, -5)), (1, y_ticks, (-5, 0))):
        end = (x + width, y) if axis == 0 else (x, y + height)
        drawing.add(Line(x, y, *end, strokeColor=GREY))
        marks = Path(strokeColor=GREY, fillColor=None)
        for at, _ in ticks:
            start = (at, y) if axis == 0 else (x, at)
            marks.moveTo(*start)
            marks.lineTo(start[0] + tick[0], start[1] + tick[1])
        drawing.add(marks)
        for at, label in ticks:
            # Label boxes anchored by their top edge (x) or their right edge (y), as the axes do.
            position = (at, y - 5 - SMALL, "middle") if axis == 0 else (x - 5, at - 0.4 * SMALL, "end")
            drawing.add(String(*position[:2], label, fontName=FONT, fontSize=SMALL, textAnchor=position[2]))
    grid = Path(strokeColor=LIGHT_GREY, strokeWidth=0.3, fillColor=None)
    for at, _ in y_ticks:
        if at != y:
            grid.moveTo(x, at)
            grid.lineTo(x + width, at)
    drawing.add(grid)


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
