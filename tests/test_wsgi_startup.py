"""A web worker loads every view as it starts (``config.wsgi``), so that a new process's first
page does not spend most of a second importing reportlab and the REST framework."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_importing_the_wsgi_application_loads_the_urlconf_and_every_view():
    probe = (
        "import sys; import config.wsgi; "
        "print(*(name in sys.modules for name in "
        "('config.urls', 'tracker.views.documents', 'tracker.exports.pdf', 'reportlab.platypus')))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": os.environ.get("DEBUG", "1")}

    done = subprocess.run(  # noqa: S603 (this interpreter, a fixed probe)
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", "True", "True"]
