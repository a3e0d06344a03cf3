"""The clinician's de-identified cohort export (one audit row per mother included)."""

from django.http import HttpRequest, StreamingHttpResponse

from tracker.views.clinician import clinician_required


@clinician_required
def cohort_export(request: HttpRequest) -> StreamingHttpResponse:
    raise NotImplementedError("being written")
