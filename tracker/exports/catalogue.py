"""What each CSV export holds: its columns (the data dictionary's source) and its rows."""

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.http import StreamingHttpResponse

from tracker.exports.csv_safe import csv_lines, csv_response
from tracker.localtime import local_today

#: Column types, as the data dictionary names them.
INTEGER, DECIMAL, TEXT, CHOICE, DATETIME, DATE, TIME, YES_NO = (
    "integer",
    "decimal",
    "text",
    "choice",
    "datetime",
    "date",
    "time",
    "yes_no",
)
DATETIME_NOTE = "ISO 8601 with the offset of the mother's time zone at that instant"


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    unit: str = ""
    allowed_values: str = ""


@dataclass(frozen=True)
class CsvExport:
    """One downloadable CSV; ``rows(mother)`` yields tuples in the order of ``columns``."""

    key: str
    title: str
    summary: str
    columns: tuple[Column, ...]
    rows: Callable[..., Iterable[Sequence]]

    @property
    def header(self) -> list[str]:
        return [column.name for column in self.columns]

    def lines(self, *, mother) -> Iterator[str]:
        """The CSV lines for ``mother``'s record; free text is neutralised against formulas."""
        text = [i for i, column in enumerate(self.columns) if column.type == TEXT]
        return csv_lines(self.header, self.rows(mother=mother), text_columns=text)

    def response(self, *, mother) -> StreamingHttpResponse:
        filename = f"{self.key}-{local_today(mother.zone).isoformat()}.csv"
        return csv_response(self.lines(mother=mother), filename=filename)


def choices(options) -> str:
    """A Django ``choices`` list as REDCap-style allowed values: ``value, label | ...``."""
    return " | ".join(f"{value}, {label}" for value, label in options)
