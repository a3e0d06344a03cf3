"""CSV exports: exact rows in her time zone, formula-safe cells, her rows only, the dashboard's numbers."""

import csv
import io
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tests.factories import (
    DailyCheckFactory,
    DoseLogFactory,
    FeedingSessionFactory,
    InfantFactory,
    RegimenFactory,
    SymptomEntryFactory,
)
from tracker.exports.csv_safe import csv_lines, neutralise
from tracker.exports.dictionary import EXPORTS
from tracker.models import FeedingSession, SymptomEntry
from tracker.selectors.adherence import adherence_for_regimen
from tracker.selectors.feeding_stats import feeding_summary
from tracker.selectors.symptom_trends import symptom_trends

# 16 Nov 2026, 21:00 in Rome (CET, +01:00); Rome left summer time (+02:00) on 25 Oct.
NOW = datetime(2026, 11, 16, 20, 0, tzinfo=UTC)
#: The CSV downloads (the zip, the PDF and the FHIR Bundle have tests of their own).
EXPORT_NAMES = [
    "export_doses",
    "export_feeds",
    "export_symptoms",
    "export_checks",
    "export_daily",
    "export_weekly",
    "export_dictionary",
]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def download(client: Client, name: str) -> list[dict[str, str]]:
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert response.streaming is True
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def header(client: Client, name: str) -> list[str]:
    response = client.get(reverse(name))
    return next(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_doses_carry_summer_and_winter_offsets_of_her_zone(mother, mother_client):
    regimen = RegimenFactory(mother=mother, start_date=date(2026, 10, 1))
    summer = DoseLogFactory(regimen=regimen, slot_date=date(2026, 10, 10), slot_time=time(8, 0))
    winter = DoseLogFactory(
        regimen=regimen, slot_date=date(2026, 11, 16), slot_time=time(8, 0), status="skipped", taken_at=None
    )
    winter.skip_reason = "=cmd|' /C calc'!A0"
    winter.save()

    rows = download(mother_client, "export_doses")

    assert header(mother_client, "export_doses") == [
        "dose_id",
        "regimen_id",
        "product_name",
        "slot_date",
        "slot_time",
        "scheduled_at",
        "status",
        "taken_at",
        "skip_reason",
        "source",
        "logged_at",
    ]
    assert [row["dose_id"] for row in rows] == [str(summer.pk), str(winter.pk)]
    first, second = rows
    assert first["slot_date"] == "2026-10-10"
    assert first["slot_time"] == "08:00"
    assert first["scheduled_at"] == "2026-10-10T08:00:00+02:00"
    assert first["taken_at"] == "2026-10-10T08:00:00+02:00"
    assert first["status"] == "taken"
    assert first["product_name"] == "Multi-strain probiotic"
    assert first["logged_at"] == "2026-11-16T21:00:00+01:00"
    assert second["scheduled_at"] == "2026-11-16T08:00:00+01:00"
    assert second["taken_at"] == ""
    assert second["skip_reason"] == "'=cmd|' /C calc'!A0"


def test_a_feed_row_has_minutes_per_breast_and_her_local_times(mother, mother_client, infant):
    feed = FeedingSessionFactory(
        infant=infant,
        started_at=datetime(2026, 11, 16, 7, 5, tzinfo=UTC),
        method=FeedingSession.Method.MIXED,
        left_seconds=450,
        right_seconds=600,
        bottle_ml=30,
        notes="sleepy",
    )

    assert download(mother_client, "export_feeds") == [
        {
            "feed_id": str(feed.pk),
            "infant_id": str(infant.pk),
            "infant_name": "Luca",
            "started_at": "2026-11-16T08:05:00+01:00",
            "ended_at": "2026-11-16T08:25:00+01:00",
            "duration_minutes": "20.0",
            "method": "mixed",
            "start_side": "left",
            "left_minutes": "7.5",
            "right_minutes": "10.0",
            "switches": "1",
            "bottle_ml": "30",
            "notes": "sleepy",
        }
    ]


def test_a_symptom_row_and_timed_crying(mother, mother_client, infant):
    stool = SymptomEntryFactory(
        infant=infant,
        kind=SymptomEntry.Kind.STOOL,
        occurred_at=datetime(2026, 11, 15, 22, 30, tzinfo=UTC),  # 23:30 in Rome
        size="",
        stool_consistency=4,
        stool_colour="yellow",
        straining_minutes=12,
    )
    crying = SymptomEntryFactory(
        infant=infant,
        kind=SymptomEntry.Kind.CRYING,
        occurred_at=datetime(2026, 11, 16, 17, 0, tzinfo=UTC),
        ended_at=datetime(2026, 11, 16, 17, 45, tzinfo=UTC),
        size="",
    )

    rows = download(mother_client, "export_symptoms")

    assert rows[0] == {
        "symptom_id": str(stool.pk),
        "infant_id": str(infant.pk),
        "infant_name": "Luca",
        "kind": "stool",
        "occurred_at": "2026-11-15T23:30:00+01:00",
        "ended_at": "",
        "duration_minutes": "",
        "size": "",
        "is_vomiting": "no",
        "severity": "",
        "stool_consistency": "4",
        "stool_colour": "yellow",
        "straining_minutes": "12",
        "notes": "",
    }
    assert rows[1]["symptom_id"] == str(crying.pk)
    assert rows[1]["ended_at"] == "2026-11-16T18:45:00+01:00"


def test_a_daily_check_row(mother, mother_client, infant):
    check = DailyCheckFactory(infant=infant, day=date(2026, 11, 15), other_than_breast_milk=None, notes="ok")

    assert download(mother_client, "export_checks") == [
        {
            "check_id": str(check.pk),
            "infant_id": str(infant.pk),
            "infant_name": "Luca",
            "day": "2026-11-15",
            "no_symptoms": "yes",
            "other_than_breast_milk": "",
            "notes": "ok",
        }
    ]


@pytest.mark.parametrize("typed", ['=HYPERLINK("http://x","y")', "+1+1", "-1+1", "@SUM(A1)", "\tx", "\rx"])
def test_a_note_that_looks_like_a_formula_opens_as_text(mother_client, infant, typed):
    FeedingSessionFactory(infant=infant, notes=typed)
    infant.name = typed
    infant.save()

    (row,) = download(mother_client, "export_feeds")

    assert row["notes"] == "'" + typed
    assert row["infant_name"] == "'" + typed


@pytest.mark.parametrize(
    "typed",
    [
        "\uff1dSUM(A1)",  # full-width equals
        "\ufe62SUM(A1)",  # small plus
        "\uff0b1",  # full-width plus
        "\uff0d1+1",  # full-width hyphen-minus
        "\ufe63 1",  # small hyphen-minus
        "\uff20SUM(A1)",  # full-width commercial at
        "\ufe66cmd",  # small equals
        "\u200b=1+1",  # zero-width space first
        "\u00a0=1+1",  # no-break space first
        "\ufeff@SUM(A1)",  # byte order mark first
        " \u2060+1",  # a space and a word joiner first
        " =1+1",
    ],
)
def test_a_formula_look_alike_opens_as_text(mother_client, infant, typed):
    FeedingSessionFactory(infant=infant, notes=typed)

    (row,) = download(mother_client, "export_feeds")

    assert row["notes"] == "'" + typed


@pytest.mark.parametrize("plain", ["Luca", "\u00a0Luca", "\uff21 is a letter", "1 \u2212 2", ""])
def test_text_that_is_no_formula_is_left_alone(plain):
    assert neutralise(plain) == plain


def test_numbers_the_app_writes_stay_numbers():
    lines = list(csv_lines(["delta", "note"], [(-3, "-3"), (-1.5, "fine")], text_columns=[1]))

    assert lines == ["delta,note\r\n", "-3,'-3\r\n", "-1.5,fine\r\n"]
    assert neutralise(-3) == -3
    assert neutralise("") == ""
    assert neutralise("a=b") == "a=b"


def test_another_mothers_rows_never_appear(mother, mother_client, infant, outsider):
    theirs = InfantFactory(mother=outsider, name="Other")
    their_regimen = RegimenFactory(mother=outsider)
    DoseLogFactory(regimen=their_regimen)
    FeedingSessionFactory(infant=theirs)
    SymptomEntryFactory(infant=theirs)
    DailyCheckFactory(infant=theirs)
    mine = RegimenFactory(mother=mother)
    DoseLogFactory(regimen=mine)
    FeedingSessionFactory(infant=infant)
    SymptomEntryFactory(infant=infant)
    DailyCheckFactory(infant=infant)

    for name in ("export_feeds", "export_symptoms", "export_checks", "export_daily"):
        rows = download(mother_client, name)
        assert rows
        # The daily summary's pregnancy rows (her regimen from 1 Oct, Luca born 30 Oct) have no infant.
        assert {row["infant_id"] for row in rows} - {""} == {str(infant.pk)}, name
    assert {row["regimen_id"] for row in download(mother_client, "export_doses")} == {str(mine.pk)}


def test_the_daily_summary_has_the_dashboards_numbers(mother, mother_client, infant):
    twin = InfantFactory(mother=mother, name="Sara", pregnancy=infant.pregnancy)
    regimen = RegimenFactory(mother=mother, start_date=date(2026, 11, 1))
    for day in (date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 16)):
        DoseLogFactory(regimen=regimen, slot_date=day, slot_time=time(8, 0))
    DoseLogFactory(regimen=regimen, slot_date=date(2026, 11, 3), slot_time=time(20, 0))
    for hour in (0, 3, 22):  # 22:30 UTC on the 2nd is 23:30 in Rome, still the 2nd
        FeedingSessionFactory(infant=infant, started_at=datetime(2026, 11, 2, hour, 30, tzinfo=UTC))
    FeedingSessionFactory(
        infant=infant,
        started_at=datetime(2026, 11, 4, 9, 0, tzinfo=UTC),
        formula=True,
    )
    FeedingSessionFactory(infant=twin, started_at=datetime(2026, 11, 3, 9, 0, tzinfo=UTC), ended_at=None)
    SymptomEntryFactory.create_batch(2, infant=infant, occurred_at=datetime(2026, 11, 5, 8, 0, tzinfo=UTC))
    SymptomEntryFactory(
        infant=infant,
        kind=SymptomEntry.Kind.CRYING,
        size="",
        occurred_at=datetime(2026, 11, 5, 18, 0, tzinfo=UTC),
        ended_at=datetime(2026, 11, 5, 18, 40, 40, tzinfo=UTC),
    )
    SymptomEntryFactory(
        infant=infant, kind=SymptomEntry.Kind.CRYING, size="", duration_minutes=15, occurred_at=NOW
    )
    SymptomEntryFactory(infant=infant, kind=SymptomEntry.Kind.STOOL, size="", stool_consistency=5)
    DailyCheckFactory(infant=infant, day=date(2026, 11, 2), other_than_breast_milk=False)
    DailyCheckFactory(infant=infant, day=date(2026, 11, 4), other_than_breast_milk=False)  # formula fed
    DailyCheckFactory(infant=infant, day=date(2026, 11, 6), other_than_breast_milk=True)

    rows = download(mother_client, "export_daily")

    today = date(2026, 11, 16)
    born = date(2026, 10, 30)
    for baby in (infant, twin):
        mine = [row for row in rows if row["infant_id"] == str(baby.pk)]
        assert [row["day"] for row in mine] == [(born + timedelta(days=n)).isoformat() for n in range(18)]
        baby.mother = mother
        feeding = feeding_summary(infant=baby, first_day=born, last_day=today)
        symptoms = symptom_trends(infant=baby, first_day=born, last_day=today)
        for row, feed_day, symptom_day in zip(mine, feeding.per_day, symptoms.per_day, strict=True):
            assert int(row["feeds"]) == feed_day.feeds
            assert float(row["feed_minutes"]) == round(feed_day.minutes, 1)
            if row["symptom_logging_day"] == "no":  # no data: blank in the CSV, a gap on the dashboard
                assert {row[name] for name in ("regurgitations", "crying_minutes", "stools")} == {""}
                assert symptom_day.regurgitations is None
                continue
            assert int(row["regurgitations"]) == symptom_day.regurgitations
            assert int(row["crying_minutes"]) == symptom_day.crying_minutes
            assert int(row["stools"]) == symptom_day.stools
        yes_days = sum(row["exclusive_breastfeeding"] == "yes" for row in mine)
        assert yes_days == feeding.exclusive_breastfeeding_days
        adherence = adherence_for_regimen(regimen=regimen)
        assert sum(int(row["doses_taken"]) for row in mine) == adherence.doses_taken == 4
        # 1-15 Nov: 2 a day; 16 Nov at 10:00: only the 08:00 slot counts yet (logged)
        assert sum(int(row["doses_scheduled"]) for row in mine) == adherence.doses_scheduled == 31
        assert [(row["day"], row["doses_to_come"]) for row in mine if row["doses_to_come"] != "0"] == [
            ("2026-11-16", "1")  # the 20:00 dose
        ]

    by_day = {row["day"]: row for row in rows if row["infant_id"] == str(infant.pk)}
    assert by_day["2026-11-02"] | {"infant_id": "x"} == {
        "infant_id": "x",
        "day": "2026-11-02",
        "doses_taken": "1",
        "doses_scheduled": "2",
        "doses_to_come": "0",
        "feeds": "3",
        "feed_minutes": "60.0",
        **{"regurgitations": "0", "vomiting": "0", "crying_minutes": "0", "stools": "1"},
        **{"stools_hard": "0", "stools_formed": "0", "stools_loose": "1", "stools_watery": "0"},
        **{"symptom_logging_day": "yes", "exclusive_breastfeeding": "yes"},
    }
    assert by_day["2026-11-04"]["exclusive_breastfeeding"] == "no"
    assert by_day["2026-11-05"]["crying_minutes"] == "41"
    assert by_day["2026-11-06"]["exclusive_breastfeeding"] == "no"
    assert by_day["2026-11-07"]["exclusive_breastfeeding"] == ""
    assert by_day["2026-10-31"]["doses_scheduled"] == "0"


def test_the_daily_summary_query_count_does_not_grow_with_the_data(
    mother, mother_client, infant, django_assert_max_num_queries
):
    regimen = RegimenFactory(mother=mother, start_date=date(2026, 11, 1))
    for n in range(10):
        day = date(2026, 11, 1) + timedelta(days=n)
        DoseLogFactory(regimen=regimen, slot_date=day, slot_time=time(8, 0))
        FeedingSessionFactory(infant=infant, started_at=datetime.combine(day, time(9), UTC))
        SymptomEntryFactory(infant=infant, occurred_at=datetime.combine(day, time(10), UTC))

    with django_assert_max_num_queries(9):  # session, user, then the export's 7
        download(mother_client, "export_daily")


def test_the_dictionary_lists_every_column_of_every_export(mother, mother_client, infant):
    dictionary = download(mother_client, "export_dictionary")
    described = [(row["form"], row["variable"]) for row in dictionary]

    in_files = [
        (name.removeprefix("export_"), column)
        for name in EXPORT_NAMES
        for column in header(mother_client, name)
    ]

    assert described == in_files
    assert {export.key for export in EXPORTS} == {name.removeprefix("export_") for name in EXPORT_NAMES}
    assert all(row["description"] for row in dictionary)
    minutes = {row["variable"]: row["unit"] for row in dictionary if row["form"] == "feeds"}
    assert minutes["left_minutes"] == "minutes"
    assert minutes["bottle_ml"] == "ml"


def test_the_index_links_every_download(mother_client):
    response = mother_client.get(reverse("export_index"))

    assert response.status_code == 200
    for name in EXPORT_NAMES:
        assert f'href="{reverse(name)}"' in response.content.decode()
    assert b"Data dictionary" in response.content


@pytest.mark.parametrize("name", ["export_index", "export_archive", *EXPORT_NAMES])
def test_signed_out_visitors_are_sent_to_log_in(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_attachment_is_named_after_the_export_and_her_day(mother_client):
    response = mother_client.get(reverse("export_feeds"))

    assert response["Content-Disposition"] == 'attachment; filename="feeds-2026-11-16.csv"'
