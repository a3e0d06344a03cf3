"""History: who may use the pages, beyond what the URL matrix in tests/test_access.py checks."""

from urllib.parse import quote

import pytest

from tests.history_helpers import feed_data, rows, text
from tracker.models import DailyCheck, DoseLog, FeedingSession, SymptomEntry

pytestmark = pytest.mark.usefixtures("history_clock")


# tests/test_access.py already GETs every URL as the owner (200), an outsider (404) and a
# logged-out visitor (to log in); these check what it does not: a POST, the exact way back
# after logging in, that nothing changed, and her rows in the lists and forms.


@pytest.fixture
def urls(one_of_each) -> dict[str, str]:
    """Every URL of the history pages, with the owner's rows in them."""
    feed, dose, symptom, check = (one_of_each[key][0] for key in ["feeds", "doses", "symptoms", "checks"])
    return {
        "history_doses": "/history/doses/",
        "history_feeds": "/history/feeds/",
        "history_symptoms": "/history/symptoms/",
        "history_checks": "/history/checks/",
        "feed_add": "/history/feeds/add/",
        "dose_add": "/history/doses/add/",
        "symptom_add": "/history/symptoms/add/?kind=stool",
        "dose_edit": f"/history/doses/{dose.pk}/edit/",
        "dose_delete": f"/history/doses/{dose.pk}/delete/",
        "feed_edit": f"/history/feeds/{feed.pk}/edit/",
        "feed_delete": f"/history/feeds/{feed.pk}/delete/",
        "symptom_edit": f"/history/symptoms/{symptom.pk}/edit/",
        "symptom_delete": f"/history/symptoms/{symptom.pk}/delete/",
        "check_edit": f"/history/checks/{check.pk}/edit/",
        "check_delete": f"/history/checks/{check.pk}/delete/",
    }


OWN_ROW_URLS = [
    "dose_edit",
    "dose_delete",
    "feed_edit",
    "feed_delete",
    "symptom_edit",
    "symptom_delete",
    "check_edit",
    "check_delete",
]
ALL_URLS = [
    "history_doses",
    "history_feeds",
    "history_symptoms",
    "history_checks",
    "feed_add",
    "dose_add",
    "symptom_add",
    *OWN_ROW_URLS,
]


@pytest.mark.parametrize("name", ALL_URLS)
def test_a_logged_out_visitor_is_sent_to_log_in(client, urls, name):
    for method in (client.get, client.post):
        response = method(urls[name])
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={quote(urls[name], safe='/')}"
    assert FeedingSession.objects.count() == DoseLog.objects.count() == 1


@pytest.mark.parametrize("name", OWN_ROW_URLS)
def test_an_outsider_gets_404_for_her_rows(outsider_client, urls, name):
    assert outsider_client.get(urls[name]).status_code == 404
    assert outsider_client.post(urls[name], {"status": "skipped", "notes": "x"}).status_code == 404
    assert FeedingSession.objects.count() == DoseLog.objects.count() == SymptomEntry.objects.count() == 1
    assert DailyCheck.objects.get().notes == ""


@pytest.mark.parametrize("name", ["history_doses", "history_feeds", "history_symptoms", "history_checks"])
def test_an_outsider_sees_none_of_her_rows_in_the_lists(outsider_client, urls, name):
    response = outsider_client.get(urls[name])
    assert rows(response) == []
    assert "Luca" not in response.content.decode()


def test_an_outsider_cannot_add_to_her_baby(outsider_client, infant, stranger_infant):
    feed = outsider_client.post("/history/feeds/add/", feed_data(infant=infant.pk))
    symptom = outsider_client.post(
        "/history/symptoms/add/?kind=stool",
        {"infant": infant.pk, "occurred_at": "2026-11-16T09:00", "stool_consistency": "4"},
    )
    assert "Choose one of your own babies." in text(feed)
    assert "Choose one of your own babies." in text(symptom)
    assert not FeedingSession.objects.exists() and not SymptomEntry.objects.exists()
