"""Time `make run` on a fresh clone, from nothing to the first page.

    .venv/bin/python bench/first_run.py [--ref REF] [--repeat N]

Clones this repository (its committed HEAD, or ``--ref``) into a temporary folder, then runs
``make run PORT=<free port>`` there with nothing configured (no DATABASE_URL, broker or
SECRET_KEY, as on a new laptop) and with empty pip and uv cache folders (PIP_CACHE_DIR,
UV_CACHE_DIR), so every package comes from the registry. It polls the login page and stops at
its first HTTP 200, then ends the whole process group and removes the folder.

Prints one row per run: the seconds spent installing (until make echoes the migrate command),
migrating, seeding the demo, starting the app (until the login page answers 200) and the total,
with the load average before and after each run (the machine is shared: read them beside the
figures).
"""

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: A fresh clone's shell has none of the servers or keys CI and the benches point at.
CONFIGURED = {"DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY", "DEBUG", "CACHE_URL", "SITE_URL", "VAR_DIR"}
#: The lines make echoes as each step starts, in order: the end of the one before.
MILESTONES = [("install", "manage.py migrate"), ("migrate", "manage.py seed_demo"), ("seed", "runserver")]
TARGET_SECONDS = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def answers_200(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (a loopback URL of ours)
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def stop_group(process: subprocess.Popen, grace: float = 30) -> None:
    """End make and everything it started (the web app, the worker): SIGTERM to the group, then
    SIGKILL to whatever is left after ``grace`` seconds (a worker caught mid-start may linger)."""
    os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        process.poll()
        if not group_alive(process.pid):
            break
        time.sleep(0.2)
    else:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def one_run(ref: str, timeout: float, log_to: Path | None) -> dict[str, float | str]:
    with tempfile.TemporaryDirectory(prefix="first-run-") as scratch:
        scratch_dir = Path(scratch)
        clone = scratch_dir / "repo"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        subprocess.run(["git", "checkout", "--quiet", ref], cwd=clone, check=True)
        sha = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=clone, check=True, capture_output=True, text=True
        ).stdout.strip()
        env = {key: value for key, value in os.environ.items() if key not in CONFIGURED}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        env.pop("VIRTUAL_ENV", None)
        env["PIP_CACHE_DIR"] = str(scratch_dir / "pip-cache")
        env["UV_CACHE_DIR"] = str(scratch_dir / "uv-cache")
        port = free_port()
        url = f"http://127.0.0.1:{port}/accounts/login/"
        row: dict[str, float | str] = {"ref": f"{ref} ({sha})", "load before": load_average()}
        seen: dict[str, float] = {}
        lines: list[str] = []
        start = time.monotonic()
        process = subprocess.Popen(
            ["make", "--no-print-directory", "run", f"PORT={port}"],
            cwd=clone,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )

        def read_output() -> None:
            for line in process.stdout:
                lines.append(line)
                for name, marker in MILESTONES:
                    if name not in seen and marker in line:
                        seen[name] = time.monotonic() - start

        reader = threading.Thread(target=read_output, daemon=True)
        reader.start()
        try:
            while not answers_200(url):
                if process.poll() is not None:
                    raise RuntimeError(f"make run ended with {process.returncode}:\n{''.join(lines[-40:])}")
                if time.monotonic() - start > timeout:
                    raise RuntimeError(f"no 200 from {url} within {timeout} s:\n{''.join(lines[-40:])}")
                time.sleep(0.2)
            total = time.monotonic() - start
        finally:
            stop_group(process)
            reader.join(timeout=5)
            if log_to:
                log_to.write_text("".join(lines))
        previous = 0.0
        for name, _ in MILESTONES:
            at = seen.get(name, previous)
            row[name] = at - previous
            previous = at
        row["start"] = total - previous
        row["total"] = total
        row["load after"] = load_average()
        return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ref", default="HEAD", help="the commit to clone (default: HEAD)")
    parser.add_argument("--repeat", type=int, default=1, help="runs, each on its own fresh clone")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds before giving up on a run")
    parser.add_argument("--log", type=Path, help="write the last run's make output to this file")
    args = parser.parse_args()
    ref = subprocess.run(
        ["git", "rev-parse", "--short", args.ref], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()
    print("make run on a fresh clone, empty pip and uv caches, to the first 200 of /accounts/login/ (s)")
    header = f"{'commit':<10} {'install':>8} {'migrate':>8} {'seed':>6} {'start':>6} {'total':>7}  load before -> after"
    print(header)
    totals = []
    for _ in range(args.repeat):
        row = one_run(ref, args.timeout, args.log)
        totals.append(row["total"])
        print(
            f"{ref:<10} {row['install']:>8.1f} {row['migrate']:>8.1f} {row['seed']:>6.1f} "
            f"{row['start']:>6.1f} {row['total']:>7.1f}  {row['load before']} -> {row['load after']}",
            flush=True,
        )
    best = min(totals)
    verdict = "met" if best < TARGET_SECONDS else "NOT met"
    print(f"best total {best:.1f} s; target under {TARGET_SECONDS:.0f} s: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
