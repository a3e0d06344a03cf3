"""Names are one line: a line break in a name can't break an email, and one bad reminder
can't hold up the others in its batch."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError

from accounts.models import User
from tests.factories import RegimenFactory, UserFactory
from tracker.models import CareGrant, DoseReminder, Infant, SupplementProduct
from tracker.reminders.dispatch import reminders_dispatch
from tracker.tasks import send_reminder_batch

MSG = "Use one line: no line breaks, tabs or other control characters."
# 08:00 in Rome on Monday 16 November 2026.
ROME_0800 = datetime(2026, 11, 16, 7, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.mark.parametrize(
    "bad, message",
    [
        ("Anna\r\nX", MSG),
        ("Anna\nBcc: x@example.org", MSG),
        ("Anna\tX", MSG),
        ("Anna\u2028X", MSG),
        ("Anna\x00", "Null characters are not allowed."),  # Django's own check answers first
    ],
)
def test_a_display_name_with_a_control_character_is_refused_on_the_profile(
    mother, mother_client, bad, message
):
    response = mother_client.post("/accounts/profile/", {"display_name": bad, "time_zone": "Europe/Rome"})
    assert response.status_code == 200
    assert message in response.content.decode()
    mother.refresh_from_db()
    assert mother.display_name == "Anna"


def test_the_models_share_one_single_line_rule(mother):
    for instance, field in [
        (User(email="x@example.org", display_name="A\nB"), "display_name"),
        (Infant(mother=mother, name="Lu\nca"), "name"),
        (SupplementProduct(mother=mother, name="Bio\nGaia"), "name"),
        (SupplementProduct(mother=mother, name="BioGaia", brand="Bio\rGaia"), "brand"),
    ]:
        with pytest.raises(ValidationError) as refused:
            instance.full_clean()
        assert refused.value.message_dict[field] == [MSG], field


def test_a_product_name_with_a_line_break_is_refused_on_the_regimen_form(mother, mother_client):
    response = mother_client.post(
        "/setup/regimen/add/",
        {
            "product_name": "Bio\nGaia",
            "form": "drops",
            "preset": "custom",
            "doses_per_day": 1,
            "dose_times": "08:00",
            "start_date": "2026-11-01",
        },
    )
    assert response.status_code == 200
    assert MSG in response.content.decode()
    assert not SupplementProduct.objects.exists()


def test_a_baby_name_with_a_line_break_is_refused(mother, mother_client):
    response = mother_client.post(
        "/setup/baby/add/",
        {
            "name": "Lu\nca",
            "birth_at": "2026-10-30T07:00",
            "gestational_weeks": 39,
            "gestational_days": 2,
            "delivery_mode": "vaginal",
        },
    )
    assert response.status_code == 200
    assert MSG in response.content.decode()
    assert not Infant.objects.exists()


def test_a_name_stored_before_the_rule_still_makes_a_one_line_invitation(
    mother, mother_client, django_capture_on_commit_callbacks
):
    User.objects.filter(pk=mother.pk).update(display_name="Anna\r\nBcc: x@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = mother_client.post("/sharing/", {"email": "dr.rossi@example.org", "scope": "summary"})
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["dr.rossi@example.org"]
    assert message.subject == "Anna Bcc: x@example.org invites you to see her feeding and probiotic record"
    assert CareGrant.objects.get().invited_email == "dr.rossi@example.org"


def test_a_product_name_stored_before_the_rule_still_makes_a_one_line_reminder(db):
    anna = UserFactory(email="anna@example.org", time_zone="Europe/Rome")
    RegimenFactory(mother=anna, dose_times=["08:00"], start_date=date(2026, 11, 1))
    SupplementProduct.objects.update(name="Bio\nGaia")
    with time_machine.travel(ROME_0800, tick=False):
        claimed = reminders_dispatch(now=ROME_0800).claimed
        assert send_reminder_batch(claimed) == {"sent": 1}
    [message] = mail.outbox
    assert message.subject == "Time for your Bio Gaia (08:00)"


def test_a_reminder_that_cannot_be_built_fails_alone_and_the_batch_goes_on(db):
    mothers = [UserFactory(email=f"m{i}@example.org", time_zone="Europe/Rome") for i in range(3)]
    for mother in mothers:
        RegimenFactory(mother=mother, dose_times=["08:00"], start_date=date(2026, 11, 1))
    # An address stored with a line break: the mail library refuses it (not an SMTP error).
    User.objects.filter(pk=mothers[1].pk).update(email="m1@example.org\nBcc: x@example.org")
    with time_machine.travel(ROME_0800, tick=False):
        claimed = reminders_dispatch(now=ROME_0800).claimed
        assert len(claimed) == 3
        assert send_reminder_batch(sorted(claimed)) == {"sent": 2, "failed": 1}
    assert sorted(address for message in mail.outbox for address in message.to) == [
        "m0@example.org",
        "m2@example.org",
    ]
    statuses = {r.regimen.mother_id: r for r in DoseReminder.objects.select_related("regimen")}
    assert [statuses[m.pk].status for m in mothers] == ["sent", "failed", "sent"]
    failed = statuses[mothers[1].pk]
    assert failed.status_reason.startswith("BadHeaderError: Header values can't contain newlines")
    assert failed.attempts == 1


def test_an_invitation_the_mail_server_cannot_take_saves_no_grant(mother, mother_client, settings):
    # A real SMTP connection to a port where nothing listens.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    response = mother_client.post("/sharing/", {"email": "dr.rossi@example.org", "scope": "summary"})
    assert response.status_code == 200
    assert (
        "We could not send the invitation email just now, so nothing was saved." in response.content.decode()
    )
    assert not CareGrant.objects.exists()
