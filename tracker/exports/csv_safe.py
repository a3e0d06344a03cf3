"""Writing CSV that a spreadsheet opens safely, streamed line by line.

A cell a person typed (a note, a name) that starts with ``=``, ``+``, ``-``,
``@``, tab or carriage return would run as a formula in Excel or LibreOffice
(OWASP "CSV injection"); it gets a leading apostrophe so it opens as text.
Numbers the app writes itself are never touched, so ``-3`` stays a number.
"""

import csv
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from django.http import StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """``value`` with a leading ``'`` if it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


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
