"""A record export's CSV straight from PostgreSQL: ``COPY (SELECT ...) TO STDOUT (FORMAT csv)``.

On PostgreSQL the per-row cost of an export was mostly Python's: a named tuple per record,
a time zone conversion and ``isoformat`` per time, the CSV writer per line (49,000 rows/s
for a million). Here the query the export already runs (the same scoping, the same order)
writes every cell as the CSV shows it, and PostgreSQL writes the CSV; Python passes the
rows on, many per chunk, and only turns each row's line ending into the ``\\r\\n`` of
Python's ``csv`` module (each message of a ``COPY`` is exactly one row, so a line break
inside a quoted note is left alone).

The cells are those of ``CsvExport.lines`` on any database (``tests/test_export_copy.py``
compares them):
- times in ISO 8601 with the offset of her zone at that instant (the zone is set for the
  ``COPY`` only), dates as YYYY-MM-DD, times as HH:MM, yes/no, blank for none;
- free text neutralised against formulas by the rule of ``csv_safe.neutralise``, written
  as a regular expression over the characters that rule skips and the ones it takes for a
  formula sign (``FORMULA_PATTERN``, checked against ``neutralise`` for every character);
- an empty text is written blank, not as ``""``; quoting is the same as Python's (a cell is
  quoted when it holds a comma, a double quote or a line break).
One difference is left: a time before about 1900, when zone offsets still had seconds, is
written ``+00:49`` here and ``+00:49:56`` by Python.
"""

from collections.abc import Iterator

from django.db import connection, transaction
from django.db.models import Case, CharField, F, Func, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Concat, NullIf, Ord
from django.db.models.lookups import In, Range

from tracker.exports.catalogue import CHOICE, DATE, DATETIME, INTEGER, TEXT, TIME, YES_NO, Column
from tracker.exports.csv_safe import FORMULA_STARTS

#: Rows per chunk handed to the response (about 70 kB of CSV for symptoms).
ROWS_PER_CHUNK = 1000
_COPYABLE = {CHOICE, DATE, DATETIME, INTEGER, TEXT, TIME, YES_NO}
#: Code points of the formula signs a text can start with (= + - @, tab, carriage return).
_SIGNS = [ord(sign) for sign in FORMULA_STARTS]
#: Text that ``csv_safe.neutralise`` prefixes with ``'``: after any run of the characters it
#: passes over (spaces, invisible format characters; tab and carriage return excepted),
#: a character whose compatibility form starts with = + - @, or a tab or carriage return.
#: Generated from Python's Unicode tables (``tests/test_export_copy.py`` regenerates it).
FORMULA_PATTERN = (
    r"^[\u000a-\u000c\u001c-\u0020\u0085\u00a0\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891"
    r"\u08e2\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u2064\u2066-\u206f\u3000\ufeff\ufff9-\ufffb"
    r"\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    r"\U000e0020-\U000e007f]*"
    r"[\u0009\u000d\u002b\u002d\u003d\u0040\u207a\u207c\u208a\u208c\u2a75-\u2a76\ufb29\ufe62-\ufe63"
    r"\ufe66\ufe6b\uff0b\uff0d\uff1d\uff20]"
)


def can_copy(columns: tuple[Column, ...]) -> bool:
    """Whether every column reads one field (``catalogue.field``) of a type SQL writes."""
    return connection.vendor == "postgresql" and all(
        column.type in _COPYABLE and getattr(column.value, "field_name", None) for column in columns
    )


def copy_lines(columns: tuple[Column, ...], records: QuerySet, *, zone) -> Iterator[str]:
    """The CSV of ``records`` (the export's scoped, ordered queryset): the header line, then
    chunks of ``ROWS_PER_CHUNK`` lines, as ``catalogue.table_lines`` writes them."""
    cells = {f"cell_{index}": _cell(column, records.model) for index, column in enumerate(columns)}
    sql, params = records.annotate(**cells).values_list(*cells).query.sql_with_params()
    yield ",".join(column.name for column in columns) + "\r\n"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor = cursor.cursor  # psycopg's own, for COPY
        cursor.execute("SELECT current_setting('TimeZone')")
        (session_zone,) = cursor.fetchone()
        # For this COPY only: a failure rolls it back, and the end sets it back.
        cursor.execute("SELECT set_config('TimeZone', %s, true)", [zone.key])
        with cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", params) as copy:
            rows = []
            for row in copy:
                rows.append(bytes(row[:-1]))  # "\n" ends each row
                if len(rows) == ROWS_PER_CHUNK:
                    yield _chunk(rows)
                    rows = []
        cursor.execute("SELECT set_config('TimeZone', %s, true)", [session_zone])
    if rows:
        yield _chunk(rows)


def _chunk(rows: list[bytes]) -> str:
    return (b"\r\n".join(rows) + b"\r\n").decode()


def neutralised(name: str):
    """SQL for the text field ``name`` as ``csv_safe.neutralise`` writes it; NULL when empty.
    The first character decides most texts at once (a regular expression costs a
    microsecond or two a row); only those starting with a space, a control or a non-ASCII
    character are matched against ``FORMULA_PATTERN``."""
    text, first = F(name), Ord(name)
    prefixed = Concat(Value("'"), text, output_field=TextField())
    return Case(
        When(Q(**{name: ""}), then=Value(None)),
        When(Range(first, (0x21, 0x7E)) & ~In(first, _SIGNS), then=text),
        When(In(first, _SIGNS), then=prefixed),
        When(Q(**{f"{name}__regex": FORMULA_PATTERN}), then=prefixed),
        default=text,
        output_field=TextField(),
    )


def _cell(column: Column, model):
    """The SQL that writes ``column``'s cell as the CSV shows it (NULL for a blank)."""
    name = column.value.field_name
    if column.type == DATETIME:  # in the session's zone, hers for the COPY
        return _to_char(name, 'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM')
    if column.type == DATE:
        return _to_char(name, "YYYY-MM-DD")
    if column.type == TIME:
        return _to_char(name, "HH24:MI")
    if column.type == YES_NO:
        return Case(
            When(Q(**{name: True}), then=Value("yes")),
            When(Q(**{name: False}), then=Value("no")),
            output_field=CharField(),
        )
    if column.type == TEXT:
        return neutralised(name)
    if column.type == CHOICE and _model_field(model, name).get_internal_type() in ("CharField", "TextField"):
        return NullIf(
            F(name), Value(""), output_field=TextField()
        )  # PostgreSQL quotes an empty text; Python's csv does not
    return F(name)


def _to_char(name: str, pattern: str):
    return Func(F(name), Value(pattern), function="to_char", output_field=CharField())


def _model_field(model, name: str):
    """The model field that the lookup ``name`` (``infant__name``) reads."""
    *relations, last = name.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.get_field(last)
