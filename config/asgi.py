"""The ASGI entry point, for an ASGI server (``uvicorn config.asgi:application``).

Production runs gunicorn on ``config.wsgi``; this is here for the servers that want it.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

application = get_asgi_application()
