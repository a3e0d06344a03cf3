"""History: lists per record type, and adding, correcting or deleting a record by hand."""

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models, transaction
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from tracker.access import get_owned_or_404
from tracker.forms.history import (
    DailyCheckEditForm,
    DoseAddForm,
    DoseForm,
    FeedForm,
    HistoryFilterForm,
    SymptomForm,
)
from tracker.localtime import local_today
from tracker.models import DailyCheck, DoseLog, FeedingSession, Infant, Regimen, SymptomEntry
from tracker.roles import mother_required
from tracker.selectors.history import (
    check_label,
    daily_check_history,
    dose_history,
    dose_label,
    feed_history,
    feed_label,
    symptom_history,
    symptom_label,
)
from tracker.services import doses, feeding, symptoms
from tracker.sharing.services import audit_deleted

PER_PAGE = 25
TABS = [
    ("doses", "Doses", "history_doses"),
    ("feeds", "Feeds", "history_feeds"),
    ("symptoms", "Symptoms", "history_symptoms"),
    ("checks", "Checks", "history_checks"),
]
#: The record each tab lists, as in its edit and delete URL names ("feed_edit").
RECORDS = {"doses": "dose", "feeds": "feed", "symptoms": "symptom", "checks": "check"}


def _back_url(request: HttpRequest, default: str) -> str:
    """Where to go after a form or a delete: the ``next`` page she came from, else ``default`` (a URL name).

    Only a path on this site is followed, never another host or scheme.
    """
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts=None, require_https=request.is_secure()
    ):
        return candidate
    return reverse(default)


def _with_next(url: str, back: str) -> str:
    return f"{url}?{urlencode({'next': back})}"


def _list_page(
    request: HttpRequest, tab: str, rows: models.QuerySet, form: HistoryFilterForm
) -> HttpResponse:
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    shared = query.copy()  # the baby and the days carry over to the other tabs
    shared.pop("kind", None)
    shared = shared.urlencode()
    tabs = [
        (label, f"{reverse(name)}?{shared}" if shared else reverse(name), key == tab)
        for key, label, name in TABS
    ]
    context = {
        "tab": tab,
        "tabs": tabs,
        "page": page,
        "filter_form": form,
        "filtered": any(value is not None for value in form.filters().values()),
        "query": query.urlencode(),
        "here": request.get_full_path(),  # the edit and delete links come back to this very page
        "edit_name": f"{RECORDS[tab]}_edit",
        "delete_name": f"{RECORDS[tab]}_delete",
    }
    return render(request, f"tracker/history/{tab}.html", context)


def _form_page(
    request: HttpRequest,
    form: BaseForm,
    *,
    title: str,
    back: str,
    save: Callable[[BaseForm], models.Model],
    label: Callable[[models.Model], str],
    delete_url: str = "",
) -> HttpResponse:
    """Show ``form``; on a valid POST save it through ``save`` (a service) and go back.

    Back is the safe ``next`` page, else the URL named ``back``.
    """
    back_url = _back_url(request, back)
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(form)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Saved {label(saved)}.")
            return redirect(back_url)
    context = {
        "form": form,
        "title": title,
        "back": back_url,
        "delete_url": _with_next(delete_url, back_url) if delete_url else "",
        "intro": getattr(form, "intro", ""),
    }
    return render(request, "tracker/history/form.html", context)


def _confirm_delete(
    request: HttpRequest, delete: Callable[[], None], *, label: str, back: str
) -> HttpResponse:
    """GET asks; only a POST deletes, through ``delete`` (a service), and puts the delete in
    her audit trail (both or neither). Then back to the safe ``next`` page, else the URL named
    ``back``."""
    back_url = _back_url(request, back)
    if request.method == "POST":
        with transaction.atomic():
            delete()
            audit_deleted(actor=request.user, mother=request.user, what=label, how="History", request=request)
        messages.success(request, f"Deleted {label}.")
        return redirect(back_url)
    context = {"question": f"Delete {label}? This can't be undone.", "back": back_url}
    return render(request, "tracker/history/confirm_delete.html", context)


# Lists


@mother_required
def dose_list(request: HttpRequest) -> HttpResponse:
    form = HistoryFilterForm(request.GET, mother=request.user, by_infant=False)
    return _list_page(request, "doses", dose_history(mother=request.user, **form.filters()), form)


@mother_required
def feed_list(request: HttpRequest) -> HttpResponse:
    form = HistoryFilterForm(request.GET, mother=request.user)
    return _list_page(request, "feeds", feed_history(mother=request.user, **form.filters()), form)


@mother_required
def symptom_list(request: HttpRequest) -> HttpResponse:
    form = HistoryFilterForm(request.GET, mother=request.user, by_kind=True)
    return _list_page(request, "symptoms", symptom_history(mother=request.user, **form.filters()), form)


@mother_required
def check_list(request: HttpRequest) -> HttpResponse:
    form = HistoryFilterForm(request.GET, mother=request.user)
    return _list_page(request, "checks", daily_check_history(mother=request.user, **form.filters()), form)


# Doses


@mother_required
def dose_edit(request: HttpRequest, pk: int) -> HttpResponse:
    log = get_owned_or_404(DoseLog, request.user, pk)
    title = f"Edit {dose_label(log)}"
    form = DoseForm(request.POST or None, instance=log)
    return _form_page(
        request,
        form,
        title=title,
        back="history_doses",
        save=lambda form: doses.dose_update(log=form.instance, **form.cleaned_data),
        label=dose_label,
        delete_url=reverse("dose_delete", args=[log.pk]),
    )


def _log_missed_dose(form: DoseAddForm) -> DoseLog:
    log, created = doses.dose_log(**form.cleaned_data, source=DoseLog.Source.WEB)
    if not created:
        raise ValidationError("That dose is already logged. To change it, edit it in the list of doses.")
    return log


@mother_required
def dose_add(request: HttpRequest) -> HttpResponse:
    if not Regimen.objects.for_mother(request.user).exists():
        messages.info(request, "Set up your probiotic first, then you can log doses.")
        return redirect("regimen_add")
    form = DoseAddForm(request.POST or None, mother=request.user, today=local_today(request.user.zone))
    return _form_page(
        request,
        form,
        title="Log a missed dose",
        back="history_doses",
        save=_log_missed_dose,
        label=dose_label,
    )


@mother_required
@require_http_methods(["GET", "POST"])
def dose_delete(request: HttpRequest, pk: int) -> HttpResponse:
    log = get_owned_or_404(DoseLog, request.user, pk)
    return _confirm_delete(
        request, lambda: doses.dose_delete(log=log), label=dose_label(log), back="history_doses"
    )


# Feeds


def _feed_form(request: HttpRequest, form: FeedForm, title: str) -> HttpResponse:
    feed = form.instance
    return _form_page(
        request,
        form,
        title=title,
        # A running feed is edited when Today sends her to set its real end: back there.
        back="today" if feed.pk and feed.is_running else "history_feeds",
        # is_valid() has run the feed's full_clean(): the service does not run it again.
        save=lambda form: feeding.feed_save(feed=form.save(commit=False), validated=True),
        label=feed_label,
        delete_url=reverse("feed_delete", args=[feed.pk]) if feed.pk else "",
    )


@mother_required
def feed_add(request: HttpRequest) -> HttpResponse:
    feed = FeedingSession(started_at=timezone.now().replace(second=0, microsecond=0))
    form = FeedForm(request.POST or None, instance=feed, mother=request.user)
    if not form.fields["infant"].infants:
        messages.info(request, "Add your baby first, then you can log feeds.")
        return redirect("infant_add")
    return _feed_form(request, form, "Add a feed")


@mother_required
def feed_edit(request: HttpRequest, pk: int) -> HttpResponse:
    feed = get_owned_or_404(FeedingSession, request.user, pk)
    form = FeedForm(request.POST or None, instance=feed, mother=request.user)
    return _feed_form(request, form, f"Edit {feed_label(feed)}")


@mother_required
@require_http_methods(["GET", "POST"])
def feed_delete(request: HttpRequest, pk: int) -> HttpResponse:
    feed = get_owned_or_404(FeedingSession, request.user, pk)
    return _confirm_delete(
        request, lambda: feeding.feed_delete(feed=feed), label=feed_label(feed), back="history_feeds"
    )


# Symptoms


def _symptom_form(request: HttpRequest, entry: SymptomEntry, title: str) -> HttpResponse:
    form = SymptomForm(request.POST or None, instance=entry, mother=request.user)
    return _form_page(
        request,
        form,
        title=title,
        back="history_symptoms",
        save=lambda form: symptoms.symptom_save(entry=form.save(commit=False), validated=True),
        label=symptom_label,
        delete_url=reverse("symptom_delete", args=[entry.pk]) if entry.pk else "",
    )


@mother_required
def symptom_add(request: HttpRequest) -> HttpResponse:
    if not Infant.objects.for_mother(request.user).exists():
        messages.info(request, "Add your baby first, then you can log symptoms.")
        return redirect("infant_add")
    kind = request.GET.get("kind", "")
    if kind not in SymptomEntry.Kind.values:
        return render(request, "tracker/history/symptom_kind.html", {"kinds": SymptomEntry.Kind.choices})
    entry = SymptomEntry(kind=kind, occurred_at=timezone.now().replace(second=0, microsecond=0))
    return _symptom_form(request, entry, f"Add {SymptomEntry.Kind(kind).label.lower()}")


@mother_required
def symptom_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_owned_or_404(SymptomEntry, request.user, pk)
    return _symptom_form(request, entry, f"Edit {symptom_label(entry)}")


@mother_required
@require_http_methods(["GET", "POST"])
def symptom_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_owned_or_404(SymptomEntry, request.user, pk)
    return _confirm_delete(
        request,
        lambda: symptoms.symptom_delete(entry=entry),
        label=symptom_label(entry),
        back="history_symptoms",
    )


# Daily checks


@mother_required
def check_edit(request: HttpRequest, pk: int) -> HttpResponse:
    check = get_owned_or_404(DailyCheck, request.user, pk)
    form = DailyCheckEditForm(request.POST or None, instance=check)
    return _form_page(
        request,
        form,
        title=f"Edit {check_label(check)}",
        back="history_checks",
        save=lambda form: symptoms.daily_check_save(infant=check.infant, day=check.day, **form.cleaned_data),
        label=check_label,
        delete_url=reverse("check_delete", args=[check.pk]),
    )


@mother_required
@require_http_methods(["GET", "POST"])
def check_delete(request: HttpRequest, pk: int) -> HttpResponse:
    check = get_owned_or_404(DailyCheck, request.user, pk)
    return _confirm_delete(
        request,
        lambda: symptoms.daily_check_delete(check=check),
        label=check_label(check),
        back="history_checks",
    )
