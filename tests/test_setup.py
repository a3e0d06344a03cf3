"""Onboarding: due date or birth, then the regimen whose trial dates follow them."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from tests.factories import InfantFactory, PregnancyFactory, RegimenFactory
from tracker.models import Infant, Pregnancy, Regimen

UTC = UTC


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(datetime(2026, 11, 16, 9, 0, tzinfo=UTC), tick=False):
        yield


REGIMEN_FORM = {
    "product_name": "Multi-strain probiotic",
    "brand": "Example",
    "strains": "L. paracasei\nB. breve",
    "cfu_per_dose": "4500000000",
    "form": "capsule",
    "doses_per_day": "2",
    "dose_times": "20:00, 08:00",
}


def test_pregnant_mother_onboards_with_due_date_then_trial_regimen(mother, mother_client):
    response = mother_client.post("/setup/due-date/", {"due_date": "2026-12-20"})
    assert response["Location"] == "/setup/regimen/add/"
    response = mother_client.post("/setup/regimen/add/", {**REGIMEN_FORM, "preset": "trial"})
    assert response["Location"] == "/"
    regimen = Regimen.objects.get(mother=mother)
    assert (regimen.start_date, regimen.end_date) == (date(2026, 11, 22), date(2027, 1, 17))
    assert regimen.dose_times == ["08:00", "20:00"]
    assert regimen.product.strain_list == ["L. paracasei", "B. breve"]
    page = mother_client.get("/").content.decode()
    assert "Your regimen starts on 22 November 2026" in page


def test_trial_dates_follow_the_real_birth(mother, mother_client):
    mother_client.post("/setup/due-date/", {"due_date": "2026-11-20"})
    mother_client.post("/setup/regimen/add/", {**REGIMEN_FORM, "preset": "trial"})
    response = mother_client.post(
        "/setup/baby/add/",
        {
            "name": "Luca",
            "birth_at": "2026-11-14T23:30",  # Rome time: 22:30 UTC on the 14th
            "gestational_weeks": "39",
            "gestational_days": "1",
            "delivery_mode": "caesarean",
            "birth_weight_g": "3350",
        },
    )
    assert response["Location"] == "/setup/"
    infant = Infant.objects.get(mother=mother)
    assert infant.birth_at == datetime(2026, 11, 14, 22, 30, tzinfo=UTC)
    regimen = Regimen.objects.get(mother=mother)
    assert (regimen.start_date, regimen.end_date) == (date(2026, 10, 23), date(2026, 12, 12))
    # Changing the due date moves the start; the end stays tied to the birth.
    mother_client.post("/setup/due-date/", {"due_date": "2026-11-22"})
    regimen.refresh_from_db()
    assert (regimen.start_date, regimen.end_date) == (date(2026, 10, 25), date(2026, 12, 12))


def test_a_mother_who_signs_up_after_birth_gets_a_due_date_from_the_gestation(mother, mother_client):
    mother_client.post(
        "/setup/baby/add/",
        {
            "name": "Mia",
            "birth_at": "2026-11-10T08:00",
            "gestational_weeks": "38",
            "gestational_days": "0",
            "delivery_mode": "vaginal",
        },
    )
    assert Pregnancy.objects.get(mother=mother).due_date == date(2026, 11, 24)


def test_custom_regimen_needs_a_start_and_matching_times(mother, mother_client):
    PregnancyFactory(mother=mother)
    response = mother_client.post(
        "/setup/regimen/add/", {**REGIMEN_FORM, "preset": "custom", "doses_per_day": "3"}
    )
    page = response.content.decode()
    assert "With your own dates, say the first day." in page
    assert "You said 3 dose(s) a day: give exactly that many times." in page
    assert not Regimen.objects.exists()


def test_a_bad_dose_time_is_explained(mother, mother_client):
    PregnancyFactory(mother=mother)
    response = mother_client.post(
        "/setup/regimen/add/", {**REGIMEN_FORM, "preset": "trial", "dose_times": "8am, 20:00"}
    )
    assert "“8am” is not a time like 08:00." in response.content.decode()
    assert not Regimen.objects.exists()


def test_trial_preset_without_a_due_date_is_explained(mother, mother_client):
    response = mother_client.post("/setup/regimen/add/", {**REGIMEN_FORM, "preset": "trial"})
    assert "The trial preset needs your due date" in response.content.decode()
    assert not Regimen.objects.exists()


def test_a_birth_in_the_future_is_refused(mother, mother_client):
    response = mother_client.post(
        "/setup/baby/add/",
        {
            "name": "Mia",
            "birth_at": "2026-12-01T08:00",
            "gestational_weeks": "38",
            "delivery_mode": "vaginal",
            "gestational_days": "0",
        },
    )
    assert "That time is in the future" in response.content.decode()
    assert not Infant.objects.exists()


def test_editing_her_regimen_changes_the_times(mother, mother_client):
    regimen = RegimenFactory(mother=mother, start_date=date(2026, 11, 1))
    response = mother_client.post(
        f"/setup/regimen/{regimen.pk}/edit/",
        {
            **REGIMEN_FORM,
            "preset": "custom",
            "start_date": "2026-11-01",
            "doses_per_day": "1",
            "dose_times": "09:30",
        },
    )
    assert response.status_code == 302
    regimen.refresh_from_db()
    assert regimen.dose_times == ["09:30"]
    assert regimen.doses_per_day == 1
    # 1-15 November keep their two doses a day, and the set-up page says so.
    assert "Until 15 Nov 2026: 08:00, 20:00" in mother_client.get("/setup/").content.decode()


def test_setup_pages_of_someone_else_are_404(mother, outsider_client):
    infant = InfantFactory(mother=mother)
    regimen = RegimenFactory(mother=mother)
    assert outsider_client.get(f"/setup/baby/{infant.pk}/edit/").status_code == 404
    assert outsider_client.get(f"/setup/regimen/{regimen.pk}/edit/").status_code == 404


@pytest.mark.parametrize(
    "start, end, field, message",
    [
        (
            "2090-11-01",
            "",
            "start_date",
            "A regimen starts at most 45 weeks from today, and at most 3 years ago.",
        ),
        (
            "2023-11-01",
            "",
            "start_date",
            "A regimen starts at most 45 weeks from today, and at most 3 years ago.",
        ),
        ("2026-11-01", "2099-12-31", "end_date", "A regimen lasts at most 3 years."),
    ],
)
def test_her_own_regimen_dates_must_be_plausible(mother, mother_client, start, end, field, message):
    response = mother_client.post(
        "/setup/regimen/add/", {**REGIMEN_FORM, "preset": "custom", "start_date": start, "end_date": end}
    )
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert not Regimen.objects.exists()


def test_her_own_regimen_within_the_limits_is_saved(mother, mother_client):
    response = mother_client.post(
        "/setup/regimen/add/",
        {**REGIMEN_FORM, "preset": "custom", "start_date": "2027-09-01", "end_date": "2029-08-31"},
    )
    assert response.status_code == 302
    assert Regimen.objects.get().end_date == date(2029, 8, 31)


BABY_FORM = {
    "name": "Luca",
    "birth_at": "2026-11-10T07:00",
    "gestational_weeks": "39",
    "gestational_days": "2",
    "delivery_mode": "vaginal",
}


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("gestational_weeks", "-3", "Gestational age at birth is 22 to 44 weeks."),
        ("gestational_weeks", "20", "Gestational age at birth is 22 to 44 weeks."),
        ("gestational_weeks", "45", "Gestational age at birth is 22 to 44 weeks."),
        ("gestational_days", "-1", "The days after the weeks are 0 to 6."),
        ("gestational_days", "7", "The days after the weeks are 0 to 6."),
    ],
)
def test_gestational_age_errors_say_the_same_range_whatever_the_typo(
    mother, mother_client, field, value, message
):
    response = mother_client.post("/setup/baby/add/", {**BABY_FORM, field: value})
    assert response.context["form"].errors[field] == [message]
    assert not Infant.objects.exists()


def test_a_quiet_hour_that_is_no_time_is_said_so_on_its_field(mother, mother_client):
    response = mother_client.post(
        "/settings/reminders/", {"email_enabled": "on", "quiet_start": "99:00", "quiet_end": "06:00"}
    )
    form = response.context["form"]
    assert form.errors == {
        "quiet_start": ["“99:00” is not a time of day. Give hours and minutes, like 23:00."]
    }
