"""The daily summary's pregnancy rows (a regimen day before the birth, the baby's columns
blank) and how they make the weekly diary's pregnancy weeks. Figures counted by hand."""

from datetime import date, time

import pytest

from tests.factories import DoseLogFactory, RegimenFactory
from tests.test_export_weekly import at, download, frozen, take  # noqa: F401 (frozen: a fixture)
from tracker.selectors.symptom_days import DAY_COUNTS

pytestmark = pytest.mark.django_db
MORNING = time(8, 0)


def test_a_pregnant_mothers_summary_has_her_regimen_days_with_the_infant_columns_blank(mother, mother_client):
    regimen = RegimenFactory(mother=mother, dose_times=["08:00"], start_date=date(2026, 11, 10))
    take(regimen, 10, 11, 13)

    daily = download(mother_client, "export_daily")
    weeks = download(mother_client, "export_weekly")

    assert [row["day"] for row in daily] == [f"2026-11-{day}" for day in range(10, 17)]
    assert [row["doses_taken"] for row in daily] == ["1", "1", "0", "1", "0", "0", "0"]
    assert daily[0] == {
        "infant_id": "",
        "day": "2026-11-10",
        "doses_taken": "1",
        "doses_scheduled": "1",
        "doses_to_come": "0",
        **dict.fromkeys(["feeds", "feed_minutes", *DAY_COUNTS, "symptom_logging_day"], ""),
        "exclusive_breastfeeding": "",
    }
    (week,) = weeks
    assert (week["infant_id"], week["week_of_life"], week["regimen_week"], week["days"]) == ("", "", "1", "7")
    assert (week["doses_taken"], week["doses_scheduled"], week["dose_adherence"], week["days_covered"]) == (
        "3",
        "7",
        "42.9",
        "3",
    )
    assert week["logging_days"] == week["feeds_per_day"] == week["stools"] == ""


def test_pregnancy_rows_come_before_the_birth_and_no_dose_is_left_out(mother, mother_client, infant):
    regimen = RegimenFactory(mother=mother, dose_times=["08:00"], start_date=date(2026, 10, 20))
    for day in (20, 25, 29, 30):
        DoseLogFactory(regimen=regimen, slot_date=date(2026, 10, day), slot_time=MORNING)

    daily = download(mother_client, "export_daily")

    pregnancy = [row for row in daily if row["infant_id"] == ""]
    assert [row["day"] for row in pregnancy] == [f"2026-10-{day}" for day in range(20, 30)]  # to the 29th
    assert daily[len(pregnancy)]["day"] == "2026-10-30"  # Luca's birth day
    assert sum(int(row["doses_taken"]) for row in daily) == 4
    weeks = download(mother_client, "export_weekly")
    assert [(w["infant_id"], w["regimen_week"], w["days"]) for w in weeks[:2]] == [
        ("", "1", "7"),
        ("", "2", "3"),
    ]
    assert (weeks[2]["week_of_life"], weeks[2]["regimen_week"]) == ("1", "2")  # 30 Oct: regimen day 10


def test_a_second_pregnancys_doses_are_in_the_babys_rows(mother, mother_client, infant):
    first = RegimenFactory(
        mother=mother, dose_times=["08:00"], start_date=date(2026, 10, 28), end_date=date(2026, 11, 5)
    )
    second = RegimenFactory(mother=mother, dose_times=["08:00"], start_date=date(2026, 11, 14))
    DoseLogFactory(regimen=first, slot_date=date(2026, 10, 28), slot_time=MORNING)
    take(second, 14, 15)

    daily = download(mother_client, "export_daily")

    assert [row["day"] for row in daily if row["infant_id"] == ""] == ["2026-10-28", "2026-10-29"]
    luca = {row["day"]: row["doses_taken"] for row in daily if row["infant_id"] == str(infant.pk)}
    assert (luca["2026-11-14"], luca["2026-11-15"], luca["2026-11-10"]) == ("1", "1", "0")
    assert sum(int(row["doses_taken"]) for row in daily) == 3
