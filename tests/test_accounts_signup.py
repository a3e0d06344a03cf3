"""Accounts: signing up, from the sign-up page to the emailed link that finishes it."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.core import mail
from django.test import Client

from accounts.models import User
from tests.accounts_helpers import NEW_PASSWORD, logged_in_user_id, signup_data
from tests.factories import ClinicianFactory


def choose_password(password: str = NEW_PASSWORD, again: str | None = None) -> dict[str, str]:
    return {"password1": password, "password2": password if again is None else again}


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
