"""The PDF summary's table of the last four weeks of life, from the weekly diary.

The rows are the weekly diary's (``weekly_records``, the same as weekly.csv), so the
paper and the CSV agree: symptom means are over the week's logging days (shown beside
them), feeds a day over the days with a feed logged, the current week as far as today.
User text (a baby's name) is escaped before it enters reportlab's Paragraph markup.
"""

from collections import defaultdict
from datetime import date, timedelta
from xml.sax.saxutils import escape

from django.template.defaultfilters import floatformat
from reportlab.platypus import KeepTogether, Paragraph

from accounts.models import User
from tracker.exports import pdf_layout
from tracker.exports.pdf_layout import STYLES, WIDTH, number_text
from tracker.exports.weekly import DiaryWeek, weekly_records
from tracker.localtime import local_date
from tracker.models import Infant

RECENT_WEEKS = 4
HEADER = [
    "Week of life",
    "Days logged",
    "Stools a day",
    "Spit-ups a day",
    "Vomiting a day",
    "Crying, min a day",
    "Days of 3 h+ crying",
    "Feeds a day",
    "Doses taken, %",
]
WIDTHS = [WIDTH * 0.2] + [WIDTH * 0.1] * 8
NOTE = (
    "From weekly.csv. Week 1 is days 0-6 of life; the current week, its days so far. Means are over "
    "the days logged, at least 4 (feeds: the days with a feed). A dash: no mean."
)


def recent_weeks(
    *, mother: User, today: date, infants: list[Infant] | None = None
) -> dict[int, list[DiaryWeek]]:
    """Each baby's last four weeks of life to ``today``, oldest first, by infant id (``infants``:
    all of hers, read when not given). Only those weeks' days are read: two years of history
    cost what a month does."""
    if infants is None:
        infants = list(Infant.objects.for_mother(mother))
    weeks: dict[int, list[DiaryWeek]] = defaultdict(list)
    for week in weekly_records(
        mother=mother, today=today, since=_first_recent_day(infants, mother.zone, today)
    ):
        if week.infant_id is not None:
            weeks[week.infant_id].append(week)
    return {infant_id: rows[-RECENT_WEEKS:] for infant_id, rows in weeks.items()}


def _first_recent_day(infants: list[Infant], zone, today: date) -> date | None:
    """The first day of the earliest of the babies' last four weeks of life; None (read every day)
    while a baby is younger than that, whose records before the birth make weeks of their own."""
    firsts = []
    for infant in infants:
        birth = local_date(infant.birth_at, zone)
        first_week = (today - birth).days // 7 - (RECENT_WEEKS - 1)
        if first_week <= 0:
            return None
        firsts.append(birth + timedelta(days=7 * first_week))
    return min(firsts, default=None)


def weeks_section(weeks: dict[int, list[DiaryWeek]], *, infants: list[Infant]) -> list:
    """A heading, then per baby a table of her last weeks; nothing when there is no baby."""
    tables = []
    for infant in infants:
        rows = weeks.get(infant.pk)
        if not rows:
            continue
        title = [Paragraph(escape(infant.name), STYLES["h3"])] if len(infants) > 1 else []
        grid = pdf_layout.grid([HEADER, *(_row(week) for week in rows)], widths=WIDTHS)
        tables.append([*title, grid])
    if not tables:
        return []
    # The heading goes inside the first table's KeepTogether (keepWithNext cannot hold on to
    # one), and the note inside the last: neither is left alone at the foot or top of a page.
    tables[0].insert(0, Paragraph(f"The last {RECENT_WEEKS} weeks", STYLES["h2"]))
    tables[-1].append(Paragraph(NOTE, STYLES["small"]))
    return [KeepTogether(table) for table in tables]


def _row(week: DiaryWeek) -> list[str]:
    return [
        f"{week.week_of_life} ({pdf_layout.long_date(week.first_day)})",
        f"{week.logging_days} of {week.days}",
        number_text(week.stools_per_day, 1),
        number_text(week.regurgitations_per_day, 1),
        number_text(week.vomiting_per_day, 1),
        number_text(week.crying_minutes_per_day, 0),
        number_text(week.crying_3h_days, 0),
        number_text(week.feeds_per_day, 1),
        "–" if week.dose_adherence is None else f"{floatformat(week.dose_adherence, 0)}%",
    ]
