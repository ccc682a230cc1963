"""The glossary check: a legal term a translation uses must also be given in German."""

import datetime as dt

import pytest

from bot.cli import main
from bot.knowledge.check import check_knowledge
from bot.knowledge.glossary import GLOSSARY_FILE, Term, load_glossary, read_glossary
from bot.settings import PROJECT_ROOT

TODAY = dt.date(2026, 6, 1)
DE = "residence/eu-blue-card.de.md"

GLOSSARY = """\
# test glossary
terms:
  - de: [Blaue Karte EU, Blaue* Karte*]
    en: [blue card*]
    ar: [بطاقة زرقاء, بطاقت* زرقاء]
    ru: [голуб* карт* ЕС, голуб* карт*]
    fa: [کارت آبی]
  - de: [Ausländerbehörde*]
    en: ["foreigners' authorit*"]
    ru: [ведомств* по делам иностранцев]
  - de: [Anerkennung*]
    en: [recognition]
"""

GERMAN_BODY = (
    "## Antrag\n"
    "Die Blaue Karte EU beantragen Sie bei der Ausländerbehörde.\n"
)


@pytest.fixture
def kdir(empty_knowledge_dir):
    (empty_knowledge_dir / GLOSSARY_FILE).write_text(GLOSSARY, encoding="utf-8")
    return empty_knowledge_dir


@pytest.fixture
def write(kdir, write_article, make_article):
    """write(lang, summary=..., body=...) writes one language version of the blue-card article."""

    def write_version(lang, summary, body, title="Blaue Karte EU"):
        write_article(kdir, f"residence/eu-blue-card.{lang}.md",
                      make_article(lang=lang, title=title, summary=summary, body=body))
        return kdir

    write_version("de", "Die Blaue Karte EU ist ein Aufenthaltstitel.", GERMAN_BODY)
    return write_version


def errors(knowledge_dir):
    return [p.format(knowledge_dir.parent) for p in check_knowledge(knowledge_dir, today=TODAY)
            if p.severity == "error"]


def glossary_errors(knowledge_dir):
    return [p for p in errors(knowledge_dir) if p.startswith(f"knowledge/{GLOSSARY_FILE}")]


def test_translation_with_the_german_terms_in_brackets_passes(write):
    kdir = write(
        "en", "The EU Blue Card (Blaue Karte EU) is a residence title.",
        "## Application\nYou apply for the EU Blue Card (Blaue Karte EU) at the foreigners' authority "
        "(Ausländerbehörde).\n",
    )

    assert errors(kdir) == []


def test_term_missing_in_the_text_names_the_line_of_its_first_mention(write):
    kdir = write(
        "en", "The EU Blue Card (Blaue Karte EU) is a residence title.",
        "## The Blue Card\nFirst line without it.\nYou apply for the EU Blue Card at the foreigners' authority "
        "(Ausländerbehörde).\n",
    )

    # line 16 is the heading, which also mentions the card; the report names the first line of text
    assert errors(kdir) == [
        ("knowledge/articles/residence/eu-blue-card.en.md:18: body: 'Blue Card' is the legal term "
         "'Blaue Karte EU', which is not given in German in the body; write '(Blaue Karte EU)' after its "
         "first mention (see glossary.yml)")
    ]


def test_term_missing_in_the_summary_names_the_summary(write):
    kdir = write(
        "en", "The EU Blue Card is a residence title.",
        "## Application\nYou apply for the EU Blue Card (Blaue Karte EU) at the foreigners' authority "
        "(Ausländerbehörde).\n",
    )

    [problem] = errors(kdir)
    assert problem.startswith("knowledge/articles/residence/eu-blue-card.en.md:5: summary: 'Blue Card' is the "
                              "legal term 'Blaue Karte EU'")


def test_a_term_the_german_text_does_not_use_is_not_required(write):
    kdir = write(
        "en", "The EU Blue Card (Blaue Karte EU) is a residence title.",
        "## Application\nYou apply for the EU Blue Card (Blaue Karte EU) at the foreigners' authority "
        "(Ausländerbehörde) after recognition of your degree.\n",
    )

    assert errors(kdir) == []  # "recognition", but no "Anerkennung" in the German original


def test_the_summary_needs_only_the_terms_of_the_german_summary(write):
    kdir = write(
        "en", "The EU Blue Card (Blaue Karte EU) is issued by the foreigners' authority.",
        "## Application\nYou apply for the EU Blue Card (Blaue Karte EU) at the foreigners' authority "
        "(Ausländerbehörde).\n",
    )

    assert errors(kdir) == []  # the German summary does not name the Ausländerbehörde


def test_a_german_compound_gives_the_term(write, make_article, write_article, kdir):
    write_article(kdir, DE, make_article(
        summary="Die Blaue Karte EU ist ein Aufenthaltstitel.",
        body="## Antrag\nOft braucht man eine Anerkennung.\n"))
    write("en", "The EU Blue Card (Blaue Karte EU) is a residence title.",
          "## Application\nYou often need recognition (Anerkennungsverfahren).\n")

    assert errors(kdir) == []


def test_inflected_russian_forms_are_found(write):
    kdir = write(
        "ru", "Голубая карта ЕС (Blaue Karte EU) – вид на жительство.",
        "## Заявление\nЗаявление на Голубую карту ЕС подают в ведомстве по делам иностранцев (Ausländerbehörde).\n",
    )

    [problem] = errors(kdir)
    assert "eu-blue-card.ru.md:17: body: 'Голубую карту ЕС' is the legal term 'Blaue Karte EU'" in problem


def test_arabic_prefixes_and_article_are_found(write):
    kdir = write(
        "ar", "البطاقة الزرقاء الأوروبية (Blaue Karte EU) سند إقامة.",
        "## الطلب\nتقدّم طلب الحصول على بطاقتك الزرقاء لدى الدائرة المختصة.\n",
    )

    [problem] = errors(kdir)
    assert "eu-blue-card.ar.md:17: body: 'بطاقتك الزرقاء' is the legal term 'Blaue Karte EU'" in problem


def test_farsi_text_written_with_arabic_letters_is_found(write):
    kdir = write("fa", "كارت آبی اتحادیه اروپا یک مجوز اقامت است.", "## درخواست\nمتن.\n")  # Arabic kaf

    [problem] = errors(kdir)
    assert "eu-blue-card.fa.md:5: summary: 'كارت آبی' is the legal term 'Blaue Karte EU'" in problem


def test_german_in_the_title_or_keywords_does_not_count_for_the_text(write):
    kdir = write(
        "en", "The EU Blue Card (Blaue Karte EU) is a residence title.",
        "## Application\nYou apply for the EU Blue Card at the foreigners' authority (Ausländerbehörde).\n",
        title="EU Blue Card (Blaue Karte EU)",
    )

    assert [p.split(": ")[1] for p in errors(kdir)] == ["body"]


def test_without_a_glossary_file_nothing_is_required(write, kdir):
    (kdir / GLOSSARY_FILE).unlink()
    write("en", "The EU Blue Card is a residence title.", "## Application\nAt the foreigners' authority.\n")

    assert errors(kdir) == []


# --- the glossary file ------------------------------------------------------------------------


def test_a_glossary_that_is_not_yaml_names_the_line(kdir):
    (kdir / GLOSSARY_FILE).write_text("terms:\n  - de: [Visum\n", encoding="utf-8")

    [problem] = glossary_errors(kdir)
    assert problem.startswith("knowledge/glossary.yml:3: glossary: is not valid YAML")


@pytest.mark.parametrize("entry, expected", [
    ("  - en: [visa]\n", "knowledge/glossary.yml:2: terms[0]: has no 'de:' line with the German term"),
    ("  - de: Visum\n    xx: [visa]\n", "knowledge/glossary.yml:3: terms[0].xx: unknown language"),
    ("  - de: Visum\n    en: [visa, '']\n", "knowledge/glossary.yml:3: terms[0].en: must be a word or a list"),
    ("  - de: Visum\n  - de: [Visum, Visa]\n",
     "knowledge/glossary.yml:3: terms[1].de: 'Visum' is already listed on line 2; keep one entry"),
])
def test_glossary_entries_are_checked(kdir, entry, expected):
    (kdir / GLOSSARY_FILE).write_text("terms:\n" + entry, encoding="utf-8")

    [problem] = glossary_errors(kdir)
    assert problem.startswith(expected)


def test_a_glossary_without_terms_is_an_error(kdir):
    (kdir / GLOSSARY_FILE).write_text("- de: Visum\n", encoding="utf-8")

    assert glossary_errors(kdir) == [
        ("knowledge/glossary.yml:1: terms: the file must have a list 'terms:' with one '- de: ...' entry "
         "per German term")
    ]


def test_forms_match_whole_words_and_star_endings():
    term = Term("Visum", ("Visum*", "Visa"), {"en": ("visa", "visas"), "uk": ("віза", "візу")})

    assert term.in_german("Den Visumantrag stellen")
    assert not term.in_german("die Visagistin")
    assert term.translated("Apply for the VISA now", "en") == "VISA"
    assert term.translated("a visit", "en") is None
    assert term.translated("Подайте заяву на візу.", "uk") == "візу"
    assert term.translated("візит", "uk") is None


def test_the_project_glossary_loads_and_the_articles_give_every_term(tmp_path):
    glossary = load_glossary(PROJECT_ROOT / "knowledge")
    assert len(glossary.terms) >= 40
    assert {"Aufenthaltserlaubnis", "Ausländerbehörde", "Fiktionsbescheinigung", "Zeugnisbewertung"} <= {
        t.german for t in glossary.terms}

    problems = [p for p in check_knowledge(PROJECT_ROOT / "knowledge")
                if p.severity == "error" and "glossary" in p.message + str(p.path)]
    assert problems == []


def test_check_command_fails_on_a_missing_german_term(write, monkeypatch, tmp_path, capsys):
    kdir = write("en", "The EU Blue Card is a residence title.", GERMAN_BODY)
    monkeypatch.setenv("ADVISOR_KNOWLEDGE_DIR", str(kdir))
    monkeypatch.setenv("ADVISOR_VAR_DIR", str(tmp_path / "var"))

    assert main(["check", "--today", "2026-06-01"]) == 1
    assert "write '(Blaue Karte EU)' after its first mention" in capsys.readouterr().out


def test_read_glossary_reports_nothing_for_a_folder_without_one(empty_knowledge_dir):
    assert read_glossary(empty_knowledge_dir) == (None, [])
