"""The FHIR Bundle as a whole: valid R4B, her rows only, references that resolve, local codes
defined, stable ids, streamed, and who may download it."""

import json
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    CareGrantFactory,
    ClinicianFactory,
    DailyCheckFactory,
    DoseLogFactory,
    FeedingSessionFactory,
    InfantFactory,
    RegimenFactory,
    SymptomEntryFactory,
)
from tests.fhir_bundle import (
    NOW,
    assert_valid,
    by_url,
    codings,
    export,
    full_record,
    observations,
    references,
    resources,
)
from tracker.exports.fhir import bundle_chunks
from tracker.exports.fhir_codes import CONCEPTS, code_system_url
from tracker.exports.fhir_entries import full_urls, id_namespace
from tracker.exports.fhir_records import SYMPTOM_KINDS
from tracker.models import AuditEvent, FeedingSession, Side, SymptomEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_full_record_validates_with_one_resource_per_row(mother, infant, regimen):
    full_record(mother, infant, regimen)

    bundle = export(mother)

    assert bundle["type"] == "collection"
    assert len(resources(bundle, "MedicationStatement")) == 3
    assert len(resources(bundle, "Observation")) == 3 + 6 + 2
    assert len(observations(bundle, "63895-7")) == 3
    assert len(resources(bundle, "Patient")) == 2
    assert len(resources(bundle, "RelatedPerson")) == 1
    assert len(resources(bundle, "CodeSystem")) == 1
    urls = [entry["fullUrl"] for entry in bundle["entry"]]
    assert len(set(urls)) == len(urls)
    assert all(url == f"urn:uuid:{uuid.UUID(url[9:])}" for url in urls)


def test_every_reference_resolves_and_ties_mother_and_baby(mother, infant, regimen):
    full_record(mother, infant, regimen)

    bundle = export(mother)
    entries = by_url(bundle)

    found = list(references(bundle))
    assert len(found) > 20
    assert all(reference in entries for reference in found)
    (related,) = resources(bundle, "RelatedPerson")
    assert related["relationship"][0]["coding"] == [
        {"system": "http://terminology.hl7.org/CodeSystem/v3-RoleCode", "code": "MTH", "display": "mother"}
    ]
    baby = entries[related["patient"]["reference"]]
    assert baby["name"] == [{"text": "Luca"}]
    mother_patient = next(p for p in resources(bundle, "Patient") if p["id"] != baby["id"])
    assert mother_patient["name"] == [{"text": "Anna"}]
    assert mother_patient["gender"] == "female"
    assert [link["type"] for link in mother_patient["link"]] == ["seealso"]
    assert entries[mother_patient["link"][0]["other"]["reference"]] is related
    for statement in resources(bundle, "MedicationStatement"):
        assert entries[statement["subject"]["reference"]] is mother_patient
    for observation in resources(bundle, "Observation"):
        assert entries[observation["subject"]["reference"]] is baby
        assert entries[observation["performer"][0]["reference"]] is related


def test_twins_each_get_a_patient_and_a_related_person(mother, infant):
    twin = InfantFactory(mother=mother, pregnancy=infant.pregnancy, name="Lia", birth_at=infant.birth_at)
    FeedingSessionFactory(infant=twin)

    bundle = export(mother)
    entries = by_url(bundle)

    assert sorted(p["name"][0]["text"] for p in resources(bundle, "Patient")) == ["Anna", "Lia", "Luca"]
    assert {
        entries[r["patient"]["reference"]]["name"][0]["text"] for r in resources(bundle, "RelatedPerson")
    } == {
        "Luca",
        "Lia",
    }
    (feed,) = resources(bundle, "Observation")
    assert entries[feed["subject"]["reference"]]["name"] == [{"text": "Lia"}]


def test_an_outsiders_rows_never_appear(mother, infant, regimen, outsider):
    DoseLogFactory(regimen=regimen)
    FeedingSessionFactory(infant=infant)
    their_baby = InfantFactory(mother=outsider, name="Zeno")
    their_regimen = RegimenFactory(mother=outsider)
    their_rows = [
        DoseLogFactory(regimen=their_regimen, slot_date=date(2026, 11, 1)),
        FeedingSessionFactory(infant=their_baby, notes="outsider feed"),
        SymptomEntryFactory(infant=their_baby, notes="outsider spit-up"),
        DailyCheckFactory(infant=their_baby, notes="outsider check"),
    ]

    bundle = export(mother)
    text = json.dumps(bundle)

    assert "Zeno" not in text and "Olga" not in text and "outsider" not in text
    assert len(resources(bundle, "MedicationStatement")) == 1
    assert len(resources(bundle, "Observation")) == 1
    namespace = id_namespace()
    urls = by_url(bundle)
    for row in [outsider, their_baby, *their_rows]:
        assert full_urls(namespace, row._meta.db_table)(row.pk) not in urls


def test_her_download_is_a_fhir_json_attachment_named_for_her_local_day(mother, infant, mother_client):
    FeedingSessionFactory(infant=infant)

    # 23:30 UTC is already 17 Nov in Rome.
    with time_machine.travel(datetime(2026, 11, 16, 23, 30, tzinfo=UTC), tick=False):
        response = mother_client.get("/exports/bundle.json")

    assert response.status_code == 200
    assert response.streaming is True
    assert response["Content-Type"] == "application/fhir+json"
    assert response["Content-Disposition"] == 'attachment; filename="bundle-2026-11-17.json"'
    data = json.loads(b"".join(response.streaming_content).decode())
    assert_valid(data)
    assert data["timestamp"] == "2026-11-17T00:30:00+01:00"
    assert len(resources(data, "Observation")) == 1


def test_a_clinician_with_an_exports_grant_downloads_it_and_the_look_is_audited(mother, infant):
    FeedingSessionFactory(infant=infant)
    exports = CareGrantFactory(mother=mother, scope="summary_exports")
    summary_only = CareGrantFactory(mother=mother)
    path = f"/clinician/{mother.pk}/exports/bundle.json"

    allowed, refused = Client(), Client()
    allowed.force_login(exports.clinician)
    refused.force_login(summary_only.clinician)
    response = allowed.get(path)

    assert response["Content-Type"] == "application/fhir+json"
    data = json.loads(b"".join(response.streaming_content).decode())
    assert len(resources(data, "Observation")) == 1
    assert AuditEvent.objects.filter(mother=mother, action="export_fhir").count() == 1
    assert refused.get(path).status_code == 404
    assert Client().get(path).status_code == 302
    stranger = Client()
    stranger.force_login(ClinicianFactory())
    assert stranger.get(path).status_code == 404


def test_an_empty_record_is_still_a_valid_bundle(mother):
    bundle = export(mother)

    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == ["Patient", "CodeSystem"]
    assert "link" not in bundle["entry"][0]["resource"]


def test_a_mother_without_a_display_name_is_a_patient_without_a_name(mother):
    mother.display_name = ""
    mother.save()

    (patient,) = resources(export(mother), "Patient")

    assert "name" not in patient and patient["gender"] == "female"


def test_every_local_code_is_defined_in_the_bundled_code_system(mother, infant, regimen):
    full_record(mother, infant, regimen)

    bundle = export(mother)

    (code_system,) = resources(bundle, "CodeSystem")
    assert code_system["url"] == code_system_url()
    assert code_system["status"] == "active" and code_system["content"] == "complete"
    defined = {concept["code"]: concept for concept in code_system["concept"]}
    assert all(concept["display"] and concept["definition"] for concept in defined.values())
    used = {coding["code"] for coding in codings(bundle) if coding["system"] == code_system_url()}
    assert used <= set(defined)
    assert len(used) > 15


def test_every_choice_the_app_records_has_a_local_code():
    codes = {code for code, _, _ in CONCEPTS}

    assert len(codes) == len(CONCEPTS)
    assert {f"method-{value}" for value in FeedingSession.Method.values} <= codes
    assert {f"side-{value}" for value in Side.values} <= codes
    assert {f"size-{value}" for value in SymptomEntry.Size.values} <= codes
    assert {f"colour-{value}" for value in SymptomEntry.StoolColour.values} <= codes
    assert set(SYMPTOM_KINDS) == set(SymptomEntry.Kind.values)
    assert {code for code, _ in SYMPTOM_KINDS.values()} <= codes


def test_ids_are_uuid5_of_the_row_and_the_same_in_every_export(mother, infant, regimen):
    dose = DoseLogFactory(regimen=regimen)

    first, second = export(mother), export(mother)

    assert first["id"] == second["id"]
    assert [e["fullUrl"] for e in first["entry"]] == [e["fullUrl"] for e in second["entry"]]
    (statement,) = resources(first, "MedicationStatement")
    assert statement["id"] == str(uuid.uuid5(id_namespace(), f"tracker_doselog/{dose.pk}"))
    assert full_urls(id_namespace(), "t")(12345) == f"urn:uuid:{uuid.uuid5(id_namespace(), 't/12345')}"


def test_the_bundle_streams_one_entry_per_piece(mother, infant, regimen):
    full_record(mother, infant, regimen)

    pieces = list(bundle_chunks(mother=mother))

    assert pieces[0].startswith('{"resourceType":"Bundle"') and pieces[0].endswith('"entry":[')
    assert pieces[-1] == "]}"
    assert len(pieces) == len(json.loads("".join(pieces))["entry"]) + 2


def test_the_query_count_does_not_grow_with_the_data(mother, infant, regimen):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            "".join(bundle_chunks(mother=mother))
        return len(captured)

    few = queries()
    full_record(mother, infant, regimen)
    for day in range(1, 15):
        DoseLogFactory(regimen=regimen, slot_date=date(2026, 10, day))
        FeedingSessionFactory(
            infant=infant, started_at=datetime(2026, 11, 4, 9, 0, tzinfo=UTC) + timedelta(days=day)
        )

    assert queries() == few
