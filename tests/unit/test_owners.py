"""One owner for each rule: delivery keys are built only by bot/scheduling/keys.py, and what
open and closed advice are, and the default thresholds, are defined only where they belong;
the test helpers and benchmarks use them too, so that what they seed is what the bot makes."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECKED = ("bot", "handlers", "testkit", "bench", "scripts")
KEYS = ROOT / "bot" / "scheduling" / "keys.py"
OWNERS = {
    "OPEN_ADVICE": ROOT / "bot" / "model.py",
    "CLOSED_ADVICE": ROOT / "bot" / "model.py",
    "DEFAULT_THRESHOLDS": ROOT / "bot" / "outcomes.py",
}


def modules() -> list[Path]:
    found = sorted(path for folder in CHECKED for path in (ROOT / folder).rglob("*.py"))
    assert KEYS in found and len(found) > 50  # the walk finds the code
    return found


def keys_written_out(source: str) -> Iterator[int]:
    """The line of each `key=` argument or `"key":` entry given as an f-string or a sum of
    strings, rather than by a function of bot.scheduling.keys."""
    for node in ast.walk(ast.parse(source)):
        values = []
        if isinstance(node, ast.Call):
            values = [keyword.value for keyword in node.keywords if keyword.arg == "key"]
        elif isinstance(node, ast.Dict):
            values = [
                v
                for k, v in zip(node.keys, node.values, strict=True)
                if isinstance(k, ast.Constant) and k.value == "key"
            ]
        for value in values:
            if isinstance(value, ast.JoinedStr) or (isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add)):
                yield value.lineno


def assigned(source: str) -> set[str]:
    """The names a module assigns at its top level."""
    names = set()
    for node in ast.parse(source).body:
        targets = (
            node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        )
        names |= {target.id for target in targets if isinstance(target, ast.Name)}
    return names


def test_the_key_check_sees_a_key_written_out():
    source = 'Delivery(key=f"follow_up:{a}:1")\nrow = dict(key="digest:" + week)\nrow = {"key": f"x:{y}"}\n'
    source += "Delivery(key=keys.follow_up(a, due))\nfinish(key=root)\n"
    assert list(keys_written_out(source)) == [1, 2, 3]


def test_no_delivery_key_is_built_outside_the_keys_module():
    written_out = {str(path.relative_to(ROOT)): list(keys_written_out(path.read_text())) for path in modules()}
    assert {path: lines for path, lines in written_out.items() if lines and path != str(KEYS.relative_to(ROOT))} == {}


def test_the_definition_check_sees_an_assignment():
    assert assigned("OPEN_ADVICE = (1,)\nX: int = 2\ndef f():\n    CLOSED_ADVICE = ()\n") == {"OPEN_ADVICE", "X"}


def test_open_and_closed_advice_and_the_default_thresholds_are_each_defined_once():
    defined = {name: [path for path in modules() if name in assigned(path.read_text())] for name in OWNERS}
    assert defined == {name: [owner] for name, owner in OWNERS.items()}
