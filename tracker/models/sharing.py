"""Sharing her record: the grants a mother gives clinicians, and the audit trail of their looks."""

import secrets
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from tracker.localtime import local_date
from tracker.models.scoping import MotherScopedQuerySet


def new_pseudonym() -> str:
    """A fresh study id like ``P-3f9a1c0b7e2d4a58``: 64 random bits, nothing taken from the person.

    64 bits keep an accidental clash (and so a failed insert on the unique index) negligible
    even with millions of grants."""
    return "P-" + secrets.token_hex(8)


class CareGrantQuerySet(MotherScopedQuerySet):
    def active(self, now: datetime):
        """Accepted, not revoked, and not expired at ``now``."""
        return self.filter(clinician__isnull=False, revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )

    def covering_exports(self, now: datetime | None = None):
        """Active at ``now`` (default: this moment) and with the downloads scope."""
        return self.active(now or timezone.now()).filter(scope=CareGrant.Scope.SUMMARY_EXPORTS)


class CareGrant(models.Model):
    """A mother's permission for one clinician to read her record (and, by scope, export it).

    It starts as an invitation to ``invited_email``; ``clinician`` is set when accepted.
    """

    class Scope(models.TextChoices):
        SUMMARY = "summary", "Summary only"
        SUMMARY_EXPORTS = "summary_exports", "Summary and downloads (CSV, PDF, FHIR)"

    mother = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_grants")
    clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="patient_grants",
    )
    invited_email = models.EmailField()
    scope = models.CharField(max_length=16, choices=Scope.choices, default=Scope.SUMMARY)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="UTC; empty means until revoked.")
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    #: The mother's id in this clinician's de-identified cohort export: random, so it says
    #: nothing about her, and per grant, so two clinicians' files cannot be joined on it.
    pseudonym = models.CharField(max_length=24, unique=True, default=new_pseudonym, editable=False)

    objects = CareGrantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["clinician", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.mother} → {self.clinician or self.invited_email} ({self.scope})"

    @property
    def last_day(self) -> date | None:
        """The last day of access she picked, a local day in her zone; ``expires_at`` is the
        end of it (the next midnight), which is why that instant's own date is one too many."""
        if self.expires_at is None:
            return None
        return local_date(self.expires_at - timedelta(microseconds=1), self.mother.zone)


class AuditEventQuerySet(MotherScopedQuerySet):
    # No update() override: deleting an account nulls its foreign keys through an UPDATE.
    def delete(self):
        raise PermissionError("The audit log is append-only.")


class AuditEvent(models.Model):
    """One look at (or download of) a mother's record, or one record deleted from it (from
    History, by Undo on Today or through the API). Append-only: rows are never changed or
    deleted by the app. ``actor_email`` keeps who it was if the account goes."""

    class Action(models.TextChoices):
        VIEW_SUMMARY = "view_summary", "Viewed the summary"
        EXPORT_CSV = "export_csv", "Downloaded a CSV export"
        EXPORT_PDF = "export_pdf", "Downloaded the PDF summary"
        EXPORT_FHIR = "export_fhir", "Downloaded the FHIR bundle"
        EXPORT_COHORT = "export_cohort", "Included in a de-identified cohort export"
        API_READ = "api_read", "Read records through the API"
        DELETED = "deleted", "Deleted a record"
        UNDONE = "undone", "Undid a tap on Today"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="audit_events_made"
    )
    actor_email = models.EmailField()
    mother = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="audit_events"
    )
    action = models.CharField(max_length=32, choices=Action.choices)
    detail = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.actor_email} {self.action} at {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise PermissionError("The audit log is append-only: an event cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only: an event cannot be deleted.")
