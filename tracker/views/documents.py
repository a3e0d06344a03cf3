"""The PDF summary and the FHIR Bundle, for the mother herself and for a clinician whose
grant covers exports (each clinician download writes one audit row)."""

from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import path

from tracker.access import get_patient_or_404
from tracker.exports.fhir import bundle_response
from tracker.exports.pdf import pdf_response
from tracker.models import AuditEvent
from tracker.sharing import services
from tracker.views.clinician import clinician_required, for_patient

#: (file name under exports/, URL name suffix, builder, audit action)
DOCUMENTS: tuple[tuple[str, str, Callable[..., HttpResponse], str], ...] = (
    ("summary.pdf", "pdf", pdf_response, AuditEvent.Action.EXPORT_PDF),
    ("bundle.json", "fhir", bundle_response, AuditEvent.Action.EXPORT_FHIR),
)


def own_document(request: HttpRequest, *, build: Callable[..., HttpResponse]) -> HttpResponse:
    return build(mother=request.user)


@clinician_required
def clinician_document(
    request: HttpRequest, mother_id: int, *, build: Callable[..., HttpResponse], action: str
) -> HttpResponse:
    mother = get_patient_or_404(request.user, mother_id, exports=True)
    services.audit_record(actor=request.user, mother=mother, action=action, request=request)
    return for_patient(build(mother=mother), mother)


def own_urlpatterns() -> list:
    """Under ``exports/``: ``export_pdf``, ``export_fhir``."""
    return [
        path(filename, login_required(own_document), {"build": build}, name=f"export_{key}")
        for filename, key, build, _ in DOCUMENTS
    ]


def clinician_urlpatterns() -> list:
    """Under ``clinician/``: ``clinician_export_pdf``, ``clinician_export_fhir``."""
    return [
        path(
            f"<int:mother_id>/exports/{filename}",
            clinician_document,
            {"build": build, "action": action},
            name=f"clinician_export_{key}",
        )
        for filename, key, build, action in DOCUMENTS
    ]
