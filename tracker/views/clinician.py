"""The clinician's screens: the mothers who share with them, and each one's read-only summary.

A mother (or anyone else who is not a clinician) gets 404 here.
"""

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from tracker.access import get_patient_or_404
from tracker.exports.catalogue import CsvExport
from tracker.exports.daily import DAILY
from tracker.exports.dictionary import DICTIONARY
from tracker.exports.records import CHECKS, DOSES, FEEDS, SYMPTOMS
from tracker.exports.weekly import WEEKLY
from tracker.models import AuditEvent
from tracker.roles import clinician_required
from tracker.selectors.dashboard import dashboard_for
from tracker.sharing import selectors, services
from tracker.views.dashboard import board_context, compressed

#: Her CSV downloads as a clinician's page lists them, each with the name of its URL in tracker/urls.py.
PATIENT_DOWNLOADS = (
    (DOSES, "clinician_export_doses"),
    (FEEDS, "clinician_export_feeds"),
    (SYMPTOMS, "clinician_export_symptoms"),
    (CHECKS, "clinician_export_checks"),
    (DAILY, "clinician_export_daily"),
    (WEEKLY, "clinician_export_weekly"),
    (DICTIONARY, "clinician_export_dictionary"),
)


def for_patient(response: HttpResponse, mother: User) -> HttpResponse:
    """Name a download after the patient too (``anna-rossi-feeds-<date>.csv``), so a clinician's
    files for two mothers on the same day do not overwrite each other."""
    label = slugify(mother.display_name) or f"patient-{mother.pk}"
    response["Content-Disposition"] = response["Content-Disposition"].replace(
        'filename="', f'filename="{label}-', 1
    )
    return response


@clinician_required
def clinician_home(request: HttpRequest) -> HttpResponse:
    patients = selectors.patients_for_clinician(clinician=request.user, now=timezone.now())
    cohort_available = request.user.patient_grants.covering_exports().exists()
    return render(
        request, "tracker/clinician/home.html", {"patients": patients, "cohort_available": cohort_available}
    )


@compressed
@clinician_required
def clinician_patient(request: HttpRequest, mother_id: int) -> HttpResponse:
    mother = get_patient_or_404(request.user, mother_id)
    board = dashboard_for(
        mother=mother, range_key=request.GET.get("range", ""), infant_id=request.GET.get("infant")
    )
    services.audit_record(
        actor=request.user,
        mother=mother,
        action=AuditEvent.Action.VIEW_SUMMARY,
        request=request,
        detail=f"range {board.range_key}" + (f", {board.infant.name}" if board.infant else ""),
    )
    context = {
        **board_context(board),
        "mother": mother,
        "exports": [(export, reverse(url_name, args=[mother.pk])) for export, url_name in PATIENT_DOWNLOADS]
        if selectors.grant_covers_exports(clinician=request.user, mother=mother)
        else [],
    }
    return render(request, "tracker/clinician/summary.html", context)


@clinician_required
def clinician_export_csv(request: HttpRequest, mother_id: int, *, export: CsvExport) -> StreamingHttpResponse:
    """One of her CSV exports, for a clinician whose grant covers exports (audited);
    ``tracker/urls.py`` names which, one path per export."""
    mother = get_patient_or_404(request.user, mother_id, exports=True)
    services.audit_record(
        actor=request.user,
        mother=mother,
        action=AuditEvent.Action.EXPORT_CSV,
        request=request,
        detail=export.key,
    )
    return for_patient(export.response(mother=mother), mother)
