"""What each CSV export holds: its columns (the data dictionary's source) and its records.

A column carries its header, its description and how to read its value from one record,
so the header row, every data row and the data dictionary come from the same list: moving
a column moves its header and its values together.
"""

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.http import StreamingHttpResponse

from tracker.exports.csv_safe import csv_lines, csv_response, local_iso, yes_no
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


class FieldValue:
    """Reads the field ``field_name`` of a record (a row of ``values_list(..., named=True)``);
    ``field_name`` also tells the PostgreSQL path (``pg_copy``) which column to write."""

    __slots__ = ("field_name", "read")

    def __init__(self, field_name: str):
        self.field_name = field_name
        self.read = attrgetter(field_name)

    def __call__(self, record) -> object:
        return self.read(record)


def field(name: str) -> FieldValue:
    return FieldValue(name)


@dataclass(frozen=True)
class Column:
    """One column of a CSV export: its header ``name``, what the data dictionary says of it,
    and ``value``, which reads the column's value from one record of the export.

    ``type`` says how the value is written: a datetime in ISO 8601 with the offset of the
    mother's zone, a date as YYYY-MM-DD, a time as HH:MM, a yes/no as ``yes``, ``no`` or
    blank; anything else as it is (None blank). Text is neutralised against formulas.

    ``blank_when`` says when a cell of the column is blank (``""``: never). It is a claim
    a test checks against real exports (``tests/test_export_dictionary.py``): a blank cell
    in a column whose ``blank_when`` is empty fails it, and so does a cell outside ``unit``
    or ``allowed_values``. The data dictionary writes it in a column of its own.
    """

    name: str
    type: str
    description: str
    value: Callable[[Any], object]
    unit: str = ""
    allowed_values: str = ""
    blank_when: str = ""

    def cell_reader(self, zone: ZoneInfo | None) -> Callable[[Any], object]:
        """A function from a record to this column's cell, times written in ``zone``."""
        value = self.value.read if isinstance(self.value, FieldValue) else self.value
        if self.type == DATETIME:
            if zone is None:
                raise ValueError(f"The datetime column {self.name!r} needs a time zone.")
            return lambda record: local_iso(value(record), zone)
        if self.type == DATE:
            return lambda record: "" if (day := value(record)) is None else day.isoformat()
        if self.type == TIME:
            return lambda record: "" if (at := value(record)) is None else at.strftime("%H:%M")
        if self.type == YES_NO:
            return lambda record: yes_no(value(record))
        return value


def table_rows(columns: Sequence[Column], records: Iterable, *, zone: ZoneInfo | None) -> Iterator[list]:
    """Each record as a row of cells, one per column in the order of ``columns``."""
    readers = [column.cell_reader(zone) for column in columns]
    for record in records:
        yield [read(record) for read in readers]


def table_lines(columns: Sequence[Column], records: Iterable, *, zone: ZoneInfo | None) -> Iterator[str]:
    """The CSV lines of ``columns``' header, then of each record; text is neutralised against formulas."""
    text = [i for i, column in enumerate(columns) if column.type == TEXT]
    header = [column.name for column in columns]
    return csv_lines(header, table_rows(columns, records, zone=zone), text_columns=text)


@dataclass(frozen=True)
class CsvExport:
    """One downloadable CSV: a row per record that ``records(mother=...)`` yields, a cell per column."""

    key: str
    title: str
    summary: str
    columns: tuple[Column, ...]
    records: Callable[..., Iterable]
    #: The records as a queryset (scoped to her, in the export's order), when every column
    #: reads one field: on PostgreSQL the CSV then comes straight from ``COPY`` (``pg_copy``).
    queryset: Callable[..., QuerySet] | None = None

    @property
    def header(self) -> list[str]:
        return [column.name for column in self.columns]

    def rows(self, *, mother) -> Iterator[list]:
        """The cells of ``mother``'s records, as written in the CSV but not yet neutralised."""
        return table_rows(self.columns, self.records(mother=mother), zone=mother.zone)

    def lines(self, *, mother) -> Iterator[str]:
        """The CSV lines for ``mother``'s record (on PostgreSQL, for an export with a
        ``queryset``, in chunks of many lines); free text is neutralised against formulas."""
        from tracker.exports.pg_copy import can_copy, copy_lines  # it builds on this module

        if self.queryset is not None and can_copy(self.columns):
            return copy_lines(self.columns, self.queryset(mother=mother), zone=mother.zone)
        return table_lines(self.columns, self.records(mother=mother), zone=mother.zone)

    def response(self, *, mother) -> StreamingHttpResponse:
        filename = f"{self.key}-{local_today(mother.zone).isoformat()}.csv"
        return csv_response(self.lines(mother=mother), filename=filename)


def choices(options) -> str:
    """A Django ``choices`` list as REDCap-style allowed values: ``value, label | ...``."""
    return " | ".join(f"{value}, {label}" for value, label in options)
