"""Official sources first: check warns about non-official sites that are not marked secondary."""

import datetime as dt

import pytest

from bot.knowledge.articles import parse_article_file
from bot.knowledge.check import check_knowledge

TODAY = dt.date(2026, 6, 1)
DE = "knowledge/articles/residence/eu-blue-card.de.md"
EN = "knowledge/articles/residence/eu-blue-card.en.md"
NOT_OFFICIAL = ("is not an official source (source-domains.yml): if no official page (law text, BAMF, BA, the "
                "Land's or district's page) says the same, keep it with the line 'secondary: true'; otherwise "
                "replace it with the official page")
#: The sample template's one source (lines 6-8), followed by a second one (lines 9-11).
TWO_SOURCES = ("sources:\n  - title: Example source\n    url: https://example.org/blue-card\n"
               "  - title: Jobbatical blog\n    url: https://www.jobbatical.com/de/blog/x\n")


@pytest.fixture
def kdir(empty_knowledge_dir):
    (empty_knowledge_dir / "source-domains.yml").write_text(
        "non_official:\n  - jobbatical.com   # agency\n  - visaguard.berlin\n", encoding="utf-8")
    return empty_knowledge_dir


def with_sources(make_article, sources, **fields):
    original = "sources:\n  - title: Example source\n    url: https://example.org/blue-card\n"
    return make_article(**fields).replace(original, sources)


def warnings(knowledge_dir, field_prefix="sources"):
    return [p.format(knowledge_dir.parent) for p in check_knowledge(knowledge_dir, today=TODAY)
            if p.severity == "warning" and p.field.startswith(field_prefix)]


def test_a_listed_site_is_a_warning_on_its_line(kdir, write_article, make_article):
    write_article(kdir, "residence/eu-blue-card.de.md", with_sources(make_article, TWO_SOURCES))

    assert warnings(kdir) == [f"{DE}:10: sources[1]: jobbatical.com {NOT_OFFICIAL}"]


def test_marked_secondary_it_is_fine_and_listed_after_the_official_ones(kdir, write_article, make_article):
    secondary_first = ("sources:\n  - title: Jobbatical blog\n    url: https://blog.jobbatical.com/x\n"
                       "    secondary: true\n"
                       "  - title: Example source\n    url: https://example.org/blue-card\n")
    path = write_article(kdir, "residence/eu-blue-card.de.md", with_sources(make_article, secondary_first))

    assert warnings(kdir) == []
    assert [(s.title, s.secondary) for s in parse_article_file(path).article.sources] == [
        ("Example source", False), ("Jobbatical blog", True)]


def test_an_article_without_an_official_source_is_a_warning(kdir, write_article, make_article):
    only = "sources:\n  - title: Visaguard\n    url: https://visaguard.berlin/family\n    secondary: true\n"
    write_article(kdir, "residence/eu-blue-card.de.md", with_sources(make_article, only))

    assert warnings(kdir) == [
        (f"{DE}:6: sources: no official source: every source is secondary or on the list of non-official sites; "
        "add the official page (law text, BAMF, BA, make-it-in-germany.com, the Land's or district's own page) "
        "first")]


def test_a_translation_hears_only_what_its_german_version_does_not(kdir, write_article, make_article):
    write_article(kdir, "residence/eu-blue-card.de.md", with_sources(make_article, TWO_SOURCES))
    write_article(kdir, "residence/eu-blue-card.en.md", with_sources(make_article, TWO_SOURCES, lang="en"))
    assert warnings(kdir) == [f"{DE}:10: sources[1]: jobbatical.com {NOT_OFFICIAL}"]

    write_article(kdir, "residence/eu-blue-card.de.md",
                  with_sources(make_article, TWO_SOURCES + "    secondary: true\n"))
    assert warnings(kdir) == [f"{EN}:10: sources[1]: jobbatical.com {NOT_OFFICIAL}"]


def test_secondary_must_be_true_or_false(kdir, write_article, make_article):
    write_article(kdir, "residence/eu-blue-card.de.md",
                  with_sources(make_article, TWO_SOURCES + "    secondary: ja\n"))

    assert [p.format(kdir.parent) for p in check_knowledge(kdir, today=TODAY) if p.severity == "error"] == [
        f"{DE}:11: sources[1].secondary: must be true or false (true: a commercial, blog, law-firm or agency page)"]


def test_the_list_itself_is_checked(kdir):
    (kdir / "source-domains.yml").write_text("non_official:\n  - https://www.jobbatical.com/de\n  - not a site\n",
                                             encoding="utf-8")

    assert [p.format(kdir.parent) for p in check_knowledge(kdir, today=TODAY) if p.path.name == "source-domains.yml"] == [
        ("knowledge/source-domains.yml:3: non_official[1]: 'not a site' is not a web site name; write just the name, "
        "e.g. jobbatical.com")]


def test_the_shipped_list_names_the_commercial_sites_of_todays_articles():
    from bot.knowledge.sources import read_source_domains
    from bot.settings import PROJECT_ROOT

    domains, problems = read_source_domains(PROJECT_ROOT / "knowledge")

    assert problems == []
    assert {"jobbatical.com", "visaguard.berlin", "rtpartner.de", "aufenthaltserlaubnis-berlin.de"} <= set(domains)
