"""The real-question benchmark data (tests/data/real_questions/) is well formed and split by its rule.

These checks read only the data files; they never score the bot. See that folder's README.md.
"""

from collections import Counter

import pytest

from tests.data.real_questions import dataset

ALL_LANGUAGES = set(dataset.OUR_LANGUAGES) | set(dataset.OTHER_LANGUAGES)


@pytest.fixture(scope="module")
def splits():
    return dataset.load_all()


@pytest.fixture(scope="module")
def items(splits):
    return [item for split in splits.values() for item in split]


def test_every_question_is_well_formed_and_labelled_with_known_articles(items):
    known = dataset.known_article_ids()

    problems = [problem for item in items for problem in dataset.problems_of(item, known)]

    assert problems == []


def test_labels_name_existing_articles_only(items):
    known = dataset.article_ids_on_disk()
    labels = {a for item in items if isinstance(item["answers"], list) for a in item["answers"]}

    assert labels and labels <= known, sorted(labels - known)


def test_there_are_enough_questions_languages_and_unanswerable_ones(items):
    languages = Counter(item["lang"] for item in items if item["lang"] in dataset.OUR_LANGUAGES)
    none_share = sum(item["answers"] == "none" for item in items) / len(items)

    assert len(items) >= 300
    assert len([lang for lang, n in languages.items() if n >= 5]) >= 8
    assert none_share >= 0.30


def test_every_question_has_its_source_and_translations_say_so(items):
    assert all(str(item["url"]).startswith(("http://", "https://")) for item in items)
    translated = [item for item in items if "translated_from" in item]
    assert all(item["lang"] in dataset.TRANSLATION_TARGETS for item in translated)
    assert all(item["translated_from"]["lang"] != item["lang"] for item in translated)


def test_languages_we_do_not_offer_expect_a_reply_in_english_or_german(items):
    others = [item for item in items if item["lang"] not in dataset.OUR_LANGUAGES]

    assert others, "a handful of questions in languages we do not offer belong in the data"
    assert all(item["lang"] in ALL_LANGUAGES and item["reply_lang"] in ("en", "de") for item in others)


def test_each_question_sits_in_the_split_its_id_hashes_to(splits):
    misplaced = [(name, item["id"]) for name, split in splits.items() for item in split
                 if dataset.split_of(item["id"]) != name]

    assert misplaced == []
    assert splits["dev"] and splits["test"]


def test_the_split_rule_is_stable():
    # Fixed points of sha256("sa-advisor-realq-2026-12:" + id): changing the seed or the rule moves them.
    assert [dataset.split_of(i) for i in ("de-001", "en-001", "ar-001", "ru-002")] == ["dev", "test", "test", "test"]


def test_no_question_or_id_appears_twice(items):
    ids = Counter(item["id"] for item in items)
    texts = Counter(" ".join(str(item["q"]).lower().split()) for item in items)

    assert [i for i, n in ids.items() if n > 1] == []
    assert [t[:60] for t, n in texts.items() if n > 1] == []


def test_the_check_command_finds_nothing_wrong():
    assert dataset.check() == []
