"""Cut articles into the chunks the index embeds: one for title + summary, one per section."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

from bot.knowledge.articles import Article

#: Bump when the chunk text changes shape, so the next build re-embeds everything.
CHUNK_FORMAT = "chunks-v1"


@dataclass(frozen=True)
class Chunk:
    #: ``<id>.<lang>#<n>``: #0 is title + summary, #n is the article's n-th section.
    chunk_id: str
    article_id: str
    lang: str
    topic: str
    #: Section heading; empty for the title + summary chunk.
    heading: str
    #: The text that is embedded.
    text: str

    def to_dict(self) -> dict:
        return asdict(self)


def chunk_article(article: Article) -> list[Chunk]:
    """Title + summary (+ keywords) as chunk #0, then each section with the title and heading, then
    each of the article's questions (``#q1``, ``#q2``, …)."""
    prefix = f"{article.id}.{article.lang}#"
    summary_parts = [article.title, article.summary]
    if article.keywords:
        summary_parts.append(", ".join(article.keywords))
    chunks = [Chunk(prefix + "0", article.id, article.lang, article.topic, "", "\n".join(summary_parts))]
    for number, section in enumerate(article.sections, start=1):
        # The title goes into every section chunk: a section alone ("Costs") says too little.
        text = f"{article.title}\n{section.heading}\n{section.text}"
        chunks.append(Chunk(prefix + str(number), article.id, article.lang, article.topic, section.heading, text))
    for number, question in enumerate(article.questions, start=1):
        # A question the article answers, matched on its own (the reply then shows the summary).
        chunks.append(Chunk(f"{prefix}q{number}", article.id, article.lang, article.topic, "", question))
    return chunks


def chunk_articles(articles: Iterable[Article]) -> list[Chunk]:
    """All chunks of all articles, in the order given."""
    return [chunk for article in articles for chunk in chunk_article(article)]
