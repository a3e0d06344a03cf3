"""``manage.py vapid_keys``: make a VAPID key pair for Web Push into var/vapid.env, once.

`make run` runs it, so push reminders work on a laptop with nothing configured. Settings read
the file only for a variable the environment does not set (``VAPID_*``); production gives all
three in the environment and never needs the file. An existing file is kept: a new pair would
orphan every browser subscribed with the old public key.
"""

import base64
import os

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.management.base import BaseCommand

NAMES = ("VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY", "VAPID_SUBJECT")


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def new_vapid_pair() -> tuple[str, str]:
    """(public, private), base64url: the uncompressed P-256 point a browser takes as its
    ``applicationServerKey``, and the raw 32-byte private value pywebpush reads."""
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return _b64url(public), _b64url(key.private_numbers().private_value.to_bytes(32, "big"))


class Command(BaseCommand):
    help = "Write a VAPID key pair for Web Push to var/vapid.env unless it exists or VAPID_* are set."

    def add_arguments(self, parser):
        parser.add_argument(
            "--subject", default="mailto:reminders@localhost", help="The contact push services may use."
        )

    def handle(self, *args, subject: str, **options):
        path = settings.VAR_DIR / "vapid.env"
        if all(os.environ.get(name) for name in NAMES):
            self.stdout.write("VAPID keys come from the environment: nothing written.")
            return
        if path.exists():
            self.stdout.write(f"VAPID keys: {path} (kept).")
            return
        public, private = new_vapid_pair()
        path.parent.mkdir(parents=True, exist_ok=True)
        # Created readable by its owner only: the private key signs every push.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(f"VAPID_PUBLIC_KEY={public}\nVAPID_PRIVATE_KEY={private}\nVAPID_SUBJECT={subject}\n")
        self.stdout.write(f"VAPID keys: a new pair written to {path}.")
