"""Reading articles: front matter with line numbers, sections, and the Article round trip."""

import datetime as dt
from pathlib import Path

import pytest

from bot.knowledge.articles import Article, ArticleError, Section, Source, load_articles, parse_article_file


def test_a_valid_article_is_read_with_all_fields(knowledge_dir):
    article = parse_article_file(knowledge_dir / "articles/residence/eu-blue-card.en.md").article

    assert article.id == "eu-blue-card"
    assert article.lang == "en"
    assert article.topic == "residence"
    assert article.title == "EU Blue Card (Blaue Karte EU)"
    assert article.summary.startswith("The EU Blue Card is a residence permit")
    assert article.sources == [Source("Example source", "https://example.org/blue-card")]
    assert article.last_reviewed == dt.date(2026, 1, 10)
    assert article.review_after == dt.date(2026, 12, 31)
    assert article.regions == "all"
    assert article.keywords == ["Blue Card", "salary threshold"]


def test_sections_start_at_level_two_headings_and_skip_the_disclaimer(knowledge_dir):
    article = parse_article_file(knowledge_dir / "articles/residence/eu-blue-card.en.md").article

    assert article.sections == [
        Section("Requirements", "A university degree and an employment contract with a minimum salary.", 16),
        Section("Application", "You apply at the foreigners' authority (Ausländerbehörde).", 19),
    ]
    assert all("legal advice" not in s.text for s in article.sections)


def test_subheadings_stay_inside_their_section(empty_knowledge_dir, write_article, make_article):
    body = "## Kosten\nText.\n### Ermäßigung\nWeniger.\n## Dauer\nZwei Monate.\n"
    path = write_article(empty_knowledge_dir, "residence/eu-blue-card.de.md", make_article(body=body))

    sections = parse_article_file(path).article.sections

    assert [s.heading for s in sections] == ["Kosten", "Dauer"]
    assert sections[0].text == "Text.\n### Ermäßigung\nWeniger."


def test_regions_may_list_district_keys(empty_knowledge_dir, write_article, make_article):
    text = make_article().replace("regions: all", "regions: [15002, '15003']")
    path = write_article(empty_knowledge_dir, "residence/eu-blue-card.de.md", text)

    article = parse_article_file(path).article

    assert article.regions == ["15002", "15003"]
    assert article.applies_to("15003") and not article.applies_to("15091")


def test_dates_are_read_even_when_quoted(empty_knowledge_dir, write_article, make_article):
    text = make_article(last_reviewed="'2026-02-03'")
    path = write_article(empty_knowledge_dir, "residence/eu-blue-card.de.md", text)

    assert parse_article_file(path).article.last_reviewed == dt.date(2026, 2, 3)


def test_load_articles_returns_every_language_version(knowledge_dir):
    articles = load_articles(knowledge_dir)

    assert sorted((a.id, a.lang) for a in articles) == [
        ("eu-blue-card", "de"), ("eu-blue-card", "en"), ("integration-course", "de"),
        ("nursing-recognition", "de"),
    ]


def test_load_articles_refuses_a_broken_file_and_names_file_line_and_field(knowledge_dir, write_article, make_article):
    write_article(knowledge_dir, "residence/eu-blue-card.de.md", make_article(last_reviewed="2026-13-01"))

    with pytest.raises(ArticleError) as caught:
        load_articles(knowledge_dir)

    [problem] = caught.value.problems
    assert problem.format(knowledge_dir.parent) == (
        "knowledge/articles/residence/eu-blue-card.de.md:9: last_reviewed: '2026-13-01' is not a date (use YYYY-MM-DD)"
    )


def test_article_survives_the_round_trip_through_json(knowledge_dir):
    article = parse_article_file(knowledge_dir / "articles/residence/eu-blue-card.de.md").article

    data = article.to_dict(relative_to=knowledge_dir)
    again = Article.from_dict(data)

    assert data["path"] == "articles/residence/eu-blue-card.de.md"
    assert data["last_reviewed"] == "2026-01-10"
    assert again == Article(**{**article.__dict__, "path": Path("articles/residence/eu-blue-card.de.md")})
