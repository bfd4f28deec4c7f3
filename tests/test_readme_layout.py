"""The README's "How the code is laid out" matches the tree: every module of the code, the
test helpers (tests' own and testkit's) and the benchmarks is named there (a use case in bot/services by its name), and
every file it names exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NAMED = ("bot", "handlers", "testkit", "bench", "scripts")
FILE_NAME = re.compile(r"[\w/.]*?([a-z_-]+\.(?:py|service))\b")


def layout() -> str:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## How the code is laid out", 1)[1].split("\n## ", 1)[0]
    assert "core.py" in section and "testkit/" in section  # the section is found
    return section


def modules() -> list[Path]:
    found = [path for folder in NAMED for path in (ROOT / folder).rglob("*.py")]
    found += [path for path in (ROOT / "tests").rglob("*.py") if not path.name.startswith(("test_", "conftest"))]
    return sorted(path for path in found if path.name != "__init__.py" and "versions" not in path.parts)


def test_every_module_is_named_in_the_layout():
    section = layout()

    def named(path: Path) -> bool:
        if path.parent == ROOT / "bot" / "services":
            return re.search(rf"\b{path.stem}\b", section) is not None
        return path.name in section

    assert len(modules()) > 100  # the walk finds the code
    assert [str(path.relative_to(ROOT)) for path in modules() if not named(path)] == []


def test_every_file_the_layout_names_exists():
    files = {path.name for path in ROOT.rglob("*") if ".venv" not in path.parts and ".git" not in path.parts}
    named = set(FILE_NAME.findall(layout()))
    assert {"core.py", "supervision-bot.service"} <= named  # the check sees the names
    assert sorted(named - files) == []
