"""Writing CSV that a spreadsheet opens safely, streamed line by line.

A cell a person typed (a note, a name) that starts with ``=``, ``+``, ``-``,
``@``, tab or carriage return would run as a formula in Excel or LibreOffice
(OWASP "CSV injection"); it gets a leading apostrophe so it opens as text. So does
one that starts with a look-alike of those signs (full-width or small forms) or
with blanks, visible or not, before one.
Numbers the app writes itself are never touched, so ``-3`` stays a number.
"""

import csv
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from django.http import StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _first_visible(text: str) -> str:
    """The first character a spreadsheet may act on: spaces (no-break ones too) and invisible
    format characters (zero-width space, word joiner, byte order mark) are passed over, and
    a compatibility form (full-width ＝, small ﹢, full-width －, ＠) counts as the plain sign,
    as some spreadsheets read them."""
    for char in text:
        if char in "\t\r":
            return char
        if char.isspace() or unicodedata.category(char) == "Cf":
            continue
        return unicodedata.normalize("NFKC", char)[:1]
    return ""


def neutralise(value: object) -> object:
    """``value`` with a leading ``'`` if it is text a spreadsheet would read as a formula,
    or one dressed up to slip past the check (a look-alike sign, or blanks before the sign)."""
    if not isinstance(value, str) or not value:
        return value
    first = value[0]
    if first.isascii() and first not in FORMULA_STARTS and not first.isspace():
        return value  # the usual cell, decided without a look at Unicode
    return "'" + value if _first_visible(value) in FORMULA_STARTS else value


def local_iso(moment: datetime | None, zone: ZoneInfo) -> str:
    """ISO 8601 with the offset of ``zone`` at that instant (``2026-11-16T08:05:00+01:00``); "" for None."""
    return "" if moment is None else moment.astimezone(zone).isoformat(timespec="seconds")


def yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


class _Echo:
    """A file-like object whose ``write`` hands the line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


def csv_lines(
    header: Sequence[str], rows: Iterable[Sequence], *, text_columns: Iterable[int] = ()
) -> Iterator[str]:
    """The CSV lines of ``header`` then ``rows``; cells at ``text_columns`` are neutralised."""
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    text = tuple(text_columns)
    if not text:
        for row in rows:
            yield writer.writerow(row)
        return
    for row in rows:
        cells = list(row)
        for index in text:
            cells[index] = neutralise(cells[index])
        yield writer.writerow(cells)


def csv_response(lines: Iterable[str], *, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
