"""Reading a FHIR Bundle in tests: export and validate one, find its resources, codes and
references, and a full record to export."""

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from tests.factories import DailyCheckFactory, DoseLogFactory, FeedingSessionFactory, SymptomEntryFactory
from tracker.exports.fhir import bundle_chunks
from tracker.exports.fhir_codes import code_system_url

# 16 Nov 2026, 21:00 in Rome (CET, +01:00); Rome left summer time (+02:00) on 25 Oct.
NOW = datetime(2026, 11, 16, 20, 0, tzinfo=UTC)
LOINC = "http://loinc.org"


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
        formula=True,
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
