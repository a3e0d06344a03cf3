"""Time `make test` on PostgreSQL and Redis, as CI runs it.

    python3 bench/suite.py [--workers N] [--ref REF]

Runs ``make test`` (with ``TEST_WORKERS=N`` when given: 0 runs the suite in one process) on
this checkout, or with ``--ref`` on a clone of that commit that uses this checkout's .venv,
against DATABASE_URL and CELERY_BROKER_URL (CI's by default: the ``test`` database, Redis db 0)
with REQUIRE_SERVICES=1. Prints the wall time, pytest's closing line and the load average
before and after (the machine is shared: read them beside the figure). The output of make goes
to ``--log`` (default: a temporary file, named at the end).
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 6 * 60


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", help="TEST_WORKERS for make test (default: the Makefile's, auto)")
    parser.add_argument("--ref", help="time this commit instead, on a clone sharing this .venv")
    parser.add_argument("--log", type=Path, help="where to write the output of make test")
    args = parser.parse_args()
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    env.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
    env["REQUIRE_SERVICES"] = "1"
    command = ["make", "--no-print-directory", "test"]
    if args.workers is not None:
        command.append(f"TEST_WORKERS={args.workers}")
    log = args.log or Path(tempfile.mkstemp(prefix="make-test-", suffix=".log")[1])
    with tempfile.TemporaryDirectory(prefix="suite-") as scratch:
        where = ROOT
        if args.ref:
            where = Path(scratch) / "repo"
            subprocess.run(["git", "clone", "--quiet", str(ROOT), str(where)], check=True)
            subprocess.run(["git", "checkout", "--quiet", args.ref], cwd=where, check=True)
            (where / ".venv").symlink_to((ROOT / ".venv").resolve())
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=where, check=True, capture_output=True, text=True
        ).stdout.strip()
        before = load_average()
        start = time.monotonic()
        with log.open("w") as out:
            done = subprocess.run(command, cwd=where, env=env, stdout=out, stderr=subprocess.STDOUT)
        wall = time.monotonic() - start
    after = load_average()
    text = log.read_text()
    summary = re.findall(r"^=+ (.*(?:passed|failed|error).*) =+$", text, re.M)
    print(
        f"make test on {commit} ({' '.join(command[3:]) or 'default workers'}), database {env['DATABASE_URL']}"
    )
    print(f"wall time      {wall:7.1f} s ({wall / 60:.1f} min); target under {TARGET_SECONDS / 60:.0f} min")
    print(f"pytest         {summary[-1] if summary else 'no summary line: see the log'}")
    print(f"load average   {before} -> {after}")
    print(f"log            {log}")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
