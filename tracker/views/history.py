"""History pages per record type (placeholder until the history views land)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path


@login_required
def doses(request: HttpRequest) -> HttpResponse:
    return render(request, "tracker/history/placeholder.html")


urlpatterns = [path("doses/", doses, name="history_doses")]
