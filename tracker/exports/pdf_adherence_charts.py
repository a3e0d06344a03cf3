"""The adherence charts of the PDF summary: days covered and doses taken as bars, and the
dose calendar strip. Sizes are in PDF points (1/72 inch); see ``pdf_charts``."""

from reportlab.graphics.shapes import FILL_NON_ZERO, Drawing, Line, Path, Rect, String
from reportlab.lib import colors

from tracker.exports.pdf_layout import (
    AMBER,
    FONT,
    GREEN,
    GREY,
    INK,
    LIGHT_GREEN,
    LIGHT_GREY,
    RED,
    SMALL,
    long_date,
)
from tracker.selectors.adherence import ADHERENT, Adherence, DayState

DAY_COLOURS = {
    DayState.TAKEN: GREEN,
    DayState.PARTIAL: LIGHT_GREEN,
    DayState.SKIPPED: AMBER,
    DayState.MISSED: RED,
    DayState.FUTURE: LIGHT_GREY,
}
LEGEND = [
    (GREEN, "all taken"),
    (LIGHT_GREEN, "partly"),
    (AMBER, "skipped"),
    (RED, "missed"),
    (colors.white, "today, not counted yet"),
    (LIGHT_GREY, "to come"),
]


def adherence_bars(adherence: Adherence, *, width: float) -> Drawing:
    """Days covered and doses taken as 0-100% bars with the 80% line, like the dashboard's."""
    rows = [
        ("Days covered", adherence.pdc, adherence.pdc_meets_target),
        ("Doses taken", adherence.dose_adherence, adherence.dose_adherence_meets_target),
    ]
    bar_height, gap, label_width = 7, 5, 58
    height = len(rows) * (bar_height + gap) + 10
    drawing = Drawing(width, height)
    track = width - label_width - 4
    for index, (label, ratio, meets) in enumerate(rows):
        y = height - (index + 1) * (bar_height + gap)
        drawing.add(String(0, y + 1.5, label, fontName=FONT, fontSize=7, fillColor=INK))
        drawing.add(Rect(label_width, y, track, bar_height, fillColor=LIGHT_GREY, strokeColor=None))
        share = max(0.0, min(1.0, ratio or 0.0))
        if share:
            colour = GREEN if meets else AMBER
            drawing.add(Rect(label_width, y, track * share, bar_height, fillColor=colour, strokeColor=None))
    target_x = label_width + track * ADHERENT
    drawing.add(Line(target_x, 8, target_x, height, strokeColor=INK, strokeWidth=1.2))
    drawing.add(
        String(target_x, 0, "80% line", fontName=FONT, fontSize=SMALL, fillColor=INK, textAnchor="middle")
    )
    return drawing


def calendar_strip(adherence: Adherence, *, width: float) -> Drawing:
    """One coloured cell per day of the regimen, start to end, with a legend below.

    A two-year regimen is 730 cells of a quarter of a millimetre: read as a band
    of colour, which is what a printed page can show.
    """
    days = adherence.calendar
    cell_height, legend_height = 9, 10
    drawing = Drawing(width, cell_height + legend_height + 9)
    if not days:
        return drawing
    top = legend_height + 9
    cell = width / len(days)
    # The runs of days in the same state (open: today's outlined cell, a run of its own).
    runs: list[tuple[int, int, colors.Color, bool]] = []  # first index, length, colour, open
    for index, (day, state) in enumerate(days):
        is_open = day == adherence.today and adherence.today_is_open
        fill = colors.white if is_open else DAY_COLOURS[state]
        if runs and runs[-1][2] == fill and not is_open and not runs[-1][3]:
            first, length, _, _ = runs[-1]
            runs[-1] = (first, length + 1, fill, False)
        else:
            runs.append((index, 1, fill, is_open))
    # A shape costs the renderer as much as a path of many rectangles: one path per colour for
    # the runs before today's cell, the cell, then one per colour for the runs after it (in that
    # order, so that no run paints over the cell's outline).
    today = next((run for run in runs if run[3]), None)
    split = today[0] if today else len(days)
    _fill_runs(drawing, [run for run in runs if run[0] < split], cell=cell, y=top, height=cell_height)
    if today:
        outlined = Rect(split * cell, top, cell, cell_height, fillColor=colors.white, strokeColor=GREY)
        outlined.strokeWidth = 0.4
        drawing.add(outlined)
    _fill_runs(drawing, [run for run in runs if run[0] > split], cell=cell, y=top, height=cell_height)
    first, last = days[0].day, days[-1].day
    drawing.add(String(0, top - 7, long_date(first), fontName=FONT, fontSize=SMALL))
    drawing.add(String(width, top - 7, long_date(last), fontName=FONT, fontSize=SMALL, textAnchor="end"))
    x = 0.0
    for colour, label in LEGEND:
        drawing.add(Rect(x, 1, 6, 6, fillColor=colour, strokeColor=GREY, strokeWidth=0.3))
        drawing.add(String(x + 8, 1.5, label, fontName=FONT, fontSize=SMALL, fillColor=INK))
        x += 14 + len(label) * 3.2
    return drawing


def _fill_runs(drawing: Drawing, runs: list, *, cell: float, y: float, height: float) -> None:
    """One filled path per colour of ``runs`` (first index, length, colour, open), each run a
    rectangle ``cell`` wide a day."""
    for fill in dict.fromkeys(run[2] for run in runs):  # each colour, in order of first use
        path = Path(fillColor=fill, strokeColor=None, autoclose="pdf", fillMode=FILL_NON_ZERO)
        for first, length, _, _ in (run for run in runs if run[2] == fill):
            x0, x1 = first * cell, (first + length) * cell
            path.moveTo(x0, y)
            path.lineTo(x1, y)
            path.lineTo(x1, y + height)
            path.lineTo(x0, y + height)
            path.closePath()
        drawing.add(path)
