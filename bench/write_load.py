"""The HTTP half of `bench/writes.py`: gunicorn serving one checkout, and clients posting feeds.

Each client is a process of its own (so the clients' Python does not share one GIL) that
posts the feed form as fast as it is answered, one request at a time, on a new connection
each time (gunicorn's sync workers close it), with her session and CSRF cookies. A POST
counts when it is answered by the redirect a saved feed gets; the redirect is not followed.
"""

import http.client
import multiprocessing
import os
import secrets
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

SERVER_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "bench-writes-not-secret",
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
}


def start_server(code: Path, port: int, workers: int, log: Path) -> subprocess.Popen:
    """gunicorn (sync workers) serving the checkout ``code`` on 127.0.0.1:``port``."""
    env = {**os.environ, **SERVER_ENV, "DJANGO_SETTINGS_MODULE": "config.settings"}
    command = [
        str(code / ".venv" / "bin" / "gunicorn"),
        "config.wsgi:application",
        f"--workers={workers}",
        f"--bind=127.0.0.1:{port}",
        "--log-level=warning",
    ]
    with log.open("w") as out:
        server = subprocess.Popen(  # noqa: S603
            command, cwd=code, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn for {code} exited: see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):  # noqa: S310
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit(f"gunicorn for {code} did not answer in 60 s: see {log}")


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def session_cookie(mother) -> str:
    """A signed-in session for ``mother``, made as ``login()`` makes one, and a CSRF secret."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(mother.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = mother.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _client(port: int, cookie: str, bodies: list[str], seconds: float, results) -> None:
    """Post each of ``bodies`` in turn (GET /healthz for a body of None) until ``seconds`` are up."""
    csrf = secrets.token_hex(16)  # 32 characters: a CSRF secret, posted back unmasked
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"{cookie}; csrftoken={csrf}",
    }
    saved = refused = 0
    first_refusal = ""
    started = time.monotonic()
    for body in bodies:
        if time.monotonic() >= started + seconds:
            break
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        if body is None:
            connection.request("GET", "/healthz")
        else:
            connection.request("POST", "/history/feeds/add/", f"{body}&csrfmiddlewaretoken={csrf}", headers)
        response = connection.getresponse()
        response.read()
        connection.close()
        expected = (200, None) if body is None else (302, "/history/feeds/")
        if (response.status, response.getheader("Location")) == expected:
            saved += 1
        else:
            refused += 1
            first_refusal = first_refusal or f"{response.status} {response.getheader('Location')}"
    results.put((saved, refused, first_refusal, started, time.monotonic()))


def run_clients(target, clients: int, args: list[tuple]) -> tuple[list[tuple], float]:
    """``clients`` processes running ``target(*args[n], results)``, each putting one tuple on
    ``results`` whose 4th and 5th items are its start and end (``time.monotonic()``): the
    tuples, and the seconds from the first start to the last end."""
    results = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=target, args=(*args[n], results)) for n in range(clients)]
    for worker in workers:
        worker.start()
    totals = [results.get() for _ in workers]
    for worker in workers:
        worker.join()
    return totals, max(total[4] for total in totals) - min(total[3] for total in totals)


def hammer(*, port: int, cookie: str, forms: list[dict] | None, clients: int, seconds: float) -> dict:
    """``clients`` processes posting ``forms`` (split between them, each used once) for ``seconds``,
    or asking for /healthz when ``forms`` is None: answers per second (feeds saved, or health
    checks answered), and how many were not."""
    bodies = [urlencode(form) for form in forms] if forms is not None else [None] * 1_000_000
    args = [(port, cookie, bodies[n::clients], seconds) for n in range(clients)]
    totals, elapsed = run_clients(_client, clients, args)
    saved = sum(total[0] for total in totals)
    if saved == len(bodies):
        raise SystemExit("The clients ran out of feeds to post: give them more free times.")
    why = next((total[2] for total in totals if total[2]), "")
    return {"rate": saved / elapsed, "refused": sum(total[1] for total in totals), "why": why}
