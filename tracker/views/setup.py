"""Onboarding and set-up: due date, babies, and the regimen."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from tracker.access import get_owned_or_404
from tracker.forms.setup import DueDateForm, InfantForm, RegimenForm
from tracker.models import Infant, Pregnancy, Regimen
from tracker.roles import mother_required
from tracker.services import family
from tracker.services import regimens as regimen_services


def _next_step(request: HttpRequest) -> HttpResponse:
    """During onboarding go on to the regimen; afterwards back to the overview."""
    if not Regimen.objects.for_mother(request.user).exists():
        return redirect("regimen_add")
    return redirect("setup")


@mother_required
def overview(request: HttpRequest) -> HttpResponse:
    mother = request.user
    pregnancy = Pregnancy.objects.for_mother(mother).first()
    context = {
        "pregnancy": pregnancy,
        "infants": Infant.objects.for_mother(mother),
        "regimens": Regimen.objects.for_mother(mother)
        .select_related("product")
        .prefetch_related("schedule_changes"),
        "due_date_form": DueDateForm(initial={"due_date": pregnancy.due_date} if pregnancy else None),
    }
    return render(request, "tracker/setup/overview.html", context)


@mother_required
def due_date(request: HttpRequest) -> HttpResponse:
    pregnancy = Pregnancy.objects.for_mother(request.user).first()
    form = DueDateForm(request.POST or None, initial={"due_date": pregnancy.due_date} if pregnancy else None)
    if request.method == "POST" and form.is_valid():
        try:
            family.pregnancy_set_due_date(mother=request.user, due_date=form.cleaned_data["due_date"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Due date saved.")
            return _next_step(request)
    return render(request, "tracker/setup/form.html", {"form": form, "title": "Your due date"})


def _infant_form(request: HttpRequest, infant: Infant, title: str) -> HttpResponse:
    form = InfantForm(request.POST or None, instance=infant)
    if request.method == "POST" and form.is_valid():
        try:
            infant = family.infant_save(infant=form.save(commit=False))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{infant.name} is saved.")
            return _next_step(request)
    return render(request, "tracker/setup/form.html", {"form": form, "title": title})


@mother_required
def infant_add(request: HttpRequest) -> HttpResponse:
    return _infant_form(request, Infant(mother=request.user), "Add your baby")


@mother_required
def infant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    infant = get_owned_or_404(Infant, request.user, pk)
    return _infant_form(request, infant, f"Edit {infant.name}")


@mother_required
@require_http_methods(["GET", "POST"])
def infant_delete(request: HttpRequest, pk: int) -> HttpResponse:
    infant = get_owned_or_404(Infant, request.user, pk)
    if request.method == "POST":
        family.infant_delete(infant=infant)
        messages.success(request, f"{infant.name} and all of their records are deleted.")
        return redirect("setup")
    counts = {
        "feeds": infant.feeds.count(),
        "symptoms": infant.symptoms.count(),
        "checks": infant.daily_checks.count(),
    }
    return render(request, "tracker/setup/infant_delete.html", {"infant": infant, "counts": counts})


def _regimen_form(request: HttpRequest, regimen: Regimen, title: str) -> HttpResponse:
    form = RegimenForm(request.POST or None, instance=regimen, mother=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = regimen_services.regimen_save(regimen=form.save(commit=False), product=form.product())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            end = f"{saved.end_date:%d %b %Y}" if saved.end_date else "no end date"
            how = (
                " (trial preset: the dates follow your due date and the birth)"
                if saved.preset == "trial"
                else ""
            )
            messages.success(request, f"Regimen saved: {saved.start_date:%d %b %Y} to {end}{how}.")
            return redirect("today")
    return render(request, "tracker/setup/form.html", {"form": form, "title": title})


@mother_required
def regimen_add(request: HttpRequest) -> HttpResponse:
    return _regimen_form(request, Regimen(mother=request.user), "Your probiotic regimen")


@mother_required
def regimen_edit(request: HttpRequest, pk: int) -> HttpResponse:
    regimen = get_owned_or_404(Regimen, request.user, pk)
    return _regimen_form(request, regimen, "Edit your regimen")
