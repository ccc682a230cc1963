"""The answer decision (bot.knowledge.decision.decide) on a small knowledge base.

The HashingEmbedder stands in for the model (it matches by shared character trigrams), so
these tests check the decision's rules, not retrieval quality.
"""

from __future__ import annotations

import pytest

from bot.knowledge import decision
from bot.knowledge.embedder import HashingEmbedder
from bot.knowledge.index import build_index
from bot.knowledge.search import Hit, KnowledgeBase

ARTICLE = """---
id: {id}
topic: {topic}
title: {title}
summary: {summary}
sources:
  - title: Make it in Germany
    url: https://www.make-it-in-germany.com/de/
last_reviewed: 2026-11-24
review_after: 2027-05-24
---
_Allgemeine Information, keine Rechtsberatung._

## {heading}
{text}
"""


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    root = tmp_path_factory.mktemp("kb")
    articles = [
        {"id": "residence-blue-card", "topic": "residence", "title": "Blaue Karte EU",
             "summary": "Die Blaue Karte EU ist für Fachkräfte mit Hochschulabschluss.",
             "heading": "Gehaltsgrenze", "text": "Blaue Karte Gehalt: Mindestgehalt im Jahr."},
        {"id": "language-course-integration", "topic": "language_course", "title": "Integrationskurs",
             "summary": "Der Integrationskurs ist ein Deutschkurs mit Orientierungskurs.",
             "heading": "Kosten", "text": "Der Integrationskurs kostet pro Stunde einen Beitrag."},
    ]
    for values in articles:
        folder = root / "knowledge" / "articles" / values["topic"]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{values['id']}.de.md").write_text(ARTICLE.format(**values), encoding="utf-8")
    embedder = HashingEmbedder()
    build_index(root / "knowledge", root / "index", embedder)
    knowledge = KnowledgeBase(root / "index", embedder)
    knowledge.load()
    return knowledge


def no_search():
    raise AssertionError("the decision searched although it did not need to")


def test_an_urgent_message_goes_to_a_person_without_a_search():
    made = decision.decide(no_search, "Ich soll abgeschoben werden, was tun?", "de", "ask_residence", 0.5)

    assert made.kind == decision.PERSON and made.urgency and made.cited == ()


def test_a_topic_button_without_words_gets_the_menu():
    assert decision.decide(no_search, "/ask_residence", "de", "ask_residence", 0.5).kind == decision.MENU


def test_a_matching_article_above_the_threshold_answers(kb):
    made = decision.decide(kb, "Blaue Karte Gehalt", "de", "ask_residence", 0.2)

    assert made.kind == decision.ANSWER
    assert made.article_id == "residence-blue-card" and made.cited[0] == "residence-blue-card"
    assert made.hit.article_id == "residence-blue-card" and made.hits


def test_nothing_above_the_threshold_is_no_answer(kb):
    made = decision.decide(kb, "Wie backe ich Brot?", "de", "nlu_fallback", 0.99)

    assert made.kind == decision.NO_ANSWER and made.article_id is None and made.cited == ()


def hit(article_id, topic, score):
    return Hit(article_id, f"{article_id}.de#1", "H", score, "de", topic)


def test_a_close_article_of_the_recognised_topic_is_preferred():
    hits = [hit("residence-x", "residence", 0.857), hit("recognition-y", "recognition", 0.852)]

    assert decision.choose_hit(hits, "ask_recognition", 0.8).article_id == "recognition-y"
    assert decision.choose_hit(hits, "nlu_fallback", 0.8).article_id == "residence-x"


def test_related_articles_are_close_ones_other_than_the_answer():
    hits = [hit("a", "residence", 0.90), hit("b", "residence", 0.89), hit("c", "residence", 0.80)]

    assert decision.related_ids(hits[0], hits, 0.85) == ("b",)


def referral(id_, cues, covered_by=()):
    from bot.knowledge.bm25 import fold
    from bot.knowledge.referrals import Referral

    return Referral(id_, id_, "Official page", "https://www.example.de/", tuple(fold(c) for c in cues),
                    tuple(covered_by), {"de": f"Keine Informationen ({id_}).", "en": f"No information ({id_})."})


def test_a_question_on_a_subject_without_article_is_referred_not_answered(kb):
    licence = referral("fuehrerscheinstelle", ["führerschein"])

    made = decision.decide(kb, "Blaue Karte und Führerschein umschreiben", "de", "ask_residence", 0.2,
                           referrals=[licence])

    assert made.kind == decision.NO_ANSWER and made.referral == "fuehrerscheinstelle" and made.cited == ()


def test_an_article_that_covers_the_subject_still_answers(kb):
    card = referral("bamf", ["blaue karte"], covered_by=["residence-blue-card"])

    made = decision.decide(kb, "Blaue Karte Gehalt", "de", "ask_residence", 0.2, referrals=[card])

    assert made.kind == decision.ANSWER and made.article_id == "residence-blue-card"


def test_a_refusal_without_a_named_subject_offers_a_counsellor(kb):
    made = decision.decide(kb, "Wie backe ich Brot?", "de", "nlu_fallback", 0.99)

    assert made.referral == decision.COUNSELLOR


@pytest.mark.parametrize("text,status", [
    ("With an Italian EU long-term residence permit, can I work in Germany?", "third_country"),
    ("I am Polish, do I need a work permit in Germany?", "eu"),
    ("Ich habe eine Blaue Karte und möchte den Job wechseln", "third_country"),
    ("Jestem Polakiem, czy potrzebuję pozwolenia na pracę?", "eu"),
    ("Wie viel kostet ein Integrationskurs?", None),
    ("Ich bin Pole, meine Frau ist Syrerin mit Duldung", None),
    # "cetățean" alone is any citizen: a Moldovan or Turkish citizen is no EU citizen.
    ("Sunt cetățean moldovean, am nevoie de permis de muncă?", "third_country"),
    ("Sunt cetăţean turc, pot lucra în Germania?", None),
    ("Sunt cetățean român, am nevoie de permis de muncă?", "eu"),
    # A Ukrainian who comes from Poland is not an EU citizen.
    ("Jestem obywatelem Ukrainy z Polski, czy potrzebuję wizy?", None),
    ("Ich bin Ukrainer und komme aus Polen. Brauche ich eine Arbeitserlaubnis?", None),
    ("Ich bin Ukrainerin, brauche ich eine Arbeitserlaubnis?", "third_country"),
    ("Ich komme aus Polen und bin Inder, brauche ich ein Visum?", None),
    ("Jestem z Białorusi, z Polski chcę jechać do Niemiec do pracy", None),
    ("Sunt din Moldova, am venit din România. Am nevoie de permis de muncă?", None),
    ("Kinder aus Polen: bekommen sie Kindergeld?", "eu"),
])
def test_the_askers_status_is_recognised_only_from_clear_signs(text, status):
    from bot.knowledge.audience import question_status

    assert question_status(text) == status


def test_an_article_for_the_other_group_is_never_the_answer():
    from bot.knowledge.audience import conflicts

    assert conflicts(["eu"], "third_country") and conflicts(["third_country"], "eu")
    assert not conflicts(["eu"], "eu") and not conflicts([], "eu") and not conflicts(["third_country"], None)


def qhit(article_id, score, question_score, question_rank):
    return Hit(article_id, f"{article_id}.de#1", "H", score, "de", "residence", 0.0, question_score, question_rank)


def test_an_article_answers_only_when_both_rankings_agree_and_it_clearly_matches():
    agree = [qhit("a", 0.90, 0.88, 1), qhit("b", 0.89, 0.86, 2)]
    disagree = [qhit("a", 0.90, 0.86, 2), qhit("b", 0.89, 0.85, 3), qhit("c", 0.87, 0.88, 1)]
    weak = [qhit("a", 0.90, 0.84, 1), qhit("b", 0.89, 0.80, 2)]

    assert decision.confident_hit(agree, "ask_residence", 0.833).article_id == "a"
    assert decision.confident_hit(disagree, "ask_residence", 0.833) is None
    assert decision.confident_hit(weak, "ask_residence", 0.833) is None
    assert decision.confident_hit([qhit("a", 0.90, 0.86, 1)], "out_of_scope", 0.833) is None


def test_the_second_passage_hit_answers_when_it_is_the_best_question_match():
    hits = [qhit("a", 0.90, 0.85, 2), qhit("b", 0.89, 0.88, 1)]

    assert decision.confident_hit(hits, "nlu_fallback", 0.833).article_id == "b"


def test_the_best_question_match_must_be_the_best_of_all_articles_unless_left_out_for_its_audience():
    hits = [qhit("a", 0.90, 0.87, 2), qhit("b", 0.89, 0.86, 3)]  # place 1 is an article further down

    assert decision.confident_hit(hits, "nlu_fallback", 0.833) is None
    assert decision.confident_hit(hits, "nlu_fallback", 0.833, frozenset({1})).article_id == "a"


def test_the_recognised_topic_lets_its_first_article_answer_when_its_question_match_is_close():
    # The best question match (place 1) is not among the hits; the first hit is of the NLU's topic.
    hits = [Hit("recognition-x", "recognition-x.de#1", "H", 0.90, "de", "recognition", 0.0, 0.873, 4),
            qhit("residence-y", 0.89, 0.879, 2)]

    assert decision.confident_hit(hits, "ask_recognition", 0.833).article_id == "recognition-x"
    assert decision.confident_hit(hits, "nlu_fallback", 0.833) is None
    assert decision.confident_hit(hits, "ask_residence", 0.833) is None


def test_an_office_question_about_another_offices_subject_gets_that_referral_not_the_foreigners_authority(kb):
    card = referral("familienkasse", ["kindergeld"], covered_by=["living-kindergeld"])

    made = decision.decide(kb, "Welche Behörde ist in Halle für Kindergeld zuständig?", "de", "ask_office", 0.2,
                           referrals=[card])
    assert made.kind == decision.NO_ANSWER and made.referral == "familienkasse"

    # Naming the foreigners' authority, or a question without such a subject: its card.
    named = decision.decide(kb, "Wo ist die Ausländerbehörde in Halle? Es geht um Kindergeld.", "de", "ask_office",
                            0.2, referrals=[card])
    plain = decision.decide(kb, "Welche Behörde ist in Halle für mich zuständig?", "de", "ask_office", 0.2,
                            referrals=[card])
    assert named.kind == plain.kind == decision.OFFICE and plain.district == "15002"
    # A residence title is the foreigners' authority's, whatever else the question names.
    asylum = referral("bamf", ["asyl"])
    title = decision.decide(kb, "Welche Behörde in Halle ist für meine Aufenthaltserlaubnis nach dem Asyl zuständig?",
                            "de", "ask_office", 0.2, referrals=[asylum])
    assert title.kind == decision.OFFICE


def test_an_office_question_about_a_subject_an_article_covers_is_answered_from_it(kb):
    card = referral("bamf", ["integrationskurs"], covered_by=["language-course-integration"])

    made = decision.decide(kb, "Wer ist zuständig für den Integrationskurs Kosten?", "de", "ask_office", 0.2,
                           referrals=[card])

    assert made.kind == decision.ANSWER and made.article_id == "language-course-integration"


def test_leaving_out_an_article_for_the_other_group_keeps_the_others_without_a_question_match():
    # An index without question matches (every place 0): only the EU article goes, not all of them.
    from bot.knowledge.search import Hit

    audiences = {"eu-freedom-of-movement": ["eu"], "residence-blue-card": ["third_country"]}

    class Articles:
        def maybe_reload(self):
            return False

        def search(self, text, k, query_vector=None):
            return [Hit("eu-freedom-of-movement", "c1", "", 0.95, "de", "eu_employment", 0.03),
                    Hit("residence-blue-card", "c2", "", 0.94, "de", "residence", 0.02)]

        def article(self, article_id, lang):
            return type("Article", (), {"audience": audiences[article_id]})()

    made = decision.decide(Articles(), "Ich habe eine Blaue Karte, darf ich den Job wechseln?", "de", "ask_residence",
                           0.5)

    assert made.kind == decision.ANSWER and made.article_id == "residence-blue-card"
    assert [h.article_id for h in made.hits] == ["residence-blue-card"]
