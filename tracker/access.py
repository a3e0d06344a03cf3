"""Fetching records on someone's behalf.

Every view goes through these helpers: a row that is not the mother's own is a
404, never a 403, so ids reveal nothing. Clinicians' grants plug in here later.
"""

from django.db import models
from django.http import Http404


def get_owned_or_404(model: type[models.Model], mother, pk) -> models.Model:
    """The ``model`` row with ``pk`` if it belongs to ``mother``; otherwise 404."""
    try:
        return model.objects.for_mother(mother).get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError) as error:
        raise Http404(f"No {model._meta.verbose_name} with that id.") from error
