"""Quality parity per language: intent accuracy, topic of the answer, reply language.

Runs the held-out conversations in tests/data/conversations/ (the same fourteen conversations
in each of the ten languages) through the gateway and prints one row per language. A '<'
marks a figure more than 5 points below German (the target is: none).

Usage: .venv/bin/python benchmarks/parity.py [--url http://127.0.0.1:8000] [--model PATH]
       [--lang ar --lang tr] [--misses] [--set tests/data/conversations_fresh]
Without --url it starts its own engine, action server and gateway on free ports (like the
end-to-end tests) and stops them afterwards.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.parity import CONVERSATIONS_DIR, available_languages, run_language, score, table
from bot.supervisor import gateway_for_benchmark


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url")
    parser.add_argument("--model", help="trained Rasa model (default: the one for the current inputs)")
    parser.add_argument("--lang", action="append", help="only these languages (German is always run)")
    parser.add_argument("--misses", action="store_true", help="list every wrong turn")
    parser.add_argument("--set", type=Path, default=CONVERSATIONS_DIR,
                        help="folder of <lang>.yml conversations (default: tests/data/conversations)")
    args = parser.parse_args()
    languages = available_languages(args.set)
    if args.lang:
        languages = [lang for lang in languages if lang in set(args.lang) | {"de"}]
    scores = {}
    with gateway_for_benchmark(args.url, args.model) as url, httpx.Client(base_url=url, timeout=60) as http:
        started = time.perf_counter()
        for lang in languages:
            scores[lang] = score(lang, run_language(http, lang, args.set))
    turns = sum(s.replies for s in scores.values())
    print(f"{args.set.name}: {turns} turns in {len(scores)} languages, {time.perf_counter() - started:.0f} s")
    for line in table(scores):
        print(line)
    if args.misses:
        for lang, s in scores.items():
            for miss in s.misses:
                print(f"  {lang} {miss}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
