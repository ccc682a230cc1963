"""Keyword search: folding, tokens, BM25 ranking and how much of a question it knows."""

import unicodedata

import pytest

from bot.knowledge.bm25 import BM25Index, fold, normalise, tokenize


@pytest.mark.parametrize("variants", [
    ("Änderung", "Aenderung", "AENDERUNG", "änderung"),
    ("Straße", "Strasse", "STRASSE"),
    ("Führerschein", "Fuehrerschein", unicodedata.normalize("NFD", "Führerschein")),
    ("recunoaștere", "recunoaştere", "recunoastere"),  # Romanian comma and cedilla forms
    ("Łódź", "lodz"),
    ("Đà Nẵng", "da nang"),
    ("İŞÇİ", "işçi", "isci"),
    ("أجانب", "اجانب"),  # hamza on alef
    ("كيف", "کیف"),  # Arabic and Persian kaf
])
def test_spelling_variants_fold_to_one_form(variants):
    assert len({fold(v) for v in variants}) == 1


def test_tokens_are_folded_words_without_single_letters():
    assert tokenize("Wie lange gilt § 18b AufenthG? Ich bin 5 Jahre in Halle (Saale).") == [
        "wie", "lange", "gilt", "18b", "aufenthg", "ich", "bin", "5", "jahre", "in", "halle", "saale"]
    assert tokenize("w Niemczech") == ["niemczech"]
    assert tokenize("  ") == []


def test_normalise_composes_and_collapses_white_space():
    assert normalise(" Wie\tlange\n\n gilt " + unicodedata.normalize("NFD", "die Blaue Karte") + "\u00a0EU? ") == (
        "Wie lange gilt die Blaue Karte EU?")
    assert normalise(unicodedata.normalize("NFD", "Ä")) == "Ä"


TEXTS = [
    "Anmeldung der Wohnung im Bürgeramt innerhalb von zwei Wochen",
    "Änderung des Aufenthaltstitels bei der Ausländerbehörde beantragen",
    "Integrationskurs: Sprachkurs und Orientierungskurs",
]


def test_a_question_without_umlauts_finds_the_text_with_them():
    index = BM25Index(TEXTS)

    found = index.search("aenderung aufenthaltstitel auslaenderbehoerde", n=3)

    assert [row for row, _ in found] == [1]
    assert found[0][1] > 0


def test_results_are_best_first_limited_to_n_and_only_matching_texts():
    index = BM25Index(TEXTS)

    found = index.search("Anmeldung Bürgeramt oder Integrationskurs im Bürgeramt", n=5)
    assert [row for row, _ in found] == [0, 2]
    assert [row for row, _ in index.search("Anmeldung Bürgeramt oder Integrationskurs im Bürgeramt", n=1)] == [0]
    assert index.search("Blaue Karte", n=3) == []
    assert index.search("", n=3) == []


def test_coverage_is_the_share_of_question_words_the_index_knows():
    index = BM25Index(TEXTS)

    assert index.coverage("Anmeldung im Bürgeramt") == 1.0
    assert index.coverage("Anmeldung Blaue Karte Bürgeramt") == 0.5
    assert index.coverage("كيف أسجل سكني") == 0.0
    assert index.coverage("?") == 0.0


def test_an_empty_index_finds_nothing():
    index = BM25Index([])

    assert index.search("Anmeldung", n=3) == [] and index.coverage("Anmeldung") == 0.0
