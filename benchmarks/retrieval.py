"""Retrieval quality on the labelled questions, against the current index build.

Usage: .venv/bin/python benchmarks/retrieval.py [--misses] [--questions DIR] [--index-dir DIR] [--model-dir DIR]
(--misses lists the bot default's wrong first answers, for checking labels and content gaps.)

Questions: tests/data/questions/*.yml, items {q, lang, article: id or null}; null means nothing
in the knowledge base answers it. For each retrieval set-up it prints, per language and overall:
- top-1 / top-3: share of answerable questions whose article is first / among the first three;
- MRR: mean of 1 / rank of the right article over answerable questions (0 when not found);
- no answer: a null question is a positive; the bot predicts "no answer" when the best hit's
  score is below the threshold. Precision = refused questions that were null, recall = null
  questions that were refused.

Threshold rule: among all thresholds (midway between neighbouring best-hit scores), take the
one with the highest answer accuracy (answerable questions answered with the right article on
top plus null questions refused, over all questions) whose no-answer precision is at least 0.9
(refusing nothing counts as allowed); on a tie the lower threshold, which refuses less.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.knowledge.bm25 import normalise
from bot.knowledge.embedder import Embedder, SentenceTransformerEmbedder
from bot.knowledge.search import (
    DenseRetriever,
    KeywordRetriever,
    KnowledgeBase,
    Retriever,
    default_retrievers,
)
from bot.settings import PROJECT_ROOT, load_settings

QUESTIONS_DIR = PROJECT_ROOT / "tests" / "data" / "questions"
MIN_NO_ANSWER_PRECISION = 0.9
TARGET_TOP1, TARGET_TOP3 = 0.85, 0.95


@dataclass(frozen=True)
class Question:
    text: str
    lang: str
    article: str | None
    where: str


@dataclass(frozen=True)
class Outcome:
    question: Question
    #: Article ids, best first.
    ranking: list[str]
    #: The best hit's score (what the no-answer threshold is compared with).
    score: float

    @property
    def rank(self) -> int | None:
        """1-based place of the labelled article, None when absent or unlabelled."""
        article = self.question.article
        return self.ranking.index(article) + 1 if article in self.ranking else None


@dataclass(frozen=True)
class Threshold:
    value: float
    accuracy: float
    precision: float | None
    recall: float
    refused: int


SETUPS: dict[str, Callable[[Embedder], list[Retriever]]] = {
    "dense, plain cosine (before)": lambda e: [DenseRetriever(e, balance_languages=False, summary_weight=0.0)],
    "bm25 alone, all chunks": lambda e: [KeywordRetriever(weight=1.0, all_languages=True, adaptive=False)],
    "hybrid RRF, plain dense + bm25": lambda e: [
        DenseRetriever(e, balance_languages=False, summary_weight=0.0),
        KeywordRetriever(weight=1.0, all_languages=True, adaptive=False),
    ],
    "dense, languages balanced": lambda e: [DenseRetriever(e, summary_weight=0.0)],
    "dense, balanced + summary field": lambda e: [DenseRetriever(e)],
    "hybrid RRF, bot default": default_retrievers,
}
BOT_DEFAULT = "hybrid RRF, bot default"


class PrecomputedQueries:
    """Wraps an embedder; the questions, encoded once in one batch, are looked up."""

    def __init__(self, embedder: Embedder, texts: Sequence[str]):
        self._embedder = embedder
        self.name, self.dim = embedder.name, embedder.dim
        unique = sorted(set(texts))
        self._vectors = dict(zip(unique, embedder.encode_queries(unique)))

    def warm_up(self) -> None:
        self._embedder.warm_up()

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.vstack([self._vectors[t] if t in self._vectors else self._embedder.encode_queries([t])[0]
                          for t in texts])

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._embedder.encode_passages(texts)


def load_questions(folder: Path) -> tuple[list[Question], int]:
    """The labelled questions, and how many repeats (same text, language, label) were left out."""
    questions, seen, repeats = [], set(), 0
    for path in sorted(Path(folder).glob("*.yml")):
        for number, item in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")) or [], start=1):
            question = Question(normalise(str(item["q"])), str(item["lang"]), item.get("article"),
                                f"{path.name} item {number}")
            key = (question.text.casefold(), question.lang, question.article)
            if key in seen:
                repeats += 1
            else:
                seen.add(key)
                questions.append(question)
    return questions, repeats


def run(kb: KnowledgeBase, questions: Sequence[Question], depth: int) -> list[Outcome]:
    outcomes = []
    for question in questions:
        hits = kb.search(question.text, depth)
        outcomes.append(Outcome(question, [h.article_id for h in hits], hits[0].score if hits else float("-inf")))
    return outcomes


def no_answer_figures(outcomes: Sequence[Outcome], threshold: float) -> Threshold:
    refused = [o for o in outcomes if o.score < threshold]
    null = [o for o in outcomes if o.question.article is None]
    true_refusals = sum(o.question.article is None for o in refused)
    right_answers = sum(o.rank == 1 for o in outcomes if o.question.article is not None and o.score >= threshold)
    return Threshold(
        value=threshold,
        accuracy=(right_answers + true_refusals) / len(outcomes),
        precision=true_refusals / len(refused) if refused else None,
        recall=true_refusals / len(null) if null else 0.0,
        refused=len(refused),
    )


def best_threshold(outcomes: Sequence[Outcome]) -> Threshold:
    """The rule in the module docstring."""
    scores = sorted({o.score for o in outcomes})
    candidates = [scores[0] - 1e-3] + [(a + b) / 2 for a, b in pairwise(scores)] + [scores[-1] + 1e-3]
    best = None
    for value in candidates:
        figures = no_answer_figures(outcomes, value)
        if figures.precision is not None and figures.precision < MIN_NO_ANSWER_PRECISION:
            continue
        if best is None or figures.accuracy > best.accuracy:
            best = figures
    return best


def quality_rows(outcomes: Sequence[Outcome]) -> dict[str, dict[str, float]]:
    """Per language and "all": n, top-1, top-3, MRR over answerable questions."""
    groups: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        if outcome.question.article is not None:
            groups.setdefault(outcome.question.lang, []).append(outcome)
            groups.setdefault("all", []).append(outcome)
    rows = {}
    for lang in sorted(groups, key=lambda l: (l == "all", l)):
        group = groups[lang]
        ranks = [o.rank for o in group]
        rows[lang] = {
            "n": len(group),
            "top1": sum(r == 1 for r in ranks) / len(group),
            "top3": sum(r is not None and r <= 3 for r in ranks) / len(group),
            "mrr": sum(1 / r for r in ranks if r) / len(group),
        }
    return rows


def print_setup(name: str, outcomes: Sequence[Outcome], configured: float | None) -> Threshold:
    rows = quality_rows(outcomes)
    print(f"\n== {name} ==")
    print(f"{'lang':<5} {'n':>4} {'top-1':>6} {'top-3':>6} {'MRR':>6}")
    for lang, row in rows.items():
        flag = "" if lang == "all" or (row["top1"] >= TARGET_TOP1 and row["top3"] >= TARGET_TOP3) else "  below target"
        print(f"{lang:<5} {row['n']:>4} {row['top1']:>6.2f} {row['top3']:>6.2f} {row['mrr']:>6.3f}{flag}")
    tuned = best_threshold(outcomes)
    print(describe("no answer, tuned threshold", tuned))
    if configured is not None:
        print(describe("no answer, settings threshold", no_answer_figures(outcomes, configured)))
    return tuned


def describe(label: str, figures: Threshold) -> str:
    precision = "n/a (none refused)" if figures.precision is None else f"{figures.precision:.2f}"
    return (f"{label} {figures.value:.4f}: precision {precision}, recall {figures.recall:.2f}, "
            f"refused {figures.refused}, answer accuracy {figures.accuracy:.3f}")


def print_summary(results: dict[str, list[Outcome]], thresholds: dict[str, Threshold]) -> None:
    languages = [l for l in quality_rows(next(iter(results.values())))]
    print("\n== summary: top-1 / top-3 per language; no-answer precision / recall at the tuned threshold ==")
    width = max(len(name) for name in results)
    print(" " * width + "  " + " ".join(f"{l:>9}" for l in languages) + "   no-answer P/R")
    for name, outcomes in results.items():
        rows = quality_rows(outcomes)
        cells = " ".join(f"{rows[l]['top1']:.2f}/{rows[l]['top3']:.2f}" if l in rows else " " * 9 for l in languages)
        t = thresholds[name]
        precision = "  - " if t.precision is None else f"{t.precision:.2f}"
        print(f"{name:<{width}}  {cells}   {precision}/{t.recall:.2f}")


def print_curve(outcomes: Sequence[Outcome], around: float, step: float = 0.005, steps: int = 5) -> None:
    """No-answer figures of the bot default for thresholds near the tuned one."""
    print(f"\n== {BOT_DEFAULT}: thresholds near the tuned one ==")
    print(f"{'threshold':>9} {'precision':>9} {'recall':>6} {'refused':>7} {'accuracy':>8}")
    centre = round(around / step) * step
    for n in range(-steps, steps + 1):
        f = no_answer_figures(outcomes, centre + n * step)
        precision = "-" if f.precision is None else f"{f.precision:.2f}"
        print(f"{f.value:>9.3f} {precision:>9} {f.recall:>6.2f} {f.refused:>7} {f.accuracy:>8.3f}")


def print_misses(outcomes: Sequence[Outcome]) -> None:
    print(f"\n== {BOT_DEFAULT}: answerable questions whose article is not first ==")
    for o in outcomes:
        if o.question.article is not None and o.rank != 1:
            print(f"[{o.question.lang}] {o.question.text}\n    {o.question.where}: label {o.question.article} "
                  f"(rank {o.rank}), first {o.ranking[0]}, second {o.ranking[1]}")


def main() -> int:
    settings = load_settings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=QUESTIONS_DIR)
    parser.add_argument("--index-dir", type=Path, default=settings.index_dir)
    parser.add_argument("--model-dir", type=Path, default=settings.model_dir)
    parser.add_argument("--misses", action="store_true", help="list the bot default's wrong first answers")
    args = parser.parse_args()

    questions, repeats = load_questions(args.questions)
    nulls = sum(q.article is None for q in questions)
    started = time.monotonic()
    model = SentenceTransformerEmbedder(args.model_dir)
    model.warm_up()
    # The knowledge base normalises each question the same way before encoding it.
    embedder = PrecomputedQueries(model, [q.text for q in questions])
    print(f"{len(questions)} questions ({nulls} without an answer; {repeats} repeats left out) "
          f"from {args.questions}; model loaded and questions encoded in {time.monotonic() - started:.1f} s")

    results, thresholds = {}, {}
    for name, make in SETUPS.items():
        kb = KnowledgeBase(args.index_dir, embedder, make(embedder))
        kb.load()
        if not results:
            print(f"index build {kb.build_id}, {len(kb.article_ids())} articles")
            unknown = sorted({q.article for q in questions if q.article and not kb.languages(q.article)})
            if unknown:
                print(f"labels naming articles not in this build (counted as misses): {', '.join(unknown)}")
        results[name] = run(kb, questions, depth=len(kb.article_ids()))
        configured = settings.no_answer_threshold if name == BOT_DEFAULT else None
        thresholds[name] = print_setup(name, results[name], configured)
    print_summary(results, thresholds)
    print_curve(results[BOT_DEFAULT], thresholds[BOT_DEFAULT].value)
    if args.misses:
        print_misses(results[BOT_DEFAULT])
    print(f"\nTargets: top-1 >= {TARGET_TOP1}, top-3 >= {TARGET_TOP3} in every language; "
          f"no-answer precision >= {MIN_NO_ANSWER_PRECISION}.")
    print(f"Threshold for bot/settings.py (no_answer_threshold): {thresholds[BOT_DEFAULT].value:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
