"""What the push reminder tests share: a push service on 127.0.0.1 and a browser's keys.

``FakePushService`` is a real HTTP server in a thread, on a free port: it keeps every POST it
is given (path, headers, body) and answers each endpoint with the status the test chose (201
by default), so a test asks what crossed the wire, not a mock. ``FakeBrowser`` holds what a
browser makes when it subscribes (a P-256 key pair and a 16-byte auth secret) and decrypts
a payload with them (``http_ece``, aes128gcm), as the browser does before the service worker
sees it.
"""

import base64
import json
import os
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tracker.models import PushSubscription


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass(frozen=True)
class PushRequest:
    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes


@dataclass
class FakePushService:
    """Answers ``statuses[path]`` (else 201) to each POST, and keeps it in ``received``."""

    statuses: dict[str, int] = field(default_factory=dict)
    received: list[PushRequest] = field(default_factory=list)

    def __post_init__(self):
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {name.lower(): value for name, value in self.headers.items()}
                service.received.append(PushRequest(self.path, headers, body))
                self.send_response(service.statuses.get(self.path, 201))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def endpoint(self, name: str) -> str:
        return f"{self.origin}/push/{name}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class FakeBrowser:
    """The keys a browser makes when it subscribes to push, and its decryption."""

    def __init__(self):
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth_secret = os.urandom(16)
        self.p256dh = b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )
        self.auth = b64url(self.auth_secret)

    def subscribe(self, mother, endpoint: str, name: str = "Chrome on Android") -> PushSubscription:
        return PushSubscription.objects.create(
            mother=mother, endpoint=endpoint, p256dh=self.p256dh, auth=self.auth, name=name
        )

    def read(self, request: PushRequest) -> dict:
        """The JSON payload of ``request``, decrypted as the browser does."""
        plain = http_ece.decrypt(
            request.body, private_key=self.private_key, auth_secret=self.auth_secret, version="aes128gcm"
        )
        return json.loads(plain)
