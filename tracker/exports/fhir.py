"""A FHIR R4B JSON Bundle of a mother's record, streamed.

One ``collection`` Bundle holds:

- the mother as a ``Patient``; each baby as a ``Patient`` with a ``RelatedPerson`` (the mother,
  role ``MTH``) whose ``patient`` is the baby. The mother's Patient links to each of those
  RelatedPersons (``link.type`` ``seealso``): both are the same woman;
- one ``MedicationStatement`` per logged dose (``completed`` when taken, ``not-taken`` when
  skipped), about the mother;
- one ``Observation`` per feed (LOINC 63895-7 "Breastfeeding status", valued with the feeding
  method), per symptom entry and per daily check, about the baby and performed by the mother;
- the ``CodeSystem`` defining every local code those Observations use.

The local codes live at ``settings.SITE_URL`` + ``/fhir/CodeSystem/probiotic-tracker``: a
canonical URL under the deployment's own address, stable while the site keeps its address. An
entry's ``fullUrl`` is ``urn:uuid:`` + the uuid5 of ``"<table>/<pk>"`` in a namespace derived from
that same address, so a row has the same id in every export from one site and two sites never
share one.

Times are ISO 8601 with the offset of the mother's zone at that instant (``+01:00`` in a Rome
winter, ``+02:00`` in summer); a daily check's day is a plain date, her local day. Rows are read
with ``values_list`` and ``iterator()`` and written one entry at a time, so memory stays flat.
"""

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from uuid import NAMESPACE_URL, UUID, uuid5
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import StreamingHttpResponse
from django.utils import timezone

from accounts.models import User
from tracker.exports.csv_safe import local_iso
from tracker.exports.fhir_codes import (
    BIRTH_TIME,
    BREASTFEEDING_STATUS,
    CONCEPTS,
    EXAM,
    MOTHER_ROLE,
    NOT_ANSWERED,
    REPORTED_BY_PATIENT,
    SURVEY,
    UCUM,
    code_system_url,
    coded,
)
from tracker.exports.records import CHUNK
from tracker.localtime import local_date, local_today
from tracker.models import DailyCheck, DoseLog, FeedingSession, Infant, Regimen, SymptomEntry
from tracker.models.feeding import BOTTLE_ONLY

CONTENT_TYPE = "application/fhir+json"
#: The response is sent in pieces of about this many characters, not one write per entry.
SEND_SIZE = 64 * 1024
# Free text keeps tabs and line breaks; other control characters go (FHIR strings SHOULD have none).
CONTROL_CHARACTERS = dict.fromkeys(set(range(32)) - {9, 10, 13} | {127})
ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def id_namespace() -> UUID:
    """The uuid5 namespace of this site's resource ids."""
    return uuid5(NAMESPACE_URL, settings.SITE_URL.rstrip("/") + "/fhir")


def full_urls(namespace: UUID, table: str) -> Callable[[object], str]:
    """``pk -> "urn:uuid:" + str(uuid5(namespace, f"{table}/{pk}"))``."""

    def full_url(pk: object) -> str:
        return f"urn:uuid:{uuid5(namespace, f'{table}/{pk}')}"

    return full_url


@dataclass(frozen=True)
class _Record:
    """What every entry of one mother's Bundle shares: her zone, ids, local codes, the babies."""

    zone: ZoneInfo
    namespace: UUID
    #: local code -> its CodeableConcept
    codes: dict[str, dict]
    mother_url: str
    #: infant pk -> (the baby's Patient fullUrl, the mother's RelatedPerson fullUrl for that baby)
    babies: dict[int, tuple[str, str]]

    def time(self, moment: datetime) -> str:
        return local_iso(moment, self.zone)

    def component(self, code: str, **value) -> dict:
        return {"code": self.codes[code], **value}


def _entry(full_url: str, resource_type: str, /, **fields) -> dict:
    return {"fullUrl": full_url, "resource": {"resourceType": resource_type, "id": full_url[9:], **fields}}


def _reference(full_url: str) -> dict:
    return {"reference": full_url}


def _text(value: str) -> str:
    return value.translate(CONTROL_CHARACTERS).strip() if value else ""


def _name(value: str) -> dict:
    text = _text(value)
    return {"name": [{"text": text}]} if text else {}


def _notes(value: str) -> dict:
    text = _text(value)
    return {"note": [{"text": text}]} if text else {}


def _minutes(value: float) -> dict:
    return {"value": value, "unit": "min", "system": UCUM, "code": "min"}


def _code_system(full_url: str) -> dict:
    return _entry(
        full_url,
        "CodeSystem",
        url=code_system_url(),
        name="ProbioticTrackerCodes",
        title="Probiotic and feeding tracker codes",
        status="active",
        description="Local codes for feeds, infant symptoms and daily checks recorded by a parent.",
        caseSensitive=True,
        content="complete",
        count=len(CONCEPTS),
        concept=[{"code": code, "display": display, "definition": text} for code, display, text in CONCEPTS],
    )


def _people(record: _Record, mother: User, infants: list[tuple]) -> Iterator[dict]:
    """The mother's Patient, then each baby's Patient and the mother's RelatedPerson for it."""
    name = _name(mother.display_name)
    links = [{"other": _reference(related), "type": "seealso"} for _, related in record.babies.values()]
    yield _entry(record.mother_url, "Patient", **name, gender="female", **({"link": links} if links else {}))
    for pk, baby_name, birth_at in infants:
        baby_url, related_url = record.babies[pk]
        birth_time = {"extension": [{"url": BIRTH_TIME, "valueDateTime": record.time(birth_at)}]}
        born = local_date(birth_at, record.zone).isoformat()
        yield _entry(baby_url, "Patient", **_name(baby_name), birthDate=born, _birthDate=birth_time)
        yield _entry(
            related_url,
            "RelatedPerson",
            patient=_reference(baby_url),
            relationship=[MOTHER_ROLE],
            **name,
            gender="female",
        )


def _regimens(mother: User) -> dict[int, tuple[dict, str, dict]]:
    """regimen pk -> (the medication, the amount per dose as text, the Dosage's timing and dose)."""
    found = {}
    for regimen in Regimen.objects.for_mother(mother).select_related("product"):
        product = regimen.product
        strains = ", ".join(product.strain_list)
        medication = {"text": f"{product}: {strains}" if strains else str(product)}
        times = regimen.dose_times
        repeat = {
            "frequency": len(times),
            "period": 1,
            "periodUnit": "d",
            "timeOfDay": [f"{at}:00" for at in times],
        }
        dosage: dict = {"timing": {"repeat": repeat}}
        amount = product.get_form_display()
        if product.cfu_per_dose:
            amount += f", {product.cfu_per_dose:,} CFU"
            cfu = {"value": product.cfu_per_dose, "unit": "CFU", "system": UCUM, "code": "{CFU}"}
            dosage["doseAndRate"] = [{"doseQuantity": cfu}]
        found[regimen.pk] = (medication, f"{amount}; {len(times)} a day at {', '.join(times)}", dosage)
    return found


def _doses(record: _Record, mother: User) -> Iterator[dict]:
    regimens = _regimens(mother)
    full_url = full_urls(record.namespace, DoseLog._meta.db_table)
    rows = (
        DoseLog.objects.for_mother(mother)
        .order_by("slot_date", "slot_time", "pk")
        .values_list(
            "pk", "regimen_id", "slot_time", "scheduled_at", "status", "taken_at", "skip_reason", "logged_at"
        )
    )
    for pk, regimen_id, slot, scheduled, status, taken, reason, logged in rows.iterator(chunk_size=CHUNK):
        medication, amount, dosage = regimens[regimen_id]
        statement = {
            "status": "completed" if status == DoseLog.Status.TAKEN else "not-taken",
            "category": REPORTED_BY_PATIENT,
            "medicationCodeableConcept": medication,
            "subject": _reference(record.mother_url),
            "effectiveDateTime": record.time(taken or scheduled),
            "dateAsserted": record.time(logged),
            "informationSource": _reference(record.mother_url),
            "dosage": [{"text": f"The {slot:%H:%M} dose: {amount}", **dosage}],
        }
        if status == DoseLog.Status.SKIPPED and (text := _text(reason)):
            statement["statusReason"] = [{"text": text}]
        yield _entry(full_url(pk), "MedicationStatement", **statement)


def _observation(
    record: _Record, full_url: str, infant_id: int, category: list, code: dict, **fields
) -> dict:
    """An Observation about the baby ``infant_id``, performed by the mother; ``final`` unless told."""
    baby_url, related_url = record.babies[infant_id]
    status = fields.pop("status", "final")
    return _entry(
        full_url,
        "Observation",
        status=status,
        category=category,
        code=code,
        subject=_reference(baby_url),
        **fields,
        performer=[_reference(related_url)],
    )


def _feeds(record: _Record, mother: User) -> Iterator[dict]:
    full_url = full_urls(record.namespace, FeedingSession._meta.db_table)
    rows = (
        FeedingSession.objects.for_mother(mother)
        .order_by("started_at", "pk")
        .values_list(
            "pk",
            "infant_id",
            "started_at",
            "ended_at",
            "method",
            "start_side",
            "left_seconds",
            "right_seconds",
            "switches",
            "bottle_ml",
            "notes",
        )
    )
    for pk, infant_id, started, ended, method, side, left, right, switches, ml, notes in rows.iterator(
        chunk_size=CHUNK
    ):
        components = []
        if method not in BOTTLE_ONLY:
            components += [
                record.component("left-breast-time", valueQuantity=_minutes(round(left / 60, 1))),
                record.component("right-breast-time", valueQuantity=_minutes(round(right / 60, 1))),
                record.component("breast-switches", valueInteger=switches),
            ]
        if side:
            components.append(
                record.component("start-side", valueCodeableConcept=record.codes[f"side-{side}"])
            )
        if ml:
            volume = {"value": ml, "unit": "mL", "system": UCUM, "code": "mL"}
            components.append(record.component("bottle-volume", valueQuantity=volume))
        period = {"start": record.time(started)}
        if ended is not None:
            period["end"] = record.time(ended)
        yield _observation(
            record,
            full_url(pk),
            infant_id,
            SURVEY,
            BREASTFEEDING_STATUS,
            status="final" if ended is not None else "preliminary",  # a running feed
            effectivePeriod=period,
            valueCodeableConcept=record.codes[f"method-{method}"],
            **_notes(notes),
            **({"component": components} if components else {}),
        )


def _crying(record: _Record, row: dict) -> dict:
    """Typed minutes at an instant; timed crying over its period; no value while still timed."""
    started, ended, minutes = row["occurred_at"], row["ended_at"], row["duration_minutes"]
    if ended is None and minutes is not None:
        return {"effectiveDateTime": record.time(started), "valueQuantity": _minutes(minutes)}
    if ended is None:
        return {"status": "preliminary", "effectivePeriod": {"start": record.time(started)}}
    if minutes is None:
        minutes = round((ended - started).total_seconds() / 60)
    period = {"start": record.time(started), "end": record.time(ended)}
    return {"effectivePeriod": period, "valueQuantity": _minutes(minutes)}


def _regurgitation(record: _Record, row: dict) -> dict:
    fields: dict = {"effectiveDateTime": record.time(row["occurred_at"])}
    if row["size"]:
        fields["valueCodeableConcept"] = record.codes[f"size-{row['size']}"]
    fields["component"] = [record.component("vomiting", valueBoolean=row["is_vomiting"])]
    return fields


def _abdominal_pain(record: _Record, row: dict) -> dict:
    fields: dict = {"effectiveDateTime": record.time(row["occurred_at"])}
    if row["severity"] is not None:
        fields["valueInteger"] = row["severity"]
    return fields


def _stool(record: _Record, row: dict) -> dict:
    fields: dict = {"effectiveDateTime": record.time(row["occurred_at"])}
    if row["stool_consistency"] is not None:
        fields["valueInteger"] = row["stool_consistency"]
    components = []
    if row["stool_colour"]:
        colour = record.codes[f"colour-{row['stool_colour']}"]
        components.append(record.component("stool-colour", valueCodeableConcept=colour))
    if row["straining_minutes"] is not None:
        components.append(
            record.component("straining-time", valueQuantity=_minutes(row["straining_minutes"]))
        )
    if components:
        fields["component"] = components
    return fields


#: Per symptom kind: its local code, and how its time, value and components are written.
SYMPTOM_KINDS: dict[str, tuple[str, Callable[[_Record, dict], dict]]] = {
    SymptomEntry.Kind.REGURGITATION: ("regurgitation", _regurgitation),
    SymptomEntry.Kind.CRYING: ("crying", _crying),
    SymptomEntry.Kind.ABDOMINAL_PAIN: ("abdominal-pain", _abdominal_pain),
    SymptomEntry.Kind.STOOL: ("stool", _stool),
}
SYMPTOM_FIELDS = (
    "pk",
    "infant_id",
    "kind",
    "occurred_at",
    "ended_at",
    "duration_minutes",
    "size",
    "is_vomiting",
    "severity",
    "stool_consistency",
    "stool_colour",
    "straining_minutes",
    "notes",
)


def _symptoms(record: _Record, mother: User) -> Iterator[dict]:
    full_url = full_urls(record.namespace, SymptomEntry._meta.db_table)
    rows = SymptomEntry.objects.for_mother(mother).order_by("occurred_at", "pk").values(*SYMPTOM_FIELDS)
    for row in rows.iterator(chunk_size=CHUNK):
        code, fields = SYMPTOM_KINDS[row["kind"]]
        yield _observation(
            record,
            full_url(row["pk"]),
            row["infant_id"],
            EXAM,
            record.codes[code],
            **fields(record, row),
            **_notes(row["notes"]),
        )


def _daily_checks(record: _Record, mother: User) -> Iterator[dict]:
    full_url = full_urls(record.namespace, DailyCheck._meta.db_table)
    rows = (
        DailyCheck.objects.for_mother(mother)
        .order_by("day", "infant_id")
        .values_list("pk", "infant_id", "day", "no_symptoms", "other_than_breast_milk", "notes")
    )
    for pk, infant_id, day, no_symptoms, other, notes in rows.iterator(chunk_size=CHUNK):
        other_answer = {"dataAbsentReason": NOT_ANSWERED} if other is None else {"valueBoolean": other}
        yield _observation(
            record,
            full_url(pk),
            infant_id,
            SURVEY,
            record.codes["daily-check"],
            effectiveDateTime=day.isoformat(),
            **_notes(notes),
            component=[
                record.component("no-symptoms", valueBoolean=no_symptoms),
                record.component("other-than-breast-milk", **other_answer),
            ],
        )


def bundle_chunks(*, mother: User, now: datetime | None = None) -> Iterator[str]:
    """Her record as FHIR R4B JSON text, in pieces: the Bundle's opening, one piece per entry, the close.

    ``"".join(...)`` is the whole Bundle. Its ``timestamp`` is ``now`` (default: the present) in
    her zone; its ``id`` is the same in every export of her record from this site.
    """
    zone = mother.zone
    namespace = id_namespace()
    system = code_system_url()
    infant_urls = full_urls(namespace, Infant._meta.db_table)
    related_urls = full_urls(namespace, "related-person")
    infants = list(
        Infant.objects.for_mother(mother).order_by("birth_at", "pk").values_list("pk", "name", "birth_at")
    )
    record = _Record(
        zone=zone,
        namespace=namespace,
        codes={code: coded(system, code, display) for code, display, _ in CONCEPTS},
        mother_url=full_urls(namespace, User._meta.db_table)(mother.pk),
        babies={pk: (infant_urls(pk), related_urls(pk)) for pk, _, _ in infants},
    )
    opening = {
        "resourceType": "Bundle",
        "id": full_urls(namespace, "bundle")(mother.pk)[9:],
        "type": "collection",
        "timestamp": local_iso(now or timezone.now(), zone),
    }
    yield ENCODER.encode(opening)[:-1] + ',"entry":['
    entries = chain(
        _people(record, mother, infants),  # the mother's Patient first: "entry" is never empty
        [_code_system(full_urls(namespace, "code-system")(system))],
        _doses(record, mother),
        _feeds(record, mother),
        _symptoms(record, mother),
        _daily_checks(record, mother),
    )
    separator = ""
    for entry in entries:
        yield separator + ENCODER.encode(entry)
        separator = ","
    yield "]}"


def _in_pieces(chunks: Iterable[str], size: int = SEND_SIZE) -> Iterator[str]:
    """``chunks`` joined into pieces of at least ``size`` characters (the last may be shorter)."""
    buffer: list[str] = []
    length = 0
    for chunk in chunks:
        buffer.append(chunk)
        length += len(chunk)
        if length >= size:
            yield "".join(buffer)
            buffer, length = [], 0
    if buffer:
        yield "".join(buffer)


def bundle_response(*, mother: User) -> StreamingHttpResponse:
    """Her record as a FHIR ``collection`` Bundle, ``application/fhir+json``, named
    ``bundle-<her local date>.json``."""
    now = timezone.now()
    response = StreamingHttpResponse(
        _in_pieces(bundle_chunks(mother=mother, now=now)), content_type=CONTENT_TYPE
    )
    filename = f"bundle-{local_today(mother.zone, now).isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
