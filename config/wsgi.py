"""The WSGI entry point (gunicorn ``config.wsgi``).

Behind TRUSTED_PROXY_COUNT reverse proxies (a load balancer, nginx) that each append
to X-Forwarded-For, Werkzeug's ProxyFix sets REMOTE_ADDR to the address the outermost
of them saw, so the login lockout and the audit trail record the client rather than
the proxy. A client cannot spoof it: only the entries those proxies added are read.
With no proxy (the default) X-Forwarded-For is ignored.
"""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_wsgi_application()

if settings.TRUSTED_PROXY_COUNT:
    from werkzeug.middleware.proxy_fix import ProxyFix

    application = ProxyFix(application, x_for=settings.TRUSTED_PROXY_COUNT)
