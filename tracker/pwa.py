"""The installable app: its web app manifest, and what its service worker keeps for offline use.

The service worker (``templates/pwa/sw.js``, served at ``/sw.js`` by ``tracker/views/pwa.py``)
caches the static files listed here on install, under a cache named after ``shell_version()``: a
new deploy changes a file, so its hashed URL, so the version, so the browser installs a new worker
and the old caches are deleted when it takes over. Pages are cached only for the mother who
loaded them: each carries ``X-Page-Owner`` (``page_owner()``), and the worker empties its page
cache when that changes or when she logs out.
"""

import hashlib
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.templatetags.static import static
from django.urls import reverse
from django.utils.crypto import salted_hmac

#: Static files under these folders are the app shell (Django's admin, the API's Swagger UI and
#: the like are not: they never open offline).
SHELL_FOLDERS = ("tracker/", "vendor/")
#: What the shell holds: the pages' styles, scripts, pictures and icons (not licences and read-me files).
SHELL_SUFFIXES = (".css", ".js", ".svg", ".png", ".woff2")
#: The pages that open with no network (exact paths, with whatever query string she last loaded).
OFFLINE_PAGES = ("today", "dashboard", "history_doses", "history_feeds", "history_symptoms", "history_checks")

SW_TEMPLATE = Path(settings.BASE_DIR) / "templates" / "pwa" / "sw.js"

#: The colours of the browser's and the phone's bars around the app, light and dark.
THEME_LIGHT = "#2e7d6b"
THEME_DARK = "#212529"  # Bootstrap's dark body background (the navbar's colour in dark mode)
BACKGROUND_LIGHT = "#ffffff"
BACKGROUND_DARK = "#212529"


def shell_files() -> list[str]:
    """The static names of the app shell, sorted. With the manifest storage (production), the
    names collectstatic wrote to its manifest; in development, the files the finders see."""
    names = getattr(staticfiles_storage, "hashed_files", None)
    if not names:
        names = _found_names()
    return sorted(n for n in names if n.startswith(SHELL_FOLDERS) and n.endswith(SHELL_SUFFIXES))


def _found_names() -> set[str]:
    return {
        path.replace("\\", "/")
        for finder in finders.get_finders()
        for path, _ in finder.list(["*.txt", "*.md"])
    }


def shell_urls() -> list[str]:
    """The URLs the service worker caches on install: hashed ones in production."""
    return [static(name) for name in shell_files()]


def shell_version() -> str:
    """A short hash that changes whenever a shell file or the worker's own code changes. Hashed
    URLs carry their file's content hash; in development (plain URLs) the contents are read."""
    digest = hashlib.sha256(SW_TEMPLATE.read_bytes())
    hashed = bool(getattr(staticfiles_storage, "hashed_files", None))
    for name in shell_files():
        digest.update(static(name).encode())
        if not hashed:
            found = finders.find(name)
            if found:
                digest.update(Path(found).read_bytes())
    return digest.hexdigest()[:12]


def offline_paths() -> list[str]:
    return [reverse(name) for name in OFFLINE_PAGES]


def page_owner(user) -> str:
    """Who a page was rendered for, as the service worker sees it: a keyed hash of the user's id
    (the same for her on every device, telling nothing to anyone else)."""
    return salted_hmac("tracker.pwa.page_owner", str(user.pk)).hexdigest()[:20]


def manifest() -> dict:
    """The web app manifest: what a phone needs to install the app on its home screen."""
    icons = [
        {
            "src": static(f"tracker/icons/icon-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": "any",
        }
        for size in (192, 512)
    ] + [
        {
            "src": static(f"tracker/icons/icon-maskable-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": "maskable",
        }
        for size in (192, 512)
    ]
    return {
        "id": reverse("today"),
        "name": "Probiotic tracker",
        "short_name": "Probiotics",
        "description": "Log probiotic doses, feeds and your baby's symptoms.",
        "lang": "en",
        "start_url": reverse("today"),
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_LIGHT,
        "background_color": BACKGROUND_LIGHT,
        # A proposed member (w3c/manifest#975) that Chromium-based browsers read; the others take
        # the light colours above, and the pages' <meta name="theme-color"> carries both.
        "user_preferences": {
            "color_scheme_dark": {"theme_color": THEME_DARK, "background_color": BACKGROUND_DARK}
        },
        "icons": icons,
    }
