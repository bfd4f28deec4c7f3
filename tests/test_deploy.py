"""The deploy files' essentials, read as text (building the image is not part of the tests):
the image and the systemd unit run the installed `serve` command as a user that is not root,
and the image checks its health at /healthz."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
[COMMAND] = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]


def instructions(dockerfile: str) -> list[tuple[str, str]]:
    joined = re.sub(r"\\\n\s*", " ", dockerfile)  # continued lines
    lines = (line.strip() for line in joined.splitlines())
    return [tuple(line.split(maxsplit=1)) for line in lines if line and not line.startswith("#")]


def test_the_image_runs_serve_as_a_user_that_is_not_root_and_checks_healthz():
    steps = instructions((ROOT / "Dockerfile").read_text())
    users = [value for step, value in steps if step == "USER"]
    assert users and users[-1] not in ("root", "0")
    [health] = [value for step, value in steps if step == "HEALTHCHECK"]
    assert "/healthz" in health
    [(_, command)] = [step for step in steps if step[0] == "CMD"]
    assert command.startswith(f'["{COMMAND}", "serve"')


def test_the_systemd_unit_runs_serve_as_its_own_user():
    unit = dict(
        line.split("=", 1)
        for line in (ROOT / "deploy/supervision-bot.service").read_text().splitlines()
        if "=" in line and not line.startswith("#")
    )
    assert unit["User"] not in ("root", "0")
    assert re.search(rf"/{COMMAND} serve\b", unit["ExecStart"])
