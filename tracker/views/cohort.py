"""The clinician's de-identified cohort export (one audit row per mother included)."""

from django.db import transaction
from django.http import Http404, HttpRequest, StreamingHttpResponse
from django.utils import timezone

from tracker.exports.cohort import cohort_mothers, cohort_response
from tracker.models import AuditEvent
from tracker.roles import clinician_required
from tracker.sharing import services


@clinician_required
def cohort_export(request: HttpRequest) -> StreamingHttpResponse:
    """The daily summary of every mother whose active grant covers downloads, de-identified.

    Each of them finds the download in her audit trail. With nobody consenting there is
    nothing of anyone to export: 404."""
    mothers = cohort_mothers(clinician=request.user, now=timezone.now())
    if not mothers:
        raise Http404("No mother shares downloads with you, so there is no cohort to export.")
    response = cohort_response(clinician=request.user, mothers=mothers)
    # All or none: a mother is never in a file her trail does not mention.
    with transaction.atomic():
        for mother in mothers:
            services.audit_record(
                actor=request.user, mother=mother, action=AuditEvent.Action.EXPORT_COHORT, request=request
            )
    return response
