"""The web app manifest and the service worker, both at the site root (the worker's scope is the
folder it is served from, so ``/sw.js`` controls every page)."""

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static

from tracker import pwa
from tracker.roles import public


@public
def manifest(request: HttpRequest) -> HttpResponse:
    """The manifest the browser reads to install the app (public: it holds nothing of hers)."""
    return JsonResponse(pwa.manifest(), content_type="application/manifest+json")


@public
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, its cache list the shell's URLs as this deploy serves them. Never
    cached by HTTP (no-store, as every response here): the browser checks it on each visit."""
    config = {
        "version": pwa.shell_version(),
        "shell": pwa.shell_urls(),
        "offlinePages": pwa.offline_paths(),
        "today": pwa.offline_paths()[0],
        "queueScript": static("tracker/offline_queue.js"),
        "icon": static("tracker/icons/icon-192.png"),
    }
    script = render_to_string("pwa/sw.js", {"config": json.dumps(config, indent=2)})
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    return response
