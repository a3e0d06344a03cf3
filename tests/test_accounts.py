"""Signing up, logging in and out, lockout, passwords and the profile, as a mother meets them."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.staticfiles import finders
from django.core import mail
from django.test import Client

from accounts import services
from accounts.models import User
from tests.factories import PASSWORD, ClinicianFactory, UserFactory

NEW_PASSWORD = "sleepy-owl-midnight-feed-42"


def signup_data(**overrides: str) -> dict[str, str]:
    data = {
        "email": "Bea@Example.org",
        "display_name": "Bea",
        "role": "mother",
        "time_zone": "America/New_York",
    }
    return data | overrides


def choose_password(password: str = NEW_PASSWORD, again: str | None = None) -> dict[str, str]:
    return {"password1": password, "password2": password if again is None else again}


def log_in(client: Client, email: str, password: str):
    return client.post("/accounts/login/", {"username": email, "password": password})


def logged_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def finish_link_from_outbox() -> str:
    """The path of the link in the one email sent, "finish creating your account"."""
    (message,) = mail.outbox
    return re.search(r"https?://[^/\s]+(/accounts/signup/finish/\S+/)", message.body).group(1)


def without_csrf_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


@pytest.mark.django_db
def test_sign_up_emails_a_link_and_finishing_it_creates_her_account_and_sends_her_to_setup(client):
    response = client.post("/accounts/signup/", signup_data(), follow=True)

    assert response.redirect_chain == [("/accounts/signup/sent/", 302)]
    assert "We have emailed a link to bea@example.org" in response.content.decode()
    assert not User.objects.exists()
    assert logged_in_user_id(client) is None
    (message,) = mail.outbox
    assert message.to == ["bea@example.org"]
    assert message.subject == "Finish creating your Probiotic tracker account"
    assert "Hello Bea," in message.body

    # Opened from the email, in whatever browser her mail app picks.
    browser = Client()
    page = browser.get(finish_link_from_outbox())
    assert "bea@example.org" in page.content.decode()
    finished = browser.post(finish_link_from_outbox(), choose_password())

    assert finished.status_code == 302
    assert finished["Location"] == "/setup/"
    user = User.objects.get(email="bea@example.org")
    assert user.password.startswith("argon2")
    assert user.check_password(NEW_PASSWORD)
    assert user.time_zone == "America/New_York"
    assert user.display_name == "Bea"
    assert user.role == User.Role.MOTHER
    assert logged_in_user_id(browser) == str(user.pk)


@pytest.mark.django_db
def test_a_clinician_who_signs_up_without_an_invitation_lands_on_her_patients(client):
    client.post("/accounts/signup/", signup_data(email="dr.rossi@example.org", role="clinician"))

    response = client.post(finish_link_from_outbox(), choose_password(), follow=True)

    assert response.redirect_chain == [("/clinician/", 302)]
    assert "Nobody yet. When a mother invites you" in response.content.decode()
    assert User.objects.get(email="dr.rossi@example.org").role == User.Role.CLINICIAN


def test_a_clinician_opening_the_home_page_is_not_sent_to_a_mothers_setup(client, db):
    client.force_login(ClinicianFactory())

    response = client.get("/", follow=True)

    assert response.redirect_chain == [("/clinician/", 302)]


@pytest.mark.django_db
def test_sign_up_page_offers_every_zone_with_utc_preselected_and_the_browser_script(client):
    response = client.get("/accounts/signup/")

    html = response.content.decode()
    assert '<option value="UTC" selected>UTC</option>' in html
    assert '<option value="Europe/Rome">Europe/Rome</option>' in html
    assert 'data-browser-time-zone="fill"' in html
    assert "/static/accounts/time_zone.js" in html
    with open(finders.find("accounts/time_zone.js")) as script:
        assert "Intl.DateTimeFormat().resolvedOptions().timeZone" in script.read()


def test_sign_up_answers_the_same_whether_or_not_the_email_has_an_account(mother):
    taken, new = Client(), Client()
    for browser in (taken, new):
        browser.get("/accounts/signup/")

    taken_answer = taken.post("/accounts/signup/", signup_data(email="Anna@example.org"))
    new_answer = new.post("/accounts/signup/", signup_data(email="bea@example.org"))

    for answer in (taken_answer, new_answer):
        assert answer.status_code == 302
        assert answer["Location"] == "/accounts/signup/sent/"
        assert answer.content == b""
    assert sorted(taken_answer.cookies) == sorted(new_answer.cookies)
    taken_page = taken.get("/accounts/signup/sent/").content.decode()
    new_page = new.get("/accounts/signup/sent/").content.decode()
    assert without_csrf_tokens(taken_page).replace("anna@example.org", "bea@example.org") == (
        without_csrf_tokens(new_page)
    )
    assert logged_in_user_id(taken) is None and logged_in_user_id(new) is None


@pytest.mark.parametrize("email", ["anna@example.org", "bea@example.org"])
def test_a_sign_up_the_mail_server_cannot_take_says_so_the_same_either_way(client, mother, settings, email):
    # A real SMTP connection to a port where nothing listens.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    response = client.post("/accounts/signup/", signup_data(email=email))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "We could not send you the email just now. Please try again in a minute."
    ]
    assert User.objects.count() == 1


def test_signing_up_with_her_address_emails_her_how_to_log_in_and_changes_nothing(client, mother):
    password_before = mother.password

    client.post("/accounts/signup/", signup_data(email="ANNA@example.org", display_name="Mallory"))

    (message,) = mail.outbox
    assert message.to == ["anna@example.org"]
    assert message.subject == "Someone tried to sign up with your email address"
    assert "Hello Anna," in message.body
    assert "http://127.0.0.1:8000/accounts/password/reset/" in message.body
    assert "http://127.0.0.1:8000/accounts/login/" in message.body
    assert "/accounts/signup/finish/" not in message.body
    assert User.objects.filter(email__iexact="anna@example.org").count() == 1
    mother.refresh_from_db()
    assert (mother.password, mother.display_name) == (password_before, "Anna")


@pytest.mark.django_db
def test_a_finish_link_creates_one_account_and_then_sends_her_to_log_in(client):
    client.post("/accounts/signup/", signup_data())
    link = finish_link_from_outbox()
    client.post(link, choose_password())
    client.post("/accounts/logout/")

    again = Client()
    page = again.get(link)
    reused = again.post(link, choose_password("someone-elses-passphrase-77"))

    assert "There is already an account for bea@example.org" in page.content.decode()
    assert 'href="/accounts/login/"' in page.content.decode()
    assert reused.status_code == 200
    assert logged_in_user_id(again) is None
    assert User.objects.get(email="bea@example.org").check_password(NEW_PASSWORD)


@pytest.mark.django_db
def test_a_tampered_or_old_finish_link_says_why_and_creates_nothing(client):
    with time_machine.travel(datetime(2026, 11, 16, 3, 0, tzinfo=UTC), tick=False) as traveller:
        client.post("/accounts/signup/", signup_data())
        link = finish_link_from_outbox()
        tampered = client.post(link.replace("/finish/", "/finish/x"), choose_password())
        traveller.shift(timedelta(days=3, minutes=1))
        old = client.post(link, choose_password())

    assert tampered.status_code == 400
    assert "This link is not valid" in tampered.content.decode()
    assert old.status_code == 400
    assert "links to finish signing up work for 3 days" in old.content.decode()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_an_unknown_time_zone_is_rejected(client):
    response = client.post("/accounts/signup/", signup_data(time_zone="Mars/Olympus_Mons"))

    assert response.status_code == 200
    assert "is not a time zone we know" in response.content.decode()
    assert mail.outbox == []


@pytest.mark.django_db
def test_passwords_that_differ_or_are_too_common_are_rejected(client):
    client.post("/accounts/signup/", signup_data())
    link = finish_link_from_outbox()

    mismatch = client.post(link, choose_password(again="something-else-entirely"))
    common = client.post(link, choose_password("password"))
    like_her_email = client.post(link, choose_password("bea@example.org"))

    assert "didn’t match" in mismatch.content.decode()
    assert "too common" in common.content.decode()
    assert "too similar" in like_her_email.content.decode()
    assert not User.objects.exists()


def test_she_logs_in_with_her_email_in_any_case(client, mother):
    page = client.get("/accounts/login/")
    response = log_in(client, "Anna@Example.org", PASSWORD)

    assert page.context["form"].fields["username"].label == "Email"
    assert 'type="email" name="username"' in page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert logged_in_user_id(client) == str(mother.pk)


def test_a_wrong_password_says_so_plainly(client, mother):
    response = log_in(client, mother.email, "not-my-password")

    assert response.status_code == 200
    assert "That email and password don’t match." in response.content.decode()
    assert logged_in_user_id(client) is None


def test_five_wrong_passwords_lock_her_out_even_with_the_right_one(client, mother):
    for _ in range(5):
        log_in(client, mother.email, "not-my-password")

    response = log_in(client, mother.email, PASSWORD)

    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many wrong passwords were tried" in html
    assert "Wait an hour" in html
    assert 'href="/accounts/password/reset/"' in html
    assert logged_in_user_id(client) is None


def test_wrong_passwords_count_for_her_address_in_any_case_and_not_for_others(client, mother, outsider):
    for email in ["anna@example.org", "Anna@example.org", "ANNA@example.org", "anna@Example.org"]:
        log_in(client, email, "not-my-password")

    fifth = log_in(client, "anna@EXAMPLE.org", "not-my-password")
    other = log_in(Client(), outsider.email, PASSWORD)

    assert fifth.status_code == 429
    assert other.status_code == 302


def test_four_wrong_passwords_do_not_lock_her_out(client, mother):
    for _ in range(4):
        log_in(client, mother.email, "not-my-password")

    response = log_in(client, mother.email, PASSWORD)

    assert response.status_code == 302
    assert logged_in_user_id(client) == str(mother.pk)


def from_address(number: int) -> Client:
    """A browser at its own internet address (axes reads REMOTE_ADDR)."""
    return Client(REMOTE_ADDR=f"203.0.113.{number}")


def lock_her_account_from_four_addresses(email: str) -> None:
    """20 wrong passwords, 5 from each of four addresses (a sixth from one is refused anyway)."""
    for number in range(1, 5):
        browser = from_address(number)
        for _ in range(5):
            log_in(browser, email, "not-my-password")


def test_twenty_wrong_passwords_across_addresses_lock_her_account_even_from_a_new_address(mother):
    lock_her_account_from_four_addresses(mother.email)

    twenty_first = log_in(from_address(5), mother.email, "another-guess")
    right_one = from_address(6)
    response = log_in(right_one, "Anna@Example.org", PASSWORD)

    assert twenty_first.status_code == 429
    assert response.status_code == 429
    assert logged_in_user_id(right_one) is None
    html = response.content.decode()
    assert "Too many wrong passwords were tried for this account from several places" in html
    assert 'href="/accounts/password/reset/"' in html
    # Refused attempts are not counted: the lock cannot be stretched by knocking on it.
    assert sum(AccessAttempt.objects.values_list("failures_since_start", flat=True)) == 20


def test_nineteen_wrong_passwords_across_addresses_do_not_lock_her_account(mother):
    for number in range(1, 5):
        for _ in range(5 if number < 4 else 4):
            log_in(from_address(number), mother.email, "not-my-password")

    browser = from_address(5)
    response = log_in(browser, mother.email, PASSWORD)

    assert response.status_code == 302
    assert logged_in_user_id(browser) == str(mother.pk)


def test_resetting_her_login_attempts_lets_the_right_password_in_again(mother):
    lock_her_account_from_four_addresses(mother.email)
    services.login_attempts_reset(user=mother)

    browser = from_address(5)
    response = log_in(browser, mother.email, PASSWORD)

    assert response.status_code == 302
    assert logged_in_user_id(browser) == str(mother.pk)


def test_one_address_knocking_forty_times_cannot_lock_her_out_elsewhere(mother):
    attacker = from_address(1)
    for _ in range(40):
        log_in(attacker, mother.email, "not-my-password")

    browser = from_address(2)
    response = log_in(browser, mother.email, PASSWORD)

    assert response.status_code == 302
    assert logged_in_user_id(browser) == str(mother.pk)


def test_the_account_lock_ends_an_hour_after_the_last_wrong_password(mother):
    with time_machine.travel(datetime(2026, 11, 16, 3, 0, tzinfo=UTC), tick=False) as traveller:
        lock_her_account_from_four_addresses(mother.email)
        traveller.shift(timedelta(minutes=59))
        still_locked = log_in(from_address(5), mother.email, PASSWORD)
        traveller.shift(timedelta(minutes=2))
        browser = from_address(6)
        response = log_in(browser, mother.email, PASSWORD)

    assert still_locked.status_code == 429
    assert response.status_code == 302
    assert logged_in_user_id(browser) == str(mother.pk)


def test_a_password_reset_ends_the_account_lock_and_logs_her_in(mother):
    lock_her_account_from_four_addresses(mother.email)
    browser = from_address(5)
    browser.post("/accounts/password/reset/", {"email": mother.email})
    form_url = browser.get(reset_link_from_outbox(), follow=True).redirect_chain[-1][0]

    saved = browser.post(
        form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True
    )
    elsewhere = from_address(6)
    again = log_in(elsewhere, mother.email, NEW_PASSWORD)

    assert logged_in_user_id(browser) == str(mother.pk)
    assert "You are logged in" in saved.content.decode()
    assert again.status_code == 302
    assert logged_in_user_id(elsewhere) == str(mother.pk)


#: Longer than any email address (254) and than django-axes' username column (255).
OVER_LONG_EMAIL = "a" * 245 + "@example.org"


def test_an_over_long_email_is_refused_on_the_login_page_before_the_lockout_records_it(client, mother):
    response = log_in(client, OVER_LONG_EMAIL, "not-my-password")

    assert response.status_code == 200
    assert response.context["form"].errors["username"] == [
        "That is not an email address we could have: emails are at most 254 characters."
    ]
    # PostgreSQL refuses a 256-character username in axes' varchar(255): that was a 500.
    assert AccessAttempt.objects.count() == 0


@pytest.mark.django_db
def test_the_admin_login_keeps_an_over_long_name_within_the_lockouts_column(client):
    response = client.post("/admin/login/", {"username": OVER_LONG_EMAIL, "password": "x"})

    assert response.status_code == 200
    (attempt,) = AccessAttempt.objects.all()
    assert attempt.username == OVER_LONG_EMAIL[:255]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url, data",
    [
        ("/accounts/password/reset/", {"email": OVER_LONG_EMAIL}),
        ("/accounts/signup/", signup_data(email=OVER_LONG_EMAIL)),
    ],
)
def test_an_over_long_email_elsewhere_is_a_form_error_not_a_crash(client, url, data):
    response = client.post(url, data)

    assert response.status_code == 200
    assert "Ensure this value has at most 254 characters" in response.content.decode()
    assert mail.outbox == []


def reset_link_from_outbox() -> str:
    (message,) = mail.outbox
    return re.search(r"http://testserver(/accounts/password/reset/\S+/)", message.body).group(1)


def test_password_reset_emails_one_working_link(client, mother):
    response = client.post("/accounts/password/reset/", {"email": "Anna@Example.org"})

    assert response["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anna@example.org"]
    assert message.subject == "Your link to choose a new password"
    assert "Hello Anna," in message.body

    form_page = client.get(reset_link_from_outbox(), follow=True)
    assert form_page.context["validlink"] is True
    saved = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert saved["Location"] == "/accounts/password/reset/done/"
    mother.refresh_from_db()
    assert mother.check_password(NEW_PASSWORD)
    assert mother.password.startswith("argon2")


def test_a_used_reset_link_does_not_work_twice(client, mother):
    client.post("/accounts/password/reset/", {"email": mother.email})
    link = reset_link_from_outbox()
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    again = Client().get(link, follow=True)

    assert again.context["validlink"] is False
    assert "This link no longer works" in again.content.decode()


def test_an_unknown_email_gets_the_same_answer_and_no_mail(client, mother):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})

    assert response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_resetting_the_password_ends_a_lockout(client, mother):
    for _ in range(5):
        log_in(client, mother.email, "not-my-password")
    client.post("/accounts/password/reset/", {"email": mother.email})
    form_url = client.get(reset_link_from_outbox(), follow=True).redirect_chain[-1][0]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    response = log_in(client, mother.email, NEW_PASSWORD)

    assert response.status_code == 302
    assert logged_in_user_id(client) == str(mother.pk)


def test_password_change_keeps_her_logged_in_with_the_new_password(mother_client, mother):
    response = mother_client.post(
        "/accounts/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response["Location"] == "/accounts/password/change/done/"
    mother.refresh_from_db()
    assert mother.check_password(NEW_PASSWORD)
    assert logged_in_user_id(mother_client) == str(mother.pk)


def test_password_change_needs_the_current_password(mother_client, mother):
    response = mother_client.post(
        "/accounts/password/change/",
        {"old_password": "a-guess", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 200
    mother.refresh_from_db()
    assert mother.check_password(PASSWORD)


def test_profile_shows_her_email_and_role_and_links_to_password_change(mother_client):
    html = mother_client.get("/accounts/profile/").content.decode()

    assert "anna@example.org" in html
    assert "Mother" in html
    assert '<option value="Europe/Rome" selected>Europe/Rome</option>' in html
    assert 'href="/accounts/password/change/"' in html


def test_profile_saves_her_name_and_new_time_zone(mother_client, mother):
    response = mother_client.post(
        "/accounts/profile/", {"display_name": "Anna M.", "time_zone": "Asia/Tokyo"}, follow=True
    )

    mother.refresh_from_db()
    assert mother.display_name == "Anna M."
    assert mother.time_zone == "Asia/Tokyo"
    assert [str(m) for m in response.context["messages"]] == ["Saved. Times now follow Asia/Tokyo."]


def test_profile_rejects_an_unknown_time_zone(mother_client, mother):
    response = mother_client.post(
        "/accounts/profile/", {"display_name": "Anna", "time_zone": "Europe/Atlantis"}
    )

    assert "is not a time zone we know" in response.content.decode()
    mother.refresh_from_db()
    assert mother.time_zone == "Europe/Rome"


def test_profile_save_stores_her_new_name_and_time_zone(mother):
    mother.display_name, mother.time_zone = "Anna M.", "Asia/Tokyo"
    services.profile_save(user=mother)
    saved = User.objects.get(pk=mother.pk)
    assert (saved.display_name, saved.time_zone) == ("Anna M.", "Asia/Tokyo")


def test_profile_edits_only_her_own_account(mother_client, mother, outsider):
    mother_client.post(
        "/accounts/profile/",
        {"display_name": "Changed", "time_zone": "Asia/Tokyo", "email": outsider.email, "role": "clinician"},
    )

    outsider.refresh_from_db()
    mother.refresh_from_db()
    assert outsider.display_name == "Olga"
    assert mother.email == "anna@example.org"
    assert mother.role == User.Role.MOTHER


@pytest.mark.django_db
def test_a_logged_out_visitor_is_sent_to_log_in(client):
    response = client.get("/accounts/profile/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/profile/"


def test_logout_is_post_only(mother_client, mother):
    refused = mother_client.get("/accounts/logout/")
    assert refused.status_code == 405
    assert logged_in_user_id(mother_client) == str(mother.pk)

    response = mother_client.post("/accounts/logout/")

    assert response["Location"] == "/accounts/login/"
    assert logged_in_user_id(mother_client) is None


def test_a_logged_in_mother_visiting_signup_or_login_goes_home(mother_client):
    assert mother_client.get("/accounts/signup/")["Location"] == "/setup/"
    assert mother_client.get("/accounts/login/")["Location"] == "/"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/signup/sent/",
        "/accounts/password/reset/",
        "/accounts/password/reset/sent/",
        "/accounts/password/reset/done/",
    ],
)
def test_public_account_pages_link_to_each_other(client, url):
    response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('href="/accounts/') >= 1
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


def test_factory_users_can_log_in_with_the_shared_password(client, db):
    user = UserFactory()

    assert log_in(client, user.email, PASSWORD)["Location"] == "/"
