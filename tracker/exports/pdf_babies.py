"""The feeding and symptom sections of the PDF summary, one per baby or one table for all.

Feeding is averaged over the last 30 days and since the birth, symptoms as 7-day
averages, and the screening flags are worded as screening, not a diagnosis. User
text (a baby's name) is escaped before it enters reportlab's Paragraph markup.
"""

from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from django.template.defaultfilters import floatformat
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table

from accounts.models import User
from tracker.exports import pdf_charts, pdf_layout
from tracker.exports.pdf_layout import STYLES, WIDTH, Detail, days_text, long_date, minutes_text
from tracker.models import Infant
from tracker.selectors.dashboard import Dashboard, dashboard_for
from tracker.selectors.symptom_trends import NO_FLAG, ROLLING_DAYS, ScreeningFlag
from tracker.templatetags.tracker_extras import percent

RECENT_RANGE, RECENT_DAYS = "30", 30
SCREENING_NOTE = (
    "Screening flags are modelled on the Rome IV criteria. "
    "They are screening, not a diagnosis: talk to your clinician."
)


@dataclass(frozen=True)
class BabyBoards:
    """One baby's dashboards: since the birth, and the last 30 days (None when younger)."""

    infant: Infant
    since_birth: Dashboard
    recent: Dashboard | None


def baby_boards(mother: User, board: Dashboard, infant: Infant) -> BabyBoards:
    """``infant``'s dashboards; ``board`` (the mother's since-birth dashboard) when it is hers."""
    since_birth = (
        board
        if board.infant == infant
        else dashboard_for(mother=mother, range_key="all", infant_id=infant.pk)
    )
    days = since_birth.feeding.days if since_birth.feeding else 0
    recent = (
        dashboard_for(mother=mother, range_key=RECENT_RANGE, infant_id=infant.pk)
        if days > RECENT_DAYS
        else None
    )
    return BabyBoards(infant=infant, since_birth=since_birth, recent=recent)


def baby_section(baby: BabyBoards, *, detail: Detail) -> list:
    """A baby's feeding and symptom tables, the charts ``detail`` leaves room for, and her flags."""
    name = escape(baby.infant.name)
    # The heading goes inside the first KeepTogether: keepWithNext cannot hold on to one.
    heading = Paragraph(f"Feeding and symptoms: {name}", STYLES["h2"])
    since_birth = baby.since_birth
    feeding, symptoms = since_birth.feeding, since_birth.symptoms
    if feeding is None or symptoms is None:
        return [heading, Paragraph(f"Nothing to show for {name} yet.", STYLES["body"])]
    if not feeding.feeds_per_day:
        feeding_part = [Paragraph("No feeds logged since the birth.", STYLES["body"])]
    elif detail == Detail.FULL:
        feeding_part = [_feeding_table(baby), pdf_charts.feeding_charts(feeding)]
    else:
        feeding_part = [_feeding_table(baby)]
    if not any(row.regurgitations or row.crying_minutes or row.stools for row in symptoms.per_day):
        symptom_part = [Paragraph("No spit-ups, crying or stools logged since the birth.", STYLES["body"])]
    elif detail < Detail.BRIEF:
        symptom_part = [
            _symptom_table(since_birth),
            *pdf_charts.symptom_charts(symptoms, markers=since_birth.markers),
        ]
    else:
        symptom_part = [_symptom_table(since_birth)]
    return [
        KeepTogether([heading, *feeding_part]),
        Spacer(1, 1.5 * mm),
        KeepTogether(symptom_part),
        *_flags(symptoms.flags, detail=detail),
    ]


def _feeding_table(baby: BabyBoards) -> Table:
    """Feeding averages over the last 30 days and since the birth (one column if younger)."""
    ranges = [b.feeding for b in (baby.recent, baby.since_birth) if b is not None and b.feeding]
    labels = [
        f"Last {days_text(f.days)}"
        if len(ranges) > 1 and index == 0
        else f"Since birth ({days_text(f.days)})"
        for index, f in enumerate(ranges)
    ]
    rows = [
        ["Feeding", *labels],
        ["Feeds a day", *(floatformat(f.feeds_per_day, 1) for f in ranges)],
        ["Minutes a day", *(floatformat(f.minutes_per_day, 0) for f in ranges)],
        ["Median time between feeds", *(minutes_text(f.median_interval_minutes) for f in ranges)],
        ["Left / right", *(_left_share(f.left_share) for f in ranges)],
        [
            "Days of breast milk only",
            *(_checked(f.exclusive_breastfeeding_days, f.checked_days) for f in ranges),
        ],
    ]
    return pdf_layout.grid(rows)


def _symptom_table(board: Dashboard) -> Table:
    """7-day averages at the end of the first week of life, 30 days ago and on the last day."""
    per_day = board.symptoms.per_day
    last = len(per_day) - 1
    first_week, month_ago = ROLLING_DAYS - 1, last - RECENT_DAYS
    points = []
    if last > first_week:
        points.append((f"First week (to {long_date(per_day[first_week].day)})", per_day[first_week]))
    if month_ago > first_week:
        points.append((f"30 days ago (to {long_date(per_day[month_ago].day)})", per_day[month_ago]))
    title = "Last 7 days" if last >= first_week else "Since birth"
    points.append((f"{title} (to {long_date(per_day[last].day)})", per_day[last]))
    rows = [
        ["Symptoms, 7-day average", *(label for label, _ in points)],
        ["Spit-ups a day", *(floatformat(row.regurgitations_7d, 1) for _, row in points)],
        ["Crying, minutes a day", *(floatformat(row.crying_minutes_7d, 0) for _, row in points)],
        ["Stools a day", *(floatformat(row.stools_7d, 1) for _, row in points)],
    ]
    return pdf_layout.grid(rows)


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
        feeding = (baby.recent or baby.since_birth).feeding
        symptoms = baby.since_birth.symptoms
        if feeding is None or symptoms is None:
            rows.append([escape(baby.infant.name), "–", "–", "–", "–", "–"])
            continue
        now = symptoms.per_day[-1]
        rows.append(
            [
                escape(baby.infant.name),
                floatformat(feeding.feeds_per_day, 1),
                floatformat(feeding.minutes_per_day, 0),
                floatformat(now.regurgitations_7d, 1),
                floatformat(now.crying_minutes_7d, 0),
                floatformat(now.stools_7d, 1),
            ]
        )
        flags.extend(
            _flag_paragraph(flag, detail=Detail.OVERVIEW, who=baby.infant.name)
            for flag in symptoms.flags
            if flag.triggered
        )
    return [
        Paragraph("Feeding and symptoms", STYLES["h2"]),
        pdf_layout.grid(rows, widths=[WIDTH * 0.35] + [WIDTH * 0.13] * 5),
        Paragraph(
            "Feeding: averages over the last 30 days (since the birth for a younger baby). "
            "Symptoms: 7-day averages to today.",
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
