"""Download all my data: a zip with her JSON, a README and one CSV per export, and nothing of anyone else."""

import io
import json
import tempfile
import zipfile
from datetime import UTC, datetime

import pytest
import time_machine

from tests.factories import (
    CareGrantFactory,
)
from tracker.exports.dictionary import EXPORTS
from tracker.models import (
    CareGrant,
)

# 16 Nov 2026, 23:30 UTC: already 00:30 on 17 Nov in Rome.
NOW = datetime(2026, 11, 16, 23, 30, tzinfo=UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


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


def test_her_json_keeps_the_dose_times_the_days_before_a_change_had(mother_client, her_record, regimen):
    from tracker.models import Regimen
    from tracker.services.regimens import regimen_save

    regimen = Regimen.objects.select_related("mother", "product").get(pk=regimen.pk)
    regimen.dose_times = ["07:00", "19:00"]
    regimen_save(regimen=regimen)  # at 00:30 on 17 Nov in Rome: the 16th kept 08:00 and 20:00

    (saved,) = my_data(open_zip(mother_client.get("/exports/all.zip")))["regimens"]

    assert saved["dose_times"] == ["07:00", "19:00"]
    assert saved["earlier_dose_times"] == [{"until": "2026-11-16", "dose_times": ["08:00", "20:00"]}]


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
