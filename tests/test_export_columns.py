"""Export columns carry their own values: a header and its value move together, and the data
dictionary describes exactly the columns written."""

import csv
import io
from dataclasses import replace
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
)
from tracker.exports.catalogue import table_lines
from tracker.exports.cohort import COHORT_COLUMNS, cohort_records
from tracker.exports.dictionary import DICTIONARY, EXPORTS
from tracker.models import FeedingSession, SymptomEntry

NOW = datetime(2026, 11, 16, 20, 0, tzinfo=UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def record(mother, infant):
    """A row of every kind, with values that differ from column to column."""
    twin = InfantFactory(mother=mother, name="=Sara", pregnancy=infant.pregnancy)
    regimen = RegimenFactory(mother=mother, start_date=date(2026, 11, 1))
    DoseLogFactory(regimen=regimen, slot_date=date(2026, 11, 2), slot_time=time(8, 0))
    skipped = DoseLogFactory(
        regimen=regimen, slot_date=date(2026, 11, 3), slot_time=time(20, 0), status="skipped", taken_at=None
    )
    skipped.skip_reason = "+forgot"
    skipped.save()
    FeedingSessionFactory(
        infant=infant,
        started_at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
        method=FeedingSession.Method.MIXED,
        left_seconds=450,
        right_seconds=600,
        switches=3,
        bottle_ml=30,
        notes="-sleepy",
    )
    FeedingSessionFactory(infant=twin, started_at=NOW - timedelta(minutes=5), ended_at=None)
    SymptomEntryFactory(
        infant=infant,
        kind=SymptomEntry.Kind.STOOL,
        occurred_at=datetime(2026, 11, 3, 22, 30, tzinfo=UTC),
        size="",
        stool_consistency=4,
        stool_colour="yellow",
        straining_minutes=12,
    )
    SymptomEntryFactory(
        infant=twin,
        kind=SymptomEntry.Kind.CRYING,
        size="",
        occurred_at=datetime(2026, 11, 5, 17, 0, tzinfo=UTC),
        ended_at=datetime(2026, 11, 5, 17, 45, tzinfo=UTC),
        notes="@night",
    )
    SymptomEntryFactory(infant=infant, size="large", is_vomiting=True, notes="")
    DailyCheckFactory(infant=infant, day=date(2026, 11, 2), other_than_breast_milk=False, notes="ok")
    DailyCheckFactory(infant=twin, day=date(2026, 11, 4), no_symptoms=False, other_than_breast_milk=None)
    return mother


def read(lines) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO("".join(lines))))


def rotated(columns: tuple) -> tuple:
    """The same columns, each one place further on (the first goes last)."""
    return (*columns[1:], columns[0])


@pytest.mark.parametrize("export", EXPORTS, ids=lambda export: export.key)
def test_every_value_stays_under_its_header_whatever_the_column_order(record, export):
    moved = replace(export, columns=rotated(export.columns))

    rows, moved_rows = read(export.lines(mother=record)), read(moved.lines(mother=record))

    assert len(rows) > 1
    assert moved_rows == rows
    assert list(moved_rows[0]) == moved.header


def test_every_value_of_the_cohort_stays_under_its_header_whatever_the_column_order(record, clinician):
    CareGrantFactory(mother=record, clinician=clinician, scope="summary_exports")

    def cohort(columns):
        return read(table_lines(columns, cohort_records(clinician=clinician, mothers=[record]), zone=None))

    rows = cohort(COHORT_COLUMNS)

    assert len(rows) > 1
    assert cohort(rotated(COHORT_COLUMNS)) == rows


@pytest.mark.parametrize("export", EXPORTS, ids=lambda export: export.key)
def test_every_column_has_one_header_and_is_described_in_the_dictionary(record, export):
    described = {(row["form"], row["variable"]): row for row in read(DICTIONARY.lines(mother=record))}

    assert len(set(export.header)) == len(export.header)
    for column in export.columns:
        row = described[(export.key, column.name)]
        assert row["description"] == column.description
        assert (row["type"], row["unit"], row["allowed_values"]) == (
            column.type,
            column.unit,
            column.allowed_values,
        )


def test_the_cohort_columns_have_one_header_each_and_a_description():
    names = [column.name for column in COHORT_COLUMNS]

    assert len(set(names)) == len(names)
    assert all(column.description for column in COHORT_COLUMNS)


def test_every_csv_export_is_offered_to_her_and_to_a_clinician_under_its_own_url():
    from django.urls import resolve, reverse

    from tracker.exports.dictionary import EXPORTS
    from tracker.views.clinician import PATIENT_DOWNLOADS
    from tracker.views.exports import DOWNLOADS

    assert [export for export, _ in DOWNLOADS] == list(EXPORTS)
    assert [export for export, _ in PATIENT_DOWNLOADS] == list(EXPORTS)
    # Each link on the downloads pages opens the export it is listed as.
    for export, url_name in DOWNLOADS:
        assert resolve(reverse(url_name)).kwargs == {"export": export}
    for export, url_name in PATIENT_DOWNLOADS:
        assert resolve(reverse(url_name, args=[7])).kwargs == {"mother_id": 7, "export": export}
