"""The FHIR Bundle: valid R4B, her rows only, references that resolve, times in her zone."""

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

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
from tracker.exports.fhir import bundle_chunks
from tracker.exports.fhir_codes import CONCEPTS, code_system_url
from tracker.exports.fhir_entries import full_urls, id_namespace
from tracker.exports.fhir_records import SYMPTOM_KINDS
from tracker.models import AuditEvent, FeedingSession, Side, SymptomEntry

# 16 Nov 2026, 21:00 in Rome (CET, +01:00); Rome left summer time (+02:00) on 25 Oct.
NOW = datetime(2026, 11, 16, 20, 0, tzinfo=UTC)
LOINC = "http://loinc.org"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def export(mother) -> dict:
    """Her Bundle as parsed JSON, after checking it validates as FHIR R4B."""
    data = json.loads("".join(bundle_chunks(mother=mother)))
    assert_valid(data)
    return data


def assert_valid(data: dict) -> None:
    Bundle.model_validate(data)
    for entry in data["entry"]:
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def resources(bundle: dict, resource_type: str) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == resource_type]


def by_url(bundle: dict) -> dict[str, dict]:
    return {entry["fullUrl"]: entry["resource"] for entry in bundle["entry"]}


def local_code(concept: dict) -> str:
    (coding,) = concept["coding"]
    assert coding["system"] == code_system_url()
    return coding["code"]


def observations(bundle: dict, code: str) -> list[dict]:
    found = []
    for resource in resources(bundle, "Observation"):
        (coding,) = resource["code"]["coding"]
        if coding["code"] == code:
            found.append(resource)
    return found


def component(observation: dict, code: str) -> dict:
    (found,) = [c for c in observation.get("component", []) if local_code(c["code"]) == code]
    return found


def references(value: object) -> Iterator[str]:
    """Every ``reference`` anywhere inside ``value``."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "reference":
                yield inner
            else:
                yield from references(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from references(inner)


def codings(value: object) -> Iterator[dict]:
    """Every Coding anywhere inside ``value``."""
    if isinstance(value, dict):
        if "system" in value and "code" in value and "display" in value:
            yield value
        for inner in value.values():
            yield from codings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from codings(inner)


def full_record(mother, infant, regimen) -> None:
    """Three doses, three feeds, six symptom entries and two daily checks."""
    DoseLogFactory(regimen=regimen, slot_date=date(2026, 11, 10), slot_time=time(8, 0))
    DoseLogFactory(regimen=regimen, slot_date=date(2026, 11, 10), slot_time=time(20, 0))
    DoseLogFactory(
        regimen=regimen,
        slot_date=date(2026, 11, 11),
        slot_time=time(8, 0),
        status="skipped",
        taken_at=None,
        skip_reason="Upset stomach",
    )
    FeedingSessionFactory(infant=infant, started_at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC))
    FeedingSessionFactory(
        infant=infant,
        started_at=datetime(2026, 11, 2, 12, 0, tzinfo=UTC),
        method=FeedingSession.Method.FORMULA,
        start_side="",
        left_seconds=0,
        right_seconds=0,
        switches=0,
        bottle_ml=90,
    )
    FeedingSessionFactory(infant=infant, started_at=datetime(2026, 11, 16, 19, 50, tzinfo=UTC), ended_at=None)
    at = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)
    SymptomEntryFactory(infant=infant, occurred_at=at, size="large", is_vomiting=True)
    SymptomEntryFactory(infant=infant, occurred_at=at, kind="crying", size="", duration_minutes=45)
    SymptomEntryFactory(
        infant=infant, occurred_at=at, kind="crying", size="", ended_at=at + timedelta(minutes=32)
    )
    SymptomEntryFactory(infant=infant, occurred_at=NOW - timedelta(minutes=5), kind="crying", size="")
    SymptomEntryFactory(infant=infant, occurred_at=at, kind="abdominal_pain", size="", severity=2)
    SymptomEntryFactory(
        infant=infant,
        occurred_at=at,
        kind="stool",
        size="",
        stool_consistency=6,
        stool_colour="yellow",
        straining_minutes=12,
    )
    DailyCheckFactory(infant=infant, day=date(2026, 11, 2))
    DailyCheckFactory(infant=infant, day=date(2026, 11, 3), no_symptoms=False, other_than_breast_milk=None)


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


def test_a_taken_dose_is_completed_and_a_skipped_one_not_taken_with_its_reason(mother, regimen):
    DoseLogFactory(regimen=regimen, slot_date=date(2026, 11, 10), slot_time=time(8, 0))
    DoseLogFactory(
        regimen=regimen,
        slot_date=date(2026, 11, 10),
        slot_time=time(20, 0),
        status="skipped",
        taken_at=None,
        skip_reason="Ran out",
    )

    taken, skipped = resources(export(mother), "MedicationStatement")

    assert taken["status"] == "completed"
    assert "statusReason" not in taken
    assert taken["medicationCodeableConcept"]["text"] == (
        "Multi-strain probiotic (Example): Lactobacillus paracasei, Bifidobacterium breve"
    )
    assert taken["dosage"][0]["text"] == "The 08:00 dose: Capsule, 4,500,000,000 CFU; 2 a day at 08:00, 20:00"
    assert taken["dosage"][0]["timing"]["repeat"]["timeOfDay"] == ["08:00:00", "20:00:00"]
    assert skipped["status"] == "not-taken"
    assert skipped["statusReason"] == [{"text": "Ran out"}]
    # A skipped dose is dated by the slot it answers.
    assert skipped["effectiveDateTime"] == "2026-11-10T20:00:00+01:00"


def test_a_feed_is_a_breastfeeding_status_observation_with_minutes_per_breast(mother, infant):
    FeedingSessionFactory(
        infant=infant,
        started_at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
        ended_at=datetime(2026, 11, 2, 9, 25, tzinfo=UTC),
        left_seconds=750,
        right_seconds=600,
        switches=1,
        start_side=Side.LEFT,
    )

    (feed,) = resources(export(mother), "Observation")

    assert feed["code"]["coding"] == [{"system": LOINC, "code": "63895-7", "display": "Breastfeeding status"}]
    assert feed["status"] == "final"
    assert local_code(feed["valueCodeableConcept"]) == "method-breast"
    assert feed["effectivePeriod"] == {
        "start": "2026-11-02T10:00:00+01:00",
        "end": "2026-11-02T10:25:00+01:00",
    }
    assert component(feed, "left-breast-time")["valueQuantity"] == {
        "value": 12.5,
        "unit": "min",
        "system": "http://unitsofmeasure.org",
        "code": "min",
    }
    assert component(feed, "right-breast-time")["valueQuantity"]["value"] == 10.0
    assert component(feed, "breast-switches")["valueInteger"] == 1
    assert local_code(component(feed, "start-side")["valueCodeableConcept"]) == "side-left"


def test_a_bottle_feed_has_its_amount_and_no_breast_minutes_and_a_running_feed_is_preliminary(mother, infant):
    FeedingSessionFactory(
        infant=infant,
        method=FeedingSession.Method.FORMULA,
        start_side="",
        left_seconds=0,
        right_seconds=0,
        switches=0,
        bottle_ml=120,
    )
    FeedingSessionFactory(infant=infant, started_at=NOW - timedelta(minutes=10), ended_at=None)

    bottle, running = resources(export(mother), "Observation")

    assert local_code(bottle["valueCodeableConcept"]) == "method-formula"
    assert [local_code(c["code"]) for c in bottle["component"]] == ["bottle-volume"]
    assert bottle["component"][0]["valueQuantity"]["value"] == 120
    assert running["status"] == "preliminary"
    assert running["effectivePeriod"] == {"start": "2026-11-16T20:50:00+01:00"}


def test_symptoms_carry_their_kind_value_and_details(mother, infant, regimen):
    full_record(mother, infant, regimen)

    bundle = export(mother)

    (spit_up,) = observations(bundle, "regurgitation")
    assert local_code(spit_up["valueCodeableConcept"]) == "size-large"
    assert component(spit_up, "vomiting")["valueBoolean"] is True
    typed, timed, running = observations(bundle, "crying")
    assert typed["valueQuantity"]["value"] == 45
    assert typed["effectiveDateTime"] == "2026-11-03T11:00:00+01:00"
    assert timed["valueQuantity"]["value"] == 32
    assert timed["effectivePeriod"] == {
        "start": "2026-11-03T11:00:00+01:00",
        "end": "2026-11-03T11:32:00+01:00",
    }
    assert running["status"] == "preliminary"
    assert "valueQuantity" not in running
    (pain,) = observations(bundle, "abdominal-pain")
    assert pain["valueInteger"] == 2
    (stool,) = observations(bundle, "stool")
    assert stool["valueInteger"] == 6
    assert local_code(component(stool, "stool-colour")["valueCodeableConcept"]) == "colour-yellow"
    assert component(stool, "straining-time")["valueQuantity"]["value"] == 12
    quiet, unanswered = observations(bundle, "daily-check")
    assert quiet["effectiveDateTime"] == "2026-11-02"
    assert component(quiet, "no-symptoms")["valueBoolean"] is True
    assert component(quiet, "other-than-breast-milk")["valueBoolean"] is False
    assert (
        component(unanswered, "other-than-breast-milk")["dataAbsentReason"]["coding"][0]["code"] == "unknown"
    )
    assert {o["category"][0]["coding"][0]["code"] for o in observations(bundle, "stool")} == {"exam"}


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


def test_times_carry_the_rome_offset_of_summer_or_winter(mother, infant, regimen):
    summer = DoseLogFactory(regimen=regimen, slot_date=date(2026, 10, 10), slot_time=time(8, 0))
    summer.taken_at = datetime(2026, 10, 10, 6, 5, tzinfo=UTC)
    summer.save()
    DoseLogFactory(regimen=regimen, slot_date=date(2026, 11, 16), slot_time=time(8, 0))
    FeedingSessionFactory(infant=infant, started_at=datetime(2026, 11, 2, 23, 30, tzinfo=UTC))

    bundle = export(mother)

    october, november = resources(bundle, "MedicationStatement")
    assert october["effectiveDateTime"] == "2026-10-10T08:05:00+02:00"
    assert november["effectiveDateTime"] == "2026-11-16T08:00:00+01:00"
    assert november["dateAsserted"] == "2026-11-16T21:00:00+01:00"
    (feed,) = resources(bundle, "Observation")
    assert feed["effectivePeriod"]["start"] == "2026-11-03T00:30:00+01:00"
    baby = next(p for p in resources(bundle, "Patient") if "birthDate" in p)
    assert baby["birthDate"] == "2026-10-30"
    assert baby["_birthDate"]["extension"][0]["valueDateTime"] == "2026-10-30T07:00:00+01:00"
    assert bundle["timestamp"] == "2026-11-16T21:00:00+01:00"


def test_a_baby_born_before_midnight_utc_has_her_local_birth_date(mother):
    InfantFactory(mother=mother, birth_at=datetime(2026, 10, 29, 23, 30, tzinfo=UTC))

    baby = next(p for p in resources(export(mother), "Patient") if "birthDate" in p)

    assert baby["birthDate"] == "2026-10-30"


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


def test_free_text_with_quotes_newlines_and_unicode_stays_valid_json(mother, infant, regimen):
    note = 'He said "basta!"\n\tthen slept 😴 — naïve \\ </script> {"entry": []}'
    FeedingSessionFactory(infant=infant, notes=note + "\x07")
    SymptomEntryFactory(infant=infant, notes="  \n ")
    DoseLogFactory(regimen=regimen, status="skipped", taken_at=None, skip_reason='"Forgot"\r\nà la maison')

    bundle = export(mother)

    feed, spit_up = resources(bundle, "Observation")
    assert feed["note"] == [{"text": note}]
    assert "note" not in spit_up
    (skipped,) = resources(bundle, "MedicationStatement")
    assert skipped["statusReason"] == [{"text": '"Forgot"\r\nà la maison'}]


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
