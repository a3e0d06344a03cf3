"""One FHIR resource per row she logged: a ``MedicationStatement`` per dose (``completed``
when taken, ``not-taken`` when skipped), about the mother; an ``Observation`` per feed (LOINC
63895-7 "Breastfeeding status", valued with the feeding method), per symptom entry and per
daily check, about the baby and performed by the mother.

Rows are read with ``values_list`` / ``values`` and ``iterator()``, one entry at a time.
"""

from collections.abc import Callable, Iterator

from accounts.models import User
from tracker.exports.fhir_codes import (
    BREASTFEEDING_STATUS,
    EXAM,
    NOT_ANSWERED,
    REPORTED_BY_PATIENT,
    SURVEY,
    UCUM,
)
from tracker.exports.fhir_entries import (
    BundleContext,
    bundle_entry,
    free_text,
    full_urls,
    minutes_quantity,
    note_field,
    observation,
    reference,
)
from tracker.exports.records import CHUNK
from tracker.models import DailyCheck, DoseLog, FeedingSession, Regimen, SymptomEntry
from tracker.models.feeding import BOTTLE_ONLY


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


def doses(context: BundleContext, mother: User) -> Iterator[dict]:
    """A MedicationStatement per dose she logged, about her, in slot order."""
    regimens = _regimens(mother)
    full_url = full_urls(context.namespace, DoseLog._meta.db_table)
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
            "subject": reference(context.mother_url),
            "effectiveDateTime": context.time(taken or scheduled),
            "dateAsserted": context.time(logged),
            "informationSource": reference(context.mother_url),
            "dosage": [{"text": f"The {slot:%H:%M} dose: {amount}", **dosage}],
        }
        if status == DoseLog.Status.SKIPPED and (text := free_text(reason)):
            statement["statusReason"] = [{"text": text}]
        yield bundle_entry(full_url(pk), "MedicationStatement", **statement)


def feeds(context: BundleContext, mother: User) -> Iterator[dict]:
    """A Breastfeeding status Observation per feed, about the baby, in start order."""
    full_url = full_urls(context.namespace, FeedingSession._meta.db_table)
    rows = (
        FeedingSession.objects.for_mother(mother)
        .order_by("started_at", "pk")
        .values_list("pk", "infant_id", *FeedingSession.RECORDED_FIELDS)
    )
    for pk, infant_id, started, ended, method, side, left, right, switches, ml, notes in rows.iterator(
        chunk_size=CHUNK
    ):
        components = []
        if method not in BOTTLE_ONLY:
            components += [
                context.component("left-breast-time", valueQuantity=minutes_quantity(round(left / 60, 1))),
                context.component("right-breast-time", valueQuantity=minutes_quantity(round(right / 60, 1))),
                context.component("breast-switches", valueInteger=switches),
            ]
        if side:
            components.append(
                context.component("start-side", valueCodeableConcept=context.codes[f"side-{side}"])
            )
        if ml:
            volume = {"value": ml, "unit": "mL", "system": UCUM, "code": "mL"}
            components.append(context.component("bottle-volume", valueQuantity=volume))
        period = {"start": context.time(started)}
        if ended is not None:
            period["end"] = context.time(ended)
        yield observation(
            context,
            full_url(pk),
            infant_id,
            SURVEY,
            BREASTFEEDING_STATUS,
            status="final" if ended is not None else "preliminary",  # a running feed
            effectivePeriod=period,
            valueCodeableConcept=context.codes[f"method-{method}"],
            **note_field(notes),
            **({"component": components} if components else {}),
        )


def _crying(context: BundleContext, row: dict) -> dict:
    """Typed minutes at an instant; timed crying over its period; no value while still timed."""
    started, ended, minutes = row["occurred_at"], row["ended_at"], row["duration_minutes"]
    if ended is None and minutes is not None:
        return {"effectiveDateTime": context.time(started), "valueQuantity": minutes_quantity(minutes)}
    if ended is None:
        return {"status": "preliminary", "effectivePeriod": {"start": context.time(started)}}
    if minutes is None:
        minutes = SymptomEntry.timed_minutes(started, ended)
    period = {"start": context.time(started), "end": context.time(ended)}
    return {"effectivePeriod": period, "valueQuantity": minutes_quantity(minutes)}


def _regurgitation(context: BundleContext, row: dict) -> dict:
    fields: dict = {"effectiveDateTime": context.time(row["occurred_at"])}
    if row["size"]:
        fields["valueCodeableConcept"] = context.codes[f"size-{row['size']}"]
    fields["component"] = [context.component("vomiting", valueBoolean=row["is_vomiting"])]
    return fields


def _abdominal_pain(context: BundleContext, row: dict) -> dict:
    fields: dict = {"effectiveDateTime": context.time(row["occurred_at"])}
    if row["severity"] is not None:
        fields["valueInteger"] = row["severity"]
    return fields


def _stool(context: BundleContext, row: dict) -> dict:
    fields: dict = {"effectiveDateTime": context.time(row["occurred_at"])}
    if row["stool_consistency"] is not None:
        fields["valueInteger"] = row["stool_consistency"]
    components = []
    if row["stool_colour"]:
        colour = context.codes[f"colour-{row['stool_colour']}"]
        components.append(context.component("stool-colour", valueCodeableConcept=colour))
    if row["straining_minutes"] is not None:
        components.append(
            context.component("straining-time", valueQuantity=minutes_quantity(row["straining_minutes"]))
        )
    if components:
        fields["component"] = components
    return fields


#: Per symptom kind: its local code, and how its time, value and components are written.
SYMPTOM_KINDS: dict[str, tuple[str, Callable[[BundleContext, dict], dict]]] = {
    SymptomEntry.Kind.REGURGITATION: ("regurgitation", _regurgitation),
    SymptomEntry.Kind.CRYING: ("crying", _crying),
    SymptomEntry.Kind.ABDOMINAL_PAIN: ("abdominal-pain", _abdominal_pain),
    SymptomEntry.Kind.STOOL: ("stool", _stool),
}
SYMPTOM_FIELDS = ("pk", "infant_id", "kind", *SymptomEntry.RECORDED_FIELDS)


def symptoms(context: BundleContext, mother: User) -> Iterator[dict]:
    """An Observation per symptom entry, about the baby, in time order."""
    full_url = full_urls(context.namespace, SymptomEntry._meta.db_table)
    rows = SymptomEntry.objects.for_mother(mother).order_by("occurred_at", "pk").values(*SYMPTOM_FIELDS)
    for row in rows.iterator(chunk_size=CHUNK):
        code, fields = SYMPTOM_KINDS[row["kind"]]
        yield observation(
            context,
            full_url(row["pk"]),
            row["infant_id"],
            EXAM,
            context.codes[code],
            **fields(context, row),
            **note_field(row["notes"]),
        )


def daily_checks(context: BundleContext, mother: User) -> Iterator[dict]:
    """An Observation per daily check, dated by its local day, day by day."""
    full_url = full_urls(context.namespace, DailyCheck._meta.db_table)
    rows = (
        DailyCheck.objects.for_mother(mother)
        .order_by("day", "infant_id")
        .values_list("pk", "infant_id", "day", "no_symptoms", "other_than_breast_milk", "notes")
    )
    for pk, infant_id, day, no_symptoms, other, notes in rows.iterator(chunk_size=CHUNK):
        other_answer = {"dataAbsentReason": NOT_ANSWERED} if other is None else {"valueBoolean": other}
        yield observation(
            context,
            full_url(pk),
            infant_id,
            SURVEY,
            context.codes["daily-check"],
            effectiveDateTime=day.isoformat(),
            **note_field(notes),
            component=[
                context.component("no-symptoms", valueBoolean=no_symptoms),
                context.component("other-than-breast-milk", **other_answer),
            ],
        )
