"""One CSV per record type: doses, feeds, symptoms, daily checks.

Records are rows of ``values_list(..., named=True)`` read with ``iterator(chunk_size=2000)``,
so no model instance is built and memory does not grow with the record; each column reads
its own field. Times are ISO 8601 with the offset of the mother's zone at that instant (a
CET winter time ends ``+01:00``, a CEST summer time ``+02:00``).
"""

from collections.abc import Iterator

from django.db.models import QuerySet

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
    field,
)
from tracker.models import DailyCheck, DoseLog, FeedingSession, Side, SymptomEntry

CHUNK = 2000
YES_NO_VALUES = "yes | no"
YES_NO_BLANK = "yes | no | blank (not answered)"

INFANT_ID = Column(
    "infant_id", INTEGER, "The baby's id in this app (stable across exports).", field("infant_id")
)
INFANT_NAME = Column("infant_name", TEXT, "The baby's name as the mother typed it.", field("infant__name"))
NOTES = Column(
    "notes",
    TEXT,
    "Free text typed by the mother; a leading = + - @ is prefixed with ' .",
    field("notes"),
    blank_when="nothing was typed",
)


def _minutes(seconds: int | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def dose_logs(*, mother) -> QuerySet:
    return DoseLog.objects.for_mother(mother).order_by("slot_date", "slot_time", "pk")


def dose_records(*, mother) -> Iterator:
    return (
        dose_logs(mother=mother)
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
            named=True,
        )
        .iterator(chunk_size=CHUNK)
    )


DOSES = CsvExport(
    key="doses",
    title="Doses",
    summary="Every probiotic dose logged: slot, taken or skipped, when.",
    columns=(
        Column("dose_id", INTEGER, "The dose log's id.", field("pk")),
        Column("regimen_id", INTEGER, "The regimen the dose belongs to.", field("regimen_id")),
        Column(
            "product_name",
            TEXT,
            "The supplement's name as the mother typed it.",
            field("regimen__product__name"),
        ),
        Column(
            "slot_date",
            DATE,
            "The mother's local day of the scheduled dose (YYYY-MM-DD).",
            field("slot_date"),
        ),
        Column(
            "slot_time",
            TIME,
            "The local wall-clock time of the scheduled dose (HH:MM).",
            field("slot_time"),
        ),
        Column("scheduled_at", DATETIME, f"The scheduled instant; {DATETIME_NOTE}.", field("scheduled_at")),
        Column(
            "status",
            CHOICE,
            "Taken or skipped.",
            field("status"),
            allowed_values=choices(DoseLog.Status.choices),
        ),
        Column(
            "taken_at",
            DATETIME,
            f"When it was taken, blank if skipped; {DATETIME_NOTE}.",
            field("taken_at"),
            blank_when="the dose was skipped",
        ),
        Column(
            "skip_reason",
            TEXT,
            "Why it was skipped, as typed; blank if taken.",
            field("skip_reason"),
            blank_when="the dose was taken, or skipped without a reason",
        ),
        Column(
            "source",
            CHOICE,
            "Where it was logged.",
            field("source"),
            allowed_values=choices(DoseLog.Source.choices),
        ),
        Column("logged_at", DATETIME, f"When the log was saved; {DATETIME_NOTE}.", field("logged_at")),
    ),
    records=dose_records,
    queryset=dose_logs,
)


def feed_records(*, mother) -> Iterator:
    return (
        FeedingSession.objects.for_mother(mother)
        .order_by("started_at", "pk")
        .values_list("pk", "infant_id", "infant__name", *FeedingSession.RECORDED_FIELDS, named=True)
        .iterator(chunk_size=CHUNK)
    )


def _feed_minutes(feed) -> float | None:
    if feed.ended_at is None:
        return None
    return round((feed.ended_at - feed.started_at).total_seconds() / 60, 1)


FEEDS = CsvExport(
    key="feeds",
    title="Feeds",
    summary="Every feeding session: start, end, method, minutes per breast, bottle amount.",
    columns=(
        Column("feed_id", INTEGER, "The feeding session's id.", field("pk")),
        INFANT_ID,
        INFANT_NAME,
        Column("started_at", DATETIME, f"When the feed started; {DATETIME_NOTE}.", field("started_at")),
        Column(
            "ended_at",
            DATETIME,
            f"When it ended, blank while running; {DATETIME_NOTE}.",
            field("ended_at"),
            blank_when="the feed is still running (its timer not stopped)",
        ),
        Column(
            "duration_minutes",
            DECIMAL,
            "Wall-clock length from start to end, 1 decimal; blank while running.",
            _feed_minutes,
            unit="minutes",
            blank_when="the feed is still running",
        ),
        Column(
            "method",
            CHOICE,
            "How the baby was fed.",
            field("method"),
            allowed_values=choices(FeedingSession.Method.choices),
        ),
        Column(
            "start_side",
            CHOICE,
            "The breast the feed started on; blank for bottle-only feeds.",
            field("start_side"),
            allowed_values=choices(Side.choices),
            blank_when="a bottle-only feed (formula or expressed milk), or no breast was recorded",
        ),
        Column(
            "left_minutes",
            DECIMAL,
            "Time on the left breast, 1 decimal (0 for none).",
            lambda feed: _minutes(feed.left_seconds),
            unit="minutes",
        ),
        Column(
            "right_minutes",
            DECIMAL,
            "Time on the right breast, 1 decimal (0 for none).",
            lambda feed: _minutes(feed.right_seconds),
            unit="minutes",
        ),
        Column(
            "switches",
            INTEGER,
            "Times the baby changed breast.",
            field("switches"),
            allowed_values="0-30",
        ),
        Column(
            "bottle_ml",
            INTEGER,
            "Bottle amount; blank without a bottle.",
            field("bottle_ml"),
            unit="ml",
            allowed_values="1-400",
            blank_when="no bottle amount was given (a breast feed)",
        ),
        NOTES,
    ),
    records=feed_records,
)


def symptom_entries(*, mother) -> QuerySet:
    return SymptomEntry.objects.for_mother(mother).order_by("occurred_at", "pk")


def symptom_records(*, mother) -> Iterator:
    return (
        symptom_entries(mother=mother)
        .values_list("pk", "infant_id", "infant__name", "kind", *SymptomEntry.RECORDED_FIELDS, named=True)
        .iterator(chunk_size=CHUNK)
    )


SYMPTOMS = CsvExport(
    key="symptoms",
    title="Symptoms",
    summary="Every symptom entry: spit-ups, crying, tummy pain, stools.",
    columns=(
        Column("symptom_id", INTEGER, "The symptom entry's id.", field("pk")),
        INFANT_ID,
        INFANT_NAME,
        Column(
            "kind",
            CHOICE,
            "What happened.",
            field("kind"),
            allowed_values=choices(SymptomEntry.Kind.choices),
        ),
        Column(
            "occurred_at",
            DATETIME,
            f"When it happened (timed crying: when it started); {DATETIME_NOTE}.",
            field("occurred_at"),
        ),
        Column(
            "ended_at",
            DATETIME,
            f"When crying timed with the timer (or given a start and an end) stopped; {DATETIME_NOTE}.",
            field("ended_at"),
            blank_when="not crying, crying given as minutes only, or a spell still being timed",
        ),
        Column(
            "duration_minutes",
            INTEGER,
            "Crying minutes: as typed, or for a spell stopped with the timer its length rounded to the "
            "minute. Every ended spell holds its minutes; only a spell still being timed has none yet.",
            field("duration_minutes"),
            unit="minutes",
            allowed_values="0-1440",
            blank_when="not crying, or a crying spell still being timed (ended_at blank)",
        ),
        Column(
            "size",
            CHOICE,
            "Spit-up size.",
            field("size"),
            allowed_values=choices(SymptomEntry.Size.choices),
            blank_when="not a spit-up",
        ),
        Column(
            "is_vomiting",
            YES_NO,
            "yes: the spit-up was forceful vomiting (not counted as regurgitation); always no for the other "
            "kinds.",
            field("is_vomiting"),
            allowed_values=YES_NO_VALUES,
        ),
        Column(
            "severity",
            INTEGER,
            "Tummy pain severity, 0 none to 3 severe.",
            field("severity"),
            allowed_values="0-3",
            blank_when="not tummy pain",
        ),
        Column(
            "stool_consistency",
            INTEGER,
            "Brussels Infant and Toddler Stool Scale, 1-7 (groups: hard 1-3, formed 4, loose 5-6, watery 7).",
            field("stool_consistency"),
            allowed_values=choices(SymptomEntry.BRUSSELS_SCALE),
            blank_when="not a stool",
        ),
        Column(
            "stool_colour",
            CHOICE,
            "Stool colour.",
            field("stool_colour"),
            allowed_values=choices(SymptomEntry.StoolColour.choices),
            blank_when="not a stool, or no colour chosen",
        ),
        Column(
            "straining_minutes",
            INTEGER,
            "Straining before the stool.",
            field("straining_minutes"),
            unit="minutes",
            allowed_values="0-120",
            blank_when="not a stool, or no straining time given",
        ),
        NOTES,
    ),
    records=symptom_records,
    queryset=symptom_entries,
)


def daily_checks(*, mother) -> QuerySet:
    return DailyCheck.objects.for_mother(mother).order_by("day", "infant_id")


def check_records(*, mother) -> Iterator:
    return (
        daily_checks(mother=mother)
        .values_list(
            "pk",
            "infant_id",
            "infant__name",
            "day",
            "no_symptoms",
            "other_than_breast_milk",
            "notes",
            named=True,
        )
        .iterator(chunk_size=CHUNK)
    )


CHECKS = CsvExport(
    key="checks",
    title="Daily checks",
    summary="The once-a-day check per baby: no symptoms today, anything other than breast milk.",
    columns=(
        Column("check_id", INTEGER, "The daily check's id.", field("pk")),
        INFANT_ID,
        INFANT_NAME,
        Column("day", DATE, "The mother's local day the check is about (YYYY-MM-DD).", field("day")),
        Column(
            "no_symptoms",
            YES_NO,
            "The mother ticked 'no symptoms today'.",
            field("no_symptoms"),
            allowed_values=YES_NO_VALUES,
        ),
        Column(
            "other_than_breast_milk",
            YES_NO,
            "Formula, water or food given that day (vitamin or medicine drops don't count).",
            field("other_than_breast_milk"),
            allowed_values=YES_NO_BLANK,
            blank_when="the question was not answered",
        ),
        NOTES,
    ),
    records=check_records,
    queryset=daily_checks,
)
