"""How one entry of the FHIR Bundle is written: its id, what every entry shares, and the
pieces every resource is built of (a reference, free text, a name, a note, minutes, an
Observation).

An entry's ``fullUrl`` is ``urn:uuid:`` + the uuid5 of ``"<table>/<pk>"`` in a namespace
derived from the site's address, so a row has the same id in every export from one site and
two sites never share one.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from uuid import NAMESPACE_URL, UUID, uuid5
from zoneinfo import ZoneInfo

from django.conf import settings

from tracker.exports.csv_safe import local_iso
from tracker.exports.fhir_codes import UCUM

# Free text keeps tabs and line breaks; other control characters go (FHIR strings SHOULD have none).
CONTROL_CHARACTERS = dict.fromkeys(set(range(32)) - {9, 10, 13} | {127})


def id_namespace() -> UUID:
    """The uuid5 namespace of this site's resource ids."""
    return uuid5(NAMESPACE_URL, settings.SITE_URL.rstrip("/") + "/fhir")


def full_urls(namespace: UUID, table: str) -> Callable[[object], str]:
    """``pk -> "urn:uuid:" + str(uuid5(namespace, f"{table}/{pk}"))``."""

    def full_url(pk: object) -> str:
        return f"urn:uuid:{uuid5(namespace, f'{table}/{pk}')}"

    return full_url


@dataclass(frozen=True)
class BundleContext:
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


def bundle_entry(full_url: str, resource_type: str, /, **fields) -> dict:
    return {"fullUrl": full_url, "resource": {"resourceType": resource_type, "id": full_url[9:], **fields}}


def reference(full_url: str) -> dict:
    return {"reference": full_url}


def free_text(value: str) -> str:
    return value.translate(CONTROL_CHARACTERS).strip() if value else ""


def name_field(value: str) -> dict:
    text = free_text(value)
    return {"name": [{"text": text}]} if text else {}


def note_field(value: str) -> dict:
    text = free_text(value)
    return {"note": [{"text": text}]} if text else {}


def minutes_quantity(value: float) -> dict:
    return {"value": value, "unit": "min", "system": UCUM, "code": "min"}


def observation(
    context: BundleContext, full_url: str, infant_id: int, category: list, code: dict, **fields
) -> dict:
    """An Observation about the baby ``infant_id``, performed by the mother; ``final`` unless told."""
    baby_url, related_url = context.babies[infant_id]
    status = fields.pop("status", "final")
    return bundle_entry(
        full_url,
        "Observation",
        status=status,
        category=category,
        code=code,
        subject=reference(baby_url),
        **fields,
        performer=[reference(related_url)],
    )
