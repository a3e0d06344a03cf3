"""The data dictionary: every column of every export, its type, unit and allowed values.

It is built from the same column lists the exports write, so it cannot fall
out of step with them.
"""

from collections.abc import Iterator
from typing import NamedTuple

from tracker.exports.catalogue import CHOICE, TEXT, Column, CsvExport
from tracker.exports.daily import DAILY
from tracker.exports.records import CHECKS, DOSES, FEEDS, SYMPTOMS
from tracker.exports.weekly import WEEKLY


class Variable(NamedTuple):
    """One column of one export: a record of the dictionary."""

    form: CsvExport
    column: Column


DICTIONARY_COLUMNS = (
    Column("variable", TEXT, "The column name, as in the export's header.", lambda v: v.column.name),
    Column("form", CHOICE, "The export (CSV file) holding the column.", lambda v: v.form.key),
    Column(
        "type",
        CHOICE,
        "The kind of value.",
        lambda v: v.column.type,
        allowed_values="integer | decimal | text | choice | datetime | date | time | yes_no",
    ),
    Column(
        "unit",
        TEXT,
        "The unit of a number.",
        lambda v: v.column.unit,
        blank_when="the column has no unit",
    ),
    Column(
        "allowed_values",
        TEXT,
        "REDCap-style 'value, label | ...', a list 'yes | no', or a range such as 0-3.",
        lambda v: v.column.allowed_values,
        blank_when="any value of the type is allowed",
    ),
    Column("description", TEXT, "What the column holds.", lambda v: v.column.description),
    Column(
        "blank_when",
        TEXT,
        "When a cell of the column is blank (empty); a column whose blank_when is empty always has a value.",
        lambda v: v.column.blank_when,
        blank_when="the column is never blank",
    ),
)


def dictionary_records(*, mother=None) -> Iterator[Variable]:
    for export in EXPORTS:
        for column in export.columns:
            yield Variable(export, column)


DICTIONARY = CsvExport(
    key="dictionary",
    title="Data dictionary",
    summary="What every column of every export means, with its unit and allowed values.",
    columns=DICTIONARY_COLUMNS,
    records=dictionary_records,
)

#: Every CSV export, in the order the index lists them.
EXPORTS: tuple[CsvExport, ...] = (DOSES, FEEDS, SYMPTOMS, CHECKS, DAILY, WEEKLY, DICTIONARY)
