"""How well the identifier guard does on the labelled corpus of supervision notes.

Prints recall (share of identifying texts flagged), false-alarm rate (share of clean texts flagged),
recall per kind, and every miss and false alarm: for the whole corpus, then for each batch of texts
marked with a "batch" label (a batch is scored once before the detector is tuned on it, and that score
is what the README reports as its before-tuning figure).

    .venv/bin/python scripts/identifier_eval.py
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.identifiers import KINDS, Finding, find_identifiers  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "identifier_corpus.jsonl"


@dataclass(frozen=True)
class Example:
    text: str
    identifying: bool
    kinds: tuple[str, ...]
    batch: str | None = None


@dataclass
class Result:
    identifying: int = 0
    clean: int = 0
    flagged_identifying: int = 0
    flagged_clean: int = 0
    per_kind_total: Counter = field(default_factory=Counter)
    per_kind_found: Counter = field(default_factory=Counter)
    misses: list[Example] = field(default_factory=list)
    false_alarms: list[tuple[Example, list[Finding]]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.flagged_identifying / self.identifying if self.identifying else 0.0

    @property
    def false_alarm_rate(self) -> float:
        return self.flagged_clean / self.clean if self.clean else 0.0


def load_corpus(path: Path = CORPUS) -> list[Example]:
    examples = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            examples.append(Example(row["text"], bool(row["identifying"]), tuple(row["kinds"]), row.get("batch")))
    return examples


def evaluate(examples: list[Example], find: Callable[[str], list[Finding]] = find_identifiers) -> Result:
    result = Result()
    for example in examples:
        findings = find(example.text)
        if example.identifying:
            result.identifying += 1
            result.flagged_identifying += bool(findings)
            if not findings:
                result.misses.append(example)
            found_kinds = {finding.kind for finding in findings}
            for kind in example.kinds:
                result.per_kind_total[kind] += 1
                result.per_kind_found[kind] += kind in found_kinds
        else:
            result.clean += 1
            result.flagged_clean += bool(findings)
            if findings:
                result.false_alarms.append((example, findings))
    return result


def report(result: Result) -> str:
    flagged, clean = f"{result.flagged_identifying}/{result.identifying}", f"{result.flagged_clean}/{result.clean}"
    lines = [
        f"recall:           {result.recall:6.1%}  ({flagged} identifying texts flagged)",
        f"false-alarm rate: {result.false_alarm_rate:6.1%}  ({clean} clean texts flagged)",
        "",
        "recall per kind (texts labelled with the kind where a finding of that kind was returned):",
    ]
    for kind in KINDS:
        total = result.per_kind_total[kind]
        found = result.per_kind_found[kind]
        share = f"{found / total:6.1%}" if total else "   n/a"
        lines.append(f"  {kind:<15} {share}  ({found}/{total})")
    lines += ["", f"misses ({len(result.misses)}):"]
    lines += [f"  [{', '.join(example.kinds)}] {example.text}" for example in result.misses]
    lines += ["", f"false alarms ({len(result.false_alarms)}):"]
    for example, findings in result.false_alarms:
        flagged = "; ".join(f"{finding.kind}: {finding.text!r}" for finding in findings)
        lines.append(f"  {example.text}\n      -> {flagged}")
    return "\n".join(lines)


def batches(examples: list[Example]) -> dict[str, list[Example]]:
    labelled: dict[str, list[Example]] = {}
    for example in examples:
        if example.batch:
            labelled.setdefault(example.batch, []).append(example)
    return labelled


def main() -> None:
    examples = load_corpus()
    print(f"whole corpus ({len(examples)} texts)\n")
    print(report(evaluate(examples)))
    for label, batch in batches(examples).items():
        print(f"\n\nbatch {label!r} ({len(batch)} texts)\n")
        print(report(evaluate(batch)))


if __name__ == "__main__":
    main()
