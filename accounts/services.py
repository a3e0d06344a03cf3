"""Writes to an account: her profile, her login lockout, and deleting the account (everything
of hers goes, and the audit trail forgets who she was)."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from axes.utils import reset as axes_reset
from django.db import models, transaction
from django.db.models import Q

from accounts.models import User
from tracker.models import (
    AuditEvent,
    CareGrant,
    DailyCheck,
    DoseLog,
    DoseReminder,
    FeedingSession,
    Infant,
    Pregnancy,
    Regimen,
    ReminderSettings,
    SupplementProduct,
    SymptomEntry,
)

#: What an account holds, by the name the deletion page and the result use.
RECORD_KINDS: tuple[tuple[str, type[models.Model]], ...] = (
    ("pregnancies", Pregnancy),
    ("babies", Infant),
    ("products", SupplementProduct),
    ("regimens", Regimen),
    ("doses", DoseLog),
    ("reminders", DoseReminder),
    ("feeds", FeedingSession),
    ("symptoms", SymptomEntry),
    ("daily_checks", DailyCheck),
    ("reminder_settings", ReminderSettings),
    ("grants", CareGrant),
)


def profile_save(*, user: User) -> User:
    """Save her display name and time zone (already validated by the profile form)."""
    user.save()
    return user


def login_attempts_reset(*, user: User) -> None:
    """Forget the wrong passwords typed for this account, so a new password lets her straight in."""
    axes_reset(username=user.get_username())


def _grants_of(user: User):
    """The grants she gave and, for a clinician, the grants mothers gave her."""
    return CareGrant.objects.filter(Q(mother=user) | Q(clinician=user))


def account_records(*, user: User) -> dict[str, int]:
    """How many rows of each kind in ``RECORD_KINDS`` deleting ``user`` would remove.

    ``grants`` counts both directions: the ones she gave and the ones given to her."""
    counts = {
        key: model.objects.for_mother(user).count() for key, model in RECORD_KINDS if model is not CareGrant
    }
    counts["grants"] = _grants_of(user).count()
    return counts


def account_delete(*, user: User) -> dict[str, int]:
    """Delete ``user`` and everything of hers, in one transaction; the rows removed per kind.

    The result has a key per ``RECORD_KINDS`` entry, plus ``audit_events_anonymised`` (looks
    at her record that are kept with no trace of her) and ``login_records`` (django-axes rows
    holding her email address).

    - Her records cascade from the User row, except that a regimen PROTECTs its product: the
      regimens (with their dose logs and reminder rows, pending ones included, so no reminder
      goes out afterwards) are deleted first.
    - Grants she gave cascade, so a clinician's next request for her is a 404.
    - Audit events about her stay, because the log is append-only, but with ``mother`` NULL and
      ``detail`` blank (it may name her baby). ``actor_email`` is the clinician's, not hers, so
      it stays; on the events she made herself (her deletes, her Undos) it is blanked too. The model refuses ``save()``/``delete()``; a queryset UPDATE is the only change
      it allows, and this is the one place that makes it.
    - A clinician who deletes her account loses the grants mothers gave her (cascade) and her
      audit events keep ``actor_email`` with ``actor`` NULL: each mother's trail must still say
      who looked at her record, and that address is the one fact the log exists to keep.
    """
    email = user.email
    deleted: dict[str, int] = {}

    def count(per_model: dict[str, int]) -> None:
        for label, n in per_model.items():
            deleted[label] = deleted.get(label, 0) + n

    with transaction.atomic():
        # Her own deletes and Undos (actor and mother both her) keep no address of hers either.
        AuditEvent.objects.for_mother(user).filter(actor=user).update(actor_email="")
        anonymised = AuditEvent.objects.for_mother(user).update(mother=None, detail="")
        # Explicit rather than by cascade, so the result counts the grants a clinician
        # received as well as the ones a mother gave.
        count(_grants_of(user).delete()[1])
        count(Regimen.objects.for_mother(user).delete()[1])
        logins = sum(
            model.objects.filter(username__iexact=email).delete()[0]
            for model in (AccessAttempt, AccessFailureLog, AccessLog)
        )
        count(user.delete()[1])
    result = {key: deleted.get(model._meta.label, 0) for key, model in RECORD_KINDS}
    result["audit_events_anonymised"] = anonymised
    result["login_records"] = logins
    return result
