"""The README's "Where things are" matches the tree: every path it names exists, and every
package and module of the domain app is named there."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Files every Django app has, which the README need not name.
APP_FURNITURE = {"__init__.py", "apps.py", "migrations", "static", "__pycache__"}


def layout_section() -> str:
    readme = (ROOT / "README.md").read_text()
    return readme.split("## Where things are", 1)[1].split("\n## ", 1)[0]


def named_paths() -> set[str]:
    return {name.rstrip("/") for name in re.findall(r"`([\w./]+/?)`", layout_section()) if "/" in name}


def test_every_path_the_readme_names_exists():
    missing = sorted(path for path in named_paths() if not (ROOT / path).exists())
    assert missing == []


def test_every_part_of_the_domain_and_the_project_is_named():
    named = named_paths()
    for package in ("tracker", "config", "accounts"):
        assert package in {path.split("/")[0] for path in named}, package
    unnamed = sorted(
        f"tracker/{entry.name}"
        for entry in (ROOT / "tracker").iterdir()
        if entry.name not in APP_FURNITURE
        and not any(
            path == f"tracker/{entry.name}" or path.startswith(f"tracker/{entry.name}/") for path in named
        )
    )
    assert unnamed == []
