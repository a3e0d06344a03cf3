"""The FHIR Bundle, row by row: what a dose, a feed, a symptom entry and a daily check become,
with times in her zone and free text kept as typed."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine

from tests.factories import DoseLogFactory, FeedingSessionFactory, InfantFactory, SymptomEntryFactory
from tests.fhir_bundle import (
    LOINC,
    NOW,
    component,
    export,
    full_record,
    local_code,
    observations,
    resources,
)
from tracker.models import FeedingSession, Side

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


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
