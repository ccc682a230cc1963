"""How long finding the district in a person's sentence takes, with an anchor from the same run.

Usage: .venv/bin/python benchmarks/places.py [--rounds 20]

Prints the median time of resolve_place for a few sentences (a postcode, a town with a typo in
a long sentence, a place outside Sachsen-Anhalt, nothing at all) and, as the anchor, the median
time of a fixed piece of pure Python (sorting 20,000 numbers) measured in between, so a figure
from a busy machine can be told from a slower resolver. Target (issue 15, formerly a unit test):
a long sentence in about 10 ms on one idle core, never more than 250 ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.contacts.gazetteer import load_gazetteer
from bot.contacts.places import resolve_place
from bot.settings import PROJECT_ROOT

SENTENCES = {
    "long sentence, town misspelt": "Hello, I am a nurse from the Philippines and I live in a small village "
                                    "near Quedlinbrug in the Harz mountains, what should I do",
    "postcode": "Ich wohne in 06108, wer ist zuständig?",
    "outside the Land": "I live in Berlin, who helps me?",
    "no place at all": "How do I get my nursing diploma recognised?",
}


def anchor_work(numbers: list) -> None:
    sorted(numbers)


def timed(function, *args) -> float:
    started = time.perf_counter()
    function(*args)
    return (time.perf_counter() - started) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    started = time.perf_counter()
    gazetteer = load_gazetteer(PROJECT_ROOT / "knowledge")
    print(f"gazetteer loaded in {time.perf_counter() - started:.1f} s")
    numbers = [random.random() for _ in range(20_000)]
    for sentence in SENTENCES.values():
        resolve_place(sentence, gazetteer)  # warm-up
    figures = {name: [] for name in SENTENCES}
    anchor = []
    for _ in range(args.rounds):
        for name, sentence in SENTENCES.items():
            figures[name].append(timed(resolve_place, sentence, gazetteer))
            anchor.append(timed(anchor_work, numbers))
    for name, times in figures.items():
        print(f"  {name:<30} median {statistics.median(times):6.1f} ms, max {max(times):6.1f} ms")
    print(f"  anchor: sorting 20,000 numbers median {statistics.median(anchor):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
