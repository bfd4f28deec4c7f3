"""What may import what.

- The core (bot/) imports no chat platform's SDK (nor Microsoft's sign-in library), no web
  server or HTTP client (how a platform is reached is the front-end's) and no front-end: each
  front-end in handlers/ translates between its platform and the core, never the other way round.
- bot/scheduling is the delivery machinery: it imports no use case from bot/services; the
  domain's decisions on a delivery reach the dispatcher from bot/deliveries.py, through Core.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "bot"
SCHEDULING = CORE / "scheduling"
PLATFORM_SDKS = ("slack_bolt", "slack_sdk", "microsoft_teams", "botbuilder", "msal")
TRANSPORTS = ("aiohttp", "httpx", "requests", "starlette", "uvicorn", "fastapi")
FORBIDDEN_IN_THE_CORE = PLATFORM_SDKS + TRANSPORTS + ("handlers",)


def imported(source: str) -> Iterator[tuple[str, str | None]]:
    """Each absolute import anywhere in the source: (module, name) for `from module import
    name`, (module, None) for `import module` and for `importlib.import_module("module")` or
    `__import__("module")` with the module's name written out."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and _dynamic_import(node.func) and node.args:
            if isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                yield node.args[0].value, None
        elif isinstance(node, ast.Import):
            yield from ((alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield from ((node.module, alias.name) for alias in node.names)


def _dynamic_import(called: ast.expr) -> bool:
    return (isinstance(called, ast.Name) and called.id in ("import_module", "__import__")) or (
        isinstance(called, ast.Attribute) and called.attr == "import_module"
    )


def platform_imports(source: str) -> list[str]:
    return [module for module, _ in imported(source) if module.split(".")[0] in FORBIDDEN_IN_THE_CORE]


def service_imports(source: str) -> list[str]:
    full_names = (f"{module}.{name}" if name else module for module, name in imported(source))
    return [name for name in full_names if name.startswith("bot.services")]


def test_the_platform_check_sees_every_form_of_import():
    source = "import slack_sdk\nfrom slack_bolt.async_app import AsyncApp\ndef f():\n    import microsoft_teams.apps\n"
    source += "from handlers.slack import render\nimport os\nfrom bot import grammar\n"
    source += "import msal\nfrom aiohttp import web\nimport uvicorn, starlette.requests\nimport httpx\n"
    source += "importlib.import_module('slack_sdk.web')\n__import__('requests')\nimportlib.import_module(name)\n"
    found = sorted(platform_imports(source))
    assert found == [
        "aiohttp",
        "handlers.slack",
        "httpx",
        "microsoft_teams.apps",
        "msal",
        "requests",
        "slack_bolt.async_app",
        "slack_sdk",
        "slack_sdk.web",
        "starlette.requests",
        "uvicorn",
    ]


def test_nothing_under_bot_imports_a_platform_sdk_or_a_front_end():
    modules = sorted(CORE.rglob("*.py"))
    assert len(modules) > 20  # the walk finds the core
    offenders = {str(path.relative_to(CORE)): platform_imports(path.read_text()) for path in modules}
    assert {path: names for path, names in offenders.items() if names} == {}


def test_the_use_case_check_sees_every_form_of_import():
    source = "import bot.services.people\nfrom bot import services\nfrom bot.services.rights import x\n"
    source += "def f():\n    from bot.services import context\nfrom bot import model\nimport bot.scheduling.keys\n"
    found = sorted(service_imports(source))
    assert found == ["bot.services", "bot.services.context", "bot.services.people", "bot.services.rights.x"]


def test_nothing_under_bot_scheduling_imports_a_use_case():
    modules = sorted(SCHEDULING.glob("*.py"))
    assert len(modules) > 5  # the walk finds the package
    offenders = {path.name: service_imports(path.read_text()) for path in modules}
    assert {path: names for path, names in offenders.items() if names} == {}


def imported_on_loading(source: str) -> Iterator[str]:
    """The modules a module imports when it is loaded: at its top level, not inside a function."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_the_loading_check_tells_a_top_level_import_from_one_in_a_function():
    source = "import matplotlib\nfrom matplotlib.figure import Figure\ndef f():\n    import matplotlib.dates\n"
    assert list(imported_on_loading(source)) == ["matplotlib", "matplotlib.figure"]


def test_the_core_loads_matplotlib_only_when_it_draws_a_chart():
    """So that processes that draw nothing (e.g. `tick`) never pay for loading it."""
    modules = sorted(CORE.rglob("*.py"))
    drawing = [path for path in modules if "matplotlib" in path.read_text()]
    assert drawing  # the walk finds the charts
    loading = {str(path.relative_to(CORE)): list(imported_on_loading(path.read_text())) for path in drawing}
    assert {path: [m for m in names if m.startswith("matplotlib")] for path, names in loading.items()} == {
        path: [] for path in loading
    }
