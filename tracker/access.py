"""Fetching records on someone's behalf.

Every view goes through these helpers: a row that is not the mother's own is a
404, never a 403, so ids reveal nothing. A clinician reaches a mother only
through an active grant (``get_patient_or_404``).
"""

from django.db import models
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from tracker.models import CareGrant


def get_owned_or_404(model: type[models.Model], mother, pk) -> models.Model:
    """The ``model`` row with ``pk`` if it belongs to ``mother``; otherwise 404.

    The row comes with what it belongs to (a feed with its baby, a dose with its regimen) and
    that with ``mother`` herself, so reading her baby's name or her time zone costs no query."""
    rows = model.objects.for_mother(mother)
    through, _, _ = rows.owner_lookup.rpartition("__")  # "infant" of "infant__mother"
    if through:
        rows = rows.select_related(through)
    try:
        row = rows.get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError, OverflowError) as error:  # Overflow: a huge id
        raise Http404(f"No {model._meta.verbose_name} with that id.") from error
    owner = getattr(row, through) if through else row
    owner.mother = mother
    return row


class PatientAccessEnded(Http404):
    """A clinician asks for a record she could see and no longer may (a 404 like any other,
    so the access tests hold): the message says why, since she already knows the mother."""


def _why_not(grants, mother_id, *, exports: bool, now) -> str | None:
    """Why this clinician's grants from ``mother_id`` no longer cover the request, or None if
    she never had one (then nothing about the mother is said)."""
    accepted = list(grants.filter(mother_id=mother_id).select_related("mother").order_by("-created_at"))
    if not accepted:
        return None
    name = accepted[0].mother.get_short_name()
    if exports and grants.filter(mother_id=mother_id).active(now).exists():
        return f"{name} shares her summary with you, not the downloads."
    last = accepted[0]
    if last.revoked_at is not None:
        stopped = timezone.localtime(last.revoked_at)
        return f"Your access to {name}'s record has ended: she stopped sharing on {stopped:%-d %b %Y}."
    return f"Your access to {name}'s record has ended: the last day she chose was {last.last_day:%-d %b %Y}."


def get_patient_or_404(clinician, mother_id, *, exports: bool = False):
    """The mother with ``mother_id`` if she grants ``clinician`` access that is active now
    (accepted, not revoked, not expired; covering exports when ``exports``); otherwise 404,
    ``PatientAccessEnded`` when the clinician held a grant from her that has ended (or does
    not cover the downloads).

    Checked on every request, so a revocation takes effect on the next one."""
    now = timezone.now()
    grants = CareGrant.objects.filter(clinician=clinician)
    active = grants.active(now)
    if exports:
        active = active.filter(scope=CareGrant.Scope.SUMMARY_EXPORTS)
    try:
        if active.filter(mother_id=mother_id).exists():
            return User.objects.get(pk=mother_id)
        why = _why_not(grants, mother_id, exports=exports, now=now)
    except (User.DoesNotExist, ValueError, TypeError):
        why = None
    if why is not None:
        raise PatientAccessEnded(why)
    raise Http404("No patient with that id.")
