"""The labelled questions that benchmarks/retrieval.py measures retrieval on are usable."""

from collections import Counter

import pytest
import yaml

from bot import SUPPORTED_LANGUAGES
from bot.settings import PROJECT_ROOT

QUESTIONS_DIR = PROJECT_ROOT / "tests" / "data" / "questions"
ARTICLES_DIR = PROJECT_ROOT / "knowledge" / "articles"


def load_items():
    items = []
    for path in sorted(QUESTIONS_DIR.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert isinstance(data, list), f"{path.name}: must be a list of {{q, lang, article}} items"
        items += [(f"{path.name} item {n}", item) for n, item in enumerate(data, start=1)]
    return items


@pytest.fixture(scope="module")
def items():
    return load_items()


def german_article_ids():
    return {path.name[: -len(".de.md")] for path in ARTICLES_DIR.glob("*/*.de.md")}


def test_every_item_has_a_question_a_language_and_an_article_field(items):
    problems = [
        where for where, item in items
        if not isinstance(item, dict) or set(item) != {"q", "lang", "article"}
        or not str(item["q"]).strip() or item["lang"] not in SUPPORTED_LANGUAGES
    ]
    assert problems == []


def test_every_label_names_an_existing_german_article(items):
    known = german_article_ids()

    unknown = [f"{where}: {item['article']}" for where, item in items
               if item["article"] is not None and item["article"] not in known]

    assert known and unknown == []


def test_enough_questions_in_enough_languages_with_some_unanswerable(items):
    languages = Counter(item["lang"] for _, item in items)
    nulls = sum(item["article"] is None for _, item in items)

    assert len(items) >= 300
    assert len(languages) >= 8
    assert nulls >= 10


def test_no_question_has_two_different_labels(items):
    labels = {}
    for _, item in items:
        labels.setdefault(str(item["q"]).strip().casefold(), set()).add(item["article"])

    assert {q: found for q, found in labels.items() if len(found) > 1} == {}
