"""The data dictionary tells the truth: each column's claims (never blank or blank only when
``blank_when`` says, its type, unit and allowed values) are checked against real exports of a
record that holds every case: pregnancy days, twins, a running crying spell and feed, a
vomit, skipped doses, days without data, a week without doses."""

import csv
import io
import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine

from tests.factories import (
    CareGrantFactory,
    DailyCheckFactory,
    DoseLogFactory,
    FeedingSessionFactory,
    InfantFactory,
    RegimenFactory,
    SymptomEntryFactory,
    UserFactory,
)
from tracker.exports.catalogue import (
    CHOICE,
    DATE,
    DATETIME,
    DECIMAL,
    INTEGER,
    TEXT,
    TIME,
    YES_NO,
    Column,
    table_lines,
)
from tracker.exports.cohort import (
    COHORT_COLUMNS,
    COHORT_WEEKLY_COLUMNS,
    cohort_records,
    cohort_weekly_records,
)
from tracker.exports.dictionary import DICTIONARY, EXPORTS
from tracker.models import SymptomEntry
from tracker.selectors.symptom_days import DAY_COUNTS

# 16 Nov 2026, 21:00 in Rome.
NOW = datetime(2026, 11, 16, 20, 0, tzinfo=UTC)
Kind = SymptomEntry.Kind
RANGE = re.compile(r"(-?\d+)-(\d+)")
#: Offsets from a birth or a regimen start: negative before it.
SIGNED = {"day_of_life", "day_of_regimen"}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def everything(mother, infant):
    """Every case a column's description speaks of, at least once."""
    twin = InfantFactory(mother=mother, name="Sara", pregnancy=infant.pregnancy)
    # From 20 Oct (pregnancy days to the 29th; Luca is born on the 30th) to 10 Nov: the
    # week of 13-16 Nov has no dose scheduled.
    regimen = RegimenFactory(mother=mother, start_date=date(2026, 10, 20), end_date=date(2026, 11, 10))
    DoseLogFactory(regimen=regimen, slot_date=date(2026, 10, 22), slot_time=time(8, 0))
    DoseLogFactory(
        regimen=regimen, slot_date=date(2026, 11, 2), slot_time=time(8, 0), status="skipped", taken_at=None
    )
    reasoned = DoseLogFactory(
        regimen=regimen, slot_date=date(2026, 11, 2), slot_time=time(20, 0), status="skipped", taken_at=None
    )
    reasoned.skip_reason = "forgot"
    reasoned.save()
    FeedingSessionFactory(infant=infant, started_at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC), notes="sleepy")
    FeedingSessionFactory(
        infant=infant,
        started_at=datetime(2026, 11, 3, 9, 0, tzinfo=UTC),
        formula=True,
    )
    FeedingSessionFactory(infant=twin, started_at=NOW - timedelta(minutes=5), ended_at=None)
    SymptomEntryFactory(
        infant=infant, occurred_at=datetime(2026, 11, 2, 10, 0, tzinfo=UTC), notes="=after feed"
    )
    SymptomEntryFactory(
        infant=infant, occurred_at=datetime(2026, 11, 2, 11, 0, tzinfo=UTC), size="large", is_vomiting=True
    )
    SymptomEntryFactory(
        infant=infant,
        kind=Kind.CRYING,
        size="",
        occurred_at=datetime(2026, 11, 4, 17, 0, tzinfo=UTC),
        ended_at=datetime(2026, 11, 4, 20, 10, tzinfo=UTC),  # stopped with the timer: 190 min
    )
    SymptomEntryFactory(
        infant=twin,
        kind=Kind.CRYING,
        size="",
        duration_minutes=15,
        occurred_at=datetime(2026, 11, 5, 9, 0, tzinfo=UTC),
    )
    SymptomEntryFactory(infant=infant, kind=Kind.CRYING, size="", occurred_at=NOW - timedelta(minutes=10))
    SymptomEntryFactory(
        infant=infant,
        kind=Kind.ABDOMINAL_PAIN,
        size="",
        severity=2,
        occurred_at=datetime(2026, 11, 6, 9, 0, tzinfo=UTC),
    )
    SymptomEntryFactory(
        infant=infant,
        kind=Kind.STOOL,
        size="",
        stool_consistency=4,
        stool_colour="yellow",
        straining_minutes=12,
        occurred_at=datetime(2026, 11, 6, 10, 0, tzinfo=UTC),
    )
    SymptomEntryFactory(
        infant=twin,
        kind=Kind.STOOL,
        size="",
        stool_consistency=7,
        occurred_at=datetime(2026, 11, 7, 10, 0, tzinfo=UTC),
    )
    DailyCheckFactory(infant=infant, day=date(2026, 11, 8), other_than_breast_milk=False, notes="ok")
    DailyCheckFactory(infant=twin, day=date(2026, 11, 8), no_symptoms=False, other_than_breast_milk=None)
    DailyCheckFactory(infant=twin, day=date(2026, 11, 9), other_than_breast_milk=True)
    # Luca's week 2 of life (6-12 Nov): 4 logging days, enough for the weekly means.
    for day in (9, 10):
        DailyCheckFactory(infant=infant, day=date(2026, 11, day), no_symptoms=True)
    return mother


def read(lines) -> tuple[list[str], list[list[str]]]:
    header, *rows = csv.reader(io.StringIO("".join(lines)))
    return header, rows


def allowed(column: Column) -> tuple[set[str], range | None]:
    """The values ``allowed_values`` lists ('1, label | 2, label', 'yes | no') or its range."""
    if match := RANGE.fullmatch(column.allowed_values):
        return set(), range(int(match[1]), int(match[2]) + 1)
    options = [option.split(", ")[0].strip() for option in column.allowed_values.split(" | ")]
    return {option for option in options if option and not option.startswith("blank")}, None


def problems(column: Column, cells: list[str], *, signed: bool = False) -> list[str]:
    """What in ``cells`` the column's type, unit, allowed values and ``blank_when`` rule out."""
    found = []
    values, bounds = allowed(column) if column.allowed_values else (set(), None)
    for cell in cells:
        if cell == "":
            if not column.blank_when:
                found.append("blank, but never blank by its description")
            continue
        number = None
        if column.type == INTEGER:
            number = int(cell)
        elif column.type == DECIMAL:
            number = float(cell)
        elif column.type == DATE:
            assert date.fromisoformat(cell) and len(cell) == 10
        elif column.type == DATETIME:
            if datetime.fromisoformat(cell).utcoffset() is None:
                found.append(f"{cell}: no offset")
        elif column.type == TIME:
            if not re.fullmatch(r"\d\d:\d\d", cell):
                found.append(f"{cell}: not HH:MM")
        elif column.type == YES_NO and cell not in {"yes", "no"}:
            found.append(f"{cell}: not yes or no")
        if bounds is not None and not bounds.start <= float(cell) < bounds.stop:
            found.append(f"{cell}: outside {column.allowed_values}")
        if values and cell not in values:
            found.append(f"{cell}: not one of {sorted(values)}")
        if column.unit and number is not None and number < 0 and not signed:
            found.append(f"{cell}: a negative number of {column.unit}")
    return found


def check(columns, lines, *, signed=frozenset()) -> list[list[str]]:
    header, rows = read(lines)
    assert header == [column.name for column in columns]
    assert rows
    for index, column in enumerate(columns):
        cells = [row[index] for row in rows]
        assert problems(column, cells, signed=column.name in signed) == [], column.name
        # The record holds every case: each column has a value, and each blank_when happens.
        assert any(cells), f"{column.name} is never filled"
        if column.blank_when:
            assert "" in cells, f"{column.name} is never blank: {column.blank_when}"
    return rows


@pytest.mark.parametrize("export", EXPORTS, ids=lambda export: export.key)
def test_every_cell_obeys_its_columns_description(everything, export):
    check(export.columns, export.lines(mother=everything))


@pytest.mark.parametrize("columns", ["daily", "weekly"])
def test_every_cell_of_the_cohort_obeys_its_columns_description(everything, clinician, columns):
    pregnant, no_regimen = UserFactory(), InfantFactory().mother
    RegimenFactory(mother=pregnant, start_date=date(2026, 11, 10))
    for mother in (everything, pregnant, no_regimen):
        CareGrantFactory(mother=mother, clinician=clinician, scope="summary_exports")
    records, columns = {
        "daily": (cohort_records, COHORT_COLUMNS),
        "weekly": (cohort_weekly_records, COHORT_WEEKLY_COLUMNS),
    }[columns]

    check(
        columns,
        table_lines(
            columns, records(clinician=clinician, mothers=[everything, pregnant, no_regimen]), zone=None
        ),
        signed=SIGNED,
    )


@pytest.mark.parametrize("export", EXPORTS, ids=lambda export: export.key)
def test_a_description_that_speaks_of_blank_cells_has_a_blank_when(export):
    for column in export.columns:
        text = f"{column.description} {column.allowed_values}".lower()
        if "blank" in text:
            assert column.blank_when, column.name
        if column.blank_when:
            assert "never blank" not in text, column.name
        if column.unit:
            assert column.type in {INTEGER, DECIMAL}, column.name
        if column.allowed_values and not RANGE.fullmatch(column.allowed_values):
            assert column.type in {CHOICE, YES_NO, INTEGER, TEXT}, column.name


def test_symptom_cells_are_blank_exactly_on_days_without_data(everything):
    export = next(export for export in EXPORTS if export.key == "daily")
    header, rows = read(export.lines(mother=everything))
    index = {name: header.index(name) for name in header}

    for row in rows:
        blank = {row[index[name]] == "" for name in DAY_COUNTS}
        assert blank == {row[index["symptom_logging_day"]] != "yes"}, row


def test_a_crying_spell_has_its_minutes_unless_it_is_still_being_timed(everything):
    export = next(export for export in EXPORTS if export.key == "symptoms")
    header, rows = read(export.lines(mother=everything))
    crying = [dict(zip(header, row, strict=True)) for row in rows if row[header.index("kind")] == "crying"]

    assert [(row["ended_at"] != "", row["duration_minutes"]) for row in crying] == [
        (True, "190"),  # stopped with the timer
        (False, "15"),  # typed as minutes
        (False, ""),  # running now
    ]


def test_the_dictionary_says_when_each_column_is_blank(everything):
    header, rows = read(DICTIONARY.lines(mother=everything))
    described = {(row[1], row[0]): dict(zip(header, row, strict=True)) for row in rows}

    assert header[-1] == "blank_when"
    assert described[("symptoms", "duration_minutes")]["blank_when"] == (
        "not crying, or a crying spell still being timed (ended_at blank)"
    )
    assert described[("daily", "regurgitations")]["blank_when"].startswith("not a symptom logging day")
    assert described[("daily", "doses_taken")]["blank_when"] == ""
    assert "blank when timed" not in " ".join(row["description"] for row in described.values())
