"""Sharing her record: invitations, acceptance, revocation, expiry, and the audit trail she reads."""

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail
from django.http import Http404
from django.test import Client

from accounts.models import User
from tests.factories import PASSWORD, CareGrantFactory, ClinicianFactory, DoseLogFactory, RegimenFactory
from tracker.access import get_patient_or_404
from tracker.models import AuditEvent, CareGrant
from tracker.sharing import services
from tracker.sharing.tokens import make_invite_token

# 16 Nov 2026, 21:00 in Rome.
NOW = datetime(2026, 11, 16, 20, 0, tzinfo=UTC)
IP = "203.0.113.9"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def invite_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/sharing/invite/\S+/)", message.body).group(1)


def test_the_invite_email_goes_to_the_address_with_a_working_link(
    mother_client, clinician, clinician_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = mother_client.post(
            "/sharing/",
            {"email": "Dr.Rossi@example.org", "scope": "summary_exports", "last_day": "2026-12-31"},
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["dr.rossi@example.org"]
    assert "Anna" in message.subject
    grant = CareGrant.objects.get()
    assert grant.clinician is None and grant.scope == "summary_exports"
    # Access ends at midnight after 31 Dec in Rome (UTC+1); everyone is told the day she picked.
    assert grant.expires_at == datetime(2026, 12, 31, 23, 0, tzinfo=UTC)
    assert "Your access lasts until the end of 31 December 2026, the last day she chose." in message.body
    assert "January 2027" not in message.body
    sharing_page = mother_client.get("/sharing/").content.decode()
    assert "last day of access 31 Dec 2026" in sharing_page and "1 Jan 2027" not in sharing_page

    page = clinician_client.get(invite_path(message))
    assert "Anna invites you to see her record" in page.content.decode()
    assert "Your access lasts until the end of 31 December 2026" in page.content.decode()
    accepted = clinician_client.post(invite_path(message))
    assert accepted["Location"] == f"/clinician/{grant.mother_id}/"
    grant.refresh_from_db()
    assert grant.clinician == clinician
    assert grant.accepted_at == NOW


def test_a_visitor_signs_up_as_clinician_and_comes_back_to_accept(mother):
    grant = CareGrant.objects.create(mother=mother, invited_email="new.doc@example.org")
    path = f"/sharing/invite/{make_invite_token(grant.pk)}/"
    visitor = Client()
    page = visitor.get(path)
    signup_url = page.context["signup_url"]
    assert signup_url.startswith("/accounts/signup/?next=") and "role=clinician" in signup_url
    form = visitor.get(signup_url)
    assert form.context["form"]["role"].value() == "clinician"
    assert form.context["form"]["email"].value() == "new.doc@example.org"  # the invited address
    signed_up = visitor.post(
        "/accounts/signup/",
        {
            "email": "new.doc@example.org",
            "display_name": "Dr New",
            "role": "clinician",
            "time_zone": "Europe/Rome",
        },
    )
    assert signed_up["Location"] == "/accounts/signup/sent/"
    (message,) = mail.outbox
    finish_path = re.search(r"https?://[^/\s]+(/accounts/signup/finish/\S+/)", message.body).group(1)
    finished = visitor.post(finish_path, {"password1": PASSWORD, "password2": PASSWORD})
    assert finished["Location"] == path
    assert visitor.post(path)["Location"] == f"/clinician/{mother.pk}/"
    grant.refresh_from_db()
    assert grant.clinician.email == "new.doc@example.org"


def test_a_mother_account_cannot_accept(mother, outsider_client):
    grant = CareGrant.objects.create(mother=mother, invited_email="olga@example.org")
    response = outsider_client.post(f"/sharing/invite/{make_invite_token(grant.pk)}/")
    assert response.status_code == 400
    assert "Only a clinician account can accept" in response.content.decode()
    grant.refresh_from_db()
    assert grant.clinician is None


def test_a_tampered_or_old_invite_link_says_why(mother, clinician_client):
    grant = CareGrant.objects.create(mother=mother, invited_email="dr.rossi@example.org")
    token = make_invite_token(grant.pk)
    assert "not valid" in clinician_client.get(f"/sharing/invite/{token}x/").content.decode()
    with time_machine.travel(NOW + timedelta(days=15), tick=False):
        response = clinician_client.post(f"/sharing/invite/{token}/")
    assert response.status_code == 400
    assert "invitations work for 14 days" in response.content.decode()
    grant.refresh_from_db()
    assert grant.clinician is None


def test_clinician_sees_her_numbers_and_one_audit_row_is_written(mother, clinician, clinician_client):
    CareGrantFactory(mother=mother, clinician=clinician)
    # 14..16 Nov. At 21:00 on the 16th, with nothing logged that day, the 08:00 dose counts as
    # missed and the 20:00 one not yet (its hour ends at 21:00): 4 of 5 doses, 2 of 2 days.
    regimen = RegimenFactory(mother=mother, start_date=date(2026, 11, 14))
    for day in (date(2026, 11, 14), date(2026, 11, 15)):
        for at in (time(8, 0), time(20, 0)):
            DoseLogFactory(regimen=regimen, slot_date=day, slot_time=at)
    page = clinician_client.get(f"/clinician/{mother.pk}/", REMOTE_ADDR=IP).content.decode()
    assert 'data-testid="dose-adherence">80.0%' in page and "(4/5)" in page
    assert "(2/2 days)" in page
    assert "read-only summary" in page
    assert "/setup/" not in page and "/today/" not in page  # no links to edit or log
    event = AuditEvent.objects.get()
    assert (event.actor, event.actor_email, event.mother) == (clinician, "dr.rossi@example.org", mother)
    assert event.action == "view_summary" and event.ip_address == IP
    assert event.created_at == NOW


def test_the_clinician_list_shows_only_mothers_with_active_grants(
    mother, outsider, clinician, clinician_client
):
    CareGrantFactory(mother=mother, clinician=clinician)
    CareGrantFactory(mother=mother, clinician=clinician)  # a second grant: still one line
    CareGrantFactory(mother=outsider, clinician=clinician, revoked_at=NOW)
    page = clinician_client.get("/clinician/")
    assert list(page.context["patients"]) == [mother]
    assert f'href="/clinician/{outsider.pk}/"' not in page.content.decode()


def test_revoking_takes_effect_on_the_next_request(mother, mother_client, clinician, clinician_client):
    grant = CareGrantFactory(mother=mother, clinician=clinician)
    assert clinician_client.get(f"/clinician/{mother.pk}/").status_code == 200
    confirm = mother_client.get(f"/sharing/{grant.pk}/revoke/")
    assert "Stop sharing with Dr Rossi?" in confirm.content.decode()
    assert mother_client.post(f"/sharing/{grant.pk}/revoke/")["Location"] == "/sharing/"
    assert clinician_client.get(f"/clinician/{mother.pk}/").status_code == 404
    assert list(clinician_client.get("/clinician/").context["patients"]) == []
    assert AuditEvent.objects.count() == 1  # the 404 wrote nothing


def test_an_expired_grant_is_a_404(mother, clinician, clinician_client):
    CareGrantFactory(mother=mother, clinician=clinician, expires_at=NOW + timedelta(hours=1))
    assert clinician_client.get(f"/clinician/{mother.pk}/").status_code == 200
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        assert clinician_client.get(f"/clinician/{mother.pk}/").status_code == 404


def test_a_summary_only_grant_does_not_cover_exports(mother, clinician):
    grant = CareGrantFactory(mother=mother, clinician=clinician, scope="summary")
    assert get_patient_or_404(clinician, mother.pk) == mother
    with pytest.raises(Http404):
        get_patient_or_404(clinician, mother.pk, exports=True)
    CareGrant.objects.filter(pk=grant.pk).update(scope="summary_exports")
    assert get_patient_or_404(clinician, mother.pk, exports=True) == mother


def test_a_mother_gets_404_on_clinician_pages(mother, mother_client, outsider):
    CareGrantFactory(mother=outsider, clinician=mother)  # even a (wrong) grant naming her
    assert mother_client.get("/clinician/").status_code == 404
    assert mother_client.get(f"/clinician/{outsider.pk}/").status_code == 404


def test_the_audit_row_cannot_be_edited_or_deleted(mother, clinician):
    event = services.audit_record(actor=clinician, mother=mother, action="view_summary")
    event.detail = "changed"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    event.refresh_from_db()
    assert event.detail == ""


def test_deleting_the_clinician_keeps_who_it_was(mother, clinician):
    services.audit_record(actor=clinician, mother=mother, action="view_summary")
    clinician.delete()
    event = AuditEvent.objects.get()
    assert event.actor is None and event.actor_email == "dr.rossi@example.org"


def test_her_sharing_page_lists_grants_and_the_audit_log_newest_first(
    mother, mother_client, clinician, clinician_client
):
    CareGrantFactory(mother=mother, clinician=clinician)
    CareGrant.objects.create(mother=mother, invited_email="lc@example.org")
    clinician_client.get(f"/clinician/{mother.pk}/", REMOTE_ADDR=IP)
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        clinician_client.get(f"/clinician/{mother.pk}/", REMOTE_ADDR="198.51.100.7")
        page = mother_client.get("/sharing/")
    html = page.content.decode()
    assert "Dr Rossi" in html and "lc@example.org" in html and "not accepted yet" in html
    events = list(page.context["audit_page"])
    assert [e.ip_address for e in events] == ["198.51.100.7", IP]
    # Her local time (Rome, UTC+1): 21:00 and 22:00.
    assert (
        '<td data-label="When">16 Nov 2026, 22:00</td>\n              <td data-label="Who">dr.rossi@example.org</td>'
        in html
    )
    assert "Viewed the summary" in html


def test_the_audit_log_is_paginated(mother, mother_client, clinician):
    for _ in range(30):
        services.audit_record(actor=clinician, mother=mother, action="view_summary")
    first = mother_client.get("/sharing/")
    assert len(first.context["audit_page"]) == 25 and "Page 1 of 2" in first.content.decode()
    assert len(mother_client.get("/sharing/?page=2").context["audit_page"]) == 5


def test_she_cannot_invite_herself_or_pick_a_past_day(mother_client):
    response = mother_client.post("/sharing/", {"email": "anna@example.org", "scope": "summary"})
    assert "That is your own address" in response.content.decode()
    response = mother_client.post(
        "/sharing/", {"email": "dr@example.org", "scope": "summary", "last_day": "2026-11-15"}
    )
    assert "That day has passed" in response.content.decode()
    response = mother_client.post(
        "/sharing/", {"email": "dr@example.org", "scope": "summary", "last_day": "2099-01-01"}
    )
    assert "Pick a last day within the next 2 years" in response.content.decode()
    assert not CareGrant.objects.exists()


def test_another_mother_cannot_revoke_her_grant(mother, outsider_client):
    grant = CareGrantFactory(mother=mother)
    assert outsider_client.post(f"/sharing/{grant.pk}/revoke/").status_code == 404
    grant.refresh_from_db()
    assert grant.revoked_at is None
    assert User.objects.filter(pk=grant.clinician_id).exists()


@pytest.mark.django_db
def test_the_summary_lists_downloads_only_when_the_grant_covers_exports():
    from tests.factories import CareGrantFactory

    full = CareGrantFactory(scope="summary_exports")
    summary_only = CareGrantFactory(scope="summary")
    full_client, summary_client = Client(), Client()
    full_client.force_login(full.clinician)
    summary_client.force_login(summary_only.clinician)
    with_exports = full_client.get(f"/clinician/{full.mother_id}/").content.decode()
    without = summary_client.get(f"/clinician/{summary_only.mother_id}/").content.decode()
    assert f"/clinician/{full.mother_id}/exports/feeds.csv" in with_exports
    assert "/exports/" not in without and "shares the summary only" in without


@pytest.mark.django_db
def test_a_forwarded_invite_cannot_be_accepted_by_another_clinician():
    from tracker.sharing.services import grant_accept
    from tracker.signed_links import LinkError

    grant = CareGrantFactory(clinician=None, accepted_at=None, invited_email="dr.rossi@example.org")
    other = ClinicianFactory(email="someone.else@example.org")
    with pytest.raises(LinkError, match="This invitation was sent to dr.rossi@example.org"):
        grant_accept(grant_id=grant.pk, clinician=other)
    grant.refresh_from_db()
    assert grant.clinician_id is None
    rossi = ClinicianFactory(email="Dr.Rossi@example.org")
    assert grant_accept(grant_id=grant.pk, clinician=rossi).clinician == rossi


def test_a_pending_invitation_is_cancelled_not_stopped(mother, mother_client):
    grant = CareGrant.objects.create(mother=mother, invited_email="new.doc@example.org")

    sharing = mother_client.get("/sharing/").content.decode()
    confirm = mother_client.get(f"/sharing/{grant.pk}/revoke/").content.decode()
    done = mother_client.post(f"/sharing/{grant.pk}/revoke/", follow=True).content.decode()

    assert "Cancel invitation" in sharing
    assert "Cancel the invitation to new.doc@example.org?" in confirm
    assert "Done: the invitation to new.doc@example.org is cancelled." in done
    grant.refresh_from_db()
    assert grant.revoked_at == NOW


def test_after_revoke_her_download_links_open_a_page_that_says_access_ended(
    mother, mother_client, clinician, clinician_client
):
    grant = CareGrantFactory(mother=mother, clinician=clinician, scope="summary_exports")
    summary = clinician_client.get(f"/clinician/{mother.pk}/").content.decode()
    pdf = f"/clinician/{mother.pk}/exports/summary.pdf"
    assert (
        f'href="{pdf}"' in summary and " download>" not in summary
    )  # the browser shows a page if it isn't a file
    mother_client.post(f"/sharing/{grant.pk}/revoke/")
    for url in [pdf, f"/clinician/{mother.pk}/exports/doses.csv", f"/clinician/{mother.pk}/"]:
        response = clinician_client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"].startswith("text/html")
        text = response.content.decode()
        assert "Your access to Anna&#x27;s record has ended: she stopped sharing on 16 Nov 2026." in text, url
    assert AuditEvent.objects.count() == 1  # the summary's look; nothing after the revoke


def test_after_the_last_day_the_page_names_that_day(mother, clinician, clinician_client):
    CareGrantFactory(mother=mother, clinician=clinician, expires_at=datetime(2026, 11, 16, 23, 0, tzinfo=UTC))
    with time_machine.travel(datetime(2026, 11, 17, 8, 0, tzinfo=UTC), tick=False):
        response = clinician_client.get(f"/clinician/{mother.pk}/")
    assert response.status_code == 404
    assert "the last day she chose was 16 Nov 2026." in response.content.decode()


def test_a_summary_only_grant_says_the_downloads_are_not_shared(mother, clinician, clinician_client):
    CareGrantFactory(mother=mother, clinician=clinician, scope="summary")
    response = clinician_client.get(f"/clinician/{mother.pk}/exports/summary.pdf")
    assert response.status_code == 404
    assert "Anna shares her summary with you, not the downloads." in response.content.decode()


def test_a_clinician_she_never_shared_with_learns_nothing_about_her(mother, clinician_client):
    response = clinician_client.get(f"/clinician/{mother.pk}/exports/summary.pdf")
    assert response.status_code == 404
    assert "Anna" not in response.content.decode()
