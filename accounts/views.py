"""Sign-up and profile (placeholder until the accounts views land)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


def signup(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Sign-up is coming.")


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Profile is coming.")
