"""Shared unit-test fixtures. Knowledge: small sample articles written into tmp_path."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

# --- knowledge ------------------------------------------------------------------------------

#: "Today" for knowledge tests: the sample articles are reviewed and not yet due.
KNOWLEDGE_TODAY = dt.date(2026, 6, 1)

# Fixed line numbers matter: tests name the line a problem must be reported on.
#   line 2 id, 3 topic, 4 title, 5 summary, 6 sources, 7 source title, 8 source url,
#   9 last_reviewed, 10 review_after, 11 regions, 12 keywords, 14 disclaimer, 16 first "## ".
ARTICLE_TEMPLATE = """\
---
id: {id}
topic: {topic}
title: {title}
summary: {summary}
sources:
  - title: {source_title}
    url: {url}
last_reviewed: {last_reviewed}
review_after: {review_after}
regions: all
keywords: [{keywords}]
---
_{disclaimer}_

{body}
"""

_DISCLAIMERS = {"de": "Allgemeine Information, keine Rechtsberatung.",
                "en": "General information, not legal advice."}


def _article_text(article_id: str = "eu-blue-card", topic: str = "residence", lang: str = "de",
                 title: str = "Blaue Karte EU", summary: str = "Die Blaue Karte EU ist ein Aufenthaltstitel.",
                 body: str = "## Voraussetzungen\nEin Hochschulabschluss und ein Arbeitsvertrag.\n",
                 keywords: str = "Blaue Karte, Blue Card", last_reviewed: str = "2026-01-10",
                 review_after: str = "2026-12-31", url: str = "https://example.org/blue-card",
                 source_title: str = "Example source") -> str:
    """A valid article in the fixed line layout above."""
    return ARTICLE_TEMPLATE.format(
        id=article_id, topic=topic, title=title, summary=summary, source_title=source_title, url=url,
        last_reviewed=last_reviewed, review_after=review_after, keywords=keywords,
        disclaimer=_DISCLAIMERS.get(lang, _DISCLAIMERS["en"]), body=body,
    )


def _write_article(knowledge_dir: Path, relative: str, text: str) -> Path:
    """Write ``text`` to knowledge_dir/articles/<relative> and return the path."""
    path = Path(knowledge_dir) / "articles" / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


#: Three topics with distinct words, so even the hashing embedder tells them apart.
SAMPLE_ARTICLES: dict[str, str] = {
    "residence/eu-blue-card.de.md": _article_text(
        body="## Voraussetzungen\nHochschulabschluss und Arbeitsvertrag mit Mindestgehalt.\n\n"
             "## Antrag\nDen Antrag stellen Sie bei der Ausländerbehörde.\n"),
    "residence/eu-blue-card.en.md": _article_text(
        lang="en", title="EU Blue Card (Blaue Karte EU)",
        summary="The EU Blue Card is a residence permit for university graduates with a job offer.",
        keywords="Blue Card, salary threshold",
        body="## Requirements\nA university degree and an employment contract with a minimum salary.\n\n"
             "## Application\nYou apply at the foreigners' authority (Ausländerbehörde).\n"),
    "language_course/integration-course.de.md": _article_text(
        article_id="integration-course", topic="language_course", title="Integrationskurs",
        summary="Der Integrationskurs besteht aus Sprachkurs und Orientierungskurs.",
        keywords="Integrationskurs, Deutschkurs",
        body="## Ablauf\nSprachkurs mit 600 Unterrichtsstunden, danach der Orientierungskurs.\n"),
    "recognition/nursing-recognition.de.md": _article_text(
        article_id="nursing-recognition", topic="recognition", title="Anerkennung Pflegefachkraft",
        summary="Pflegekräfte mit ausländischem Abschluss brauchen eine Anerkennung ihrer Berufsqualifikation.",
        keywords="Pflege, Krankenpflege, Anerkennung",
        body="## Zuständige Stelle\nDas Landesverwaltungsamt prüft die Gleichwertigkeit der Pflegeausbildung.\n"),
}


@pytest.fixture
def knowledge_dir(tmp_path: Path) -> Path:
    """A knowledge folder with the sample articles (valid, with warnings for missing languages)."""
    root = tmp_path / "knowledge"
    for relative, text in SAMPLE_ARTICLES.items():
        _write_article(root, relative, text)
    return root


@pytest.fixture
def empty_knowledge_dir(tmp_path: Path) -> Path:
    """A knowledge folder with an empty articles folder, for tests that write their own files."""
    root = tmp_path / "knowledge"
    (root / "articles").mkdir(parents=True)
    return root


@pytest.fixture
def make_article():
    """``make_article(**fields)``: text of a valid article in the fixed line layout."""
    return _article_text


@pytest.fixture
def write_article():
    """``write_article(knowledge_dir, "<topic>/<file>", text)`` → the written path."""
    return _write_article


@pytest.fixture
def hashing_embedder():
    from bot.knowledge.embedder import HashingEmbedder

    return HashingEmbedder()


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    return tmp_path / "index"
