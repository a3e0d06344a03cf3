"""The README's commands work as written, on a checkout with nothing configured."""

import os
import re
import socket
import subprocess
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
#: What a fresh checkout's shell has: none of the servers CI points the suite at.
CONFIGURED = {"DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY", "DEBUG", "CACHE_URL", "SITE_URL"}


def bare_env(var_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in CONFIGURED}
    env["VAR_DIR"] = str(var_dir)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def readme_shell_lines() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```sh\n(.*?)```", readme, re.S)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_readmes_manage_py_commands_run_as_written(tmp_path):
    commands = [line for line in readme_shell_lines() if "manage.py" in line]
    assert any("send_due_reminders" in command for command in commands)
    env = bare_env(tmp_path)
    subprocess.run(
        ["bash", "-c", "DEBUG=1 .venv/bin/python manage.py migrate --no-input"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    for command in commands:
        done = subprocess.run(["bash", "-c", command], cwd=ROOT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
        assert "AXES" not in done.stdout + done.stderr, "routine django-axes lines at the default level"


def test_a_management_command_is_quiet_at_the_default_log_level(tmp_path):
    env = bare_env(tmp_path) | {"DEBUG": "1"}
    done = subprocess.run(
        [str(VENV_PYTHON), "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout + done.stderr == "System check identified no issues (0 silenced).\n"


def test_compose_refuses_to_start_without_a_secret_key():
    text = (ROOT / "docker-compose.yml").read_text()
    compose = yaml.safe_load(text)
    for name in ["setup", "web", "worker", "beat"]:
        key = compose["services"][name]["environment"]["SECRET_KEY"]
        # ${VAR:?message} makes `docker compose` stop with the message when VAR is unset or empty.
        assert re.fullmatch(r"\$\{SECRET_KEY:\?[^}]+\}", key), (name, key)
    assert "SECRET_KEY:-" not in text and "change-me" not in text


def test_make_run_serves_on_its_port_links_emails_there_and_says_how_to_log_in_last(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        ["make", "--no-print-directory", "run", f"PORT={port}"],
        cwd=ROOT,
        env=bare_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 200
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line.rstrip("\n"))
            if line.startswith("Reminder emails are written as files to"):
                break
        output = "\n".join(lines)
        assert lines and lines[-1].startswith("Reminder emails are written as files to"), output
        last = lines[-3:]
        assert last[0] == f"== Open http://127.0.0.1:{port}/ in your browser. Ctrl+C stops everything."
        assert last[1].startswith("Demo login: demo@example.org  password: milk-and-probiotics-demo")
        assert "celery@" in output, "the worker's banner came after the login was repeated"
        assert "AXES" not in output
        # The running web app and worker build email links from the port they really use.
        children = subprocess.run(
            ["pgrep", "-s", str(process.pid), "-f", "runserver|celery"], capture_output=True, text=True
        ).stdout.split()
        assert len(children) >= 2, children
        for pid in children:
            environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
            assert f"SITE_URL=http://127.0.0.1:{port}".encode() in environ, pid
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=30)
