"""Delete my account: everything of hers goes, the audit trail keeps the looks but nothing of her."""

from datetime import UTC, date, datetime, time

import pytest
import time_machine
from axes.models import AccessAttempt, AccessLog

from accounts import services
from accounts.models import User
from tests.factories import (
    PASSWORD,
    CareGrantFactory,
)
from tracker.models import (
    AuditEvent,
    CareGrant,
    DailyCheck,
    DoseLog,
    DoseReminder,
    FeedingSession,
    Infant,
    Pregnancy,
    Regimen,
    ReminderSettings,
    SupplementProduct,
    SymptomEntry,
)

# 16 Nov 2026, 23:30 UTC: already 00:30 on 17 Nov in Rome.
NOW = datetime(2026, 11, 16, 23, 30, tzinfo=UTC)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


# --- Delete my account ----------------------------------------------------------------------


def her_counts(mother: User) -> dict[str, int]:
    return {
        "users": User.objects.filter(pk=mother.pk).count(),
        "pregnancies": Pregnancy.objects.for_mother(mother).count(),
        "infants": Infant.objects.for_mother(mother).count(),
        "products": SupplementProduct.objects.for_mother(mother).count(),
        "regimens": Regimen.objects.for_mother(mother).count(),
        "doses": DoseLog.objects.for_mother(mother).count(),
        "reminders": DoseReminder.objects.for_mother(mother).count(),
        "feeds": FeedingSession.objects.for_mother(mother).count(),
        "symptoms": SymptomEntry.objects.for_mother(mother).count(),
        "checks": DailyCheck.objects.for_mother(mother).count(),
        "settings": ReminderSettings.objects.for_mother(mother).count(),
        "grants": CareGrant.objects.for_mother(mother).count(),
    }


@pytest.fixture
def shared_record(her_record, regimen, infant, clinician, clinician_client):
    """Her record shared with Dr Rossi, who has looked at it (naming the baby), and a pending reminder."""
    CareGrantFactory(mother=her_record, clinician=clinician)
    clinician_client.get(f"/clinician/{her_record.pk}/", {"infant": infant.pk})
    DoseReminder.objects.create(
        regimen=regimen,
        slot_date=date(2026, 11, 17),
        slot_time=time(8, 0),
        due_at=datetime(2026, 11, 17, 7, 0, tzinfo=UTC),
    )
    return her_record


def confirm(password: str = PASSWORD, confirmation: str = "anna@example.org") -> dict[str, str]:
    return {"confirmation": confirmation, "password": password}


def test_the_delete_page_says_what_will_go(mother_client, shared_record):
    response = mother_client.get("/accounts/delete/")

    assert response.status_code == 200
    records = response.context["records"]
    assert (
        records["babies"],
        records["doses"],
        records["feeds"],
        records["symptoms"],
        records["grants"],
    ) == (
        1,
        3,
        2,
        1,
        1,
    )
    html = response.content.decode()
    assert "1 baby, with 2 feeds, 1 symptom entry and 1 daily check" in html
    assert "1 regimen and 3 logged doses" in html
    assert "1 sharing grant" in html
    assert 'href="/accounts/profile/">Cancel</a>' in html


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (confirm(password="not-my-password"), "That is not your current password. Nothing was deleted."),
        (confirm(confirmation="anna@example.com"), "That is neither your email address nor the word DELETE."),
        (confirm(confirmation=""), "This field is required."),
    ],
)
def test_a_wrong_confirmation_deletes_nothing_and_says_why(mother, mother_client, shared_record, data, error):
    before = her_counts(mother)
    audit = list(AuditEvent.objects.values_list("mother_id", "detail"))

    response = mother_client.post("/accounts/delete/", data)

    assert response.status_code == 200
    assert error in response.content.decode()
    assert her_counts(mother) == before
    assert before["doses"] == 3 and before["grants"] == 1
    assert list(AuditEvent.objects.values_list("mother_id", "detail")) == audit
    assert mother_client.get("/").status_code == 200  # still logged in


def test_deleting_removes_everything_of_hers_and_logs_her_out(
    mother, mother_client, shared_record, olga_record
):
    olga_before = her_counts(olga_record)
    mother_client.post("/accounts/delete/", confirm(password="wrong"))
    # A wrong password here counts towards the login lockout, like one on the login page.
    assert AccessAttempt.objects.filter(username="anna@example.org", failures_since_start=1).exists()

    response = mother_client.post("/accounts/delete/", confirm(), follow=True)

    assert response.redirect_chain == [("/accounts/login/", 302)]
    assert "Your account and all your records were deleted." in response.content.decode()
    assert set(her_counts(mother).values()) == {0}
    assert not User.objects.filter(email="anna@example.org").exists()
    assert her_counts(olga_record) == olga_before
    assert olga_before["doses"] == 1 and olga_before["grants"] == 1
    # No login record keeps her address either.
    assert not AccessAttempt.objects.filter(username__iexact="anna@example.org").exists()
    assert not AccessLog.objects.filter(username__iexact="anna@example.org").exists()
    # Logged out: home sends her to the login page.
    home = mother_client.get("/")
    assert home.status_code == 302
    assert home["Location"].startswith("/accounts/login/")


def test_the_word_delete_confirms_too(mother, mother_client, her_record):
    mother_client.post("/accounts/delete/", confirm(confirmation="DELETE"))

    assert not User.objects.filter(pk=mother.pk).exists()


def test_the_audit_trail_keeps_the_looks_but_nothing_of_hers(mother, mother_client, shared_record, clinician):
    [look] = AuditEvent.objects.all()
    assert "Luca" in look.detail  # the clinician's look named the baby

    mother_client.post("/accounts/delete/", confirm())

    rows = list(AuditEvent.objects.values())
    assert len(rows) == 1
    assert rows[0]["mother_id"] is None
    assert rows[0]["detail"] == ""
    assert rows[0]["actor_id"] == clinician.pk
    assert rows[0]["actor_email"] == "dr.rossi@example.org"
    for value in rows[0].values():
        for trace in ("anna@example.org", "Anna", "Luca"):
            assert trace not in str(value)


def test_a_clinician_who_had_access_gets_404_for_her_old_id(
    mother, mother_client, shared_record, clinician_client
):
    old_id = mother.pk
    assert clinician_client.get(f"/clinician/{old_id}/").status_code == 200

    mother_client.post("/accounts/delete/", confirm())

    assert clinician_client.get(f"/clinician/{old_id}/").status_code == 404
    assert clinician_client.get(f"/clinician/{old_id}/doses.csv").status_code == 404


def test_a_clinician_deleting_her_account_loses_her_grants_but_the_mothers_trail_keeps_her_email(
    mother, shared_record, clinician, clinician_client
):
    clinician_client.post("/accounts/delete/", confirm(confirmation="dr.rossi@example.org"))

    assert not User.objects.filter(pk=clinician.pk).exists()
    assert not CareGrant.objects.filter(mother=mother).exists()
    [look] = AuditEvent.objects.for_mother(mother)
    assert look.actor_id is None
    assert look.actor_email == "dr.rossi@example.org"
    assert her_counts(mother)["doses"] == 3  # the mother's record is hers, untouched


def test_the_service_reports_what_it_deleted(mother, shared_record):
    CareGrant.objects.create(mother=mother, invited_email="midwife@example.org")

    deleted = services.account_delete(user=mother)

    deleted.pop("login_records")  # whatever axes logged for the test client's logins
    assert deleted == {
        "pregnancies": 1,
        "babies": 1,
        "products": 1,
        "regimens": 1,
        "doses": 3,
        "reminders": 1,
        "feeds": 2,
        "symptoms": 1,
        "daily_checks": 1,
        "reminder_settings": 1,
        "grants": 2,
        "audit_events_anonymised": 1,
    }


def test_the_audit_log_still_refuses_to_be_deleted_after_an_account_goes(mother, shared_record):
    services.account_delete(user=mother)

    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == 1


def test_deleting_needs_login(client):
    response = client.get("/accounts/delete/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/delete/"


def test_a_get_never_deletes(mother, mother_client, her_record):
    mother_client.get("/accounts/delete/", confirm())

    assert User.objects.filter(pk=mother.pk).exists()


def test_a_clinician_deleting_her_account_is_not_offered_a_mothers_download(clinician_client):
    page = clinician_client.get("/accounts/delete/").content.decode()

    assert "you lose access to the records mothers shared with you" in page
    assert "/exports/all.zip" not in page
