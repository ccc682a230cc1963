"""Figures in answers: the value of the day, in the reader's language, and a note when it may be out of date."""

import datetime as dt
import json
from decimal import Decimal

import pytest

from bot.knowledge.facts import Fact, FactBook, FactValue, load_facts
from bot.knowledge.index import build_index, content_hash
from bot.knowledge.rendering import format_value, render_text
from bot.knowledge.search import KnowledgeBase
from tests.unit.test_knowledge_facts import MINIMUM_WAGE, write_facts

SOURCE = ("Verordnung", "https://www.gesetze-im-internet.de/x/")


def value(amount, start, end):
    return FactValue(Decimal(amount), dt.date.fromisoformat(start), end and dt.date.fromisoformat(end), *SOURCE)


#: Minimum wage with the 2027 value known; minijob limit with only the 2026 value known.
FACTS = FactBook({
    "minimum_wage_hourly": Fact("minimum_wage_hourly", "Mindestlohn", "money", (
        value("12.82", "2025-01-01", "2025-12-31"), value("13.90", "2026-01-01", "2026-12-31"),
        value("14.60", "2027-01-01", "2027-12-31"))),
    "minijob_limit": Fact("minijob_limit", "Minijob-Grenze", "money", (value("603", "2026-01-01", "2026-12-31"),)),
    "course_fee": Fact("course_fee", "Kostenbeitrag", "money", (value("2.56", "2026-07-01", "2027-06-30"),)),
    "share": Fact("share", "Anteil", "percent", (value("45.3", "2026-01-01", "2026-12-31"),)),
})
NEW_YEARS_EVE, NEW_YEAR = dt.date(2026, 12, 31), dt.date(2027, 1, 1)
WAGE, MINIJOB = "{{fact:minimum_wage_hourly}}", "{{fact:minijob_limit}}"


@pytest.mark.parametrize("lang, shown", [
    ("de", "13,90\xa0€"), ("en", "€13.90"), ("uk", "13,90\xa0EUR"), ("tr", "€13,90"), ("pl", "13,90\xa0€"),
])
def test_money_is_written_as_the_language_writes_it(lang, shown):
    assert render_text(WAGE, FACTS, lang, NEW_YEARS_EVE) == shown


def test_whole_amounts_have_no_cents_and_percentages_keep_their_decimals():
    assert render_text(MINIJOB, FACTS, "de", NEW_YEARS_EVE) == "603\xa0€"
    assert render_text(MINIJOB, FACTS, "en", NEW_YEARS_EVE) == "€603"
    assert render_text("{{fact:share}}", FACTS, "de", NEW_YEARS_EVE) == "45,3\xa0%"
    assert render_text("{{fact:share}}", FACTS, "en", NEW_YEARS_EVE) == "45.3%"


def test_at_the_year_boundary_the_known_new_value_takes_over():
    text = f"Der Mindestlohn beträgt {WAGE} pro Stunde."

    assert render_text(text, FACTS, "de", NEW_YEARS_EVE) == "Der Mindestlohn beträgt 13,90\xa0€ pro Stunde."
    assert render_text(text, FACTS, "de", NEW_YEAR) == "Der Mindestlohn beträgt 14,60\xa0€ pro Stunde."


def test_an_expired_value_without_a_successor_says_so_in_the_readers_language():
    assert render_text(f"Grenze: {MINIJOB} im Monat.", FACTS, "de", NEW_YEARS_EVE) == "Grenze: 603\xa0€ im Monat."
    assert render_text(f"Grenze: {MINIJOB} im Monat.", FACTS, "de", NEW_YEAR) == (
        "Grenze: 603\xa0€ (dies war der Wert für 2026; der Wert für 2027 war bei der letzten Prüfung noch "
        "nicht veröffentlicht) im Monat.")
    assert render_text(f"Limit: {MINIJOB} a month.", FACTS, "en", NEW_YEAR) == (
        "Limit: €603 (this was the 2026 figure; the 2027 figure had not yet been published when this was "
        "last checked) a month.")
    assert "قيمة عام 2027" in render_text(MINIJOB, FACTS, "ar", NEW_YEAR)


def test_several_figures_with_notes_are_marked_and_the_notes_follow_the_text():
    text = f"Bis {MINIJOB} im Monat, ab {{{{fact:course_fee}}}} je Stunde, bis {MINIJOB} frei."

    assert render_text(text, FACTS, "de", NEW_YEAR.replace(month=8)) == (
        "Bis 603\xa0€¹ im Monat, ab 2,56\xa0€² je Stunde, bis 603\xa0€¹ frei.\n"
        "\n¹ dies war der Wert für 2026; der Wert für 2027 war bei der letzten Prüfung noch nicht veröffentlicht"
        "\n² dieser Wert galt bis zum 30. Juni 2027; ein neuerer Wert war bei der letzten Prüfung noch nicht "
        "veröffentlicht")


def test_a_value_that_did_not_last_a_calendar_year_names_its_last_day():
    assert render_text("{{fact:course_fee}}", FACTS, "de", dt.date(2027, 8, 1)) == (
        "2,56\xa0€ (dieser Wert galt bis zum 30. Juni 2027; ein neuerer Wert war bei der letzten Prüfung "
        "noch nicht veröffentlicht)")


def test_a_value_that_applies_only_later_says_from_when():
    assert render_text("{{fact:course_fee}}", FACTS, "en", dt.date(2026, 3, 1)) == "€2.56 (applies from July 1, 2026)"


def test_a_year_reference_shows_the_value_of_that_year_without_a_note():
    text = "2025: {{fact:minimum_wage_hourly@2025}}, 2026: {{fact:minimum_wage_hourly@2026}}"

    assert render_text(text, FACTS, "de", dt.date(2030, 1, 1)) == "2025: 12,82\xa0€, 2026: 13,90\xa0€"


def test_the_search_text_has_no_notes():
    assert render_text(MINIJOB, FACTS, "de", NEW_YEAR, notes=False) == "603\xa0€"


def test_dates_are_written_in_the_language():
    fact = Fact("deadline", "Frist", "date", ())
    deadline = FactValue(dt.date(2027, 6, 30), dt.date(2026, 1, 1), None, *SOURCE)

    assert format_value(fact, deadline, "de") == "30. Juni 2027"
    assert format_value(fact, deadline, "en") == "June 30, 2027"


# --- through the index build and the knowledge base --------------------------------------------

@pytest.fixture
def wage_knowledge(empty_knowledge_dir, write_article, make_article):
    write_facts(empty_knowledge_dir, MINIMUM_WAGE)
    write_article(empty_knowledge_dir, "residence/eu-blue-card.de.md", make_article(
        summary=f"'{WAGE} brutto pro Stunde.'", body=f"## Lohn\nMindestens {WAGE} pro Stunde.\n"))
    write_article(empty_knowledge_dir, "residence/eu-blue-card.en.md", make_article(
        lang="en", summary=f"'{WAGE} gross an hour.'", body=f"## Wage\nAt least {WAGE} an hour.\n"))
    return empty_knowledge_dir


def test_answers_show_the_value_of_the_day_they_are_given(wage_knowledge, index_dir, hashing_embedder):
    build_index(wage_knowledge, index_dir, hashing_embedder, today=NEW_YEARS_EVE)
    day = [NEW_YEARS_EVE]
    kb = KnowledgeBase(index_dir, hashing_embedder, today=lambda: day[0])
    kb.load()

    assert kb.article("eu-blue-card", "de").summary == "13,90\xa0€ brutto pro Stunde."
    day[0] = NEW_YEAR
    assert kb.article("eu-blue-card", "de").summary == "14,60\xa0€ brutto pro Stunde."
    assert kb.article("eu-blue-card", "en").sections[0].text == "At least €14.60 an hour."


def test_the_build_embeds_the_values_of_its_day_and_keeps_references_and_facts(wage_knowledge, index_dir,
                                                                               hashing_embedder):
    result = build_index(wage_knowledge, index_dir, hashing_embedder, today=NEW_YEARS_EVE)

    chunks = [json.loads(line) for line in (result.path / "chunks.jsonl").read_text(encoding="utf-8").splitlines()]
    articles = json.loads((result.path / "articles.json").read_text(encoding="utf-8"))
    facts = json.loads((result.path / "facts.json").read_text(encoding="utf-8"))
    assert "13,90\xa0€ brutto pro Stunde." in chunks[0]["text"]
    assert articles[0]["summary"] == f"{WAGE} brutto pro Stunde."
    assert [v["value"] for v in facts["minimum_wage_hourly"]["values"]] == ["13.90", "14.60"]


def test_a_new_year_makes_the_next_build_embed_the_new_value(wage_knowledge, index_dir, hashing_embedder):
    first = build_index(wage_knowledge, index_dir, hashing_embedder, today=NEW_YEARS_EVE)
    same_year = build_index(wage_knowledge, index_dir, hashing_embedder, today=dt.date(2026, 12, 30))
    new_year = build_index(wage_knowledge, index_dir, hashing_embedder, today=NEW_YEAR)

    assert same_year.skipped and not new_year.skipped and new_year.build_id != first.build_id
    chunk = json.loads((new_year.path / "chunks.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert "14,60\xa0€" in chunk["text"]


def test_the_content_hash_covers_the_facts_files(wage_knowledge):
    before = content_hash(wage_knowledge, "e", NEW_YEARS_EVE)
    write_facts(wage_knowledge, MINIMUM_WAGE.replace("14.60", "14.61"))

    assert content_hash(wage_knowledge, "e", NEW_YEARS_EVE) != before
    assert str(load_facts(wage_knowledge)["minimum_wage_hourly"].values[1].value) == "14.61"
