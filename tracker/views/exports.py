"""The mother's own downloads: one CSV per export, and the zip of all her data."""

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse

from tracker.exports.archive import archive_response
from tracker.exports.catalogue import CsvExport
from tracker.exports.daily import DAILY
from tracker.exports.dictionary import DICTIONARY
from tracker.exports.records import CHECKS, DOSES, FEEDS, SYMPTOMS
from tracker.exports.weekly import WEEKLY
from tracker.roles import mother_required

# Every row of a CSV is read through ``for_mother(request.user)`` inside the export.

#: Her CSV downloads as the page lists them, each with the name of its URL in tracker/urls.py.
DOWNLOADS = (
    (DOSES, "export_doses"),
    (FEEDS, "export_feeds"),
    (SYMPTOMS, "export_symptoms"),
    (CHECKS, "export_checks"),
    (DAILY, "export_daily"),
    (WEEKLY, "export_weekly"),
    (DICTIONARY, "export_dictionary"),
)


@mother_required
def export_index(request: HttpRequest) -> HttpResponse:
    downloads = [(export, reverse(url_name)) for export, url_name in DOWNLOADS]
    return render(request, "tracker/exports/index.html", {"downloads": downloads})


@mother_required
def export_archive(request: HttpRequest) -> HttpResponse:
    return archive_response(mother=request.user)


@mother_required
def export_csv(request: HttpRequest, *, export: CsvExport) -> StreamingHttpResponse:
    """One of her CSV exports; ``tracker/urls.py`` names which, one path per export."""
    return export.response(mother=request.user)
