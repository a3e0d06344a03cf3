"""Her own data: "download all my data" as a zip, and "delete my account" leaving no trace of her."""

import io
import json
import tempfile
import zipfile
from datetime import UTC, date, datetime, time

import pytest
import time_machine
from axes.models import AccessAttempt, AccessLog

from accounts import services
from accounts.models import User
from tests.factories import (
    PASSWORD,
    CareGrantFactory,
    ClinicianFactory,
    DailyCheckFactory,
    DoseLogFactory,
    FeedingSessionFactory,
    InfantFactory,
    RegimenFactory,
    SymptomEntryFactory,
)
from tracker.exports.dictionary import EXPORTS
from tracker.models import (
    AuditEvent,
    CareGrant,
    DailyCheck,
    DoseLog,
    DoseReminder,
    FeedingSession,
    Infant,
    Pregnancy,
    Regimen,
    ReminderSettings,
    SupplementProduct,
    SymptomEntry,
)

# 16 Nov 2026, 23:30 UTC: already 00:30 on 17 Nov in Rome.
NOW = datetime(2026, 11, 16, 23, 30, tzinfo=UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def her_record(mother, infant, regimen):
    """Three doses, two feeds, one spit-up, one daily check, reminder settings."""
    for day in (10, 11, 12):
        DoseLogFactory(regimen=regimen, slot_date=date(2026, 10, day))
    FeedingSessionFactory(infant=infant, started_at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC), notes="=cmd")
    FeedingSessionFactory(infant=infant, started_at=datetime(2026, 11, 3, 9, 0, tzinfo=UTC))
    SymptomEntryFactory(infant=infant)
    DailyCheckFactory(infant=infant)
    ReminderSettings.objects.create(mother=mother, quiet_start=time(22, 0), quiet_end=time(7, 0))
    return mother


@pytest.fixture
def olga_record(outsider):
    baby = InfantFactory(mother=outsider, name="Olivia")
    regimen = RegimenFactory(mother=outsider, product__name="Olga's drops")
    DoseLogFactory(regimen=regimen)
    FeedingSessionFactory(infant=baby)
    SymptomEntryFactory(infant=baby)
    DailyCheckFactory(infant=baby)
    CareGrantFactory(mother=outsider, clinician=ClinicianFactory(email="dr.olga@example.org"))
    return outsider


def open_zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def my_data(archive: zipfile.ZipFile) -> dict:
    return json.loads(archive.read("my-data.json"))


# --- Download all my data -------------------------------------------------------------------


def test_the_zip_holds_a_readme_her_json_and_one_csv_per_export(mother_client, her_record):
    response = mother_client.get("/exports/all.zip")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    # 00:30 on 17 Nov in Rome, though still 16 Nov in UTC.
    assert response["Content-Disposition"] == 'attachment; filename="my-data-2026-11-17.zip"'
    archive = open_zip(response)
    assert archive.testzip() is None
    assert sorted(archive.namelist()) == sorted(
        ["README.txt", "my-data.json", *(f"csv/{export.key}.csv" for export in EXPORTS)]
    )
    assert {member.date_time for member in archive.infolist()} == {(2026, 11, 17, 0, 30, 0)}  # her clock
    readme = archive.read("README.txt").decode()
    assert "Time zone: Europe/Rome" in readme
    assert "Generated at 2026-11-17T00:30:00+01:00" in readme
    doses_csv = archive.read("csv/doses.csv").decode().splitlines()
    assert doses_csv[0].startswith("dose_id,regimen_id,product_name,slot_date")
    assert len(doses_csv) == 1 + 3
    # A typed note starting with "=" opens as text in a spreadsheet.
    assert "'=cmd" in archive.read("csv/feeds.csv").decode()


def test_her_json_has_her_profile_counts_and_times_with_the_rome_offset(mother_client, her_record, infant):
    data = my_data(open_zip(mother_client.get("/exports/all.zip")))

    assert data["time_zone"] == "Europe/Rome"
    assert data["profile"]["email"] == "anna@example.org"
    assert data["profile"]["display_name"] == "Anna"
    assert data["profile"]["role"] == "mother"
    assert len(data["dose_logs"]) == 3
    assert len(data["feeding_sessions"]) == 2
    assert len(data["symptom_entries"]) == 1
    assert len(data["daily_checks"]) == 1
    # 09:00 UTC on 2 Nov is 10:00 in Rome (CET, +01:00); the 08:00 dose on 10 Oct is CEST, +02:00.
    first_feed = data["feeding_sessions"][0]
    assert first_feed["started_at"] == "2026-11-02T10:00:00+01:00"
    assert first_feed["ended_at"] == "2026-11-02T10:20:00+01:00"
    assert first_feed["notes"] == "=cmd"  # JSON is not a spreadsheet: the note is as she typed it
    assert data["dose_logs"][0]["scheduled_at"] == "2026-10-10T08:00:00+02:00"
    assert data["dose_logs"][0]["status"] == "taken"
    assert data["daily_checks"][0]["no_symptoms"] is True
    assert data["infants"] == [
        {
            "infant_id": infant.pk,
            "pregnancy_id": infant.pregnancy_id,
            "name": "Luca",
            "birth_at": "2026-10-30T07:00:00+01:00",
            "gestational_weeks": 39,
            "gestational_days": 5,
            "delivery_mode": "vaginal",
            "birth_weight_g": 3400,
            "created_at": "2026-11-17T00:30:00+01:00",
        }
    ]
    assert data["pregnancies"][0]["due_date"] == "2026-11-01"
    assert data["supplement_products"][0]["strains"] == ["Lactobacillus paracasei", "Bifidobacterium breve"]
    assert data["regimens"][0]["dose_times"] == ["08:00", "20:00"]
    assert data["regimens"][0]["product_name"] == "Multi-strain probiotic"
    assert data["reminder_settings"] == {
        "email_enabled": True,
        "follow_up": False,
        "quiet_start": "22:00",
        "quiet_end": "07:00",
    }


def test_her_json_lists_her_grants_and_who_looked_at_her_record(
    mother, mother_client, infant, clinician, clinician_client
):
    grant = CareGrantFactory(mother=mother, clinician=clinician, scope="summary_exports")
    CareGrant.objects.create(mother=mother, invited_email="midwife@example.org")
    clinician_client.get(f"/clinician/{mother.pk}/")

    data = my_data(open_zip(mother_client.get("/exports/all.zip")))

    assert [g["clinician_email"] for g in data["care_grants"]] == [
        "dr.rossi@example.org",
        "midwife@example.org",
    ]
    assert data["care_grants"][0]["grant_id"] == grant.pk
    assert data["care_grants"][0]["scope"] == "summary_exports"
    assert data["care_grants"][0]["accepted_at"] == "2026-11-17T00:30:00+01:00"
    assert data["care_grants"][1]["accepted_at"] is None
    [look] = data["audit_trail"]
    assert look["who"] == "dr.rossi@example.org"
    assert look["action"] == "view_summary"
    assert look["at"] == "2026-11-17T00:30:00+01:00"


def test_nothing_of_the_outsider_is_in_her_zip(mother_client, her_record, olga_record):
    archive = open_zip(mother_client.get("/exports/all.zip"))

    for name in archive.namelist():
        text = archive.read(name).decode()
        for trace in ("olga@example.org", "Olga", "Olivia", "dr.olga@example.org"):
            assert trace not in text, f"{trace} found in {name}"


def test_an_outsider_downloading_gets_only_her_own_empty_record(outsider_client, her_record):
    archive = open_zip(outsider_client.get("/exports/all.zip"))
    data = my_data(archive)

    assert data["profile"]["email"] == "olga@example.org"
    for key in (
        "pregnancies",
        "infants",
        "supplement_products",
        "regimens",
        "dose_logs",
        "feeding_sessions",
        "symptom_entries",
        "daily_checks",
        "care_grants",
        "audit_trail",
    ):
        assert data[key] == [], key
    assert data["reminder_settings"] is None
    for name in archive.namelist():
        assert "anna@example.org" not in archive.read(name).decode()
        assert "Luca" not in archive.read(name).decode()
    # Only the header line in each of her record CSVs.
    assert archive.read("csv/doses.csv").decode().count("\n") == 1


def test_a_history_too_big_for_memory_is_spooled_to_disk_and_still_opens(
    monkeypatch, mother_client, her_record
):
    monkeypatch.setattr("tracker.exports.archive.SPOOL_MAX", 1024)
    spools = []
    spooled_file = tempfile.SpooledTemporaryFile

    def spy(*args, **kwargs):
        spools.append(spooled_file(*args, **kwargs))
        return spools[-1]

    monkeypatch.setattr(tempfile, "SpooledTemporaryFile", spy)

    response = mother_client.get("/exports/all.zip")

    [spool] = spools
    assert spool._rolled  # past SPOOL_MAX it went to a temporary file on disk
    assert int(response["Content-Length"]) > 1024
    assert len(my_data(open_zip(response))["dose_logs"]) == 3


def test_the_download_needs_login(client):
    response = client.get("/exports/all.zip")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_profile_links_to_the_download_and_the_deletion(mother_client):
    html = mother_client.get("/accounts/profile/").content.decode()

    assert 'href="/exports/all.zip">Download all my data</a>' in html
    assert 'href="/accounts/delete/">Delete my account</a>' in html


# --- Delete my account ----------------------------------------------------------------------


def her_counts(mother: User) -> dict[str, int]:
    return {
        "users": User.objects.filter(pk=mother.pk).count(),
        "pregnancies": Pregnancy.objects.for_mother(mother).count(),
        "infants": Infant.objects.for_mother(mother).count(),
        "products": SupplementProduct.objects.for_mother(mother).count(),
        "regimens": Regimen.objects.for_mother(mother).count(),
        "doses": DoseLog.objects.for_mother(mother).count(),
        "reminders": DoseReminder.objects.for_mother(mother).count(),
        "feeds": FeedingSession.objects.for_mother(mother).count(),
        "symptoms": SymptomEntry.objects.for_mother(mother).count(),
        "checks": DailyCheck.objects.for_mother(mother).count(),
        "settings": ReminderSettings.objects.for_mother(mother).count(),
        "grants": CareGrant.objects.for_mother(mother).count(),
    }


@pytest.fixture
def shared_record(her_record, regimen, infant, clinician, clinician_client):
    """Her record shared with Dr Rossi, who has looked at it (naming the baby), and a pending reminder."""
    CareGrantFactory(mother=her_record, clinician=clinician)
    clinician_client.get(f"/clinician/{her_record.pk}/", {"infant": infant.pk})
    DoseReminder.objects.create(
        regimen=regimen,
        slot_date=date(2026, 11, 17),
        slot_time=time(8, 0),
        due_at=datetime(2026, 11, 17, 7, 0, tzinfo=UTC),
    )
    return her_record


def confirm(password: str = PASSWORD, confirmation: str = "anna@example.org") -> dict[str, str]:
    return {"confirmation": confirmation, "password": password}


def test_the_delete_page_says_what_will_go(mother_client, shared_record):
    response = mother_client.get("/accounts/delete/")

    assert response.status_code == 200
    records = response.context["records"]
    assert (
        records["babies"],
        records["doses"],
        records["feeds"],
        records["symptoms"],
        records["grants"],
    ) == (
        1,
        3,
        2,
        1,
        1,
    )
    html = response.content.decode()
    assert "1 baby, with 2 feeds, 1 symptom entry and 1 daily check" in html
    assert "1 regimen and 3 logged doses" in html
    assert "1 sharing grant" in html
    assert 'href="/accounts/profile/">Cancel</a>' in html


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (confirm(password="not-my-password"), "That is not your current password. Nothing was deleted."),
        (confirm(confirmation="anna@example.com"), "That is neither your email address nor the word DELETE."),
        (confirm(confirmation=""), "This field is required."),
    ],
)
def test_a_wrong_confirmation_deletes_nothing_and_says_why(mother, mother_client, shared_record, data, error):
    before = her_counts(mother)
    audit = list(AuditEvent.objects.values_list("mother_id", "detail"))

    response = mother_client.post("/accounts/delete/", data)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert her_counts(mother) == before
    assert before["doses"] == 3 and before["grants"] == 1
    assert list(AuditEvent.objects.values_list("mother_id", "detail")) == audit
    assert mother_client.get("/").status_code == 200  # still logged in


def test_deleting_removes_everything_of_hers_and_logs_her_out(
    mother, mother_client, shared_record, olga_record
):
    olga_before = her_counts(olga_record)
    mother_client.post("/accounts/delete/", confirm(password="wrong"))
    # A wrong password here counts towards the login lockout, like one on the login page.
    assert AccessAttempt.objects.filter(username="anna@example.org", failures_since_start=1).exists()

    response = mother_client.post("/accounts/delete/", confirm(), follow=True)

    assert response.redirect_chain == [("/accounts/login/", 302)]
    assert "Your account and all your records were deleted." in response.content.decode()
    assert set(her_counts(mother).values()) == {0}
    assert not User.objects.filter(email="anna@example.org").exists()
    assert her_counts(olga_record) == olga_before
    assert olga_before["doses"] == 1 and olga_before["grants"] == 1
    # No login record keeps her address either.
    assert not AccessAttempt.objects.filter(username__iexact="anna@example.org").exists()
    assert not AccessLog.objects.filter(username__iexact="anna@example.org").exists()
    # Logged out: home sends her to the login page.
    home = mother_client.get("/")
    assert home.status_code == 302
    assert home["Location"].startswith("/accounts/login/")


def test_the_word_delete_confirms_too(mother, mother_client, her_record):
    mother_client.post("/accounts/delete/", confirm(confirmation="DELETE"))

    assert not User.objects.filter(pk=mother.pk).exists()


def test_the_audit_trail_keeps_the_looks_but_nothing_of_hers(mother, mother_client, shared_record, clinician):
    [look] = AuditEvent.objects.all()
    assert "Luca" in look.detail  # the clinician's look named the baby

    mother_client.post("/accounts/delete/", confirm())

    rows = list(AuditEvent.objects.values())
    assert len(rows) == 1
    assert rows[0]["mother_id"] is None
    assert rows[0]["detail"] == ""
    assert rows[0]["actor_id"] == clinician.pk
    assert rows[0]["actor_email"] == "dr.rossi@example.org"
    for value in rows[0].values():
        for trace in ("anna@example.org", "Anna", "Luca"):
            assert trace not in str(value)


def test_a_clinician_who_had_access_gets_404_for_her_old_id(
    mother, mother_client, shared_record, clinician_client
):
    old_id = mother.pk
    assert clinician_client.get(f"/clinician/{old_id}/").status_code == 200

    mother_client.post("/accounts/delete/", confirm())

    assert clinician_client.get(f"/clinician/{old_id}/").status_code == 404
    assert clinician_client.get(f"/clinician/{old_id}/doses.csv").status_code == 404


def test_a_clinician_deleting_her_account_loses_her_grants_but_the_mothers_trail_keeps_her_email(
    mother, shared_record, clinician, clinician_client
):
    clinician_client.post("/accounts/delete/", confirm(confirmation="dr.rossi@example.org"))

    assert not User.objects.filter(pk=clinician.pk).exists()
    assert not CareGrant.objects.filter(mother=mother).exists()
    [look] = AuditEvent.objects.for_mother(mother)
    assert look.actor_id is None
    assert look.actor_email == "dr.rossi@example.org"
    assert her_counts(mother)["doses"] == 3  # the mother's record is hers, untouched


def test_the_service_reports_what_it_deleted(mother, shared_record):
    CareGrant.objects.create(mother=mother, invited_email="midwife@example.org")

    deleted = services.account_delete(user=mother)

    deleted.pop("login_records")  # whatever axes logged for the test client's logins
    assert deleted == {
        "pregnancies": 1,
        "babies": 1,
        "products": 1,
        "regimens": 1,
        "doses": 3,
        "reminders": 1,
        "feeds": 2,
        "symptoms": 1,
        "daily_checks": 1,
        "reminder_settings": 1,
        "grants": 2,
        "audit_events_anonymised": 1,
    }


def test_the_audit_log_still_refuses_to_be_deleted_after_an_account_goes(mother, shared_record):
    services.account_delete(user=mother)

    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == 1


def test_deleting_needs_login(client):
    response = client.get("/accounts/delete/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/delete/"


def test_a_get_never_deletes(mother, mother_client, her_record):
    mother_client.get("/accounts/delete/", confirm())

    assert User.objects.filter(pk=mother.pk).exists()


def test_a_clinician_deleting_her_account_is_not_offered_a_mothers_download(clinician_client):
    page = clinician_client.get("/accounts/delete/").content.decode()

    assert "you lose access to the records mothers shared with you" in page
    assert "/exports/all.zip" not in page
