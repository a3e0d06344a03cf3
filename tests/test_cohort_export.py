"""The de-identified cohort export: who is in it, what it never says, its day offsets, its audit trail."""

import csv
import io
import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    CareGrantFactory,
    ClinicianFactory,
    DailyCheckFactory,
    DoseLogFactory,
    FeedingSessionFactory,
    InfantFactory,
    RegimenFactory,
    SymptomEntryFactory,
    UserFactory,
)
from tracker.models import AuditEvent, CareGrant, SymptomEntry

# 16 Nov 2026, 21:00 in Rome (UTC+1).
NOW = datetime(2026, 11, 16, 20, 0, tzinfo=UTC)
CALENDAR_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
PSEUDONYM = re.compile(r"P-[0-9a-f]{16}")
FEED_NOTE = "Luca fed at Nonna Pina's house"
SYMPTOM_NOTE = "Bea spat up after the car ride"
QUANTITIES = [
    "doses_taken",
    "doses_scheduled",
    "doses_to_come",
    "feeds",
    "feed_minutes",
    "regurgitations",
    "vomiting",
    "crying_minutes",
    "stools",
    *("stools_hard", "stools_formed", "stools_loose", "stools_watery"),
    "symptom_logging_day",
    "exclusive_breastfeeding",
]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def cohort(mother, infant, clinician):
    """Anna and Bea share downloads with Dr Rossi; four others are not in her cohort."""
    CareGrantFactory(mother=mother, clinician=clinician, scope="summary_exports")
    regimen = RegimenFactory(mother=mother, start_date=date(2026, 11, 1))
    DoseLogFactory(regimen=regimen, slot_date=date(2026, 11, 2), slot_time=time(8, 0))
    DoseLogFactory(regimen=regimen, slot_date=date(2026, 11, 2), slot_time=time(20, 0))
    FeedingSessionFactory(infant=infant, started_at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC), notes=FEED_NOTE)
    # 23:30 UTC on the 2nd is 00:30 on the 3rd in Rome: a feed of the 3rd.
    FeedingSessionFactory(infant=infant, started_at=datetime(2026, 11, 2, 23, 30, tzinfo=UTC))
    DailyCheckFactory(infant=infant, day=date(2026, 11, 2), other_than_breast_milk=False)

    bea = UserFactory(email="bea@example.org", display_name="Beatrice", time_zone="Europe/Rome")
    CareGrantFactory(
        mother=bea, clinician=clinician, scope="summary_exports", expires_at=NOW + timedelta(days=9)
    )
    # Twins born at 00:30 and 00:45 in Rome on 11 Nov (still the 10th in UTC).
    first = InfantFactory(mother=bea, name="Giulia", birth_at=datetime(2026, 11, 10, 23, 30, tzinfo=UTC))
    second = InfantFactory(
        mother=bea,
        name="Marta",
        pregnancy=first.pregnancy,
        birth_at=datetime(2026, 11, 10, 23, 45, tzinfo=UTC),
    )
    SymptomEntryFactory(
        infant=second, occurred_at=datetime(2026, 11, 12, 8, 0, tzinfo=UTC), notes=SYMPTOM_NOTE
    )
    SymptomEntryFactory(
        infant=second,
        kind=SymptomEntry.Kind.CRYING,
        size="",
        duration_minutes=25,
        occurred_at=datetime(2026, 11, 12, 18, 0, tzinfo=UTC),
    )

    excluded = {
        "summary only": CareGrantFactory(scope="summary", clinician=clinician).mother,
        "revoked": CareGrantFactory(scope="summary_exports", clinician=clinician, revoked_at=NOW).mother,
        "expired": CareGrantFactory(
            scope="summary_exports", clinician=clinician, expires_at=NOW - timedelta(minutes=1)
        ).mother,
        "another clinician": CareGrantFactory(scope="summary_exports").mother,
    }
    for other in excluded.values():
        InfantFactory(mother=other, name=f"Baby of {other.display_name}")
    return {"anna": mother, "bea": bea, "excluded": excluded}


def download(client: Client, **extra) -> tuple[str, list[dict[str, str]]]:
    response = client.get(reverse("clinician_cohort"), **extra)
    assert response.status_code == 200
    assert response.streaming is True
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode()
    return body, list(csv.DictReader(io.StringIO(body)))


def subject_of(rows: list[dict[str, str]], infant_id: str) -> list[dict[str, str]]:
    return [row for row in rows if row["infant_id"] == infant_id]


def test_only_mothers_whose_active_grant_covers_downloads_are_in_it(cohort, clinician):
    body, rows = download(client_for(clinician))

    assert body.splitlines()[0] == ",".join(
        ["subject_id", "infant_id", "day_of_life", "day_of_regimen", *QUANTITIES]
    )
    expected = {
        CareGrant.objects.get(mother=cohort[name], clinician=clinician).pseudonym for name in ("anna", "bea")
    }
    assert {row["subject_id"] for row in rows} == expected
    # Anna's Luca from 30 Oct, Bea's twins from 11 Nov, each to today (16 Nov).
    assert len(rows) == 18 + 6 + 6
    anna = CareGrant.objects.get(mother=cohort["anna"], clinician=clinician).pseudonym
    bea = CareGrant.objects.get(mother=cohort["bea"], clinician=clinician).pseudonym
    assert {row["infant_id"] for row in rows} == {f"{anna}-1", f"{bea}-1", f"{bea}-2"}


def test_the_de_identified_export_contains_no_name_email_or_calendar_date(cohort, clinician):
    body, _ = download(client_for(clinician))

    assert CALENDAR_DATE.search(body) is None
    people = [cohort["anna"], cohort["bea"], *cohort["excluded"].values()]
    identifying = [
        *(person.display_name for person in people),
        *(person.email for person in people),
        "Luca",
        "Giulia",
        "Marta",
        "Baby of",
        FEED_NOTE,
        SYMPTOM_NOTE,
        "Europe/Rome",
        "Rome",
        "Nov",
        ":",  # any clock time or UTC offset
    ]
    for text in identifying:
        assert text not in body, text
    # Nor database ids: every id cell is a pseudonym.
    for line in body.splitlines()[1:]:
        subject_id, infant_id, *_ = line.split(",")
        assert PSEUDONYM.fullmatch(subject_id) and re.fullmatch(rf"{subject_id}-[12]", infant_id)


def test_days_are_counted_from_the_local_birth_day_and_the_regimen_start(cohort, clinician, infant):
    _, rows = download(client_for(clinician))
    anna = CareGrant.objects.get(mother=cohort["anna"], clinician=clinician).pseudonym
    bea = CareGrant.objects.get(mother=cohort["bea"], clinician=clinician).pseudonym

    luca = subject_of(rows, f"{anna}-1")
    # Born 30 Oct; regimen from 1 Nov: 30 Oct is day 0 of life and day -2 of the regimen.
    assert [(row["day_of_life"], row["day_of_regimen"]) for row in luca[:5]] == [
        ("0", "-2"),
        ("1", "-1"),
        ("2", "0"),
        ("3", "1"),
        ("4", "2"),
    ]
    assert luca[-1]["day_of_life"] == "17" and luca[-1]["day_of_regimen"] == "15"  # 16 Nov
    on_the_2nd, on_the_3rd = luca[3], luca[4]
    assert (on_the_2nd["doses_taken"], on_the_2nd["doses_scheduled"], on_the_2nd["feeds"]) == ("2", "2", "1")
    assert on_the_2nd["exclusive_breastfeeding"] == "yes"
    assert on_the_3rd["feeds"] == "1"  # 00:30 in Rome

    # Twins born just after midnight in Rome: the birth day is 11 Nov, not the UTC 10th. No regimen.
    for order in (1, 2):
        twin = subject_of(rows, f"{bea}-{order}")
        assert [row["day_of_life"] for row in twin] == ["0", "1", "2", "3", "4", "5"]
        assert {row["day_of_regimen"] for row in twin} == {""}
    second = subject_of(rows, f"{bea}-2")
    assert (second[1]["regurgitations"], second[1]["crying_minutes"]) == ("1", "25")  # 12 Nov
    assert {row["regurgitations"] for row in subject_of(rows, f"{bea}-1")} == {""}  # no data, not 0


def test_the_daily_numbers_are_the_daily_summarys(cohort, clinician, mother_client, infant):
    _, rows = download(client_for(clinician))
    anna = CareGrant.objects.get(mother=cohort["anna"], clinician=clinician).pseudonym
    daily = list(
        csv.DictReader(
            io.StringIO(b"".join(mother_client.get(reverse("export_daily")).streaming_content).decode())
        )
    )

    born = date(2026, 10, 30)
    by_day = {
        (born + timedelta(days=int(row["day_of_life"]))).isoformat(): row
        for row in subject_of(rows, f"{anna}-1")
    }
    assert [row["day"] for row in daily] == list(by_day)
    for row in daily:
        assert {name: row[name] for name in QUANTITIES} == {
            name: by_day[row["day"]][name] for name in QUANTITIES
        }


def test_the_query_count_does_not_grow_with_the_records(cohort, clinician, infant):
    client = client_for(clinician)
    with CaptureQueriesContext(connection) as before:
        download(client)
    for n in range(10):
        FeedingSessionFactory(infant=infant, started_at=datetime(2026, 11, 5 + n, 9, 0, tzinfo=UTC))
        SymptomEntryFactory(infant=infant, occurred_at=datetime(2026, 11, 5 + n, 10, 0, tzinfo=UTC))
    with CaptureQueriesContext(connection) as after:
        download(client)

    assert len(after) == len(before)


def test_pseudonyms_are_stable_and_each_clinician_has_their_own(cohort, clinician):
    _, first = download(client_for(clinician))
    with time_machine.travel(NOW + timedelta(days=2), tick=False):
        _, second = download(client_for(clinician))
    assert {row["subject_id"] for row in first} == {row["subject_id"] for row in second}
    assert {row["infant_id"] for row in first} == {row["infant_id"] for row in second}

    # A second grant to the same clinician does not give her a second id.
    CareGrantFactory(mother=cohort["anna"], clinician=clinician, scope="summary_exports")
    _, third = download(client_for(clinician))
    assert {row["subject_id"] for row in third} == {row["subject_id"] for row in first}

    other = ClinicianFactory()
    CareGrantFactory(mother=cohort["anna"], clinician=other, scope="summary_exports")
    _, theirs = download(client_for(other))
    assert len({row["subject_id"] for row in theirs}) == 1
    assert not {row["subject_id"] for row in theirs} & {row["subject_id"] for row in first}


def test_a_pseudonym_is_not_an_id_email_or_name(cohort, clinician):
    _, rows = download(client_for(clinician))
    anna = cohort["anna"]
    grant = CareGrant.objects.get(mother=anna, clinician=clinician)
    subject_ids = {row["subject_id"] for row in rows}

    assert grant.pseudonym in subject_ids
    for subject_id in subject_ids:
        assert PSEUDONYM.fullmatch(subject_id)
        for known in (str(anna.pk), str(grant.pk), anna.email, anna.display_name, "anna", str(clinician.pk)):
            assert subject_id.removeprefix("P-") != known
        assert "anna" not in subject_id.lower() and "rossi" not in subject_id.lower()
    # Fresh random values: two grants made the same way get unrelated ones.
    made = [CareGrant.objects.create(mother=anna, invited_email=f"dr{n}@example.org") for n in range(20)]
    assert len({grant.pseudonym for grant in made}) == 20


def test_each_download_writes_one_audit_row_per_mother_included_and_she_sees_it(
    cohort, clinician, mother_client
):
    client = client_for(clinician)
    download(client, REMOTE_ADDR="203.0.113.9")
    download(client, REMOTE_ADDR="203.0.113.9")

    events = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT_COHORT)
    assert sorted(event.mother.email for event in events) == sorted(
        ["anna@example.org", "bea@example.org"] * 2
    )
    assert {(event.actor, event.actor_email, event.ip_address, event.created_at) for event in events} == {
        (clinician, "dr.rossi@example.org", "203.0.113.9", NOW)
    }
    for excluded in cohort["excluded"].values():
        assert not AuditEvent.objects.filter(mother=excluded).exists()
    assert AuditEvent.objects.count() == 4  # nothing else was logged

    page = mother_client.get("/sharing/")
    assert [event.get_action_display() for event in page.context["audit_page"]] == [
        "Included in a de-identified cohort export"
    ] * 2
    assert "Included in a de-identified cohort export" in page.content.decode()


def test_a_clinician_with_nobody_sharing_downloads_gets_404_and_no_link(mother, clinician):
    CareGrantFactory(mother=mother, clinician=clinician, scope="summary")
    CareGrantFactory(mother=UserFactory(), clinician=clinician, scope="summary_exports", revoked_at=NOW)
    client = client_for(clinician)

    assert client.get(reverse("clinician_cohort")).status_code == 404
    assert not AuditEvent.objects.exists()
    home = client.get(reverse("clinician_home")).content.decode()
    assert reverse("clinician_cohort") not in home


def test_the_clinician_home_links_the_cohort_when_someone_shares_downloads(mother, clinician):
    CareGrantFactory(mother=mother, clinician=clinician, scope="summary_exports")

    home = client_for(clinician).get(reverse("clinician_home")).content.decode()

    assert f'href="{reverse("clinician_cohort")}"' in home
    assert "no names, emails, notes or dates" in home


def test_a_mother_gets_404_and_a_visitor_is_sent_to_log_in(mother, mother_client, client):
    CareGrantFactory(
        mother=UserFactory(), clinician=mother, scope="summary_exports"
    )  # a (wrong) grant naming her

    assert mother_client.get(reverse("clinician_cohort")).status_code == 404
    assert client.get(reverse("clinician_cohort"))["Location"].startswith(reverse("login"))
    assert not AuditEvent.objects.exists()


def test_the_filename_carries_the_export_day_only(cohort, clinician):
    response = client_for(clinician).get(reverse("clinician_cohort"))

    assert response["Content-Disposition"] == 'attachment; filename="cohort-2026-11-16.csv"'


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_grants_distinct_pseudonyms():
    before, after = [("tracker", "0004_sharing")], [("tracker", "0005_caregrant_pseudonym")]
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    try:
        # Only tracker goes back; the accounts tables stay as they are now.
        mother = UserFactory()
        old = executor.loader.project_state(before).apps
        for n in range(5):
            old.get_model("tracker", "CareGrant").objects.create(
                mother_id=mother.pk, invited_email=f"dr{n}@example.org"
            )

        executor = MigrationExecutor(connection)
        executor.migrate(after)
        new = executor.loader.project_state(after).apps
        pseudonyms = list(new.get_model("tracker", "CareGrant").objects.values_list("pseudonym", flat=True))
    finally:
        MigrationExecutor(connection).migrate(leaves)

    assert len(pseudonyms) == len(set(pseudonyms)) == 5
    assert all(PSEUDONYM.fullmatch(value) for value in pseudonyms)


def test_the_weekly_cohort_has_the_weekly_diary_under_study_ids_and_no_dates(
    cohort, clinician, mother_client
):
    RegimenFactory(mother=cohort["bea"], dose_times=["08:00"], start_date=date(2026, 11, 8))
    client = client_for(clinician)
    response = client.get(reverse("clinician_cohort_weekly"))
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    anna = CareGrant.objects.get(mother=cohort["anna"], clinician=clinician).pseudonym
    bea = CareGrant.objects.get(mother=cohort["bea"], clinician=clinician).pseudonym

    assert response["Content-Disposition"] == 'attachment; filename="cohort-weekly-2026-11-16.csv"'
    assert CALENDAR_DATE.search(body) is None and ":" not in body and "first_day" not in body
    for text in ("Anna", "Beatrice", "Luca", "Giulia", "Marta", "anna@", "Rome"):
        assert text not in body, text
    # Bea: pregnancy rows 8-10 Nov (regimen week 1), then each twin's week 1 (11-16 Nov, 6 days).
    assert [
        (r["subject_id"], r["infant_id"], r["week_of_life"], r["regimen_week"], r["days"]) for r in rows
    ] == sorted(
        [
            (anna, f"{anna}-1", "1", "1", "7"),
            (anna, f"{anna}-1", "2", "1", "7"),
            (anna, f"{anna}-1", "3", "2", "4"),
        ]
        + [(bea, "", "", "1", "3"), (bea, f"{bea}-1", "1", "1", "6"), (bea, f"{bea}-2", "1", "1", "6")],
        key=lambda row: row[0],
    )
    mine = list(
        csv.DictReader(
            io.StringIO(b"".join(mother_client.get("/exports/weekly.csv").streaming_content).decode())
        )
    )
    assert [row["doses_taken"] for row in mine] == [
        row["doses_taken"] for row in rows if row["subject_id"] == anna
    ]
    events = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT_COHORT)
    assert sorted((event.mother.email, event.detail) for event in events) == [
        ("anna@example.org", "weekly diary"),
        ("bea@example.org", "weekly diary"),
    ]
