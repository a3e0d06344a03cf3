"""The printable PDF summary of a mother's record (one or two A4 pages).

Every number comes from ``dashboard_for`` and is worded as the dashboard words it:
adherence over each regimen so far, feeding over the last 30 days and since the
birth, symptoms as 7-day averages, and the screening flags since the birth. Days
are the mother's local days in her own time zone. User text (names, product
names) is escaped before it enters reportlab's Paragraph markup.

This module builds the document, its header and the adherence sections; the
feeding and symptom sections are in ``pdf_babies``, the last four weeks of the
weekly diary in ``pdf_weeks``, the charts in ``pdf_adherence_charts`` and ``pdf_charts``,
and the styles and tables in ``pdf_layout``.
"""

from datetime import date, timedelta
from io import BytesIO
from xml.sax.saxutils import escape

from django.http import HttpResponse
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table

from accounts.models import User
from tracker.exports import pdf_adherence_charts, pdf_layout, pdf_weeks
from tracker.exports.pdf_babies import BabyBoards, babies_overview, baby_boards, baby_section
from tracker.exports.pdf_layout import MARGIN, STYLES, WIDTH, Detail, days_text, long_date
from tracker.localtime import local_date, local_today
from tracker.models import Infant, Pregnancy
from tracker.selectors.adherence import Adherence
from tracker.selectors.dashboard import Dashboard, RegimenAdherence, dashboard_for
from tracker.selectors.slots import regimen_schedule
from tracker.templatetags.tracker_extras import percent

MAX_PAGES = 2


def summary_pdf(*, mother: User, today: date | None = None, compress: bool = True) -> bytes:
    """Her summary as PDF bytes, at most two A4 pages when the record allows.

    ``today`` is the local date printed as the day it was generated (default: her
    local today); the numbers are the dashboard's, up to her local today.
    ``compress=False`` leaves the page streams readable, for tests.
    """
    board = dashboard_for(mother=mother, range_key="all")
    today = today or board.today
    babies = [baby_boards(mother, board, infant) for infant in board.infants]
    due = None
    if not babies:
        due = Pregnancy.objects.for_mother(mother).values_list("due_date", flat=True).first()
    weeks = pdf_weeks.recent_weeks(mother=mother, today=today, infants=board.infants)
    for detail in Detail:
        story = _story(mother=mother, today=today, board=board, babies=babies, due=due, detail=detail)
        story.extend(pdf_weeks.weeks_section(weeks, infants=board.infants))  # fresh flowables per build
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
        canvas.setFillColor(pdf_layout.GREY)
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
        story.append(
            Paragraph(
                '80% is the line adherence research uses for "adherent". Today counts once each of '
                "its doses is logged or an hour past its time.",
                STYLES["small"],
            )
        )
    if not babies:
        story.append(Paragraph("Feeding and symptoms", STYLES["h2"]))
        story.append(Paragraph("No baby added yet, so no feeds or symptoms to show.", STYLES["body"]))
    elif detail == Detail.OVERVIEW:
        story.extend(babies_overview(babies))
    else:
        for baby in babies:
            story.extend(baby_section(baby, detail=detail))
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
    return pdf_layout.key_value_table(rows, key_width=24 * mm)


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
    earlier = "".join(
        f" (until {long_date(effective_from - timedelta(days=1))}: {escape(', '.join(previous))})"
        for effective_from, previous in regimen_schedule(regimen=regimen).changes
    )
    return (
        f"<b>{escape(str(regimen.product))}</b>: {doses}"
        + (f" at {escape(times)}" if times else "")
        + earlier
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
    numbers = pdf_layout.key_value_table(_adherence_rows(adherence), key_width=44 * mm, width=numbers_width)
    if detail == Detail.BRIEF:
        return [title, numbers]
    bars = pdf_adherence_charts.adherence_bars(adherence, width=WIDTH - numbers_width - 4 * mm)
    row = pdf_layout.side_by_side([numbers, bars], [numbers_width, WIDTH - numbers_width])
    return [KeepTogether([title, row, pdf_adherence_charts.calendar_strip(adherence, width=WIDTH)])]


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
    return pdf_layout.grid(rows, widths=[WIDTH * w for w in (0.28, 0.16, 0.16, 0.12, 0.14, 0.14)])
