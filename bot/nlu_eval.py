"""Run ``rasa test nlu`` on the held-out set in tests/rasa/nlu/ and report intent accuracy per language.

The test files are named ``nlu_test_<lang>.yml``; Rasa reports on all of them at once, and the
per-language split comes from matching each reported example back to its file.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from bot.settings import PROJECT_ROOT
from bot.training import ENGINE_BIN, engine_environment

TEST_DIR = PROJECT_ROOT / "tests" / "rasa" / "nlu"
#: Below this intent accuracy in any language, `make test` fails.
MIN_ACCURACY = 0.80
_EXAMPLE = re.compile(r"^\s*-\s+(.*\S)\s*$")


def _plain(text: str) -> str:
    """Training-data text without entity annotations: '[Köthen](place)' -> 'Köthen'."""
    return re.sub(r"\[([^\]]+)\]\([^)]*\)|\[([^\]]+)\]\{[^}]*\}", lambda m: m.group(1) or m.group(2), text)


def examples_by_language(test_dir: Path = TEST_DIR) -> dict[str, str]:
    """text -> language, read from nlu_test_<lang>.yml."""
    import yaml  # app side only; this module is not imported by the engine

    languages = {}
    for path in sorted(test_dir.glob("nlu_test_*.yml")):
        lang = path.stem.rsplit("_", 1)[-1]
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            for line in str(block.get("examples", "")).splitlines():
                match = _EXAMPLE.match(line)
                if match:
                    languages[_plain(match.group(1)).strip()] = lang
    return languages


def accuracy_per_language(out_dir: Path, languages: dict[str, str]) -> dict[str, tuple[int, int]]:
    """lang -> (correct, total) from Rasa's successes/errors reports."""
    counts = defaultdict(lambda: [0, 0])
    for name, correct in (("intent_successes.json", True), ("intent_errors.json", False)):
        path = out_dir / name
        for item in json.loads(path.read_text()) if path.exists() else []:
            lang = languages.get(item["text"].strip(), "?")
            counts[lang][1] += 1
            counts[lang][0] += int(correct)
    return {lang: (c, t) for lang, (c, t) in sorted(counts.items())}


def run(model: Path, out_dir: Path) -> int:
    command = [
        str(ENGINE_BIN / "rasa"), "test", "nlu", "--nlu", str(TEST_DIR), "--model", str(model),
        "--out", str(out_dir), "--successes",
    ]
    # Rasa's own output (progress, library deprecation warnings) is shown only when it fails.
    result = subprocess.run(command, cwd=PROJECT_ROOT, env=engine_environment(),
                            check=False, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        print(result.stderr[-5000:], file=sys.stderr)
        raise subprocess.CalledProcessError(result.returncode, command)
    results = accuracy_per_language(out_dir, examples_by_language())
    print("Intent accuracy on the held-out NLU test set (tests/rasa/nlu/):")
    failing = []
    total_correct = total = 0
    for lang, (correct, count) in results.items():
        share = correct / count if count else 0.0
        total_correct += correct
        total += count
        print(f"  {lang:3} {share:6.1%}  ({correct}/{count})")
        if share < MIN_ACCURACY:
            failing.append(lang)
    print(f"  all {total_correct / max(total, 1):6.1%}  ({total_correct}/{total})")
    print(f"  details: {out_dir}/intent_report.json, intent_errors.json")
    if failing:
        print(f"Below {MIN_ACCURACY:.0%}: {', '.join(failing)}", file=sys.stderr)
        return 1
    return 0
