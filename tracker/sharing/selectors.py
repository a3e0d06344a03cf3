"""Reads for sharing: her grants, her audit trail, a clinician's patients."""

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from tracker.models import AuditEvent, CareGrant


def grants_for_mother(*, mother: User) -> QuerySet[CareGrant]:
    """Every grant she made, newest first, with the clinician loaded."""
    return CareGrant.objects.for_mother(mother).select_related("clinician")


def audit_events_for_mother(*, mother: User) -> QuerySet[AuditEvent]:
    """Every look at her record and every delete from it, newest first (``created_at`` is UTC)."""
    return AuditEvent.objects.for_mother(mother)


def patients_for_clinician(*, clinician: User, now: datetime) -> QuerySet[User]:
    """The mothers who grant ``clinician`` access that is active at ``now``, by name."""
    active = CareGrant.objects.active(now).filter(clinician=clinician)
    return User.objects.filter(pk__in=active.values("mother_id")).order_by("display_name", "email")


def grant_covers_exports(*, clinician: User, mother: User) -> bool:
    """Whether ``clinician`` holds an active grant from ``mother`` that includes the exports."""
    return (
        CareGrant.objects.active(timezone.now())
        .filter(clinician=clinician, mother=mother, scope=CareGrant.Scope.SUMMARY_EXPORTS)
        .exists()
    )
