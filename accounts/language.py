"""The language switcher on every page: her choice, kept in a cookie and on her profile."""

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from accounts.views import is_safe_next
from tracker.roles import public

#: The switcher's cookie lasts a year (signed in, her profile keeps the choice anyway).
COOKIE_AGE = 365 * 24 * 3600


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False)


@public
@require_POST
def choose(request: HttpRequest) -> HttpResponse:
    """Switch to the language posted and go back to the page it was posted from. Signed in, the
    choice is saved on her profile, so her other devices and the emails to her follow it."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return redirect(_back(request, ""))
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        request.user.language = language
        request.user.save(update_fields=["language"])
    response = redirect(_back(request, form.cleaned_data["next"]))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
        httponly=True,
    )
    return response


def _back(request: HttpRequest, next_url: str) -> str:
    return next_url if is_safe_next(request, next_url) else "/"
