"""A batch renders each reminder template once, and every email still reads exactly as if
it had been rendered whole: same subject, text and HTML, escaped where the HTML needs it."""

import re
from datetime import date, time

import pytest
from django.core import mail

from accounts.models import User
from tests.factories import RegimenFactory
from tests.reminders_helpers import ROME_0800
from tracker.models import DoseReminder, SupplementProduct
from tracker.reminders import texts as texts_module
from tracker.reminders.batches import reminders_send_batch
from tracker.reminders.dispatch import reminders_dispatch
from tracker.reminders.texts import ReminderTexts, render_whole
from tracker.reminders.tokens import read_token

LINKS = {
    "took": "https://tracker.example.org/r/took/AbC:1x/",
    "skip": "https://tracker.example.org/r/skip/AbC:1y/",
    "snooze": "https://tracker.example.org/r/snooze/AbC:1z/",
    "unsubscribe": "https://tracker.example.org/r/unsubscribe/Qq:9/",
}


def _values(name: str, product: str, *, snooze: bool = True) -> dict[str, str]:
    return {
        "short_name": name,
        "product": f"{product} (Brand & Co)",
        "product_name": product,
        "slot_time": "08:00",
        "slot_day": "Monday 16 November",
        "took_url": LINKS["took"],
        "skip_url": LINKS["skip"],
        "snooze_url": LINKS["snooze"] if snooze else "",
        "unsubscribe_url": LINKS["unsubscribe"],
        "settings_url": "https://tracker.example.org/settings/reminders/",
    }


@pytest.mark.parametrize("is_follow_up", [False, True])
@pytest.mark.parametrize("snooze", [True, False])
def test_each_email_of_a_batch_reads_as_if_rendered_whole(is_follow_up, snooze):
    batch = ReminderTexts()
    mothers = [
        ("Anna", "Multi-strain"),
        ("Zoë", "Probiotico è più"),
        ("<b>Jo</b> & 'Mo'", 'Mum\'s "best" & co'),
    ]
    for name, product in mothers:
        values = _values(name, product, snooze=snooze)

        assert batch.words(values, is_follow_up=is_follow_up) == render_whole(
            values, is_follow_up=is_follow_up
        )


def test_the_html_escapes_what_she_typed_and_the_text_and_subject_do_not():
    words = ReminderTexts().words(_values("<b>Jo</b>", "Mum's & baby's"), is_follow_up=False)

    assert words.subject == "Time for your Mum's & baby's (08:00)"
    assert "Hi <b>Jo</b>," in words.text
    assert "<p>Hi &lt;b&gt;Jo&lt;/b&gt;,</p>" in words.html
    assert "Mum&#x27;s &amp; baby&#x27;s (Brand &amp; Co)" in words.html
    assert "Remind me in 30 minutes" in words.html


def test_a_follow_up_without_snoozes_left_has_no_snooze_link():
    words = ReminderTexts().words(_values("Anna", "Multi-strain", snooze=False), is_follow_up=True)

    assert words.subject == "Still to log: your 08:00 Multi-strain"
    assert (
        "Your 08:00 dose of Multi-strain (Brand & Co) on Monday 16 November isn't logged yet." in words.text
    )
    assert "snooze" not in words.text and "Remind me" not in words.html


@pytest.mark.django_db
def test_a_batch_of_fifty_renders_the_three_templates_once(settings, monkeypatch):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    renders = []
    render = texts_module.render_to_string
    monkeypatch.setattr(
        texts_module, "render_to_string", lambda name, context: renders.append(name) or render(name, context)
    )
    mothers = User.objects.bulk_create(  # no password: hashing 50 would take most of the test
        User(email=f"m{n}@example.org", display_name=f"Mother {n}", time_zone="Europe/Rome", password="!")
        for n in range(50)
    )
    for n, mother in enumerate(mothers):
        product = SupplementProduct.objects.create(mother=mother, name=f"Drops & co {n}")
        RegimenFactory(mother=mother, product=product, dose_times=["08:00"], start_date=date(2026, 11, 1))

    claimed = reminders_dispatch(now=ROME_0800).claimed
    assert reminders_send_batch(claimed, now=ROME_0800) == {"sent": 50}

    assert sorted(renders) == sorted(texts_module.TEMPLATES.values())
    by_address = {message.to[0]: message for message in mail.outbox}
    assert len(by_address) == 50
    message = by_address["m7@example.org"]
    assert message.subject == "Time for your Drops & co 7 (08:00)"
    assert message.body.startswith("Hi Mother 7,\n\nIt's 08:00: time for your dose of Drops & co 7.")
    reminder = DoseReminder.objects.get(regimen__mother__email="m7@example.org")
    assert (reminder.slot_time, reminder.status) == (time(8, 0), "sent")
    took = re.search(r"/r/took/([^/\s]+)/", message.body)[1]
    assert read_token("took", took).object_id == reminder.pk
    assert "Drops &amp; co 7" in message.alternatives[0][0]
