"""The daily summary's pregnancy rows and blank no-data days, and the weekly diary (weekly.csv)
built from it: hand-computed weeks, twins, the sum of the daily rows, the clinician's copy."""

import csv
import io
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tests.factories import (
    CareGrantFactory,
    ClinicianFactory,
    DailyCheckFactory,
    DoseLogFactory,
    FeedingSessionFactory,
    RegimenFactory,
    SymptomEntryFactory,
)
from tracker.models import AuditEvent, FeedingSession, SymptomEntry
from tracker.selectors.symptom_days import DAY_COUNTS

# 16 Nov 2026, 21:00 in Rome (CET, +01:00): the 08:00 dose of today is long past.
NOW = datetime(2026, 11, 16, 20, 0, tzinfo=UTC)
MORNING = time(8, 0)
STOOL = SymptomEntry.Kind.STOOL
CRYING = SymptomEntry.Kind.CRYING

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def rows_of(response) -> list[dict[str, str]]:
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def download(client: Client, name: str, *args) -> list[dict[str, str]]:
    return rows_of(client.get(reverse(name, args=args)))


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """``hour``:``minute`` UTC on ``day`` November 2026 (one hour later in Rome)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def take(regimen, *days: int) -> None:
    for day in days:
        DoseLogFactory(regimen=regimen, slot_date=date(2026, 11, day), slot_time=MORNING)


@pytest.fixture
def diary(mother, infant):
    """Luca, born 30 Oct; one 08:00 dose a day from 1 Nov. Week 2 of life (6-12 Nov) has
    four logging days: the 6th (2 spit-ups, 1 vomit), the 8th (a daily check only), the 11th
    (200 minutes of crying, stools of Brussels 2, 4 and 6) and the 12th ("no symptoms")."""
    regimen = RegimenFactory(mother=mother, dose_times=["08:00"], start_date=date(2026, 11, 1))
    take(regimen, 2, 6, 7, 8, 16)
    SymptomEntryFactory.create_batch(2, infant=infant, occurred_at=at(6, 9))
    SymptomEntryFactory(infant=infant, occurred_at=at(6, 12), size="large", is_vomiting=True)
    DailyCheckFactory(infant=infant, day=date(2026, 11, 8), other_than_breast_milk=False)
    DailyCheckFactory(infant=infant, day=date(2026, 11, 12), no_symptoms=True, other_than_breast_milk=None)
    SymptomEntryFactory(infant=infant, kind=CRYING, size="", duration_minutes=200, occurred_at=at(11, 18))
    for consistency in (2, 4, 6):
        SymptomEntryFactory(
            infant=infant, kind=STOOL, size="", stool_consistency=consistency, occurred_at=at(11, 9)
        )
    FeedingSessionFactory.create_batch(2, infant=infant, started_at=at(6, 7))
    FeedingSessionFactory(infant=infant, started_at=at(7, 7))
    # Week 1: a spit-up on 31 Oct; week 3 (13-16 Nov, 4 days so far): a stool of Brussels 7.
    SymptomEntryFactory(infant=infant, occurred_at=datetime(2026, 10, 31, 9, 0, tzinfo=UTC))
    SymptomEntryFactory(infant=infant, kind=STOOL, size="", stool_consistency=7, occurred_at=at(14, 9))
    return regimen


def test_a_week_with_four_logging_days_and_weeks_with_one(mother_client, infant, diary):
    weeks = download(mother_client, "export_weekly")

    assert [(w["infant_id"], w["week_of_life"], w["first_day"], w["days"]) for w in weeks] == [
        (str(infant.pk), "1", "2026-10-30", "7"),
        (str(infant.pk), "2", "2026-11-06", "7"),
        (str(infant.pk), "3", "2026-11-13", "4"),  # today is the 16th
    ]
    assert weeks[1] == {
        "infant_id": str(infant.pk),
        "week_of_life": "2",
        "regimen_week": "1",  # 6 Nov is day 5 of the regimen
        "first_day": "2026-11-06",
        "last_day": "2026-11-12",
        "days": "7",
        "logging_days": "4",
        "stools": "3",
        "stools_per_day": "0.75",  # 3 stools / 4 logging days
        "stools_hard": "1",
        "stools_formed": "1",
        "stools_loose": "1",
        "stools_watery": "0",
        "regurgitations_per_day": "0.5",  # 2 / 4, the vomit apart
        "vomiting_per_day": "0.25",
        "crying_minutes_per_day": "50.0",  # 200 / 4
        "crying_3h_days": "1",
        "feed_days": "2",
        "feeds_per_day": "1.5",  # 3 feeds over the 2 days with a feed logged
        "breast_milk_only_days": "1",
        "doses_taken": "3",
        "doses_scheduled": "7",
        "dose_adherence": "42.9",
        "regimen_days": "7",
        "days_covered": "3",
    }
    # Week 1 (30 Oct - 5 Nov): the regimen starts on its 3rd day; one logging day, so no mean.
    first = weeks[0]
    assert (first["regimen_week"], first["regimen_days"], first["doses_taken"], first["dose_adherence"]) == (
        "1",
        "5",
        "1",
        "20.0",
    )
    assert (first["logging_days"], first["regurgitations_per_day"], first["feeds_per_day"]) == ("1", "", "")
    # Week 3 so far: 13-16 Nov, regimen week 2 (days 12-18 of the regimen), today's dose taken.
    third = weeks[2]
    assert (third["last_day"], third["regimen_week"], third["doses_taken"], third["doses_scheduled"]) == (
        "2026-11-16",
        "2",
        "1",
        "4",
    )
    assert (third["logging_days"], third["stools_watery"], third["stools_per_day"]) == ("1", "1", "")


def test_a_feed_logged_before_the_birth_day_starts_a_week_0_as_the_dictionary_says(mother_client, infant):
    FeedingSessionFactory(infant=infant, started_at=at(1, 7) - timedelta(days=5))  # 27 Oct: day -3

    weeks = download(mother_client, "export_weekly")
    dictionary = {row["variable"]: row for row in download(mother_client, "export_dictionary")}

    assert [(w["week_of_life"], w["first_day"], w["days"], w["feed_days"]) for w in weeks[:2]] == [
        ("0", "2026-10-27", "3", "1"),  # 27-29 Oct, days -3 to -1
        ("1", "2026-10-30", "7", "0"),
    ]
    assert "0 = days -7 to -1" in dictionary["week_of_life"]["description"]


def test_a_day_without_data_has_blank_symptom_cells_not_zeros(mother_client, infant, diary):
    days = {row["day"]: row for row in download(mother_client, "export_daily")}

    assert days["2026-11-07"]["symptom_logging_day"] == "no"
    assert {days["2026-11-07"][name] for name in DAY_COUNTS} == {""}
    assert days["2026-11-07"]["feeds"] == "1"  # feeds are not symptoms
    # A daily check with nothing else: a logging day of real zeros.
    assert days["2026-11-08"]["symptom_logging_day"] == "yes"
    assert {days["2026-11-08"][name] for name in DAY_COUNTS} == {"0"}
    assert (days["2026-11-06"]["regurgitations"], days["2026-11-06"]["vomiting"]) == ("2", "1")


def test_each_week_is_the_sum_of_its_daily_rows(mother, mother_client, infant, twin, diary):
    SymptomEntryFactory(infant=twin, kind=CRYING, size="", duration_minutes=190, occurred_at=at(3, 18))
    FeedingSessionFactory(
        infant=twin, started_at=at(9, 7), method=FeedingSession.Method.FORMULA, start_side="", bottle_ml=90
    )
    daily = download(mother_client, "export_daily")
    weeks = download(mother_client, "export_weekly")

    assert len(weeks) == 6  # three weeks each for Luca and Sara
    for week in weeks:
        days = [
            row
            for row in daily
            if row["infant_id"] == week["infant_id"] and week["first_day"] <= row["day"] <= week["last_day"]
        ]
        logged = [row for row in days if row["symptom_logging_day"] == "yes"]
        fed = [row for row in days if int(row["feeds"])]

        def total(name, rows=logged):
            return sum(int(row[name]) for row in rows)

        def mean(name, rows=logged, at_least=4):
            return str(round(total(name, rows) / len(rows), 2)) if len(rows) >= at_least else ""

        assert int(week["days"]) == len(days)
        assert int(week["logging_days"]) == len(logged)
        for name in ("stools", "stools_hard", "stools_formed", "stools_loose", "stools_watery"):
            assert week[name] == (str(total(name)) if logged else "")
        for name in ("stools", "regurgitations", "vomiting", "crying_minutes"):
            assert week[f"{name}_per_day"] == mean(name)
        assert week["crying_3h_days"] == (
            str(sum(int(row["crying_minutes"]) >= 180 for row in logged)) if logged else ""
        )
        assert (week["feed_days"], week["feeds_per_day"]) == (str(len(fed)), mean("feeds", fed, at_least=1))
        assert int(week["breast_milk_only_days"]) == sum(
            row["exclusive_breastfeeding"] == "yes" for row in days
        )
        assert int(week["doses_taken"]) == total("doses_taken", days)
        assert int(week["doses_scheduled"]) == total("doses_scheduled", days)
        counted = [row for row in days if int(row["doses_scheduled"]) and row["doses_to_come"] == "0"]
        assert int(week["regimen_days"]) == len(counted)
        assert int(week["days_covered"]) == sum(
            int(row["doses_scheduled"]) <= int(row["doses_taken"]) for row in counted
        )
    sara = [week for week in weeks if week["infant_id"] == str(twin.pk)]
    assert (sara[0]["crying_3h_days"], sara[0]["crying_minutes_per_day"], sara[1]["logging_days"]) == (
        "1",
        "",  # one logging day: no mean
        "0",
    )
    assert sara[1]["regurgitations_per_day"] == sara[1]["stools"] == ""  # a week without data


def test_twins_have_a_row_each_with_their_mothers_doses_repeated(mother, mother_client, infant, twin, diary):
    SymptomEntryFactory(infant=twin, occurred_at=at(6, 10))

    daily = download(mother_client, "export_daily")
    weeks = download(mother_client, "export_weekly")

    on_the_6th = [row for row in daily if row["day"] == "2026-11-06"]
    assert [row["infant_id"] for row in on_the_6th] == [str(infant.pk), str(twin.pk)]
    assert {(row["doses_taken"], row["doses_scheduled"]) for row in on_the_6th} == {("1", "1")}
    assert [row["regurgitations"] for row in on_the_6th] == ["2", "1"]
    week_2 = [week for week in weeks if week["week_of_life"] == "2"]
    assert [week["infant_id"] for week in week_2] == [str(infant.pk), str(twin.pk)]
    assert {(w["doses_taken"], w["doses_scheduled"], w["days_covered"]) for w in week_2} == {("3", "7", "3")}
    # Luca: 2 spit-ups over 4 logging days; Sara: 1 logging day, too few for a mean.
    assert [(week["logging_days"], week["regurgitations_per_day"]) for week in week_2] == [
        ("4", "0.5"),
        ("1", ""),
    ]


def test_a_clinician_downloads_the_weekly_diary_audited_and_an_outsider_gets_404(
    mother, clinician, clinician_client, infant, diary
):
    CareGrantFactory(mother=mother, clinician=clinician, scope="summary_exports")

    response = clinician_client.get(
        reverse("clinician_export_weekly", args=[mother.pk]), REMOTE_ADDR="203.0.113.5"
    )
    weeks = rows_of(response)

    assert response["Content-Disposition"] == 'attachment; filename="anna-weekly-2026-11-16.csv"'
    assert weeks == download(_client(mother), "export_weekly")
    (event,) = AuditEvent.objects.filter(mother=mother)
    assert (event.actor, event.action, event.detail, event.ip_address) == (
        clinician,
        AuditEvent.Action.EXPORT_CSV,
        "weekly",
        "203.0.113.5",
    )
    stranger = ClinicianFactory()
    assert _client(stranger).get(reverse("clinician_export_weekly", args=[mother.pk])).status_code == 404
    summary_only = ClinicianFactory()
    CareGrantFactory(mother=mother, clinician=summary_only, scope="summary")
    assert _client(summary_only).get(reverse("clinician_export_weekly", args=[mother.pk])).status_code == 404
    assert AuditEvent.objects.filter(mother=mother).count() == 1


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_her_downloads_page_and_a_clinicians_summary_link_the_weekly_diary(mother, mother_client, clinician):
    CareGrantFactory(mother=mother, clinician=clinician, scope="summary_exports")

    assert f'href="{reverse("export_weekly")}"' in mother_client.get(reverse("export_index")).content.decode()
    page = _client(clinician).get(reverse("clinician_patient", args=[mother.pk])).content.decode()
    assert f'href="{reverse("clinician_export_weekly", args=[mother.pk])}"' in page


def test_the_weekly_diary_is_in_the_zip_of_all_her_data(mother_client, infant, diary):
    import zipfile

    archive = zipfile.ZipFile(
        io.BytesIO(b"".join(mother_client.get(reverse("export_archive")).streaming_content))
    )

    text = archive.read("csv/weekly.csv").decode()
    assert text.splitlines()[0].startswith("infant_id,week_of_life,regimen_week,first_day")
    assert len(text.splitlines()) == 1 + 3
    assert "csv/weekly.csv  Weekly diary" in archive.read("README.txt").decode()


def test_the_pdf_summary_has_a_table_of_the_last_four_weeks(mother, infant, diary):
    from tests.test_export_pdf import readable_summary

    _, text = readable_summary(mother)

    assert "The last 4 weeks" in text
    # Week 2: 4 of 7 days logged, 0.8 stools, 0.5 spit-ups, 0.3 vomits, 50 min of crying, 1 long day,
    # 1.5 feeds a day, 43% of doses.
    assert "2 (6 Nov 2026) 4 of 7 0.8 0.5 0.3 50 1 1.5 43%" in text
    assert "3 (13 Nov 2026) 1 of 4" in text


def test_the_weekly_diary_query_count_does_not_grow_with_the_data(
    mother_client, infant, diary, django_assert_max_num_queries
):
    for day in range(1, 16):
        SymptomEntryFactory(infant=infant, occurred_at=at(day, 9))
        FeedingSessionFactory(infant=infant, started_at=at(day, 6))

    with django_assert_max_num_queries(11):  # session, user, the daily summary's 7, then 2
        download(mother_client, "export_weekly")


def test_the_last_four_weeks_heading_is_never_left_alone_at_the_foot_of_a_page(mother, infant, diary):
    """Room for the heading but not the table at the foot of page 1: both go to page 2."""
    import re

    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate, Spacer

    from tests.test_export_pdf import pdf_text
    from tracker.exports import pdf_weeks

    weeks = pdf_weeks.recent_weeks(mother=mother, today=date(2026, 11, 16))
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, pageCompression=0)
    filler = Spacer(1, document.height - 40)  # 40 pt left: a heading fits, its table does not
    document.build([filler, *pdf_weeks.weeks_section(weeks, infants=[infant])])
    pages = [
        pdf_text(stream) for stream in re.findall(rb"stream\r?\n(.*?)endstream", buffer.getvalue(), re.S)
    ]

    assert len(pages) == 2
    assert pages[0] == ""  # page 1 holds nothing but the filler
    assert pages[1].startswith("The last 4 weeks Week of life")
    assert pages[1].endswith("A dash: no mean.")


def test_today_is_not_a_covered_day_while_a_dose_is_still_to_come(mother_client, infant):
    """21:00 in Rome with the 22:00 dose to come: today's 08:00 dose counts, but today is not
    yet a day of adherence (the dashboard says 3 of 3 days, the week must too)."""
    regimen = RegimenFactory(
        mother=infant.mother, dose_times=["08:00", "22:00"], start_date=date(2026, 11, 13)
    )
    for day in (13, 14, 15, 16):
        for slot in (time(8, 0), time(22, 0)) if day < 16 else (time(8, 0),):
            DoseLogFactory(regimen=regimen, slot_date=date(2026, 11, day), slot_time=slot)

    week = download(mother_client, "export_weekly")[-1]
    today = download(mother_client, "export_daily")[-1]

    assert (today["day"], today["doses_taken"], today["doses_scheduled"], today["doses_to_come"]) == (
        "2026-11-16",
        "1",
        "1",
        "1",
    )
    assert (week["first_day"], week["days"], week["doses_taken"], week["doses_scheduled"]) == (
        "2026-11-13",
        "4",
        "7",
        "7",
    )
    assert (week["regimen_days"], week["days_covered"]) == ("3", "3")
