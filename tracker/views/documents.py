"""The PDF summary and the FHIR Bundle, for the mother herself and for a clinician whose
grant covers exports (each clinician download writes one audit row)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from tracker.access import get_patient_or_404
from tracker.exports.fhir import bundle_response
from tracker.exports.pdf import pdf_response
from tracker.models import AuditEvent
from tracker.roles import clinician_required, mother_required
from tracker.sharing import services
from tracker.views.clinician import for_patient


@mother_required
def export_pdf(request: HttpRequest) -> HttpResponse:
    return pdf_response(mother=request.user)


@mother_required
def export_fhir(request: HttpRequest) -> HttpResponse:
    return bundle_response(mother=request.user)


def _clinician_document(
    request: HttpRequest, mother_id: int, *, build: Callable[..., HttpResponse], action: str
) -> HttpResponse:
    mother = get_patient_or_404(request.user, mother_id, exports=True)
    services.audit_record(actor=request.user, mother=mother, action=action, request=request)
    return for_patient(build(mother=mother), mother)


@clinician_required
def clinician_export_pdf(request: HttpRequest, mother_id: int) -> HttpResponse:
    return _clinician_document(request, mother_id, build=pdf_response, action=AuditEvent.Action.EXPORT_PDF)


@clinician_required
def clinician_export_fhir(request: HttpRequest, mother_id: int) -> HttpResponse:
    return _clinician_document(
        request, mother_id, build=bundle_response, action=AuditEvent.Action.EXPORT_FHIR
    )
