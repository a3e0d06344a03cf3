"""The printable PDF summary of a mother's record (one or two A4 pages).

Every number comes from ``dashboard_for`` and is worded as the dashboard words it:
adherence over each regimen so far, feeding over the last 30 days and since the
birth, symptoms as 7-day averages, and the screening flags since the birth. Days
are the mother's local days in her own time zone. User text (names, product
names) is escaped before it enters reportlab's Paragraph markup.
"""

from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from io import BytesIO
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.template.defaultfilters import floatformat
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table

from accounts.models import User
from tracker.exports import pdf_charts
from tracker.exports.pdf_charts import days_text, long_date, minutes_text
from tracker.localtime import local_date, local_today
from tracker.models import Infant, Pregnancy
from tracker.selectors.adherence import Adherence
from tracker.selectors.dashboard import Dashboard, RegimenAdherence, dashboard_for
from tracker.selectors.symptom_trends import NO_FLAG, ROLLING_DAYS, ScreeningFlag
from tracker.templatetags.tracker_extras import percent

MAX_PAGES = 2
RECENT_RANGE, RECENT_DAYS = "30", 30
MARGIN, WIDTH, STYLES = pdf_charts.MARGIN, pdf_charts.WIDTH, pdf_charts.STYLES
SCREENING_NOTE = (
    "Screening flags are modelled on the Rome IV criteria. "
    "They are screening, not a diagnosis: talk to your clinician."
)


class Detail(IntEnum):
    """How much goes on the page; the summary steps down until it fits in two pages."""

    FULL = 0  # every chart
    COMPACT = 1  # no feeding charts, fewer trigger-day ranges
    BRIEF = 2  # numbers and words only
    OVERVIEW = 3  # one table for all regimens, one for all babies


@dataclass(frozen=True)
class BabyBoards:
    """One baby's dashboards: since the birth, and the last 30 days (None when younger)."""

    infant: Infant
    since_birth: Dashboard
    recent: Dashboard | None


def summary_pdf(*, mother: User, today: date | None = None, compress: bool = True) -> bytes:
    """Her summary as PDF bytes, at most two A4 pages when the record allows.

    ``today`` is the local date printed as the day it was generated (default: her
    local today); the numbers are the dashboard's, up to her local today.
    ``compress=False`` leaves the page streams readable, for tests.
    """
    board = dashboard_for(mother=mother, range_key="all")
    today = today or board.today
    babies = [_baby_boards(mother, board, infant) for infant in board.infants]
    due = None
    if not babies:
        due = Pregnancy.objects.for_mother(mother).values_list("due_date", flat=True).first()
    for detail in Detail:
        story = _story(mother=mother, today=today, board=board, babies=babies, due=due, detail=detail)
        pdf, pages = _render(story, mother=mother, today=today, compress=compress)
        if pages <= MAX_PAGES:
            break
    return pdf


def pdf_response(*, mother: User) -> HttpResponse:
    """Her PDF summary as an attachment named ``summary-<local date>.pdf``."""
    today = local_today(mother.zone)
    response = HttpResponse(summary_pdf(mother=mother, today=today), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="summary-{today.isoformat()}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def _baby_boards(mother: User, board: Dashboard, infant: Infant) -> BabyBoards:
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


def _render(story: list, *, mother: User, today: date, compress: bool) -> tuple[bytes, int]:
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 4 * mm,
        title=f"Summary for {mother} on {today.isoformat()}",
        author="Probiotic and feeding tracker",
        pageCompression=1 if compress else 0,
    )
    footer = f"{mother} · generated {long_date(today)} · a record kept by the mother, not a medical device"

    def on_page(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.setFillColor(pdf_charts.GREY)
        canvas.drawString(MARGIN, MARGIN - 2 * mm, footer[:140])
        canvas.drawRightString(A4[0] - MARGIN, MARGIN - 2 * mm, f"Page {doc.page}")
        canvas.restoreState()

    document.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue(), document.page


def _story(
    *,
    mother: User,
    today: date,
    board: Dashboard,
    babies: list[BabyBoards],
    due: date | None,
    detail: Detail,
) -> list:
    story: list = [
        Paragraph("Probiotic, feeding and symptom summary", STYLES["title"]),
        Spacer(1, 2 * mm),
        _header(mother=mother, today=today, board=board, due=due),
        Paragraph("Adherence to the regimen", STYLES["h2"]),
    ]
    if not board.regimens:
        story.append(Paragraph("No regimen set up yet, so there is no adherence to show.", STYLES["body"]))
    elif detail == Detail.OVERVIEW:
        story.append(_regimens_overview(board.regimens))
    else:
        for item in board.regimens:
            story.extend(_regimen_section(item, detail=detail))
    if board.regimens:
        story.append(Paragraph('80% is the line adherence research uses for "adherent".', STYLES["small"]))
    if not babies:
        story.append(Paragraph("Feeding and symptoms", STYLES["h2"]))
        story.append(Paragraph("No baby added yet, so no feeds or symptoms to show.", STYLES["body"]))
    elif detail == Detail.OVERVIEW:
        story.extend(_babies_overview(babies))
    else:
        for baby in babies:
            story.extend(_baby_section(baby, detail=detail))
    return story


def _header(*, mother: User, today: date, board: Dashboard, due: date | None) -> Table:
    zone = mother.zone
    if board.infants:
        babies = "<br/>".join(_birth_line(infant, zone) for infant in board.infants)
    else:
        babies = "No baby added yet" + (f" (due {long_date(due)})." if due else ".")
    regimens = "<br/>".join(_regimen_line(item) for item in board.regimens) or "No regimen set up yet."
    rows = [
        ("Mother", f"<b>{escape(str(mother))}</b>"),
        ("Time zone", f"{escape(mother.time_zone)}: every day in this summary is her local day."),
        ("Generated", long_date(today)),
        ("Baby" if len(board.infants) < 2 else "Babies", babies),
        ("Regimen" if len(board.regimens) < 2 else "Regimens", regimens),
    ]
    return pdf_charts.key_value_table(rows, key_width=24 * mm)


def _birth_line(infant: Infant, zone) -> str:
    born = local_date(infant.birth_at, zone)
    weight = f", {infant.birth_weight_g} g" if infant.birth_weight_g else ""
    return (
        f"<b>{escape(infant.name)}</b>: born {long_date(born)} at {infant.gestational_age} weeks, "
        f"{escape(infant.get_delivery_mode_display().lower())} birth{weight}"
    )


def _regimen_line(item: RegimenAdherence) -> str:
    regimen = item.regimen
    times = ", ".join(regimen.dose_times)
    doses = f"{regimen.doses_per_day} dose{'s' if regimen.doses_per_day != 1 else ''} a day"
    return (
        f"<b>{escape(str(regimen.product))}</b>: {doses}"
        + (f" at {escape(times)}" if times else "")
        + f"; {_window(item)}"
    )


def _window(item: RegimenAdherence) -> str:
    regimen = item.regimen
    end = long_date(regimen.end_date) if regimen.end_date else "no end date"
    return f"{long_date(regimen.start_date)} to {end}"


def _regimen_section(item: RegimenAdherence, *, detail: Detail) -> list:
    adherence = item.adherence
    title = Paragraph(f"{escape(str(item.regimen.product))} · {_window(item)}", STYLES["h3"])
    if not adherence.is_started:
        return [
            title,
            Paragraph(
                f"Starts on {long_date(item.regimen.start_date)}. Nothing to count yet.",
                STYLES["body"],
            ),
        ]
    numbers_width = WIDTH * 0.64
    numbers = pdf_charts.key_value_table(_adherence_rows(adherence), key_width=44 * mm, width=numbers_width)
    if detail == Detail.BRIEF:
        return [title, numbers]
    bars = pdf_charts.adherence_bars(adherence, width=WIDTH - numbers_width - 4 * mm)
    row = pdf_charts.side_by_side([numbers, bars], [numbers_width, WIDTH - numbers_width])
    return [KeepTogether([title, row, pdf_charts.calendar_strip(adherence, width=WIDTH)])]


def _adherence_rows(a: Adherence) -> list[tuple[str, str]]:
    rows = [
        (
            "Days covered (all doses taken)",
            f"<b>{percent(a.pdc)}</b> ({a.days_covered}/{days_text(a.days_elapsed)})"
            f"{_against_line(a.pdc, a.pdc_meets_target)}",
        ),
        (
            "Doses taken",
            f"<b>{percent(a.dose_adherence)}</b> ({a.doses_taken}/{a.doses_scheduled} doses)"
            f"{_against_line(a.dose_adherence, a.dose_adherence_meets_target)}",
        ),
        ("Taken on time (within 60 min)", percent(a.on_time)),
        ("Current streak", days_text(a.current_streak)),
        ("Longest gap", days_text(a.longest_gap)),
    ]
    if a.before_birth and a.after_birth:
        rows.append(
            (
                "Before birth / after birth",
                f"{percent(a.before_birth.pdc)} / {percent(a.after_birth.pdc)} of days covered",
            )
        )
    return rows


def _against_line(ratio: float | None, meets: bool) -> str:
    if ratio is None:
        return ""
    return ", meets the 80% line" if meets else ", below the 80% line"


def _baby_section(baby: BabyBoards, *, detail: Detail) -> list:
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
    return pdf_charts.grid(rows)


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
    return pdf_charts.grid(rows)


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


def _regimens_overview(regimens: list[RegimenAdherence]) -> Table:
    """Every regimen on one line each: the headline adherence numbers only."""
    rows = [["Regimen", "Days covered", "Doses taken", "On time", "Current streak", "Longest gap"]]
    for item in regimens:
        a = item.adherence
        name = f"{escape(str(item.regimen.product))}, {_window(item)}"
        if not a.is_started:
            rows.append([name, f"starts {long_date(item.regimen.start_date)}", "", "", "", ""])
            continue
        rows.append(
            [
                name,
                f"{percent(a.pdc)} ({a.days_covered}/{a.days_elapsed})",
                f"{percent(a.dose_adherence)} ({a.doses_taken}/{a.doses_scheduled})",
                percent(a.on_time),
                days_text(a.current_streak),
                days_text(a.longest_gap),
            ]
        )
    return pdf_charts.grid(rows, widths=[WIDTH * w for w in (0.28, 0.16, 0.16, 0.12, 0.14, 0.14)])


def _babies_overview(babies: list[BabyBoards]) -> list:
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
        pdf_charts.grid(rows, widths=[WIDTH * 0.35] + [WIDTH * 0.13] * 5),
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
