"""Making an API token on a phone: the token, shown this once, is on screen when the page comes
back, not 900 px below the profile form."""

# ruff: noqa: F811 - the test takes the imported ``page`` fixture as an argument

import re

import pytest
from playwright.sync_api import expect

from tests.factories import UserFactory
from tests.test_browser import chromium, log_in, page  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


def test_a_new_token_is_on_screen_when_the_page_comes_back(page):
    anna = UserFactory(email="anna@example.org", display_name="Anna", time_zone="Europe/Rome")
    log_in(page, anna.email)
    page.goto(f"{page.base_url}/accounts/profile/")
    page.get_by_label("Name").last.fill("Shortcut")
    page.get_by_role("button", name="Make a token").click()
    token = page.locator("[data-new-token]")
    expect(token).to_have_text(re.compile(r"^pt_[0-9a-f]{8}_\S+$"))
    expect(token).to_be_in_viewport()
