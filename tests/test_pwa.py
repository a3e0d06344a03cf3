"""The installable app: the manifest a phone reads to put it on the home screen, its icons, the
service worker's cache list, and the header that keeps one mother's pages from the next."""

import json
import re
import struct
import zlib
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from tests.factories import UserFactory
from tracker import pwa

ICONS = Path(__file__).resolve().parent.parent / "tracker" / "static" / "tracker" / "icons"


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (the first, right after the 8-byte signature)."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR", path
    return struct.unpack(">II", head[16:24])


def static_file(url: str) -> Path:
    assert url.startswith("/static/"), url
    found = finders.find(url.removeprefix("/static/"))
    assert found, url
    return Path(found)


def test_the_manifest_says_how_to_install_the_app(client, db):
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Probiotic tracker" and manifest["short_name"] == "Probiotics"
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/", "/", "standalone")
    assert manifest["theme_color"] == "#2e7d6b" and manifest["background_color"] == "#ffffff"
    assert manifest["user_preferences"]["color_scheme_dark"] == {
        "theme_color": "#212529",
        "background_color": "#212529",
    }
    icons = {(icon["sizes"], icon["purpose"]): icon for icon in manifest["icons"]}
    assert set(icons) == {
        ("192x192", "any"),
        ("512x512", "any"),
        ("192x192", "maskable"),
        ("512x512", "maskable"),
    }
    for (sizes, _), icon in icons.items():
        assert icon["type"] == "image/png"
        width, height = png_size(static_file(icon["src"]))
        assert f"{width}x{height}" == sizes, icon["src"]


def top_left_pixel(path: Path) -> tuple[int, ...]:
    """The RGBA (or RGB) of a PNG's top-left pixel. On the first row every filter leaves the
    first pixel's bytes as they are (nothing lies above or to its left), so no unfiltering."""
    data, chunks = path.read_bytes(), []
    at = 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind = data[at + 4 : at + 8]
        if kind == b"IDAT":
            chunks.append(data[at + 8 : at + 8 + length])
        at += 12 + length
    channels = {2: 3, 6: 4}[data[25]]
    return tuple(zlib.decompress(b"".join(chunks))[1 : 1 + channels])


def test_the_maskable_icons_fill_their_square_and_the_others_are_round():
    # A maskable icon is cut to the phone's shape (circle, squircle...): it must bleed to its edges.
    for size in (192, 512):
        assert top_left_pixel(ICONS / f"icon-maskable-{size}.png") == (0x2E, 0x7D, 0x6B, 255)
        assert top_left_pixel(ICONS / f"icon-{size}.png")[3] == 0  # outside the round badge


def test_the_apple_touch_icon_is_180_px_and_opaque():
    # iOS draws its own rounded corners and shows a transparent corner as black.
    path = ICONS / "apple-touch-icon.png"
    assert png_size(path) == (180, 180)
    assert path.read_bytes()[25] == 2  # IHDR colour type 2: RGB, no alpha


def test_every_page_links_the_manifest_theme_colours_and_icons(client, mother_client, infant, regimen):
    for html in (client.get("/accounts/login/").content.decode(), mother_client.get("/").content.decode()):
        assert '<link rel="manifest" href="/manifest.webmanifest">' in html
        assert re.findall(
            r'<meta name="theme-color" content="([^"]+)" media="\(prefers-color-scheme: (\w+)\)">', html
        ) == [
            ("#2e7d6b", "light"),
            ("#212529", "dark"),
        ]
        touch = re.search(r'<link rel="apple-touch-icon" href="([^"]+)">', html).group(1)
        assert png_size(static_file(touch)) == (180, 180)
        assert 'data-service-worker="/sw.js"' in html


def worker_config(response) -> dict:
    return json.loads(re.search(r"const CONFIG = (\{.*?\n\});", response.content.decode(), re.S).group(1))


def test_the_service_worker_is_served_from_the_root_never_cached(client, db):
    response = client.get("/sw.js")
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-store" in response["Cache-Control"]
    config = worker_config(response)
    assert config["offlinePages"] == [
        "/",
        "/dashboard/",
        "/history/doses/",
        "/history/feeds/",
        "/history/symptoms/",
        "/history/checks/",
    ]
    for name in [
        "tracker/app.css",
        "tracker/theme.js",
        "tracker/pwa.js",
        "tracker/timer.js",
        "vendor/bootstrap/bootstrap.min.css",
        "vendor/bootstrap/bootstrap.bundle.min.js",
        "vendor/bootstrap-icons/icons.svg",
        "vendor/chartjs/chart.umd.min.js",
        "tracker/brussels/4.svg",
    ]:
        assert f"/static/{name}" in config["shell"], name
    assert not [url for url in config["shell"] if url.endswith((".txt", ".md")) or "/admin/" in url]
    for url in config["shell"]:
        static_file(url)
    assert re.fullmatch(r"[0-9a-f]{12}", config["version"])


def test_the_worker_caches_the_urls_collectstatic_wrote(tmp_path, settings, client, db):
    """Production: each shell URL is the hashed name in collectstatic's manifest, and is there."""
    from django.core.management import call_command

    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    written = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    config = worker_config(client.get("/sw.js"))
    assert "/static/" + written["tracker/app.css"] in config["shell"]
    assert re.fullmatch(r"/static/tracker/app\.[0-9a-f]{12}\.css", "/static/" + written["tracker/app.css"])
    for url in config["shell"]:
        assert (tmp_path / url.removeprefix("/static/")).is_file(), url
    assert len(config["shell"]) == len(
        [n for n in written if n.startswith(("tracker/", "vendor/")) and n.endswith(pwa.SHELL_SUFFIXES)]
    )


def test_a_changed_static_file_makes_a_new_worker_version(tmp_path, settings, client, db):
    extra = tmp_path / "tracker" / "extra.css"
    extra.parent.mkdir()
    extra.write_text("body { margin: 0; }")
    settings.STATICFILES_DIRS = [tmp_path]
    before = worker_config(client.get("/sw.js"))
    assert "/static/tracker/extra.css" in before["shell"]
    extra.write_text("body { margin: 1px; }")
    after = worker_config(client.get("/sw.js"))
    assert after["version"] != before["version"]
    assert after["shell"] == before["shell"]


def test_her_pages_say_whose_they_are_for_the_worker(mother, mother_client, outsider_client, client):
    hers = mother_client.get("/")["X-Page-Owner"]
    assert re.fullmatch(r"[0-9a-f]{20}", hers) and hers == pwa.page_owner(mother)
    assert mother_client.get("/history/doses/")["X-Page-Owner"] == hers
    assert outsider_client.get("/")["X-Page-Owner"] != hers
    assert not client.get("/accounts/login/").has_header("X-Page-Owner")


def test_the_policy_allows_the_worker_and_manifest_and_nothing_more(client, db):
    csp = dict(
        part.strip().split(" ", 1)
        for part in client.get("/accounts/login/")["Content-Security-Policy"].split(";")
    )
    assert csp["worker-src"] == "'self'" and csp["manifest-src"] == "'self'"
    assert csp["script-src"] == "'self'" and csp["style-src"] == "'self'" and csp["connect-src"] == "'self'"
    assert csp["default-src"] == "'self'" and csp["img-src"] == "'self' data:"


@pytest.mark.parametrize(
    "path, current",
    [
        ("/", "Today"),
        ("/dashboard/", "Dashboard"),
        ("/history/feeds/", "History"),
        ("/sharing/", "More"),
        ("/settings/reminders/", "More"),
    ],
)
def test_the_bottom_bar_marks_the_page_she_is_on(mother_client, infant, regimen, path, current):
    html = mother_client.get(path).content.decode()
    bar = html.split('<nav class="bottom-nav d-lg-none" aria-label="Sections">', 1)[1].split("</nav>", 1)[0]
    items = re.findall(
        r'<(?:a|button) class="bottom-nav-link( active)?"(?: aria-current="page")?.*?<span>(\w+)</span>',
        bar,
        re.S,
    )
    assert [label for _, label in items] == ["Today", "Dashboard", "History", "More"]
    assert [label for active, label in items if active] == [current]
    assert bar.count('aria-current="page"') == 1


def test_a_clinician_s_bottom_bar_is_her_own(clinician_client):
    html = clinician_client.get("/clinician/").content.decode()
    bar = html.split('aria-label="Sections">', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r"<span>(\w+)</span>", bar) == ["Patients", "Profile", "More"]
    assert re.search(r'aria-current="page" href="/clinician/"', bar)


def test_a_visitor_gets_no_bottom_bar(client, db):
    assert 'aria-label="Sections"' not in client.get("/accounts/login/").content.decode()


def test_a_new_user_sees_her_own_owner_mark(db):
    # Two users never share a mark, whatever their ids.
    marks = {pwa.page_owner(UserFactory()) for _ in range(5)}
    assert len(marks) == 5
