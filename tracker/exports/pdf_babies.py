"""The feeding and symptom sections of the PDF summary, one per baby or one table for all.

Feeding is averaged over the last 30 days and since the birth, symptoms as 7-day
averages, and the screening flags are worded as screening, not a diagnosis. User
text (a baby's name) is escaped before it enters reportlab's Paragraph markup.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table

from accounts.models import User
from tracker.exports import pdf_charts, pdf_layout
from tracker.exports.pdf_layout import STYLES, WIDTH, Detail, days_text, long_date, minutes_text, number_text
from tracker.models import Infant
from tracker.selectors.dashboard import Dashboard, dashboard_for
from tracker.selectors.feeding_stats import FeedingSummary, feeding_summary
from tracker.selectors.screening import NO_FLAG, VOMITING_NOTICE, ScreeningFlag
from tracker.selectors.symptom_trends import ROLLING_DAYS, SymptomDay, SymptomTrends, WeekSummary
from tracker.templatetags.tracker_extras import percent

RECENT_DAYS = 30  # the dashboard's "30" range
SCREENING_NOTE = (
    "Screening flags are modelled on the Rome IV criteria. "
    "They are screening, not a diagnosis: talk to your clinician."
)


@dataclass(frozen=True)
class BabyBoards:
    """One baby's dashboard since the birth, and her feeding over the last 30 days (None when
    younger): the feeding of the dashboard's 30-day range, the only part of it printed."""

    infant: Infant
    since_birth: Dashboard
    recent_feeding: FeedingSummary | None


def baby_boards(mother: User, board: Dashboard, infant: Infant) -> BabyBoards:
    """``infant``'s dashboard; ``board`` (the mother's since-birth dashboard) when it is hers."""
    since_birth = (
        board
        if board.infant == infant
        else dashboard_for(mother=mother, range_key="all", infant_id=infant.pk)
    )
    days = since_birth.feeding.days if since_birth.feeding else 0
    today = since_birth.today
    # Older than 30 days, so the range's 30 days all follow the birth, as on the dashboard.
    recent_feeding = (
        feeding_summary(infant=infant, first_day=today - timedelta(days=RECENT_DAYS - 1), last_day=today)
        if days > RECENT_DAYS
        else None
    )
    return BabyBoards(infant=infant, since_birth=since_birth, recent_feeding=recent_feeding)


def baby_section(baby: BabyBoards, *, detail: Detail) -> list:
    """A baby's feeding and symptom tables, the charts ``detail`` leaves room for, and her flags."""
    name = escape(baby.infant.name)
    # The heading goes inside the first KeepTogether: keepWithNext cannot hold on to one.
    heading = Paragraph(f"Feeding and symptoms: {name}", STYLES["h2"])
    since_birth = baby.since_birth
    feeding, symptoms = since_birth.feeding, since_birth.symptoms
    if feeding is None or symptoms is None:
        return [heading, Paragraph(f"Nothing to show for {name} yet.", STYLES["body"])]
    if not feeding.has_feeds:
        feeding_part = [Paragraph("No feeds logged since the birth.", STYLES["body"])]
    elif detail == Detail.FULL:  # the table and the two charts in one row
        half = WIDTH / 2
        charts = pdf_charts.feeding_charts(feeding, width=half)
        table: list = [_feeding_table(baby, width=half)]
        if feeding.complete_days < feeding.days:  # today is drawn pale: say so
            table.append(Paragraph(pdf_charts.FEEDING_TODAY, STYLES["small"]))
        feeding_part = [pdf_layout.side_by_side([table, *charts], [half, half / 2, half / 2])]
    else:
        feeding_part = [_feeding_table(baby)]
    if not any(
        row.regurgitations or row.vomiting or row.crying_minutes or row.stools for row in symptoms.per_day
    ):
        symptom_part = [
            Paragraph("No spit-ups, vomiting, crying or stools logged since the birth.", STYLES["body"])
        ]
    elif detail < Detail.BRIEF:
        symptom_part = [
            _symptom_table(since_birth),
            _stool_groups(symptoms.last_week),
            *pdf_charts.symptom_charts(symptoms, markers=since_birth.markers),
        ]
    else:
        symptom_part = [_symptom_table(since_birth), _stool_groups(symptoms.last_week)]
    return [
        KeepTogether([heading, *feeding_part]),
        Spacer(1, 1.5 * mm),
        KeepTogether(symptom_part),
        *_vomiting(symptoms),
        *_flags(symptoms.flags, detail=detail),
    ]


def _feeding_table(baby: BabyBoards, *, width: float = WIDTH) -> Table:
    """Feeding over the last 30 days and since the birth (one column if younger); the means a
    day are over the complete days with feeds logged, whose count the heading gives."""
    ranges = [f for f in (baby.recent_feeding, baby.since_birth.feeding) if f is not None]
    labels = [
        (
            f"Last {days_text(f.days)}"
            if len(ranges) > 1 and index == 0
            else f"Since birth ({days_text(f.days)})"
        )
        + f", {f.feed_days} with feeds"
        for index, f in enumerate(ranges)
    ]
    rows = [
        ["Feeding", *labels],
        ["Feeds a day", *(number_text(f.feeds_per_day, 1) for f in ranges)],
        ["Minutes a day", *(number_text(f.minutes_per_day, 0) for f in ranges)],
        ["Median time between feeds", *(minutes_text(f.median_interval_minutes) for f in ranges)],
        ["Left / right", *(_left_share(f.left_share) for f in ranges)],
        [
            "Days of breast milk only",
            *(_checked(f.exclusive_breastfeeding_days, f.checked_days) for f in ranges),
        ],
    ]
    label_width = width * 0.44 if width < WIDTH else WIDTH * 0.3
    values_width = (width - label_width) / 2 if width < WIDTH else (WIDTH - label_width) / 3
    return pdf_layout.grid(rows, widths=[label_width] + [values_width] * len(ranges))


class _Week(NamedTuple):
    """A column of the symptom table: the means a day over the logging days of 7 days."""

    label: str
    logging_days: int
    regurgitations: float | None
    vomiting: float | None
    crying_minutes: float | None
    stools: float | None


def _week_to(row: SymptomDay, label: str) -> _Week:
    return _Week(
        f"{label} (to {long_date(row.day)})",
        row.logging_days_7d,
        row.regurgitations_7d,
        row.vomiting_7d,
        row.crying_minutes_7d,
        row.stools_7d,
    )


def _symptom_table(board: Dashboard) -> Table:
    """7-day means (over the days with records) of the first week of life, of the week
    30 days before the last, and of the last 7 complete days (to yesterday): the last is
    ``SymptomTrends.last_week``, the numbers the dashboard's sentence gives too."""
    trends = board.symptoms
    per_day = trends.per_day
    last = (trends.last_complete_day - per_day[0].day).days  # per_day[0] is the birth day
    first_week, month_ago = ROLLING_DAYS - 1, last - RECENT_DAYS
    columns = []
    if last > first_week:
        columns.append(_week_to(per_day[first_week], "First week"))
    if month_ago > first_week:
        columns.append(_week_to(per_day[month_ago], "30 days ago"))
    week = trends.last_week
    columns.append(
        _Week(
            f"Last 7 days (to {long_date(week.last_day)})",
            week.logging_days,
            week.regurgitations,
            week.vomiting,
            week.crying_minutes,
            week.stools,
        )
    )
    rows = [
        ["Symptoms, 7-day average", *(c.label for c in columns)],
        ["Days with records", *(f"{c.logging_days} of 7" for c in columns)],
        ["Spit-ups a day", *(number_text(c.regurgitations, 1) for c in columns)],
        ["Vomiting a day", *(number_text(c.vomiting, 1) for c in columns)],
        ["Crying, minutes a day", *(number_text(c.crying_minutes, 0) for c in columns)],
        ["Stools a day", *(number_text(c.stools, 1) for c in columns)],
    ]
    return pdf_layout.grid(rows)


def _stool_groups(week: WeekSummary) -> Paragraph:
    """The last 7 complete days' stools by Brussels group, in one line."""
    groups = ", ".join(
        f"{group.label} {group.stools}"
        + (f" ({number_text(group.per_day, 1)} a day)" if group.per_day is not None else "")
        for group in week.stool_groups
    )
    return Paragraph(
        f"Stools by Brussels group, {long_date(week.first_day)} to {long_date(week.last_day)}: {groups}.",
        STYLES["small"],
    )


def _vomiting(trends: SymptomTrends, *, who: str = "") -> list:
    """The notice when vomiting was logged in the last complete week or today (as on the dashboard)."""
    if not trends.recent_vomiting:
        return []
    days = "; ".join(
        f"{long_date(day)}: {times} time{'s' if times != 1 else ''}" for day, times in trends.recent_vomiting
    )
    lead = f"<b>{escape(who)}</b>: " if who else ""
    return [
        Paragraph(
            f"{lead}Vomiting logged in the last week or today ({days}): {VOMITING_NOTICE}", STYLES["flag"]
        )
    ]


def _flags(flags: list[ScreeningFlag], *, detail: Detail) -> list:
    story: list = [Paragraph("Screening since the birth", STYLES["h3"])]
    met = [_flag_paragraph(flag, detail=detail) for flag in flags if flag.triggered]
    story.extend(met or [Paragraph(NO_FLAG, STYLES["body"])])
    story.append(Paragraph(SCREENING_NOTE, STYLES["small"]))
    return story


def _flag_paragraph(flag: ScreeningFlag, *, detail: Detail, who: str = "") -> Paragraph:
    """The flag's own wording (screening, not a diagnosis) and the days that met it."""
    days = _day_ranges(flag.trigger_days, limit={Detail.FULL: 6, Detail.OVERVIEW: 2}.get(detail, 3))
    lead = f"<b>{escape(who)}</b>: " if who else ""
    return Paragraph(
        f"{lead}{escape(flag.wording)} Days that met it ({len(flag.trigger_days)}): {days}.", STYLES["flag"]
    )


def babies_overview(babies: list[BabyBoards]) -> list:
    """Every baby on one line each: recent feeding, symptoms now, and the flags that were met."""
    rows = [
        [
            "Baby",
            "Feeds a day",
            "Minutes feeding a day",
            "Spit-ups a day",
            "Crying, min a day",
            "Stools a day",
        ]
    ]
    flags: list = []
    for baby in babies:
        feeding = baby.recent_feeding or baby.since_birth.feeding
        symptoms = baby.since_birth.symptoms
        if feeding is None or symptoms is None:
            rows.append([escape(baby.infant.name), "–", "–", "–", "–", "–"])
            continue
        week = symptoms.last_week
        rows.append(
            [
                escape(baby.infant.name),
                number_text(feeding.feeds_per_day, 1),
                number_text(feeding.minutes_per_day, 0),
                number_text(week.regurgitations, 1),
                number_text(week.crying_minutes, 0),
                number_text(week.stools, 1),
            ]
        )
        flags.extend(_vomiting(symptoms, who=baby.infant.name))
        flags.extend(
            _flag_paragraph(flag, detail=Detail.OVERVIEW, who=baby.infant.name)
            for flag in symptoms.flags
            if flag.triggered
        )
    return [
        Paragraph("Feeding and symptoms", STYLES["h2"]),
        pdf_layout.grid(rows, widths=[WIDTH * 0.35] + [WIDTH * 0.13] * 5),
        Paragraph(
            "Feeding: averages over the complete days (to yesterday) with a feed logged in the last 30 "
            "days (since the birth for a younger baby). "
            "Symptoms: averages over the days with records of the last 7 complete days (to yesterday), "
            "none with fewer than 4 such days.",
            STYLES["small"],
        ),
        Paragraph("Screening since the birth", STYLES["h3"]),
        *(flags or [Paragraph(NO_FLAG, STYLES["body"])]),
        Paragraph(SCREENING_NOTE, STYLES["small"]),
    ]


def _day_ranges(days: list[date], *, limit: int) -> str:
    """Runs of consecutive days ("3 Mar 2026 to 24 Mar 2026, 2 Apr 2026"), the last ``limit``."""
    runs: list[list[date]] = []
    for day in sorted(days):
        if runs and (day - runs[-1][-1]).days == 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    text = [
        long_date(run[0]) if len(run) == 1 else f"{long_date(run[0])} to {long_date(run[-1])}"
        for run in runs[-limit:]
    ]
    earlier = len(runs) - len(text)
    return ("" if not earlier else f"{earlier} earlier run{'s' if earlier != 1 else ''}, then ") + ", ".join(
        text
    )


def _left_share(value: float | None) -> str:
    return "–" if value is None else f"{percent(value)} left"


def _checked(exclusive: int, checked: int) -> str:
    return f"{exclusive} of {checked} checked day{'s' if checked != 1 else ''}"
