"""How the PDF summary looks: the page, its colours and styles, tables, and how numbers read.

Sizes are in PDF points (1/72 inch). Table cells are Paragraphs, so the caller
escapes any user text it puts in them.
"""

from datetime import date
from enum import IntEnum

from django.template.defaultfilters import floatformat
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Table, TableStyle

# The dashboard's colours (tracker/static/tracker/app.css), so paper and screen agree.
GREEN = colors.HexColor("#198754")
LIGHT_GREEN = colors.HexColor("#9bd3ae")
AMBER = colors.HexColor("#ffc107")
RED = colors.HexColor("#dc3545")
LIGHT_GREY = colors.HexColor("#dee2e6")
GREY = colors.HexColor("#6c757d")
INK = colors.HexColor("#212529")
BLUE = colors.HexColor("#0d6efd")
PALE_BLUE = colors.HexColor("#9ec5fe")

#: A4 with 14 mm margins; WIDTH is the width of the text frame.
MARGIN = 14 * mm
WIDTH = A4[0] - 2 * MARGIN
FONT = "Helvetica"
SMALL = 6.5


class Detail(IntEnum):
    """How much goes on the page; the summary steps down until it fits in two pages."""

    FULL = 0  # every chart
    COMPACT = 1  # no feeding charts, fewer trigger-day ranges
    BRIEF = 2  # numbers and words only
    OVERVIEW = 3  # one table for all regimens, one for all babies


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()["Normal"]
    body = ParagraphStyle("body", parent=base, fontName="Helvetica", fontSize=8.5, leading=10.5)
    return {
        "title": ParagraphStyle("title", parent=body, fontName="Helvetica-Bold", fontSize=14, leading=17),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName="Helvetica-Bold",
            fontSize=10.5,
            leading=13,
            spaceBefore=6,
            spaceAfter=2,
            keepWithNext=1,  # a heading never ends a page
        ),
        "h3": ParagraphStyle(
            "h3", parent=body, fontName="Helvetica-Bold", spaceBefore=3, spaceAfter=1, keepWithNext=1
        ),
        "body": body,
        "key": ParagraphStyle("key", parent=body, textColor=GREY),
        "small": ParagraphStyle("small", parent=body, fontSize=7, leading=8.5, textColor=GREY),
        "flag": ParagraphStyle(
            "flag",
            parent=body,
            backColor=colors.HexColor("#fff3cd"),
            borderPadding=3,
            spaceBefore=3,
            spaceAfter=3,
        ),
    }


STYLES = _styles()


def side_by_side(cells: list, widths: list[float]) -> Table:
    """Flowables (charts, tables) in one row, vertically centred, in columns ``widths`` wide."""
    table = Table([cells], colWidths=widths, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def grid(rows: list[list[str]], widths: list[float] | None = None) -> Table:
    """A table of numbers, its first row the (bold) header. Cells are Paragraph markup.

    By default a label column, then up to three columns of equal width."""
    columns = len(rows[0]) - 1
    label_width = WIDTH * 0.3
    widths = widths or [label_width] + [(WIDTH - label_width) / max(columns, 3)] * columns
    table = Table(
        [[Paragraph(f"<b>{cell}</b>", STYLES["body"]) for cell in rows[0]]]
        + [[Paragraph(cell, STYLES["body"]) for cell in row] for row in rows[1:]],
        colWidths=widths,
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, GREY),
                ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def key_value_table(rows: list[tuple[str, str]], *, key_width: float, width: float = WIDTH) -> Table:
    """Label and value pairs, one a line; values are Paragraph markup."""
    table = Table(
        [[Paragraph(key, STYLES["key"]), Paragraph(value, STYLES["body"])] for key, value in rows],
        colWidths=[key_width, width - key_width],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def long_date(day: date) -> str:
    """ "3 Mar 2026"."""
    return f"{day.day} {day:%b %Y}"


def days_text(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


def minutes_text(value: float | None) -> str:
    """Whole minutes, rounded as the dashboard's ``floatformat:0``; "–" for None."""
    return "–" if value is None else f"{floatformat(value, 0)} min"


def number_text(value: float | None, digits: int) -> str:
    """A mean or count as printed, ``digits`` decimals (as ``floatformat``); "–" for None:
    nothing to average (for symptoms, also fewer than 4 days with records)."""
    return "–" if value is None else floatformat(value, digits)
