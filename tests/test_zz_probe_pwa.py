import pytest
from tests.test_browser import chromium, log_in, page  # noqa
from tests.test_browser_offline import anna  # noqa

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_probe(page, anna):
    log_in(page, anna.email)
    for w in (1024, 800):
        page.set_viewport_size({"width": w, "height": 300})
        page.goto(page.base_url + "/")
        page.screenshot(path=f"/tmp/pwa-shots/old-{w}.png")
