"""History: deleting a record, and going back to the list after an edit or a delete."""

import html
from urllib.parse import quote

import pytest

from tests.history_helpers import text
from tracker.services import doses, feeding, symptoms

pytestmark = pytest.mark.usefixtures("history_clock")


@pytest.mark.parametrize("kind", ["feeds", "doses", "symptoms", "checks"])
def test_delete_asks_first_and_only_a_post_deletes(mother_client, one_of_each, kind):
    row, question = one_of_each[kind]
    model = type(row)
    url = f"/history/{kind}/{row.pk}/delete/"

    asked = mother_client.get(url)
    assert question in text(asked)
    assert model.objects.filter(pk=row.pk).exists()

    done = mother_client.post(url)
    assert done.status_code == 302 and done["Location"] == f"/history/{kind}/"
    assert not model.objects.filter(pk=row.pk).exists()
    listed = mother_client.get(done["Location"])
    assert "Deleted " + question.removeprefix("Delete ").removesuffix(
        "? This can't be undone."
    ) + "." in text(listed)


@pytest.mark.parametrize(
    ("kind", "delete"),
    [
        ("feeds", lambda row: feeding.feed_delete(feed=row)),
        ("doses", lambda row: doses.dose_delete(log=row)),
        ("symptoms", lambda row: symptoms.symptom_delete(entry=row)),
        ("checks", lambda row: symptoms.daily_check_delete(check=row)),
    ],
)
def test_a_delete_service_removes_that_record_only_and_forgets_the_cached_days(
    mother, one_of_each, kind, delete
):
    row = one_of_each[kind][0]
    model = type(row)
    kept = model.objects.exclude(pk=row.pk).count()
    stamp = type(mother).objects.get(pk=mother.pk).records_stamp
    delete(row)
    assert not model.objects.filter(pk=row.pk).exists()
    assert model.objects.count() == kept
    assert type(mother).objects.get(pk=mother.pk).records_stamp != stamp  # 3 Nov is a closed day


# Back to the list she came from


@pytest.mark.parametrize("kind", ["feeds", "doses", "symptoms", "checks"])
def test_deleting_from_a_filtered_list_goes_back_to_it(mother_client, one_of_each, kind):
    row, _ = one_of_each[kind]
    here = f"/history/{kind}/?date_from=2026-11-01&date_to=2026-11-05"
    asked = mother_client.get(f"/history/{kind}/{row.pk}/delete/", {"next": here})
    assert f'href="{html.escape(here)}">No, keep it' in asked.content.decode()
    done = mother_client.post(f"/history/{kind}/{row.pk}/delete/?next={quote(here)}")
    assert done["Location"] == here
    assert not type(row).objects.filter(pk=row.pk).exists()


def test_saving_an_edit_goes_back_to_the_list_it_came_from(mother_client, one_of_each):
    entry, _ = one_of_each["symptoms"]
    here = "/history/symptoms/?kind=regurgitation&page=1"
    form = mother_client.get(f"/history/symptoms/{entry.pk}/edit/", {"next": here}).content.decode()
    assert f'href="{html.escape(here)}">Cancel' in form
    assert f'href="/history/symptoms/{entry.pk}/delete/?next={quote(here, safe="")}"' in form
    saved = mother_client.post(
        f"/history/symptoms/{entry.pk}/edit/?next={quote(here)}",
        {"occurred_at": "2026-11-03T14:05", "size": "medium"},
    )
    assert saved["Location"] == here


@pytest.mark.parametrize(
    "unsafe",
    ["https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:alert(1)", "history/"],
)
def test_a_next_to_another_site_is_ignored(mother_client, one_of_each, unsafe):
    row, _ = one_of_each["feeds"]
    asked = mother_client.get(f"/history/feeds/{row.pk}/delete/", {"next": unsafe})
    assert "evil" not in asked.content.decode() and "javascript" not in asked.content.decode()
    done = mother_client.post(f"/history/feeds/{row.pk}/delete/?next={quote(unsafe, safe='')}")
    assert done["Location"] == "/history/feeds/"
