"""Speed of the identifier guard on a typical text, against a plain word scan of the same text.

Every free text a user types is screened before anything is stored, inside the request, so
the guard must stay cheap: goal, a median of at most 10 ms per 1,000 characters. The baseline
is one pass of a word regex over the same characters, measured interleaved with the guard.

    .venv/bin/python bench/identifiers.py [--rounds 200]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from pathlib import Path

from bot.identifiers import find_identifiers

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "data" / "identifier_corpus.jsonl"
WORDS = re.compile(r"\w+")


def document(characters: int = 1000) -> str:
    texts = [json.loads(row)["text"] for row in CORPUS.read_text().splitlines() if row.strip()]
    return " ".join(texts)[:characters]


def timed(work, text: str) -> float:
    started = time.perf_counter()
    work(text)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    rounds = parser.parse_args().rounds
    text = document()
    guard, baseline = [], []
    for _ in range(rounds):  # interleaved, so that load on the machine falls on both alike
        baseline.append(timed(WORDS.findall, text))
        guard.append(timed(find_identifiers, text))
    guard_ms, baseline_ms = statistics.median(guard) * 1000, statistics.median(baseline) * 1000
    spread = (statistics.quantiles(guard, n=10)[-1] - statistics.quantiles(guard, n=10)[0]) * 1000
    print(f"guard, 1,000 characters:    median {guard_ms:.2f} ms (p10-p90 spread {spread:.2f} ms; goal <= 10)")
    print(f"baseline (word scan):       median {baseline_ms:.3f} ms")
    print(f"ratio guard / baseline:     {guard_ms / baseline_ms:.0f}")


if __name__ == "__main__":
    main()
