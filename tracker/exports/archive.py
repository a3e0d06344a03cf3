"""The mother's "download all my data": a zip of her whole record as JSON, every CSV, a README.

The zip is built in a spooled temporary file (in memory up to ``SPOOL_MAX``, on disk past it)
and each member is streamed into it: the CSVs line by line, the JSON record by record from
``iterator()`` querysets. Memory stays flat however long her history is.

Times are ISO 8601 with the offset of her time zone at that instant, as in the CSVs. The
record lists in the JSON (doses, feeds, symptoms, daily checks) are built from the same rows
and column names as the CSVs, so ``csv/dictionary.csv`` explains their fields too.
"""

import io
import json
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import TextIO
from zoneinfo import ZoneInfo

from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse
from django.utils import timezone

from accounts.models import User
from tracker.exports.catalogue import DATETIME, YES_NO, Column, CsvExport
from tracker.exports.csv_safe import local_iso
from tracker.exports.dictionary import EXPORTS
from tracker.exports.records import CHECKS, CHUNK, DOSES, FEEDS, SYMPTOMS
from tracker.localtime import local_date
from tracker.models import (
    AuditEvent,
    CareGrant,
    Infant,
    Pregnancy,
    Regimen,
    ReminderSettings,
    ScheduleChange,
    SupplementProduct,
)

SPOOL_MAX = 8 * 1024 * 1024
JSON_NAME = "my-data.json"
FORMAT_VERSION = 1


def archive_response(*, mother: User) -> FileResponse:
    """A zip attachment named ``my-data-<her local date>.zip`` holding ``README.txt``,
    ``my-data.json`` and ``csv/<key>.csv`` for every export in ``EXPORTS``."""
    now = timezone.now()
    # Not a ``with``: the FileResponse closes (and so deletes) it once the download is sent.
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX)  # noqa: SIM115
    try:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            stamp = now.astimezone(mother.zone).timetuple()[:6]  # her wall clock, as a zip stores it
            with _member(archive, "README.txt", stamp) as out:
                out.write(readme_text(mother=mother, now=now))
            with _member(archive, JSON_NAME, stamp) as out:
                write_my_data(out, mother=mother, now=now)
            for export in EXPORTS:
                with _member(archive, f"csv/{export.key}.csv", stamp) as out:
                    out.writelines(export.lines(mother=mother))
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    filename = f"my-data-{local_date(now, mother.zone).isoformat()}.zip"
    return FileResponse(spool, as_attachment=True, filename=filename, content_type="application/zip")


def _member(archive: zipfile.ZipFile, name: str, stamp: tuple) -> io.TextIOWrapper:
    member = zipfile.ZipInfo(name, date_time=stamp)
    member.compress_type = zipfile.ZIP_DEFLATED
    # newline="": the CSV lines already end in \r\n, as the CSV downloads do.
    return io.TextIOWrapper(archive.open(member, "w"), encoding="utf-8", newline="")


def readme_text(*, mother: User, now: datetime) -> str:
    csv_lines = "\n".join(f"  csv/{export.key}.csv  {export.title}: {export.summary}" for export in EXPORTS)
    return f"""Your data from the probiotic tracker
=====================================

Generated at {local_iso(now, mother.zone)}.

Time zone: {mother.time_zone}. Every time is written in ISO 8601 with the offset
of this time zone at that instant (for Europe/Rome, +01:00 in winter and +02:00
in summer). Days (a dose's slot date, a daily check's day) are your local days.

Files
-----
  README.txt  This file.
  {JSON_NAME}  Everything you recorded, in one JSON document:
    profile              your email, display name, time zone, account type, date joined
    pregnancies          due dates
    infants              your babies: birth time, gestational age, delivery mode, weight
    supplement_products  the supplements you entered
    regimens             how many doses a day at which times, from when to when, and
                         the times of the days before each change of times
    dose_logs            every dose logged (fields as in csv/doses.csv)
    feeding_sessions     every feed (fields as in csv/feeds.csv)
    symptom_entries      every symptom entry (fields as in csv/symptoms.csv)
    daily_checks         every daily check (fields as in csv/checks.csv)
    reminder_settings    your reminder email settings (null: never changed, the defaults)
    care_grants          who you shared your record with, the scope and the dates
    audit_trail          every time a clinician looked at or downloaded your record
  The same files as the "Downloads" page, for a spreadsheet:
{csv_lines}

csv/dictionary.csv explains every column; the record lists in {JSON_NAME} use
the same names. In the JSON an empty time is null and a yes/no is true/false.
In the CSVs a typed text starting with = + - or @ has a ' in front, so that a
spreadsheet shows it as text and never runs it as a formula.
"""


def write_my_data(out: TextIO, *, mother: User, now: datetime) -> None:
    """Write her whole record to ``out`` as one JSON object, a record at a time."""
    out.write("{")
    for index, (key, value) in enumerate(_sections(mother, now)):
        out.write(f"{',' if index else ''}\n{_dump(key)}: ")
        if isinstance(value, Iterator):
            _write_list(out, value)
        else:
            out.write(_dump(value))
    out.write("\n}\n")


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder)


def _write_list(out: TextIO, records: Iterable) -> None:
    out.write("[")
    separator = "\n  "
    for record in records:
        out.write(separator + _dump(record))
        separator = ",\n  "
    out.write("]" if separator == "\n  " else "\n]")


def _sections(mother: User, now: datetime) -> Iterator[tuple[str, object]]:
    """The JSON's keys and values, in order; an iterator value is written as a streamed list."""
    zone = mother.zone
    yield "format_version", FORMAT_VERSION
    yield "generated_at", local_iso(now, zone)
    yield "time_zone", mother.time_zone
    yield "profile", _profile(mother, zone)
    yield "pregnancies", _pregnancies(mother, zone)
    yield "infants", _infants(mother, zone)
    yield "supplement_products", _products(mother)
    yield "regimens", _regimens(mother, zone)
    yield "dose_logs", _export_records(DOSES, mother=mother)
    yield "feeding_sessions", _export_records(FEEDS, mother=mother)
    yield "symptom_entries", _export_records(SYMPTOMS, mother=mother)
    yield "daily_checks", _export_records(CHECKS, mother=mother)
    yield "reminder_settings", _reminder_settings(mother)
    yield "care_grants", _grants(mother, zone)
    yield "audit_trail", _audit_trail(mother, zone)


def _when(moment: datetime | None, zone: ZoneInfo) -> str | None:
    return None if moment is None else local_iso(moment, zone)


def _profile(mother: User, zone: ZoneInfo) -> dict:
    return {
        "email": mother.email,
        "display_name": mother.display_name,
        "time_zone": mother.time_zone,
        "role": mother.role,
        "date_joined": _when(mother.date_joined, zone),
    }


def _export_records(export: CsvExport, *, mother: User) -> Iterator[dict]:
    """The export's rows as objects keyed by its column names (unneutralised: JSON is no formula)."""
    columns = export.columns
    for row in export.rows(mother=mother):
        yield {column.name: _json_value(column, value) for column, value in zip(columns, row, strict=True)}


def _json_value(column: Column, value):
    if column.type == DATETIME:
        return value or None
    if column.type == YES_NO:
        return {"yes": True, "no": False}.get(value)
    return value


def _pregnancies(mother: User, zone: ZoneInfo) -> Iterator[dict]:
    rows = (
        Pregnancy.objects.for_mother(mother)
        .order_by("due_date", "pk")
        .values_list("pk", "due_date", "created_at")
    )
    for pk, due_date, created in rows.iterator(chunk_size=CHUNK):
        yield {"pregnancy_id": pk, "due_date": due_date.isoformat(), "created_at": _when(created, zone)}


def _infants(mother: User, zone: ZoneInfo) -> Iterator[dict]:
    rows = (
        Infant.objects.for_mother(mother)
        .order_by("birth_at", "pk")
        .values(
            "pk",
            "pregnancy_id",
            "name",
            "birth_at",
            "gestational_weeks",
            "gestational_days",
            "delivery_mode",
            "birth_weight_g",
            "created_at",
        )
    )
    for row in rows.iterator(chunk_size=CHUNK):
        yield {
            "infant_id": row.pop("pk"),
            **row,
            "birth_at": _when(row["birth_at"], zone),
            "created_at": _when(row["created_at"], zone),
        }


def _products(mother: User) -> Iterator[dict]:
    for product in SupplementProduct.objects.for_mother(mother).order_by("pk").iterator(chunk_size=CHUNK):
        yield {
            "product_id": product.pk,
            "name": product.name,
            "brand": product.brand,
            "strains": product.strain_list,
            "cfu_per_dose": product.cfu_per_dose,
            "form": product.form,
        }


def _regimens(mother: User, zone: ZoneInfo) -> Iterator[dict]:
    # The times the days before each change of dose times had (``ScheduleChange``), oldest first.
    earlier: dict[int, list[dict]] = defaultdict(list)
    for regimen_id, effective_from, previous in (
        ScheduleChange.objects.for_mother(mother)
        .order_by("effective_from")
        .values_list("regimen_id", "effective_from", "previous_times")
    ):
        until = effective_from - timedelta(days=1)
        earlier[regimen_id].append({"until": until.isoformat(), "dose_times": previous})
    rows = (
        Regimen.objects.for_mother(mother)
        .order_by("start_date", "pk")
        .values(
            "pk",
            "product_id",
            "product__name",
            "preset",
            "pregnancy_id",
            "doses_per_day",
            "dose_times",
            "start_date",
            "end_date",
            "reminders_enabled",
            "created_at",
        )
    )
    for row in rows.iterator(chunk_size=CHUNK):
        regimen_id = row.pop("pk")
        yield {
            "regimen_id": regimen_id,
            "product_id": row.pop("product_id"),
            "product_name": row.pop("product__name"),
            **row,
            "earlier_dose_times": earlier.get(regimen_id, []),
            "created_at": _when(row["created_at"], zone),
        }


def _reminder_settings(mother: User) -> dict | None:
    prefs = ReminderSettings.objects.for_mother(mother).first()
    if prefs is None:
        return None
    return {
        "email_enabled": prefs.email_enabled,
        "follow_up": prefs.follow_up,
        "quiet_start": prefs.quiet_start.strftime("%H:%M") if prefs.quiet_start else None,
        "quiet_end": prefs.quiet_end.strftime("%H:%M") if prefs.quiet_end else None,
    }


def _grants(mother: User, zone: ZoneInfo) -> Iterator[dict]:
    rows = (
        CareGrant.objects.for_mother(mother)
        .order_by("created_at", "pk")
        .values_list(
            "pk",
            "clinician__email",
            "invited_email",
            "scope",
            "created_at",
            "accepted_at",
            "expires_at",
            "revoked_at",
        )
    )
    for pk, clinician_email, invited, scope, created, accepted, expires, revoked in rows.iterator(
        chunk_size=CHUNK
    ):
        yield {
            "grant_id": pk,
            # The account that accepted; until then, the address she invited.
            "clinician_email": clinician_email or invited,
            "invited_email": invited,
            "scope": scope,
            "created_at": _when(created, zone),
            "accepted_at": _when(accepted, zone),
            "expires_at": _when(expires, zone),
            "revoked_at": _when(revoked, zone),
        }


def _audit_trail(mother: User, zone: ZoneInfo) -> Iterator[dict]:
    labels = dict(AuditEvent.Action.choices)
    rows = (
        AuditEvent.objects.for_mother(mother)
        .order_by("created_at", "pk")
        .values_list("created_at", "actor_email", "action", "detail", "ip_address")
    )
    for created, actor_email, action, detail, ip_address in rows.iterator(chunk_size=CHUNK):
        yield {
            "at": _when(created, zone),
            "who": actor_email,
            "action": action,
            "action_label": labels.get(action, action),
            "detail": detail,
            "ip_address": ip_address,
        }
