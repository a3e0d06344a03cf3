"""Accounts: resetting and changing the password, and the profile page."""

import pytest
from django.core import mail
from django.test import Client

from accounts import services
from accounts.models import User
from tests.accounts_helpers import NEW_PASSWORD, log_in, logged_in_user_id, reset_link_from_outbox
from tests.factories import PASSWORD


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


# The profile


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
