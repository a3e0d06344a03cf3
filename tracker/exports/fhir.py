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

This module builds the Bundle: the people, the CodeSystem, the order of the entries and the
streaming. ``fhir_records`` writes a resource per logged row, ``fhir_entries`` the ids and
the pieces every entry is built of, ``fhir_codes`` the codes.
"""

import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import chain

from django.http import StreamingHttpResponse
from django.utils import timezone

from accounts.models import User
from tracker.exports.csv_safe import local_iso
from tracker.exports.fhir_codes import BIRTH_TIME, CONCEPTS, MOTHER_ROLE, code_system_url, coded
from tracker.exports.fhir_entries import (
    BundleContext,
    bundle_entry,
    full_urls,
    id_namespace,
    name_field,
    reference,
)
from tracker.exports.fhir_records import daily_checks, doses, feeds, symptoms
from tracker.localtime import local_date, local_today
from tracker.models import Infant

CONTENT_TYPE = "application/fhir+json"
#: The response is sent in pieces of about this many characters, not one write per entry.
SEND_SIZE = 64 * 1024
ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)


def _code_system(full_url: str) -> dict:
    return bundle_entry(
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


def _people(context: BundleContext, mother: User, infants: list[tuple]) -> Iterator[dict]:
    """The mother's Patient, then each baby's Patient and the mother's RelatedPerson for it."""
    name = name_field(mother.display_name)
    links = [{"other": reference(related), "type": "seealso"} for _, related in context.babies.values()]
    yield bundle_entry(
        context.mother_url, "Patient", **name, gender="female", **({"link": links} if links else {})
    )
    for pk, baby_name, birth_at in infants:
        baby_url, related_url = context.babies[pk]
        birth_time = {"extension": [{"url": BIRTH_TIME, "valueDateTime": context.time(birth_at)}]}
        born = local_date(birth_at, context.zone).isoformat()
        yield bundle_entry(
            baby_url, "Patient", **name_field(baby_name), birthDate=born, _birthDate=birth_time
        )
        yield bundle_entry(
            related_url,
            "RelatedPerson",
            patient=reference(baby_url),
            relationship=[MOTHER_ROLE],
            **name,
            gender="female",
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
    context = BundleContext(
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
        _people(context, mother, infants),  # the mother's Patient first: "entry" is never empty
        [_code_system(full_urls(namespace, "code-system")(system))],
        doses(context, mother),
        feeds(context, mother),
        symptoms(context, mother),
        daily_checks(context, mother),
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
