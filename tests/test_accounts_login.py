"""Accounts: logging in and out, and the lockout after wrong passwords."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core import mail
from django.test import Client

from accounts import services
from tests.accounts_helpers import (
    NEW_PASSWORD,
    log_in,
    logged_in_user_id,
    reset_link_from_outbox,
    signup_data,
)
from tests.factories import PASSWORD, UserFactory


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


def test_factory_users_can_log_in_with_the_shared_password(client, db):
    user = UserFactory()

    assert log_in(client, user.email, PASSWORD)["Location"] == "/"


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
    assert '<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">' in html


# The lockout


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
        # Read while the clock is still frozen: her session lasts two weeks from then.
        signed_in_as = logged_in_user_id(browser)

    assert still_locked.status_code == 429
    assert response.status_code == 302
    assert signed_in_as == str(mother.pk)


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


# An over-long email


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
