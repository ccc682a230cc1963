"""``check_knowledge`` and ``python -m bot check``: every rule names file, line and field."""

import datetime as dt

import pytest

from bot.cli import main
from bot.knowledge.check import check_knowledge

TODAY = dt.date(2026, 6, 1)
DE = "knowledge/articles/residence/eu-blue-card.de.md"


def report(knowledge_dir, severity="error", today=TODAY):
    """The formatted problems of one severity, as staff read them."""
    return [
        p.format(knowledge_dir.parent)
        for p in check_knowledge(knowledge_dir, today=today)
        if p.severity == severity
    ]


@pytest.fixture
def one_article(empty_knowledge_dir, write_article, make_article):
    """Write one German blue-card article (optionally edited) and return its folder."""

    def write(text=None, relative="residence/eu-blue-card.de.md"):
        write_article(empty_knowledge_dir, relative, text if text is not None else make_article())
        return empty_knowledge_dir

    return write


def test_the_sample_knowledge_has_no_errors(knowledge_dir):
    assert report(knowledge_dir) == []


def test_missing_front_matter(one_article):
    kdir = one_article("# Blaue Karte\n\n## Antrag\nText.\n")

    assert report(kdir) == [
        f"{DE}:1: front matter: the file must start with a line '---', then the fields, then '---'"
    ]


def test_unclosed_front_matter(one_article, make_article):
    kdir = one_article(make_article().replace("\n---\n_", "\n_", 1))

    assert report(kdir) == [
        f"{DE}:1: front matter: opened on line 1 but never closed: add a line '---' after the last field"
    ]


def test_front_matter_that_is_not_yaml_names_the_line_and_what_to_do(one_article, make_article):
    kdir = one_article(make_article().replace("regions: all", "regions: [15002"))

    assert report(kdir) == [(
        f"{DE}:11: front matter: the list in brackets [ ] that starts on this line is not closed with ']' "
        "(an entry that contains a colon or a comma needs quotes)"
    )]


@pytest.mark.parametrize("line, written, advice", [
    (4, "title: Blaue Karte: Gehalt", ("the text contains a colon (:) followed by a space — put the whole value "
                                       "in quotes")),
    (4, "title: 'Blaue Karte", "the quotation mark that opens on this line is never closed"),
    (4, "title: {{fact:minimum_wage_hourly}} pro Stunde", ("a value that starts with {{fact:…}} must be written "
                                                            "in quotes")),
    (4, "title: @Blaue Karte", "a value cannot start with '@' — put the whole value in quotes"),
    (4, '\ttitle: Blaue Karte', "the line contains a tab character; indent with spaces only"),
    (8, "     url: https://example.org/blue-card", ("this field cannot start here: line it up exactly with the "
                                                 "fields above it")),
])
def test_yaml_mistakes_are_explained_in_plain_words(one_article, make_article, line, written, advice):
    text = make_article().splitlines(keepends=True)
    text[line - 1] = written + "\n"
    kdir = one_article("".join(text))

    [problem] = [p for p in report(kdir) if ": front matter: " in p]
    assert problem.startswith(f"{DE}:{line}: front matter: {advice}"), problem


@pytest.mark.parametrize(
    "field, line",
    [("id", 2), ("topic", 3), ("title", 4), ("summary", 5), ("last_reviewed", 9), ("review_after", 10)],
)
def test_missing_required_field(one_article, make_article, field, line):
    lines = make_article().splitlines(keepends=True)
    del lines[line - 1]
    kdir = one_article("".join(lines))

    assert f"{DE}:1: {field}: is missing; every article needs it" in report(kdir)


def test_missing_sources(one_article, make_article):
    lines = make_article().splitlines(keepends=True)
    del lines[5:8]
    kdir = one_article("".join(lines))

    assert report(kdir) == [f"{DE}:1: sources: is missing; every article needs it"]


def test_empty_required_field_names_its_line(one_article, make_article):
    kdir = one_article(make_article(summary="''"))

    assert report(kdir) == [f"{DE}:5: summary: is empty"]


def test_unknown_topic(one_article, make_article):
    kdir = one_article(make_article(topic="housing"))

    assert report(kdir) == [
        (f"{DE}:3: topic: unknown topic 'housing' "
         "(use one of recognition, residence, language_course, eu_employment, living, general)")
    ]


def test_topic_must_match_its_folder(one_article, make_article):
    kdir = one_article(make_article(topic="recognition"))

    assert report(kdir) == [
        (f"{DE}:3: topic: 'recognition' does not match the folder 'residence' the file is in; "
         "move it to articles/recognition/ or fix the topic")
    ]


def test_file_name_must_match_the_id(one_article, make_article):
    kdir = one_article(make_article(article_id="blue-card"))

    assert report(kdir) == [
        f"{DE}:2: id: 'blue-card' does not match the file name 'eu-blue-card.de.md'; name the file blue-card.de.md"
    ]


def test_id_must_be_lowercase_kebab(one_article, make_article):
    kdir = one_article(make_article(article_id="EU_Blue_Card"), relative="residence/EU_Blue_Card.de.md")

    assert report(kdir) == [
        ("knowledge/articles/residence/EU_Blue_Card.de.md:2: id: 'EU_Blue_Card' must be lowercase letters, "
         "digits and hyphens, e.g. eu-blue-card")
    ]


def test_unsupported_language(one_article, make_article):
    kdir = one_article(make_article(), relative="residence/eu-blue-card.es.md")
    kdir = one_article(make_article())

    assert report(kdir) == [
        ("knowledge/articles/residence/eu-blue-card.es.md: file name: unsupported language 'es' in "
         "'eu-blue-card.es.md' (use one of de, en, ar, uk, ru, tr, pl, ro, fa, vi)")
    ]


def test_file_name_without_language(one_article, make_article):
    kdir = one_article(make_article(), relative="residence/eu-blue-card.md")
    kdir = one_article(make_article())

    assert report(kdir) == [
        ("knowledge/articles/residence/eu-blue-card.md: file name: 'eu-blue-card.md' must be named "
         "<id>.<language>.md, e.g. eu-blue-card.de.md")
    ]


def test_bad_date(one_article, make_article):
    kdir = one_article(make_article(last_reviewed="2026-13-01"))

    assert report(kdir) == [f"{DE}:9: last_reviewed: '2026-13-01' is not a date (use YYYY-MM-DD)"]


def test_date_in_another_format(one_article, make_article):
    kdir = one_article(make_article(review_after="31.12.2026"))

    assert report(kdir) == [f"{DE}:10: review_after: '31.12.2026' is not a date (use YYYY-MM-DD)"]


def test_review_after_before_last_reviewed(one_article, make_article):
    kdir = one_article(make_article(review_after="2025-12-31"))

    assert f"{DE}:10: review_after: 2025-12-31 is before last_reviewed 2026-01-10" in report(kdir)


def test_source_without_title(one_article, make_article):
    kdir = one_article(make_article(source_title="''"))

    assert report(kdir) == [f"{DE}:7: sources[0].title: source has no title"]


@pytest.mark.parametrize("url", ["www.make-it-in-germany.com", "ftp://example.org/x", "https://", "/de/visum",
                                 "https://exa mple.org"])
def test_source_url_must_be_a_full_web_address(one_article, make_article, url):
    kdir = one_article(make_article(url=f"'{url}'"))

    assert report(kdir) == [
        (f"{DE}:8: sources[0].url: {url!r} is not a valid web address "
         "(use a full address starting with https:// or http://)")
    ]


def test_source_without_url(one_article, make_article):
    lines = make_article().splitlines(keepends=True)
    del lines[7]
    kdir = one_article("".join(lines))

    assert report(kdir) == [
        f"{DE}:7: sources[0].url: missing (use a full address starting with https:// or http://)"
    ]


def test_regions_must_be_all_or_district_keys(one_article, make_article):
    kdir = one_article(make_article().replace("regions: all", "regions: [Halle]"))

    assert report(kdir) == [
        (f"{DE}:11: regions: 'Halle' is not a district key of Sachsen-Anhalt; "
         "use 'all' or a list of 5-digit district keys, e.g. [15002, 15003]")
    ]


def test_a_field_given_twice(one_article, make_article):
    kdir = one_article(make_article().replace("regions: all\n", "regions: all\ntitle: Noch einmal\n"))

    assert report(kdir) == [f"{DE}:12: title: appears twice (first on line 4); keep one"]


def test_unknown_field_is_a_warning(one_article, make_article):
    kdir = one_article(make_article().replace("regions: all\n", "regions: all\nreview-after: 2027-01-01\n"))

    assert report(kdir) == []
    assert any(w.startswith(f"{DE}:12: review-after: unknown field") for w in report(kdir, "warning"))


def test_two_german_files_with_the_same_id(one_article, make_article):
    one_article(make_article(topic="general"), relative="general/eu-blue-card.de.md")
    kdir = one_article(make_article())

    assert report(kdir) == [
        (f"{DE}:2: id: 'eu-blue-card' in language 'de' is already used by "
         f"{kdir}/articles/general/eu-blue-card.de.md; each id needs exactly one file per language")
    ]


def test_translation_without_german_original(one_article, make_article):
    kdir = one_article(make_article(lang="en", title="EU Blue Card"), relative="residence/eu-blue-card.en.md")

    assert report(kdir) == [
        ("knowledge/articles/residence/eu-blue-card.en.md:2: id: translation without a German original: "
         "add eu-blue-card.de.md (the German version is required)")
    ]


def test_translation_in_another_folder_than_the_original(one_article, make_article):
    one_article(make_article(lang="en", topic="general"), relative="general/eu-blue-card.en.md")
    kdir = one_article(make_article())

    assert report(kdir) == [
        ("knowledge/articles/general/eu-blue-card.en.md:3: topic: translation is in folder 'general' but the "
         "German original is in 'residence'; keep all versions in one folder")
    ]


def test_article_without_sections(one_article, make_article):
    kdir = one_article(make_article(body="Nur Text, keine Abschnitte."))

    assert report(kdir) == [
        f"{DE}:14: body: has no '## ' section; the text needs at least one '## Heading'"
    ]


def test_empty_section(one_article, make_article):
    kdir = one_article(make_article(body="## Antrag\nText.\n\n## Kosten\n\n## Dauer\nZwei Monate.\n"))

    assert report(kdir) == [f"{DE}:19: section: 'Kosten' has no text below its heading"]


def test_missing_disclaimer_is_a_warning(one_article, make_article):
    kdir = one_article(make_article().replace("_Allgemeine Information, keine Rechtsberatung._\n", ""))

    assert report(kdir) == []
    assert any(w.startswith(f"{DE}:14: body: should start with one italic line") for w in report(kdir, "warning"))


def test_missing_languages_are_warnings(knowledge_dir):
    warnings = report(knowledge_dir, "warning")

    assert f"{DE}: translations: 'eu-blue-card' has no version in ar, uk, ru, tr" in warnings
    assert (
        "knowledge/articles/language_course/integration-course.de.md: translations: "
        "'integration-course' has no version in en, ar, uk, ru, tr"
    ) in warnings


def test_an_older_review_date_alone_does_not_make_a_translation_out_of_date(one_article, make_article):
    # Translations are compared with the German text by content (tests/unit/test_knowledge_translations.py).
    one_article(make_article(lang="en", last_reviewed="2025-11-30"), relative="residence/eu-blue-card.en.md")
    kdir = one_article(make_article())

    assert not [w for w in report(kdir, "warning") if "last_reviewed" in w]


def test_article_past_review_after_is_a_warning(one_article):
    kdir = one_article()

    assert report(kdir, today=dt.date(2027, 1, 5)) == []
    assert (
        f"{DE}:10: review_after: review was due on 2026-12-31 (5 days ago); check the facts, "
        "then update last_reviewed and review_after"
    ) in report(kdir, "warning", today=dt.date(2027, 1, 5))


def test_article_a_year_past_review_after_is_an_error(one_article):
    kdir = one_article()

    assert report(kdir, today=dt.date(2027, 12, 31)) == []  # exactly 365 days: still a warning
    assert report(kdir, today=dt.date(2028, 1, 1)) == [
        (f"{DE}:10: review_after: review was due on 2026-12-31, more than 365 days ago; "
         "check the facts, then update last_reviewed and review_after")
    ]


def test_a_file_that_is_not_markdown_is_a_warning(knowledge_dir):
    (knowledge_dir / "articles/residence/notes.txt").write_text("todo", encoding="utf-8")

    assert report(knowledge_dir) == []
    assert (
        "knowledge/articles/residence/notes.txt: file name: not an article file "
        "(articles end in .<language>.md); it is ignored"
    ) in report(knowledge_dir, "warning")


def test_every_problem_of_a_file_is_reported_at_once(one_article, make_article):
    kdir = one_article(make_article(topic="housing", last_reviewed="gestern", url="'www.x.de'"))

    assert [line.split(": ")[0:2] for line in report(kdir)] == [
        [f"{DE}:3", "topic"], [f"{DE}:8", "sources[0].url"], [f"{DE}:9", "last_reviewed"],
    ]


# --- python -m bot check --------------------------------------------------------------------

@pytest.fixture
def settings_env(monkeypatch, tmp_path):
    def use(knowledge_dir):
        monkeypatch.setenv("ADVISOR_KNOWLEDGE_DIR", str(knowledge_dir))
        monkeypatch.setenv("ADVISOR_VAR_DIR", str(tmp_path / "var"))

    return use


def test_check_command_prints_errors_and_fails(one_article, make_article, settings_env, capsys):
    settings_env(one_article(make_article(last_reviewed="2026-13-01")))

    code = main(["check", "--today", "2026-06-01"])

    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out[0] == f"{DE}:9: last_reviewed: '2026-13-01' is not a date (use YYYY-MM-DD)"
    assert "Checked 1 article files: 1 error, 1 warning." in out


def test_check_command_passes_with_warnings_only(knowledge_dir, settings_env, capsys):
    settings_env(knowledge_dir)

    code = main(["check", "--today", "2026-06-01"])

    out = capsys.readouterr().out
    assert code == 0
    assert "Warnings (they do not stop the index build):" in out
    # Two articles lack languages, one lacks its translation record (translations.yml).
    assert out.splitlines()[-1] == "Checked 4 article files: 0 errors, 4 warnings."


def test_check_command_uses_today_for_review_dates(knowledge_dir, settings_env, capsys):
    settings_env(knowledge_dir)

    assert main(["check", "--today", "2028-01-01"]) == 1
    assert "more than 365 days ago" in capsys.readouterr().out


def test_check_command_rejects_a_bad_today(knowledge_dir, settings_env, capsys):
    settings_env(knowledge_dir)

    with pytest.raises(SystemExit) as caught:
        main(["check", "--today", "1.1.2026"])

    assert caught.value.code == 2
    assert "'1.1.2026' is not a date (use YYYY-MM-DD)" in capsys.readouterr().err
