"""The clinician's de-identified cohort export (one audit row per mother included)."""

from django.db import transaction
from django.http import Http404, HttpRequest, StreamingHttpResponse
from django.utils import timezone

from tracker.exports.cohort import cohort_mothers, cohort_response, cohort_weekly_response
from tracker.models import AuditEvent
from tracker.roles import clinician_required
from tracker.sharing import services


@clinician_required
def cohort_export(request: HttpRequest) -> StreamingHttpResponse:
    """The daily summary of every mother whose active grant covers downloads, de-identified.

    Each of them finds the download in her audit trail. With nobody consenting there is
    nothing of anyone to export: 404."""
    return _audited(request, cohort_response)


@clinician_required
def cohort_weekly_export(request: HttpRequest) -> StreamingHttpResponse:
    """The weekly diary of the same mothers, de-identified and audited the same way."""
    return _audited(request, cohort_weekly_response, detail="weekly diary")


def _audited(request: HttpRequest, respond, *, detail: str = "") -> StreamingHttpResponse:
    mothers = cohort_mothers(clinician=request.user, now=timezone.now())
    if not mothers:
        raise Http404("No mother shares downloads with you, so there is no cohort to export.")
    response = respond(clinician=request.user, mothers=mothers)
    # All or none: a mother is never in a file her trail does not mention.
    with transaction.atomic():
        for mother in mothers:
            services.audit_record(
                actor=request.user,
                mother=mother,
                action=AuditEvent.Action.EXPORT_COHORT,
                request=request,
                detail=detail,
            )
    return response
