"""Time `seed_demo` on the two sizes it must handle quickly.

    DEBUG=1 .venv/bin/python bench/seed_demo.py

With no DATABASE_URL (or a SQLite one) it runs on a fresh SQLite file in a
temporary folder, migrated first, and removed afterwards. With DATABASE_URL
naming PostgreSQL it uses that database as given: it applies any missing
migrations, seeds mothers under addresses unique to this run, and deletes them
(and everything of theirs) at the end.
"""

import os
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")

SCENARIOS = [
    # (name, days, mothers, target seconds)
    ("730 days x 1 mother", 730, 1, 30.0),
    ("1 day x 1,000 mothers", 1, 1000, 60.0),
]


def main() -> int:
    given = os.environ.get("DATABASE_URL", "")
    scratch = None
    if not given or given.startswith("sqlite"):
        scratch = tempfile.TemporaryDirectory(prefix="seed-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(scratch.name) / 'bench.sqlite3'}"

    import django

    django.setup()
    from django.apps import apps
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import User
    from tracker.models import Regimen

    vendor = connection.vendor
    where = (
        "temporary SQLite file"
        if scratch
        else f"the given {vendor} database {connection.settings_dict['NAME']!r}"
    )
    print(f"Database: {where}")
    call_command("migrate", verbosity=0, interactive=False)

    counted = [User, *apps.get_app_config("tracker").get_models()]

    def rows() -> int:
        return sum(model.objects.count() for model in counted)

    tag = f"bench{int(time.time())}"
    lines = []
    try:
        for n, (name, days, mothers, target) in enumerate(SCENARIOS, start=1):
            before = rows()
            began = time.perf_counter()
            call_command(
                "seed_demo",
                days=days,
                mothers=mothers,
                email=f"{tag}-{n}@example.org",
                seed=n,
                stdout=StringIO(),
            )
            seconds = time.perf_counter() - began
            lines.append((name, rows() - before, seconds, target))
    finally:
        if scratch is None:
            # Regimens first: a regimen protects its product, which the mother's deletion also takes.
            Regimen.objects.filter(mother__email__startswith=f"{tag}-").delete()
            User.objects.filter(email__startswith=f"{tag}-").delete()
            print(f"Removed the bench mothers ({tag}-*) from the given database.")
        else:
            connection.close()
            scratch.cleanup()

    print(f"{'scenario':<24}{'rows':>10}{'seconds':>10}{'target':>9}  result")
    for name, created, seconds, target in lines:
        verdict = "pass" if seconds < target else "FAIL"
        print(f"{name:<24}{created:>10,}{seconds:>10.2f}{'< ' + str(int(target)):>9}  {verdict}")
    return 0 if all(seconds < target for _, _, seconds, target in lines) else 1


if __name__ == "__main__":
    sys.exit(main())
