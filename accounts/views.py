"""Sign-up, profile, deleting the account, and the small additions to Django's login and password views."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timesince import timeuntil
from django.views.decorators.http import require_http_methods, require_POST

from accounts import services
from accounts import signup as signup_service
from accounts.forms import (
    AccountDeleteForm,
    ApiTokenForm,
    EmailAuthenticationForm,
    ProfileForm,
    SignupFinishForm,
    SignupForm,
)
from accounts.models import User
from tracker.access import get_owned_or_404
from tracker.models import ApiToken
from tracker.roles import public, signed_in
from tracker.services.api_tokens import api_token_issue, api_token_revoke
from tracker.signed_links import LinkError

# Axes is the first backend; a freshly created user is logged in straight through the model backend.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def home_url_name(user: User) -> str:
    """Where a person lands after signing up: mothers set up baby and regimen first,
    clinicians see the mothers who share with them (and how they will appear)."""
    return "setup" if user.is_mother else "clinician_home"


def reset_link_lifetime() -> str:
    """How long a password-reset link works, in words ("3 days"), for the email."""
    now = timezone.now()
    return timeuntil(now + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT), now, depth=1)


#: Session key for where to go after signing up (an invite link sends clinicians here and back).
AFTER_SIGNUP = "after_signup"
#: Session key for the address the "check your email" page names.
SIGNUP_EMAIL = "signup_email"


def is_safe_next(request: HttpRequest, next_url: str) -> bool:
    return bool(next_url) and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def _remember_next(request: HttpRequest) -> None:
    """Keep a safe ``?next=`` in the session: the sign-up form posts to a bare URL."""
    next_url = request.GET.get("next", "")
    if is_safe_next(request, next_url):
        request.session[AFTER_SIGNUP] = next_url


@public
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(home_url_name(request.user))
    _remember_next(request)
    # An invitation's link fills in the role and the address it was sent to.
    initial = {"role": User.Role.CLINICIAN} if request.GET.get("role") == User.Role.CLINICIAN else {}
    if request.GET.get("email"):
        initial["email"] = request.GET["email"][:254]
    form = SignupForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        next_url = request.session.get(AFTER_SIGNUP, "")
        try:
            signup_service.signup_request(signup_service.Signup(**form.cleaned_data, next_url=next_url))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # The same redirect and session change whether or not the address had an account.
            request.session.pop(AFTER_SIGNUP, None)
            request.session[SIGNUP_EMAIL] = form.cleaned_data["email"]
            return redirect("signup_sent")
    return render(request, "accounts/signup.html", {"form": form})


@public
def signup_sent(request: HttpRequest) -> HttpResponse:
    context = {
        "email": request.session.get(SIGNUP_EMAIL),
        "lifetime_days": signup_service.FINISH_LINK_LIFETIME.days,
    }
    return render(request, "accounts/signup_sent.html", context)


@public
def signup_finish(request: HttpRequest, token: str) -> HttpResponse:
    """From the link in her email: GET asks for a password, POST creates the account and logs
    her in. Opened in any browser, so where to go next travels in the link, not the session."""
    if request.user.is_authenticated:
        return redirect(home_url_name(request.user))
    try:
        signup = signup_service.read_finish_token(token)
    except LinkError as error:
        return render(request, "accounts/signup_finish.html", {"error": error.message}, status=400)
    exists = {"signup": signup, "account_exists": True}
    if signup_service.account_exists(signup.email):
        return render(request, "accounts/signup_finish.html", exists)
    form = SignupFinishForm(signup.new_user(), request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = signup_service.signup_finish(form.save())
        except signup_service.AccountExists:
            return render(request, "accounts/signup_finish.html", exists)
        login(request, user, backend=MODEL_BACKEND)
        request.session.pop(SIGNUP_EMAIL, None)
        messages.success(request, f"Welcome, {user.get_short_name()}! Your account is ready.")
        next_url = signup.next_url if is_safe_next(request, signup.next_url) else None
        return redirect(next_url or home_url_name(user))
    return render(request, "accounts/signup_finish.html", {"signup": signup, "form": form})


@signed_in
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = services.profile_save(user=form.save(commit=False))
        saved = "Saved."
        if "time_zone" in form.changed_data:
            saved += f" Times now follow {user.time_zone}."
        messages.success(request, saved)
        return redirect("profile")
    return render(request, "accounts/profile.html", profile_context(request, form))


def profile_context(request: HttpRequest, form: ProfileForm, **extra) -> dict:
    tokens = ApiToken.objects.for_mother(request.user).filter(revoked_at__isnull=True)
    return {"form": form, "api_tokens": tokens, "token_form": ApiTokenForm(), **extra}


@signed_in
@require_POST
def api_token_create(request: HttpRequest) -> HttpResponse:
    """Make a personal API token and show it on the profile page, this once: it is rendered in
    this response, never put in a message or the session, and only its digest is kept."""
    token_form = ApiTokenForm(request.POST)
    form = ProfileForm(instance=request.user)
    if not token_form.is_valid():
        return render(
            request, "accounts/profile.html", {**profile_context(request, form), "token_form": token_form}
        )
    row, token = api_token_issue(owner=request.user, name=token_form.cleaned_data["name"])
    return render(
        request, "accounts/profile.html", profile_context(request, form, new_token=token, new_row=row)
    )


@signed_in
@require_http_methods(["GET", "POST"])
def api_token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks first (whatever uses the token stops working); POST revokes it."""
    token = get_owned_or_404(ApiToken, request.user, pk)
    if request.method == "POST":
        api_token_revoke(token=token)
        messages.success(request, f"The token “{token.name}” no longer works.")
        return redirect("profile")
    return render(request, "accounts/token_revoke.html", {"token": token})


@signed_in
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    """What deleting her account removes, and the confirmation form; deletes on a valid POST."""
    user = request.user
    form = AccountDeleteForm(request.POST or None, user=user, request=request)
    if request.method == "POST" and form.is_valid():
        services.account_delete(user=user)
        logout(request)
        messages.success(request, "Your account and all your records were deleted.")
        return redirect("login")
    context = {"form": form, "records": services.account_records(user=user)}
    return render(request, "accounts/delete.html", context)


class PasswordResetView(auth_views.PasswordResetView):
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        # Worked out per request, not at import, so the email follows the setting.
        self.extra_email_context = {"link_lifetime": reset_link_lifetime()}
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    # Logged in by the reset itself: even while someone keeps her account locked with wrong
    # passwords, the link in her email gets her in.
    post_reset_login = True
    post_reset_login_backend = MODEL_BACKEND

    def form_valid(self, form):
        response = super().form_valid(form)
        # "Reset your password" is the way out of a lockout, so it must actually unlock.
        services.login_attempts_reset(user=form.user)
        return response


class LogoutView(auth_views.LogoutView):
    """Django's logout (POST only), saying so on the login page it lands on."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, "You are logged out.")
        return response


# The class-based views as the URL map uses them, each with who may open it. (Django's password
# change pages insist on a login by themselves; ``signed_in`` says so where it can be read.)
login_page = public(
    auth_views.LoginView.as_view(
        authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True
    )
)
# It answers POST only; a GET gets 405, so a link or prefetch cannot log her out.
logout_page = public(LogoutView.as_view())
password_change = signed_in(auth_views.PasswordChangeView.as_view())
password_change_done = signed_in(auth_views.PasswordChangeDoneView.as_view())
password_reset = public(PasswordResetView.as_view())
password_reset_done = public(auth_views.PasswordResetDoneView.as_view())
password_reset_confirm = public(PasswordResetConfirmView.as_view())
password_reset_complete = public(auth_views.PasswordResetCompleteView.as_view())
