"""Translations out of date by content: a changed German text is noticed, a new review date is not."""

import datetime as dt

import pytest

from bot.cli import main
from bot.knowledge.check import check_knowledge

TODAY = dt.date(2026, 6, 1)
DE = "knowledge/articles/residence/eu-blue-card.de.md"
BODY = "## Voraussetzungen\nEin Hochschulabschluss.\n\n## Antrag\nBei der Ausländerbehörde.\n"


@pytest.fixture
def kdir(empty_knowledge_dir, write_article, make_article, monkeypatch, tmp_path):
    """German, English and Arabic versions of one article; ``python -m bot`` works on this folder."""
    write_article(empty_knowledge_dir, "residence/eu-blue-card.de.md", make_article(body=BODY))
    for lang in ("en", "ar"):
        write_article(empty_knowledge_dir, f"residence/eu-blue-card.{lang}.md",
                      make_article(lang=lang, body="## Requirements\nA degree.\n\n## Application\nAt the office.\n"))
    monkeypatch.setenv("ADVISOR_KNOWLEDGE_DIR", str(empty_knowledge_dir))
    monkeypatch.setenv("ADVISOR_VAR_DIR", str(tmp_path / "var"))
    return empty_knowledge_dir


def translation_warnings(knowledge_dir):
    return [p.format(knowledge_dir.parent) for p in check_knowledge(knowledge_dir, today=TODAY)
            if p.field == "translations" and "has no version" not in p.message]


def change_german(write_article, make_article, kdir, **fields):
    write_article(kdir, "residence/eu-blue-card.de.md", make_article(**{"body": BODY, **fields}))


def test_translations_without_a_record_are_a_warning_with_the_command(kdir):
    assert translation_warnings(kdir) == [
        (f"{DE}: translations: no record that the translations ar, en follow this German text; once they say "
        "the same, run `python -m bot mark-translated eu-blue-card ar en`")]


def test_after_marking_nothing_is_reported(kdir, capsys):
    assert main(["mark-translated", "eu-blue-card"]) == 0

    assert capsys.readouterr().out.strip() == "eu-blue-card: ar, en recorded as following the current German text"
    assert translation_warnings(kdir) == []
    assert (kdir / "translations.yml").read_text(encoding="utf-8").startswith("# Written by `python -m bot")


def test_a_changed_section_marks_the_translations_out_of_date(kdir, write_article, make_article):
    main(["mark-translated", "eu-blue-card"])
    change_german(write_article, make_article, kdir, body=BODY.replace("Ein Hochschulabschluss.",
                                                                       "Ein Hochschulabschluss oder IT-Erfahrung."))

    assert translation_warnings(kdir) == [
        (f"{DE}: translations: the German text changed since the translations ar, en were last brought up to "
        "date (changed: section 'Voraussetzungen'); update them, then run "
        "`python -m bot mark-translated eu-blue-card ar en`")]


def test_each_language_is_told_its_own_changes(kdir, write_article, make_article):
    main(["mark-translated", "eu-blue-card"])
    change_german(write_article, make_article, kdir, summary="Neu zusammengefasst.")
    main(["mark-translated", "eu-blue-card", "en"])
    change_german(write_article, make_article, kdir, summary="Neu zusammengefasst.",
                  body=BODY + "\n## Kosten\n100 Euro.\n")

    assert translation_warnings(kdir) == [
        (f"{DE}: translations: the German text changed since the translations ar were last brought up to date "
        "(changed: summary, new section 'Kosten'); update them, then run "
        "`python -m bot mark-translated eu-blue-card ar`"),
        (f"{DE}: translations: the German text changed since the translations en were last brought up to date "
        "(changed: new section 'Kosten'); update them, then run `python -m bot mark-translated eu-blue-card en`"),
    ]


def test_a_new_review_date_or_rewrapped_lines_change_nothing(kdir, write_article, make_article):
    main(["mark-translated", "eu-blue-card"])
    change_german(write_article, make_article, kdir, last_reviewed="2026-05-01",
                  body=BODY.replace("Ein Hochschulabschluss.", "Ein\n  Hochschulabschluss."))

    assert translation_warnings(kdir) == []


def test_a_removed_section_is_named(kdir, write_article, make_article):
    main(["mark-translated", "eu-blue-card"])
    change_german(write_article, make_article, kdir, body="## Voraussetzungen\nEin Hochschulabschluss.\n")

    assert "(changed: removed section 'Antrag')" in translation_warnings(kdir)[0]


def test_marking_refuses_a_language_without_translation(kdir, capsys):
    assert main(["mark-translated", "eu-blue-card", "tr"]) == 1
    assert "'eu-blue-card' has no translation in tr (it has: ar, en)" in capsys.readouterr().err


def test_marking_all_and_forgetting_deleted_translations(kdir, capsys):
    assert main(["mark-translated", "--all"]) == 0
    (kdir / "articles/residence/eu-blue-card.ar.md").unlink()

    assert main(["mark-translated", "eu-blue-card"]) == 0
    assert "forgotten (no such translation any more): eu-blue-card.ar" in capsys.readouterr().out
    assert "ar:" not in (kdir / "translations.yml").read_text(encoding="utf-8")


def test_a_hand_edited_record_is_reported(kdir):
    main(["mark-translated", "eu-blue-card"])
    path = kdir / "translations.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("translations:", "translation:"), encoding="utf-8")

    [problem] = [p for p in check_knowledge(kdir, today=TODAY) if p.path == path]
    assert problem.format(kdir.parent).startswith("knowledge/translations.yml:12: eu-blue-card.translation: unknown "
                                                  "field; the file is written by `python -m bot mark-translated`: "
                                                  "restore it from git")


def test_the_shipped_record_covers_every_translation():
    from bot.knowledge.articles import article_files, parse_article_file
    from bot.knowledge.translations import check_translations
    from bot.settings import PROJECT_ROOT

    knowledge = PROJECT_ROOT / "knowledge"
    versions = {}
    for path in article_files(knowledge):
        parsed = parse_article_file(path)
        versions.setdefault(parsed.name_id, {})[parsed.lang] = parsed

    assert [p.message for p in check_translations(knowledge, versions) if "no record" in p.message] == []
