"""The data dictionary: every column of every export, its type, unit and allowed values.

It is built from the same column lists the exports write, so it cannot fall
out of step with them.
"""

from collections.abc import Iterator

from tracker.exports.catalogue import CHOICE, TEXT, Column, CsvExport
from tracker.exports.daily import DAILY
from tracker.exports.records import CHECKS, DOSES, FEEDS, SYMPTOMS

DICTIONARY_COLUMNS = (
    Column("variable", TEXT, "The column name, as in the export's header."),
    Column("form", CHOICE, "The export (CSV file) holding the column."),
    Column(
        "type",
        CHOICE,
        "The kind of value.",
        allowed_values="integer | decimal | text | choice | datetime | date | time | yes_no",
    ),
    Column("unit", TEXT, "The unit of a number; blank when it has none."),
    Column("allowed_values", TEXT, "REDCap-style 'value, label | ...' or a range; blank when free."),
    Column("description", TEXT, "What the column means."),
)


def dictionary_rows(*, mother=None) -> Iterator[tuple]:
    for export in EXPORTS:
        for column in export.columns:
            yield (
                column.name,
                export.key,
                column.type,
                column.unit,
                column.allowed_values,
                column.description,
            )


DICTIONARY = CsvExport(
    key="dictionary",
    title="Data dictionary",
    summary="What every column of every export means, with its unit and allowed values.",
    columns=DICTIONARY_COLUMNS,
    rows=dictionary_rows,
)

#: Every CSV export, in the order the index lists them.
EXPORTS: tuple[CsvExport, ...] = (DOSES, FEEDS, SYMPTOMS, CHECKS, DAILY, DICTIONARY)
