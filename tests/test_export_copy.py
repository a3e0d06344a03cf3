"""On PostgreSQL the record CSVs come straight from ``COPY``: the same cells, quoting and line
endings as the Python path, formulas neutralised by the same rule, and her time zone for
that one statement only."""

import sys
import unicodedata
from datetime import UTC, date, datetime

import pytest
from django.db import connection, transaction

from tests.conftest import needs_service
from tests.factories import (
    DailyCheckFactory,
    DoseLogFactory,
    InfantFactory,
    RegimenFactory,
    SymptomEntryFactory,
)
from tracker.exports import pg_copy
from tracker.exports.catalogue import table_lines
from tracker.exports.csv_safe import FORMULA_STARTS, neutralise
from tracker.exports.records import CHECKS, DOSES, FEEDS, SYMPTOMS
from tracker.models import SymptomEntry

#: Notes that try every branch of the formula rule and of CSV quoting.
NOTES = [
    "",
    "fine",
    "=cmd",
    "+1",
    "-3",
    "@sum",
    "\t=tab",
    "\rcr",
    " =spaced",
    "\u00a0\u200b=hidden",
    "\uff1dfull-width",
    "\u207a superscript plus",
    "'=already",
    "a, b",
    'said "no"',
    "two\nlines",
    "È andata bene",
    "\u2212 minus sign (not a formula sign)",
]


def _pattern_from_unicode() -> str:
    """``pg_copy.FORMULA_PATTERN`` as Python's Unicode tables give it today."""
    skipped, formula = [], []
    for code in range(1, sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF:
            continue  # surrogates: never in a PostgreSQL text
        char = chr(code)
        if char in "\t\r":
            formula.append(code)
        elif char.isspace() or unicodedata.category(char) == "Cf":
            skipped.append(code)
        elif unicodedata.normalize("NFKC", char)[:1] in FORMULA_STARTS:
            formula.append(code)
    return f"^[{_ranges(skipped)}]*[{_ranges(formula)}]"


def _ranges(codes: list[int]) -> str:
    """A regular expression's character class body for ``codes`` (sorted), runs as ranges."""
    runs = []
    for code in codes:
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return "".join(
        _escape(first) if first == last else f"{_escape(first)}-{_escape(last)}" for first, last in runs
    )


def _escape(code: int) -> str:
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def test_the_formula_pattern_is_the_neutralise_rule_over_all_of_unicode():
    assert _pattern_from_unicode() == pg_copy.FORMULA_PATTERN


@pytest.fixture
def on_postgresql():
    if connection.vendor != "postgresql":
        needs_service("COPY is PostgreSQL's: runs on PostgreSQL")


@pytest.mark.django_db
def test_postgresql_neutralises_every_text_as_python_does(on_postgresql):
    lookalikes = [chr(code) for code in range(1, 0x30000) if not 0xD800 <= code <= 0xDFFF]
    texts = [*NOTES, *(char + "=1" for char in lookalikes[:0x3000]), *(f"{char}x" for char in lookalikes)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT CASE WHEN t ~ %s THEN '''' || t ELSE t END FROM unnest(%s::text[]) WITH ORDINALITY AS u(t, n) "
            "ORDER BY n",
            [pg_copy.FORMULA_PATTERN, texts],
        )
        written = [row[0] for row in cursor.fetchall()]

    assert written == [neutralise(text) for text in texts]
    assert written[NOTES.index(" =spaced")] == "' =spaced"
    assert written[NOTES.index("È andata bene")] == "È andata bene"


@pytest.mark.django_db
def test_the_neutralised_cell_is_python_s_for_every_kind_of_first_character(on_postgresql, infant):
    firsts = [
        *(chr(code) for code in range(1, 0x80)),
        *(chr(code) for code in range(0x80, 0x30000, 97) if not 0xD800 <= code <= 0xDFFF),
        *"\u00a0\u200b\u2028\ufeff\uff1d\uff0b\uff0d\uff20\ufe62\u207a\u2a75\U000e0020",
    ]
    texts = [*NOTES, *(first + "=1" for first in firsts), *(first + "x" for first in firsts), *firsts]
    SymptomEntry.objects.bulk_create(
        SymptomEntry(
            infant=infant,
            kind=SymptomEntry.Kind.REGURGITATION,
            size="small",
            notes=text,
            occurred_at=datetime(2026, 11, 2, tzinfo=UTC),
        )
        for text in texts
    )

    written = dict(
        SymptomEntry.objects.annotate(cell=pg_copy.neutralised("notes")).values_list("notes", "cell")
    )

    assert written == {text: neutralise(text) or None for text in texts}


@pytest.fixture
def varied_record(mother, infant):
    """Her doses, symptoms and checks across the autumn clock change, with every kind of note."""
    regimen = RegimenFactory(mother=mother, product__name='Drops, "the good ones"')
    for day, note in zip(range(20, 31), NOTES, strict=False):
        DoseLogFactory(regimen=regimen, slot_date=date(2026, 10, day), skip_reason="")
        SymptomEntryFactory(infant=infant, occurred_at=datetime(2026, 10, day, 6, 30, tzinfo=UTC), notes=note)
    DoseLogFactory(regimen=regimen, slot_date=date(2026, 11, 1), status="skipped", skip_reason="=forgot")
    for note in NOTES:
        SymptomEntryFactory(
            infant=infant,
            kind=SymptomEntry.Kind.STOOL,
            size="",
            stool_consistency=4,
            occurred_at=datetime(2026, 11, 2, 23, 59, 59, 999999, tzinfo=UTC),
            notes=note,
        )
    SymptomEntryFactory(
        infant=infant,
        kind=SymptomEntry.Kind.CRYING,
        size="",
        occurred_at=datetime(2026, 11, 3, 8, 0, tzinfo=UTC),
        ended_at=datetime(2026, 11, 3, 8, 40, tzinfo=UTC),
        notes="",
    )
    SymptomEntryFactory(infant=infant, is_vomiting=True, notes="-")
    DailyCheckFactory(infant=infant, day=date(2026, 11, 2), other_than_breast_milk=None, notes="@home")
    DailyCheckFactory(infant=InfantFactory(mother=mother, name="=Twin"), day=date(2026, 11, 2))
    return mother


@pytest.mark.django_db
@pytest.mark.parametrize("export", [DOSES, SYMPTOMS, CHECKS], ids=lambda export: export.key)
def test_the_copy_csv_is_the_python_csv(on_postgresql, varied_record, export, monkeypatch):
    monkeypatch.setattr(pg_copy, "ROWS_PER_CHUNK", 4)  # chunk boundaries inside the record
    python = "".join(
        table_lines(export.columns, export.records(mother=varied_record), zone=varied_record.zone)
    )

    chunks = list(export.lines(mother=varied_record))

    assert pg_copy.can_copy(export.columns)
    rows = python.count("\r\n") - 1
    assert rows >= 2 and len(chunks) == 1 + -(-rows // 4)  # the header, then 4 rows a chunk
    assert "".join(chunks) == python


@pytest.mark.django_db
def test_the_copy_csv_holds_her_local_times_and_safe_cells(on_postgresql, varied_record):
    text = "".join(SYMPTOMS.lines(mother=varied_record))

    assert "2026-10-24T08:30:00+02:00" in text  # summer time
    assert "2026-10-26T07:30:00+01:00" in text  # winter time, the day after the change
    assert "2026-11-03T00:59:59+01:00" in text  # the microseconds are cut, as isoformat does
    assert ",'=cmd\r\n" in text and ",'\u00a0\u200b=hidden\r\n" in text
    assert ',"two\nlines"\r\n' in text and ',"said ""no"""\r\n' in text
    assert ",yes," in text and ",'-\r\n" in text


def test_feeds_stay_on_the_python_path():
    # Their minutes are computed in Python (rounded as Python rounds), not read from a field.
    assert not pg_copy.can_copy(FEEDS.columns)


@pytest.mark.django_db(transaction=True)
def test_her_zone_is_for_the_copy_only(on_postgresql, varied_record):
    with transaction.atomic():
        next(iter(SYMPTOMS.lines(mother=varied_record)))  # the header: the COPY has not begun
        lines = "".join(SYMPTOMS.lines(mother=varied_record))
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('TimeZone')")
            assert cursor.fetchone()[0] == "UTC"
        assert (
            SymptomEntry.objects.order_by("occurred_at").first().occurred_at.utcoffset().total_seconds() == 0
        )
    assert lines.count("\r\n") == 1 + SymptomEntry.objects.count()


@pytest.mark.django_db(transaction=True)
def test_a_download_stopped_halfway_leaves_the_connection_usable(on_postgresql, varied_record, monkeypatch):
    monkeypatch.setattr(pg_copy, "ROWS_PER_CHUNK", 2)
    lines = SYMPTOMS.lines(mother=varied_record)
    next(lines), next(lines)
    lines.close()  # she cancelled the download

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('TimeZone'), 1")
        assert cursor.fetchone() == ("UTC", 1)
    assert SymptomEntry.objects.filter(notes="=cmd").exists()
