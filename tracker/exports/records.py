"""One CSV per record type: doses, feeds, symptoms, daily checks.

Rows are read with ``values_list`` and ``iterator(chunk_size=2000)``, so no
model instance is built and memory does not grow with the record. Times are
ISO 8601 with the offset of the mother's zone at that instant (a CET winter
time ends ``+01:00``, a CEST summer time ``+02:00``).
"""

from collections.abc import Iterator

from tracker.exports.catalogue import (
    CHOICE,
    DATE,
    DATETIME,
    DATETIME_NOTE,
    DECIMAL,
    INTEGER,
    TEXT,
    TIME,
    YES_NO,
    Column,
    CsvExport,
    choices,
)
from tracker.exports.csv_safe import local_iso, yes_no
from tracker.models import DailyCheck, DoseLog, FeedingSession, Side, SymptomEntry

CHUNK = 2000
YES_NO_VALUES = "yes | no"
YES_NO_BLANK = "yes | no | blank (not answered)"

INFANT_ID = Column("infant_id", INTEGER, "The baby's id in this app (stable across exports).")
INFANT_NAME = Column("infant_name", TEXT, "The baby's name as the mother typed it.")
NOTES = Column("notes", TEXT, "Free text typed by the mother; a leading = + - @ is prefixed with ' .")


def _minutes(seconds: int | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def dose_rows(*, mother) -> Iterator[tuple]:
    zone = mother.zone
    rows = (
        DoseLog.objects.for_mother(mother)
        .order_by("slot_date", "slot_time", "pk")
        .values_list(
            "pk",
            "regimen_id",
            "regimen__product__name",
            "slot_date",
            "slot_time",
            "scheduled_at",
            "status",
            "taken_at",
            "skip_reason",
            "source",
            "logged_at",
        )
    )
    for pk, regimen_id, product, day, slot, scheduled, status, taken, reason, source, logged in rows.iterator(
        chunk_size=CHUNK
    ):
        yield (
            pk,
            regimen_id,
            product,
            day.isoformat(),
            slot.strftime("%H:%M"),
            local_iso(scheduled, zone),
            status,
            local_iso(taken, zone),
            reason,
            source,
            local_iso(logged, zone),
        )


DOSES = CsvExport(
    key="doses",
    title="Doses",
    summary="Every probiotic dose logged: slot, taken or skipped, when.",
    columns=(
        Column("dose_id", INTEGER, "The dose log's id."),
        Column("regimen_id", INTEGER, "The regimen the dose belongs to."),
        Column("product_name", TEXT, "The supplement's name as the mother typed it."),
        Column("slot_date", DATE, "The mother's local day of the scheduled dose (YYYY-MM-DD)."),
        Column("slot_time", TIME, "The local wall-clock time of the scheduled dose (HH:MM)."),
        Column("scheduled_at", DATETIME, f"The scheduled instant; {DATETIME_NOTE}."),
        Column("status", CHOICE, "Taken or skipped.", allowed_values=choices(DoseLog.Status.choices)),
        Column("taken_at", DATETIME, f"When it was taken, blank if skipped; {DATETIME_NOTE}."),
        Column("skip_reason", TEXT, "Why it was skipped, as typed; blank if taken."),
        Column("source", CHOICE, "Where it was logged.", allowed_values=choices(DoseLog.Source.choices)),
        Column("logged_at", DATETIME, f"When the log was saved; {DATETIME_NOTE}."),
    ),
    rows=dose_rows,
)


def feed_rows(*, mother) -> Iterator[tuple]:
    zone = mother.zone
    rows = (
        FeedingSession.objects.for_mother(mother)
        .order_by("started_at", "pk")
        .values_list(
            "pk",
            "infant_id",
            "infant__name",
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
    for pk, infant_id, name, started, ended, method, side, left, right, switches, ml, notes in rows.iterator(
        chunk_size=CHUNK
    ):
        duration = None if ended is None else round((ended - started).total_seconds() / 60, 1)
        yield (
            pk,
            infant_id,
            name,
            local_iso(started, zone),
            local_iso(ended, zone),
            duration,
            method,
            side,
            _minutes(left),
            _minutes(right),
            switches,
            ml,
            notes,
        )


FEEDS = CsvExport(
    key="feeds",
    title="Feeds",
    summary="Every feeding session: start, end, method, minutes per breast, bottle amount.",
    columns=(
        Column("feed_id", INTEGER, "The feeding session's id."),
        INFANT_ID,
        INFANT_NAME,
        Column("started_at", DATETIME, f"When the feed started; {DATETIME_NOTE}."),
        Column("ended_at", DATETIME, f"When it ended, blank while running; {DATETIME_NOTE}."),
        Column("duration_minutes", DECIMAL, "Wall-clock length, blank while running.", unit="minutes"),
        Column(
            "method", CHOICE, "How the baby was fed.", allowed_values=choices(FeedingSession.Method.choices)
        ),
        Column(
            "start_side",
            CHOICE,
            "The breast the feed started on; blank for bottle-only feeds.",
            allowed_values=choices(Side.choices),
        ),
        Column("left_minutes", DECIMAL, "Time on the left breast.", unit="minutes"),
        Column("right_minutes", DECIMAL, "Time on the right breast.", unit="minutes"),
        Column("switches", INTEGER, "Times the baby changed breast.", allowed_values="0-30"),
        Column(
            "bottle_ml", INTEGER, "Bottle amount; blank without a bottle.", unit="ml", allowed_values="1-400"
        ),
        NOTES,
    ),
    rows=feed_rows,
)


def symptom_rows(*, mother) -> Iterator[tuple]:
    zone = mother.zone
    rows = (
        SymptomEntry.objects.for_mother(mother)
        .order_by("occurred_at", "pk")
        .values_list("pk", "infant_id", "infant__name", "kind", *SymptomEntry.RECORDED_FIELDS)
    )
    for row in rows.iterator(chunk_size=CHUNK):
        (pk, infant_id, name, kind, occurred, ended, minutes, size, vomiting, *rest) = row
        yield (
            pk,
            infant_id,
            name,
            kind,
            local_iso(occurred, zone),
            local_iso(ended, zone),
            minutes,
            size,
            yes_no(vomiting),
            *rest,
        )


SYMPTOMS = CsvExport(
    key="symptoms",
    title="Symptoms",
    summary="Every symptom entry: spit-ups, crying, tummy pain, stools.",
    columns=(
        Column("symptom_id", INTEGER, "The symptom entry's id."),
        INFANT_ID,
        INFANT_NAME,
        Column("kind", CHOICE, "What happened.", allowed_values=choices(SymptomEntry.Kind.choices)),
        Column(
            "occurred_at", DATETIME, f"When it happened (timed crying: when it started); {DATETIME_NOTE}."
        ),
        Column("ended_at", DATETIME, f"When timed crying stopped; blank otherwise; {DATETIME_NOTE}."),
        Column("duration_minutes", INTEGER, "Crying duration as typed; blank when timed.", unit="minutes"),
        Column("size", CHOICE, "Spit-up size.", allowed_values=choices(SymptomEntry.Size.choices)),
        Column(
            "is_vomiting", YES_NO, "Whether the spit-up was forceful vomiting.", allowed_values=YES_NO_VALUES
        ),
        Column("severity", INTEGER, "Tummy pain severity, 0 none to 3 severe.", allowed_values="0-3"),
        Column(
            "stool_consistency",
            INTEGER,
            "Brussels Infant and Toddler Stool Scale.",
            allowed_values=choices(SymptomEntry.BRUSSELS_SCALE),
        ),
        Column(
            "stool_colour", CHOICE, "Stool colour.", allowed_values=choices(SymptomEntry.StoolColour.choices)
        ),
        Column(
            "straining_minutes",
            INTEGER,
            "Straining before the stool.",
            unit="minutes",
            allowed_values="0-120",
        ),
        NOTES,
    ),
    rows=symptom_rows,
)


def check_rows(*, mother) -> Iterator[tuple]:
    rows = (
        DailyCheck.objects.for_mother(mother)
        .order_by("day", "infant_id")
        .values_list(
            "pk", "infant_id", "infant__name", "day", "no_symptoms", "other_than_breast_milk", "notes"
        )
    )
    for pk, infant_id, name, day, no_symptoms, other, notes in rows.iterator(chunk_size=CHUNK):
        yield (pk, infant_id, name, day.isoformat(), yes_no(no_symptoms), yes_no(other), notes)


CHECKS = CsvExport(
    key="checks",
    title="Daily checks",
    summary="The once-a-day check per baby: no symptoms today, anything other than breast milk.",
    columns=(
        Column("check_id", INTEGER, "The daily check's id."),
        INFANT_ID,
        INFANT_NAME,
        Column("day", DATE, "The mother's local day the check is about (YYYY-MM-DD)."),
        Column("no_symptoms", YES_NO, "The mother ticked 'no symptoms today'.", allowed_values=YES_NO_VALUES),
        Column(
            "other_than_breast_milk",
            YES_NO,
            "Formula, water or food given that day (vitamin or medicine drops don't count).",
            allowed_values=YES_NO_BLANK,
        ),
        NOTES,
    ),
    rows=check_rows,
)
