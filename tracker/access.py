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
    """The ``model`` row with ``pk`` if it belongs to ``mother``; otherwise 404."""
    try:
        return model.objects.for_mother(mother).get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError) as error:
        raise Http404(f"No {model._meta.verbose_name} with that id.") from error


def get_patient_or_404(clinician, mother_id, *, exports: bool = False):
    """The mother with ``mother_id`` if she grants ``clinician`` access that is active now
    (accepted, not revoked, not expired; covering exports when ``exports``); otherwise 404.

    Checked on every request, so a revocation takes effect on the next one."""
    grants = CareGrant.objects.active(timezone.now()).filter(clinician=clinician)
    if exports:
        grants = grants.filter(scope=CareGrant.Scope.SUMMARY_EXPORTS)
    try:
        if grants.filter(mother_id=mother_id).exists():
            return User.objects.get(pk=mother_id)
    except (User.DoesNotExist, ValueError, TypeError):
        pass
    raise Http404("No patient with that id.")
