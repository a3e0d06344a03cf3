"""The PDF's line charts draw their axes by hand (a path per set of ticks, a path for the grid)
rather than with reportlab's LinePlot, which cost a fifth of the PDF's time at two years: the
same segments in the same colours and widths, and the same labels at the same places."""

from datetime import date, timedelta

from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Group, Line, Path, PolyLine, String
from reportlab.lib.colors import Color
from reportlab.pdfbase.pdfmetrics import stringWidth

from tracker.exports import pdf_charts
from tracker.exports.pdf_layout import FONT, GREY, SMALL


def _multiply(a, b):
    return (
        a[0] * b[0] + a[2] * b[1],
        a[1] * b[0] + a[3] * b[1],
        a[0] * b[2] + a[2] * b[3],
        a[1] * b[2] + a[3] * b[3],
        a[0] * b[4] + a[2] * b[5] + a[4],
        a[1] * b[4] + a[3] * b[5] + a[5],
    )


def _colour(colour: Color | None):
    return None if colour is None else tuple(round(c, 4) for c in colour.rgb())


def flatten(node, transform=(1, 0, 0, 1, 0, 0), out=None) -> dict[str, list]:
    """Every stroked segment (ends, colour, width) and every string (its left end, baseline,
    text, font, size) of ``node``, in page coordinates, in drawing order."""
    out = out if out is not None else {"segments": [], "strings": []}

    def at(x, y):
        return (
            round(transform[0] * x + transform[2] * y + transform[4], 3),
            round(transform[1] * x + transform[3] * y + transform[5], 3),
        )

    if hasattr(node, "provideNode") and not isinstance(node, Group):
        node = node.provideNode()
    if isinstance(node, Group):
        inner = _multiply(transform, node.transform)
        for child in node.contents:
            flatten(child, inner, out)
    elif isinstance(node, Line) and node.strokeColor is not None:
        style = (_colour(node.strokeColor), node.strokeWidth)
        out["segments"].append((at(node.x1, node.y1), at(node.x2, node.y2), *style))
    elif isinstance(node, Path) and node.strokeColor is not None:
        style = (_colour(node.strokeColor), node.strokeWidth)
        points = node.points
        for i in range(0, len(points), 4):  # moveTo, lineTo pairs
            out["segments"].append((at(*points[i : i + 2]), at(*points[i + 2 : i + 4]), *style))
    elif isinstance(node, PolyLine) and node.strokeColor is not None and len(node.points) > 2:
        out["segments"].append(("polyline", len(node.points)))
    elif isinstance(node, String):
        width = stringWidth(node.text, node.fontName, node.fontSize)
        shift = {"start": 0, "middle": width / 2, "end": width}[node.textAnchor]
        left, baseline = at(node.x - shift, node.y)
        out["strings"].append((left, baseline, node.text, node.fontName, node.fontSize))
    return out


def test_the_axes_are_reportlabs_value_axes_segment_for_segment_and_label_for_label():
    days = [date(2024, 12, 2) + timedelta(days=i) for i in range(731)]
    daily = [None if i % 9 == 4 else float(i % 5) for i in range(731)]
    width, height = 130.0, 96.0

    drawing = pdf_charts.daily_lines(
        title="Stools a day", days=days, daily=daily, rolling=[], marker_days=[], width=width, height=height
    )

    # What the charts drew with before: a LinePlot with no line of its own, its axes styled.
    plot = LinePlot()
    plot.x, plot.y = pdf_charts.PLOT_LEFT, pdf_charts.PLOT_BOTTOM
    plot.width, plot.height = width - pdf_charts.PLOT_LEFT - 6, height - pdf_charts.PLOT_BOTTOM - 16
    plot.data = [[(0.0, 0.0)]]
    plot.lines[0].strokeColor = None
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = 0, 730
    plot.xValueAxis.valueSteps = [0, 243, 486, 730]
    plot.xValueAxis.labelTextFormat = lambda i: pdf_charts._tick_label(days[int(i)], span=731)
    plot.xValueAxis.labels.fontName, plot.xValueAxis.labels.fontSize = FONT, SMALL
    plot.xValueAxis.strokeColor = GREY
    pdf_charts._style_value_axis(plot.yValueAxis, top=4)
    before = Drawing(width, height)
    before.add(plot)

    drawn, expected = flatten(drawing), flatten(before)
    axes = [segment for segment in drawn["segments"] if segment[0] != "polyline"]
    assert axes == expected["segments"]
    assert len(axes) == 2 + 4 + 6 + 5  # two axis lines, 4 x ticks, 6 y ticks (0-5), 5 grid lines
    assert drawn["strings"][1:] == expected["strings"]  # after the chart's title
    assert [text for _, _, text, _, _ in drawn["strings"]] == [
        "Stools a day",
        *("Dec 24", "Aug 25", "Apr 26", "Dec 26"),
        *"012345",
    ]
    assert ("polyline", 2 * 4) in drawn["segments"]  # the data: runs between the gaps


def test_each_line_of_a_daily_chart_stands_out_on_paper_at_three_to_one():
    """WCAG 1.4.11: the daily line and its 7-day average, against white and told apart."""
    from tests.test_chart_colours import contrast_ratio

    days = [date(2026, 10, 1) + timedelta(days=i) for i in range(30)]
    daily = [float(i % 5) for i in range(30)]
    rolling = [None] * 6 + [2.0] * 24
    drawing = pdf_charts.daily_lines(
        title="Stools a day",
        days=days,
        daily=daily,
        rolling=rolling,
        marker_days=[],
        width=130.0,
        height=96.0,
    )
    lines = {
        (node.strokeColor.hexval(), node.strokeWidth)
        for node in drawing.contents
        if isinstance(node, PolyLine) and node.strokeColor is not None
    }

    assert len(lines) == 2, lines
    for colour, _ in lines:
        assert contrast_ratio("#" + colour[2:], "#ffffff") >= 3, colour
    (daily_colour, daily_width), (mean_colour, mean_width) = sorted(lines, key=lambda line: line[1])
    assert daily_colour != mean_colour and daily_width < mean_width
