"""The mother's own CSV downloads; included under ``exports/`` by ``tracker.urls``."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import path

from tracker.exports.archive import archive_response
from tracker.exports.catalogue import CsvExport
from tracker.exports.dictionary import EXPORTS


@login_required
def export_index(request: HttpRequest) -> HttpResponse:
    return render(request, "tracker/exports/index.html", {"exports": EXPORTS})


@login_required
def export_csv(request: HttpRequest, *, export: CsvExport) -> StreamingHttpResponse:
    # Every row is read through ``for_mother(request.user)`` inside the export.
    return export.response(mother=request.user)


@login_required
def export_archive(request: HttpRequest) -> HttpResponse:
    return archive_response(mother=request.user)


urlpatterns = [
    path("", export_index, name="export_index"),
    path("all.zip", export_archive, name="export_archive"),
    *(
        path(f"{export.key}.csv", export_csv, {"export": export}, name=f"export_{export.key}")
        for export in EXPORTS
    ),
]
