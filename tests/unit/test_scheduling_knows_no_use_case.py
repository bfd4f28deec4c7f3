"""bot/scheduling is the delivery machinery: it imports no use case from bot/services; the
domain's decisions on a delivery reach the dispatcher from bot/deliveries.py, through Core."""

from __future__ import annotations

import ast
from pathlib import Path

SCHEDULING = Path(__file__).resolve().parents[2] / "bot" / "scheduling"


def service_imports(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        found += [name for name in names if name.startswith("bot.services")]
    return found


def test_the_check_sees_every_form_of_import():
    source = "import bot.services.people\nfrom bot import services\nfrom bot.services.rights import x\n"
    source += "def f():\n    from bot.services import context\nfrom bot import model\nimport bot.scheduling.keys\n"
    found = sorted(service_imports(source))
    assert found == ["bot.services", "bot.services.context", "bot.services.people", "bot.services.rights.x"]


def test_nothing_under_bot_scheduling_imports_a_use_case():
    modules = sorted(SCHEDULING.glob("*.py"))
    assert len(modules) > 5  # the walk finds the package
    offenders = {path.name: service_imports(path.read_text()) for path in modules}
    assert {path: names for path, names in offenders.items() if names} == {}
