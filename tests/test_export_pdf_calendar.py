"""The PDF's dose calendar strip: one cell a day in the colour of its state, drawn as one path per
colour, with today's open cell outlined and painted over by nothing."""

from datetime import UTC, date, datetime, time

import pytest
import time_machine
from reportlab.graphics.shapes import Path, Rect

from tests.factories import DoseLogFactory, RegimenFactory
from tracker.exports.pdf_adherence_charts import DAY_COLOURS, calendar_strip
from tracker.exports.pdf_layout import GREY
from tracker.selectors.adherence import DayState, adherence_for_regimen

# 16 Nov 2026, 09:00 in Rome: the 20:00 dose is still to come, so today is open.
NOW = datetime(2026, 11, 16, 8, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


def test_each_day_is_one_cell_of_its_states_colour_and_today_is_outlined_last_of_its_days(mother):
    regimen = RegimenFactory(mother=mother, start_date=date(2026, 11, 1), end_date=date(2026, 11, 20))
    taken = {1: ["08:00", "20:00"], 2: ["08:00"], 3: ["08:00", "20:00"], 6: ["08:00", "20:00"], 16: ["08:00"]}
    for day, times in taken.items():
        for at in times:
            slot_date = date(2026, 11, day)
            slot_time = time.fromisoformat(at)
            slot = regimen.slot_at(slot_date, slot_time)
            DoseLogFactory(regimen=regimen, slot_date=slot_date, slot_time=slot_time, taken_at=slot)
    DoseLogFactory(
        regimen=regimen, slot_date=date(2026, 11, 4), slot_time=time(8), status="skipped", taken_at=None
    )
    with time_machine.travel(NOW, tick=False):
        adherence = adherence_for_regimen(regimen=regimen)
    assert adherence.today_is_open and len(adherence.calendar) == 20

    width = 400.0
    drawing = calendar_strip(adherence, width=width)

    cell = width / 20
    painted: dict[int, object] = {}  # day index: colour
    order: list[tuple[str, list[int]]] = []  # what was drawn, in order, and its days
    for shape in drawing.contents:
        if isinstance(shape, Path):
            points = shape.points
            days = []
            for rect in range(0, len(points), 8):  # four corners a rectangle
                first, last = round(points[rect] / cell), round(points[rect + 2] / cell)
                days += range(first, last)
            for day in days:
                assert day not in painted, "a day painted twice"
                painted[day] = shape.fillColor
            order.append(("path", days))
        elif isinstance(shape, Rect) and shape.strokeColor == GREY and shape.height == 9:
            day = round(shape.x / cell)
            assert round(shape.width / cell) == 1 and day not in painted
            painted[day] = "outlined"
            order.append(("today", [day]))

    expected = {
        index: "outlined" if day == date(2026, 11, 16) else DAY_COLOURS[state]
        for index, (day, state) in enumerate(adherence.calendar)
    }
    assert painted == expected
    states = [state for _, state in adherence.calendar]
    assert states[3] == DayState.SKIPPED and states[1] == DayState.PARTIAL and states[19] == DayState.FUTURE
    today = order.index(("today", [15]))
    assert all(max(days) < 15 for _, days in order[:today]) and all(
        min(days) > 15 for _, days in order[today + 1 :]
    )
    assert len([kind for kind, _ in order if kind == "path"]) <= 2 * len(DAY_COLOURS)  # a path per colour
