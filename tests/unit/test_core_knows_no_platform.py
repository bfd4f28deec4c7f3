"""The core (bot/) imports no chat platform's SDK and no front-end: each front-end in
handlers/ translates between its platform and the core, never the other way round."""

from __future__ import annotations

import ast
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "bot"
FORBIDDEN = ("slack_bolt", "slack_sdk", "microsoft_teams", "botbuilder", "handlers")


def platform_imports(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [name for name in names if name.split(".")[0] in FORBIDDEN]
    return found


def test_the_check_sees_every_form_of_import():
    source = "import slack_sdk\nfrom slack_bolt.async_app import AsyncApp\ndef f():\n    import microsoft_teams.apps\n"
    source += "from handlers.slack import render\nimport os\nfrom bot import grammar\n"
    found = sorted(platform_imports(source))
    assert found == ["handlers.slack", "microsoft_teams.apps", "slack_bolt.async_app", "slack_sdk"]


def test_nothing_under_bot_imports_a_platform_sdk_or_a_front_end():
    modules = sorted(CORE.rglob("*.py"))
    assert len(modules) > 20  # the walk finds the core
    offenders = {str(path.relative_to(CORE)): platform_imports(path.read_text()) for path in modules}
    assert {path: names for path, names in offenders.items() if names} == {}
