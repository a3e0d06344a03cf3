"""The mother's sharing page (invite, revoke, audit log) and the clinician's invite link."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from tracker.access import get_owned_or_404
from tracker.forms.sharing import InviteForm
from tracker.models import CareGrant
from tracker.roles import mother_required, public
from tracker.sharing import selectors, services
from tracker.sharing.tokens import read_invite_token
from tracker.signed_links import LinkError

AUDIT_PAGE_SIZE = 25


@mother_required
def sharing(request: HttpRequest) -> HttpResponse:
    mother = request.user
    form = InviteForm(request.POST or None, mother=mother)
    if request.method == "POST" and form.is_valid():
        try:
            grant = services.grant_invite(
                mother=mother,
                email=form.cleaned_data["email"],
                scope=form.cleaned_data["scope"],
                expires_at=form.expires_at,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"Invitation sent to {grant.invited_email}. They can see nothing until they accept."
            )
            return redirect("sharing")
    audit_page = Paginator(selectors.audit_events_for_mother(mother=mother), AUDIT_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "grants": selectors.grants_for_mother(mother=mother),
        "audit_page": audit_page,
        "now": timezone.now(),
    }
    return render(request, "tracker/sharing/sharing.html", context)


@mother_required
def grant_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    grant = get_owned_or_404(CareGrant, request.user, pk)
    who = grant.clinician or grant.invited_email
    if request.method == "POST":
        services.grant_revoke(grant=grant)
        if grant.clinician:
            messages.success(request, f"Done: {who} can no longer see your record.")
        else:
            messages.success(request, f"Done: the invitation to {who} is cancelled.")
        return redirect("sharing")
    return render(request, "tracker/sharing/revoke.html", {"grant": grant, "who": who})


@public
def invite_accept(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows the invitation; POST (by a logged-in clinician) accepts it.

    A visitor without an account signs up as a clinician and comes back here."""
    here = request.get_full_path()
    try:
        grant_id = read_invite_token(token)
        grant = CareGrant.objects.select_related("mother").filter(pk=grant_id).first()
        if grant is None or grant.revoked_at is not None:
            raise LinkError(
                "This invitation was withdrawn. Ask her to send a new one if you still need access."
            )
    except LinkError as error:
        return render(request, "tracker/sharing/invite.html", {"error": error.message}, status=400)

    if not request.user.is_authenticated:
        if request.method == "POST":
            return redirect(_signup_url(here, grant.invited_email))
        context = {
            "grant": grant,
            "signup_url": _signup_url(here, grant.invited_email),
            "login_url": _login_url(here),
        }
        return render(request, "tracker/sharing/invite.html", context)

    if request.method == "POST":
        try:
            services.grant_accept(grant_id=grant.pk, clinician=request.user)
        except LinkError as error:
            return render(request, "tracker/sharing/invite.html", {"error": error.message}, status=400)
        messages.success(request, f"You can now see {grant.mother}'s record.")
        return redirect("clinician_patient", mother_id=grant.mother_id)
    return render(request, "tracker/sharing/invite.html", {"grant": grant})


def _signup_url(next_url: str, email: str) -> str:
    """Sign-up as a clinician with the invited address filled in (only the invited address
    can accept), coming back to the invitation afterwards."""
    return reverse("signup") + "?" + urlencode({"next": next_url, "role": "clinician", "email": email})


def _login_url(next_url: str) -> str:
    return reverse("login") + "?" + urlencode({"next": next_url})
