"""Answer quality on real questions: the bot's own answer decision over tests/data/real_questions/.

Usage: .venv/bin/python benchmarks/answers.py [--split dev|test|both] [--misses] [--guard]
       [--nlu auto|none]

Every question goes through ``bot.knowledge.decision.decide`` — the function the action server's
``action_answer`` calls — with the real index and model, in this process. The intent comes from
the trained Rasa model (parsed once in the engine's interpreter and cached under var/cache/);
an intent whose rule does not run ``action_answer`` (small talk, the handoff form) counts as
"not an article". Printed per language and overall, with k/n:

- right first: covered questions (labelled with articles) answered with a labelled article;
- right cited: covered questions where a labelled article is among those the reply shows;
- false refusal: covered questions that got no article (no answer, a person, another path);
- honest refusal: `none` questions that got no article (refusal, referral or a person);
  "referral named" counts those whose refusal names the labelled kind of office;
- named office: questions with a place whose reply names that district's office;
- cross-language agreement: a translated question and its original get the same decision
  (the same article, or both no article).

NEVER tune on the test split: run it only to report (``--misses`` refuses to list its failures).
``--guard`` exits 1 when the DEV split falls below GUARD_RIGHT_FIRST / GUARD_HONEST_REFUSAL.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot import SUPPORTED_LANGUAGES
from bot.knowledge import decision
from bot.settings import PROJECT_ROOT, load_settings
from tests.data.real_questions import dataset

#: `make test` fails when the dev split falls below these: a guard against regressions at the
#: level reached, not the target. Issue 17 asks for 0.85 / 0.85; raise these as the figures rise.
#: 2026-12-07, first measurement: right first 0.49 (50/102), honest refusal 0.22 (10/46).
#: 2026-12-08, two rankings must agree (docs/decisions/0007): 0.44 (45/102), 0.63 (29/46); with
#: the NLU's topic as a third voice: 0.47 (48/102), 0.65 (30/46).
GUARD_RIGHT_FIRST = 0.44
GUARD_HONEST_REFUSAL = 0.60
TARGETS = {"right first": 0.90, "honest refusal": 0.90, "false refusal": 0.05, "named office": 0.95,
           "agreement": 0.95}

_PARSE_SCRIPT = r"""
import asyncio, json, logging, sys
logging.disable(logging.WARNING)
from rasa.core.agent import Agent
texts = json.load(sys.stdin)
agent = Agent.load(sys.argv[1])
async def main():
    out = {}
    for text in texts:
        parsed = await agent.parse_message(text)
        intent = parsed.get("intent") or {}
        out[text] = [intent.get("name") or "", float(intent.get("confidence") or 0.0),
                     [{"entity": e.get("entity"), "value": e.get("value")} for e in parsed.get("entities") or []]]
    return out
result = asyncio.run(main())
with open(sys.argv[2], "w", encoding="utf-8") as out:
    json.dump(result, out)
"""


def trained_model(var_dir: Path) -> tuple[Path | None, str]:
    """The Rasa model for the current training data, else the newest one (with a note)."""
    from bot.training import model_path

    current = model_path(var_dir)
    if current.exists():
        return current, f"Rasa model {current.name} (current training data)"
    models = sorted((var_dir / "rasa-models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if models:
        return models[-1], f"Rasa model {models[-1].name} (NOT the current training data: run `make train`)"
    return None, "no trained Rasa model: every question counts as nlu_fallback"


def parse_intents(texts: Sequence[str], model: Path | None, var_dir: Path) -> dict[str, tuple[str, float, list]]:
    """text -> (intent, confidence, entities) from the trained model, cached per model."""
    if model is None:
        return {t: ("nlu_fallback", 0.0, []) for t in texts}
    from bot.training import ENGINE_BIN, engine_environment

    cache = var_dir / "cache" / f"answers-nlu-{model.name[:-len('.tar.gz')]}.json"
    known = json.loads(cache.read_text(encoding="utf-8")) if cache.exists() else {}
    missing = sorted({t for t in texts if t not in known})
    if missing:
        print(f"Parsing {len(missing)} questions with the engine's NLU …", file=sys.stderr, flush=True)
        out = cache.with_suffix(".part")
        out.parent.mkdir(parents=True, exist_ok=True)
        result = subprocess.run([str(ENGINE_BIN / "python"), "-c", _PARSE_SCRIPT, str(model), str(out)],
                                input=json.dumps(missing), cwd=PROJECT_ROOT, env=engine_environment(), check=False,
                                capture_output=True, text=True)
        if result.returncode != 0:
            print(result.stderr[-3000:], file=sys.stderr)
            raise SystemExit("the engine could not parse the questions")
        known.update(json.loads(out.read_text(encoding="utf-8")))
        out.unlink()
        cache.write_text(json.dumps(known, ensure_ascii=False), encoding="utf-8")
    return {t: tuple(known[t]) for t in texts}


class CachedQueries:
    """The embedder, with question vectors kept on disk (var/cache/) between runs of this script."""

    def __init__(self, embedder, path: Path):
        import numpy as np

        self._np, self._embedder, self._path = np, embedder, path
        self.name, self.dim = embedder.name, embedder.dim
        self._vectors = {}
        if path.exists():
            with np.load(path, allow_pickle=False) as stored:
                self._vectors = dict(zip(stored["texts"].tolist(), stored["vectors"]))
        self._dirty = False

    def warm_up(self) -> None:
        self._embedder.warm_up()

    def encode_queries(self, texts):
        missing = [t for t in texts if t not in self._vectors]
        if missing:
            self._vectors.update(zip(missing, self._embedder.encode_queries(missing)))
            self._dirty = True
        return self._np.vstack([self._vectors[t] for t in texts])

    def encode_passages(self, texts):
        return self._embedder.encode_passages(texts)

    def save(self) -> None:
        if self._dirty and self._vectors:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            texts = list(self._vectors)
            self._np.savez(self._path, texts=self._np.array(texts), vectors=self._np.vstack([self._vectors[t] for t in texts]))


@dataclass
class Outcome:
    item: dict
    lang: str
    intent: str
    made: decision.Decision

    @property
    def answered(self) -> str | None:
        """The article the reply answers from, None when it gives none."""
        if self.intent not in decision.ANSWER_INTENTS:
            return None
        return self.made.article_id if self.made.kind == decision.ANSWER else None

    @property
    def cited(self) -> tuple[str, ...]:
        return self.made.cited if self.intent in decision.ANSWER_INTENTS else ()

    @property
    def covered(self) -> bool:
        return isinstance(self.item["answers"], list)


REFERRALS: tuple = ()


def ask(kb, text: str, lang: str, intents, settings) -> tuple[str, decision.Decision]:
    intent = intents[text][0]
    if intent not in decision.ANSWER_INTENTS:
        return intent, decision.Decision(decision.ROUTED, reason=f"the engine takes the {intent} path")
    made = decision.decide(kb, text, lang, intent, settings.no_answer_threshold, settings.search_top_k,
                           REFERRALS)
    return intent, made


def question_lang(item: dict) -> str:
    """The language the bot talks in for this question: its own, or the reply language."""
    return item["lang"] if item["lang"] in SUPPORTED_LANGUAGES else item.get("reply_lang", "en")


def share(k: int, n: int) -> str:
    return f"{k / n:5.2f} ({k}/{n})" if n else "   –  (0/0)"


def figures(outcomes: Sequence[Outcome]) -> dict[str, tuple[int, int]]:
    covered = [o for o in outcomes if o.covered]
    none = [o for o in outcomes if not o.covered]
    located = [o for o in outcomes if "district" in o.item]
    refused_none = [o for o in none if o.answered is None]
    return {
        "right first": (sum(o.answered in o.item["answers"] for o in covered), len(covered)),
        "right cited": (sum(any(a in o.item["answers"] for a in o.cited) for o in covered), len(covered)),
        "false refusal": (sum(o.answered is None for o in covered), len(covered)),
        "honest refusal": (len(refused_none), len(none)),
        "referral named": (sum(o.made.referral == o.item.get("referral") for o in refused_none), len(none)),
        "named office": (sum(o.made.district == str(o.item["district"]) for o in located), len(located)),
    }


COLUMNS = ("right first", "right cited", "false refusal", "honest refusal", "referral named", "named office")


def print_table(title: str, outcomes: Sequence[Outcome], agreement: tuple[int, int]) -> dict[str, tuple[int, int]]:
    by_lang: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        group = outcome.item["lang"] if outcome.item["lang"] in SUPPORTED_LANGUAGES else "other"
        by_lang[group].append(outcome)
    print(f"\n{title}: {len(outcomes)} questions")
    print(f"  {'lang':5} {'n':>4}  " + "  ".join(f"{c:>15}" for c in COLUMNS))
    order = [lang for lang in SUPPORTED_LANGUAGES if lang in by_lang] + (["other"] if "other" in by_lang else [])
    for lang in order + ["all"]:
        group = outcomes if lang == "all" else by_lang[lang]
        row = figures(group)
        print(f"  {lang:5} {len(group):>4}  " + "  ".join(f"{share(*row[c]):>15}" for c in COLUMNS))
    overall = figures(outcomes)
    overall["agreement"] = agreement
    print(f"  cross-language agreement (translated question and its original): {share(*agreement)}")
    return overall


def agreement_pairs(kb, items: Sequence[dict], outcomes: dict[str, Outcome], intents, settings) -> tuple[int, int]:
    agree = total = 0
    for item in items:
        original = item.get("translated_from")
        if not original or original.get("lang") not in SUPPORTED_LANGUAGES:
            continue
        intent, made = ask(kb, original["text"], original["lang"], intents, settings)
        theirs = Outcome(item, original["lang"], intent, made).answered
        total += 1
        agree += int(theirs == outcomes[item["id"]].answered)
    return agree, total


def run_split(kb, split: str, settings, model, misses: bool) -> dict[str, tuple[int, int]]:
    items = dataset.load(split)
    texts = [i["q"] for i in items] + [i["translated_from"]["text"] for i in items if i.get("translated_from")]
    intents = parse_intents(texts, model, settings.var_dir)
    outcomes = {}
    for item in items:
        lang = question_lang(item)
        intent, made = ask(kb, item["q"], lang, intents, settings)
        outcomes[item["id"]] = Outcome(item, lang, intent, made)
    agreement = agreement_pairs(kb, items, outcomes, intents, settings)
    overall = print_table(f"{split.upper()} split", list(outcomes.values()), agreement)
    if misses:
        if split != "dev":
            print("  (failures are listed for the dev split only: never tune on test)")
        else:
            print_misses(list(outcomes.values()))
    return overall


def print_misses(outcomes: Sequence[Outcome]) -> None:
    print("\n  Dev failures (label → what the bot did):")
    for o in outcomes:
        expected = o.item["answers"]
        if o.covered and o.answered in expected:
            continue
        if not o.covered and o.answered is None:
            continue
        got = o.answered or f"{o.made.kind}/{o.intent}: {o.made.reason}"
        score = f"{o.made.hit.score:.3f}" if o.made.hit else (f"{o.made.hits[0].score:.3f}" if o.made.hits else "-")
        print(f"  {o.item['id']:7} {str(expected)[:60]:60} → {got} [{score}]  {o.item['q'][:90]!r}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("dev", "test", "both"), default="dev")
    parser.add_argument("--misses", action="store_true", help="list the dev split's failures")
    parser.add_argument("--guard", action="store_true", help="exit 1 when dev falls below the guard")
    parser.add_argument("--nlu", choices=("auto", "none"), default="auto",
                        help="auto: intents from the trained Rasa model; none: every question is nlu_fallback")
    parser.add_argument("--no-referrals", action="store_true",
                        help="leave knowledge/referrals.yml out (to measure what it adds)")
    args = parser.parse_args(argv)

    settings = load_settings()
    from bot.knowledge.embedder import SentenceTransformerEmbedder
    from bot.knowledge.search import KnowledgeBase

    started = time.monotonic()
    global REFERRALS
    if not args.no_referrals:
        from bot.knowledge.referrals import read_referrals

        REFERRALS = tuple(read_referrals(settings.knowledge_dir)[0])
    embedder = SentenceTransformerEmbedder(settings.model_dir)
    name = hashlib.sha256(embedder.name.encode()).hexdigest()[:12]
    cached = CachedQueries(embedder, settings.var_dir / "cache" / f"answers-queries-{name}.npz")
    kb = KnowledgeBase(settings.index_dir, cached, today=settings.current_date)
    kb.load()
    model, note = trained_model(settings.var_dir) if args.nlu == "auto" else (None, "--nlu none: every question is nlu_fallback")
    digest = hashlib.sha256("".join(p.read_text() for p in sorted(dataset.SPLIT_FILES.values())).encode()).hexdigest()
    print(f"Answer decision (bot.knowledge.decision.decide) on real questions; index build {kb.build_id}; {note}; "
          f"data {digest[:12]}; no-answer threshold {settings.no_answer_threshold}; "
          f"{len(REFERRALS)} referrals")
    splits = ("dev", "test") if args.split == "both" else (args.split,)
    results = {split: run_split(kb, split, settings, model, args.misses) for split in splits}
    cached.save()
    print(f"\nTargets on the test split: right first ≥ {TARGETS['right first']}, honest refusal ≥ "
          f"{TARGETS['honest refusal']}, false refusal ≤ {TARGETS['false refusal']}, named office ≥ "
          f"{TARGETS['named office']}, agreement ≥ {TARGETS['agreement']}, every language within 0.05 of de. "
          f"({time.monotonic() - started:.0f} s)")
    if args.guard:
        dev = results.get("dev") or run_split(kb, "dev", settings, model, False)
        right, honest = dev["right first"], dev["honest refusal"]
        low = []
        if right[0] < GUARD_RIGHT_FIRST * right[1]:
            low.append(f"right first {right[0]}/{right[1]} < {GUARD_RIGHT_FIRST}")
        if honest[0] < GUARD_HONEST_REFUSAL * honest[1]:
            low.append(f"honest refusal {honest[0]}/{honest[1]} < {GUARD_HONEST_REFUSAL}")
        if low:
            print("GUARD FAILED on the dev split: " + "; ".join(low))
            return 1
        print(f"Guard passed on the dev split (right first ≥ {GUARD_RIGHT_FIRST}, honest refusal ≥ "
              f"{GUARD_HONEST_REFUSAL}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
