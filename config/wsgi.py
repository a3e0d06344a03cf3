"""The WSGI entry point (gunicorn ``config.wsgi``).

Behind TRUSTED_PROXY_COUNT reverse proxies (a load balancer, nginx) that each append
to X-Forwarded-For, Werkzeug's ProxyFix sets REMOTE_ADDR to the address the outermost
of them saw, so the login lockout and the audit trail record the client rather than
the proxy. A client cannot spoof it: only the entries those proxies added are read.
With no proxy (the default) X-Forwarded-For is ignored.

The URLconf, and with it every view and what the views import (reportlab, the REST
framework), is loaded as the worker starts rather than by its first request: a new web
process's first page otherwise spent 0.7 s of CPU importing (the PDF summary's first
request in a new process: 835 ms of CPU, 100 ms once the views are loaded).
"""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 (imported for its side effect: every view loaded now)

if settings.TRUSTED_PROXY_COUNT:
    from werkzeug.middleware.proxy_fix import ProxyFix

    application = ProxyFix(application, x_for=settings.TRUSTED_PROXY_COUNT)
