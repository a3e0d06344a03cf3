"""Logging the baby's symptoms and the daily check."""

import copy
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tracker.localtime import local_day_bounds
from tracker.models import DailyCheck, Infant, SymptomEntry
from tracker.models.validators import in_hand
from tracker.services.tap_times import errors_on_tap, tap_moment

MSG_CRYING_RUNNING = "Crying is already being timed for {name}."


def symptom_save(*, entry: SymptomEntry, validated: bool = False) -> SymptomEntry:
    """Validate and save a symptom entry (new or edited). ``validated``: the caller has just run
    ``entry.full_clean()`` on these values (a ModelForm's ``is_valid()`` does), so it is not run
    twice."""
    if not validated:
        # The fields' validators and clean() refuse whatever the check constraints would, so
        # only a running crying spell (one per baby) needs the constraints checked.
        entry.full_clean(exclude=in_hand(entry, "infant"), validate_constraints=entry.is_running)
    entry.save()
    return entry


def symptom_delete(*, entry: SymptomEntry) -> None:
    """Delete a symptom entry (a running crying timer too)."""
    entry.delete()


#: Taps on the same quick button this close together are one entry: a double tap, a tap
#: repeated on a slow connection, or a re-sent form, not a second spit-up.
REPEAT_TAP_WINDOW = timedelta(seconds=5)


@transaction.atomic
def symptom_log(
    *, infant: Infant, kind: str, now: datetime | None = None, **details
) -> tuple[SymptomEntry, bool]:
    """One-tap logging: a symptom of ``kind`` happening now, with optional details.

    Returns ``(entry, created)``. The same kind with the same details for the same baby,
    logged less than ``REPEAT_TAP_WINDOW`` ago, is returned unchanged (``created`` False).
    The baby's row is locked first, so simultaneous taps are checked one after the other.
    """
    now = now or timezone.now()
    Infant.objects.select_for_update().filter(pk=infant.pk).first()
    repeat = (
        SymptomEntry.objects.filter(
            infant=infant, kind=kind, occurred_at__gt=now - REPEAT_TAP_WINDOW, occurred_at__lte=now, **details
        )
        .order_by("-occurred_at")
        .first()
    )
    if repeat is not None:
        return repeat, False
    entry = SymptomEntry(infant=infant, kind=kind, occurred_at=now, **details)
    return symptom_save(entry=entry), True


def crying_start(*, infant: Infant, now: datetime | None = None, at: datetime | None = None) -> SymptomEntry:
    """Start timing a crying spell, now or at the time she tapped (``at``, see ``tap_times``)."""
    started = tap_moment(at, now)
    if SymptomEntry.objects.filter(infant=infant).running_crying().exists():
        raise ValidationError(MSG_CRYING_RUNNING.format(name=infant.name))
    entry = SymptomEntry(infant=infant, kind=SymptomEntry.Kind.CRYING, occurred_at=started)
    # The running spell was looked for above, and a race with another start is caught below.
    with errors_on_tap(at, "occurred_at"):
        entry.full_clean(exclude=in_hand(entry, "infant"), validate_constraints=False)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as error:
        raise ValidationError(MSG_CRYING_RUNNING.format(name=infant.name)) from error
    return entry


def crying_stop(
    *, entry: SymptomEntry, now: datetime | None = None, at: datetime | None = None
) -> SymptomEntry:
    """Stop a timed crying spell, now or at the time she tapped (``at``); its minutes are kept
    as the duration. A spell already ended is returned as it is."""
    ended = tap_moment(at, now)
    if not entry.is_running:
        return entry
    if at is not None and at < entry.occurred_at:
        local = entry.occurred_at.astimezone(entry.infant.mother.zone)
        raise ValidationError(
            {"at": f"That stop is before the crying started ({local:%H:%M:%S}): check the time."}
        )
    entry.ended_at = max(ended, entry.occurred_at + timedelta(seconds=1))
    entry.duration_minutes = entry.crying_minutes()
    with errors_on_tap(at, "ended_at"):
        return symptom_save(entry=entry)


def crying_resume(*, entry: SymptomEntry) -> SymptomEntry:
    """Undo a stop of the crying timer: the spell is timed again from its start.
    ``ValidationError`` when another spell of this baby is being timed since."""
    entry.ended_at = None
    entry.duration_minutes = None
    entry.full_clean(exclude=in_hand(entry, "infant"), validate_constraints=False)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as error:
        raise ValidationError(MSG_CRYING_RUNNING.format(name=entry.infant.name)) from error
    return entry


#: What a daily check answers: what Undo puts back when a tap changed a check.
DAILY_CHECK_ANSWERS = ("no_symptoms", "other_than_breast_milk", "notes")


def daily_check_answer(
    *, infant: Infant, day: date, no_symptoms: bool, other_than_breast_milk: bool | None, notes: str = ""
) -> tuple[DailyCheck, DailyCheck | None]:
    """Create or replace the daily check of ``infant`` for local ``day``. Returns the check and
    a copy of it as it was before (not saved), None when the day had no check.

    "No symptoms today" is refused on a day with symptoms logged for her baby.
    """
    if no_symptoms:
        start, end = local_day_bounds(day, infant.mother.zone)
        logged = SymptomEntry.objects.filter(
            infant=infant, occurred_at__gte=start, occurred_at__lt=end
        ).count()
        if logged:
            raise ValidationError(
                f"You logged {logged} symptom{'s' if logged > 1 else ''} for {infant.name} that day, "
                "so “no symptoms” can't be ticked. Delete them in History if they were a mistake."
            )
    DailyCheck(infant=infant, day=day, no_symptoms=no_symptoms).clean()
    answers = {"no_symptoms": no_symptoms, "other_than_breast_milk": other_than_breast_milk, "notes": notes}
    # update_or_create's steps (a locked read, then an UPDATE or an INSERT), keeping what was there.
    with transaction.atomic():
        check = DailyCheck.objects.select_for_update().filter(infant=infant, day=day).first()
        if check is None:
            try:
                with transaction.atomic():
                    return DailyCheck.objects.create(infant=infant, day=day, **answers), None
            except IntegrityError:  # saved by another request a moment ago: replace it
                check = DailyCheck.objects.select_for_update().get(infant=infant, day=day)
        previous = copy.copy(check)
        for name, value in answers.items():
            setattr(check, name, value)
        check.save(update_fields=[*DAILY_CHECK_ANSWERS])
    return check, previous


def daily_check_save(
    *, infant: Infant, day: date, no_symptoms: bool, other_than_breast_milk: bool | None, notes: str = ""
) -> DailyCheck:
    """Create or replace the daily check of ``infant`` for local ``day`` (``daily_check_answer``)."""
    check, _ = daily_check_answer(
        infant=infant,
        day=day,
        no_symptoms=no_symptoms,
        other_than_breast_milk=other_than_breast_milk,
        notes=notes,
    )
    return check


def daily_check_delete(*, check: DailyCheck) -> None:
    """Delete a daily check: that day is "no data" again unless a symptom is logged on it."""
    check.delete()
