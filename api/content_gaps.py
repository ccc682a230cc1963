"""The content-gap loop: record what the bot could not answer well, and group it for staff.

Three kinds of question land here, each scrubbed of personal data (api.scrub) and linked to no
conversation: ``refused`` (the bot said it does not know), ``handoff`` (the person was passed to an
office) and ``not_helpful`` (the person pressed "no" under an answer). ``helpful`` marks keep only the
article and the language, so staff see how often an article did help.

``group_questions`` puts similar questions together (rapidfuzz's token-set ratio on their case-folded
content words), so the page shows "asked 14 times, 9 refused, 5 'no' under article X" instead of 14 lines.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api.models import SIGNAL_KINDS, ContentSignal, as_utc, utcnow
from api.scrub import scrub

#: Two questions are "the same question" at this token-set similarity (0–100) of their content
#: words. On the unit test's questions: rewordings of one question score 93–100, different
#: questions ("Kindergeld" / "Elterngeld", "Einbürgerung" / "Anerkennung") 40–60.
SIMILARITY = 75
#: Groups shown on the page, and example wordings per group.
MAX_GROUPS = 100
MAX_EXAMPLES = 5
#: Article ids as the index has them; anything else is not stored.
ARTICLE_ID = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")
GAP_KINDS = ("refused", "handoff", "not_helpful")


def record(db: Session, kind: str, question: str | None, lang: str | None, article_id: str | None = None,
           topic: str | None = None) -> ContentSignal | None:
    """Add one row (the caller commits); None when there is nothing worth keeping."""
    if kind not in SIGNAL_KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    if article_id is not None and not ARTICLE_ID.match(article_id):
        article_id = None
    text = scrub(question or "") if kind != "helpful" else ""
    if text.startswith("/"):
        text = ""  # a button's payload is no question
    if not text and kind in ("refused", "handoff"):
        return None
    row = ContentSignal(kind=kind, question=text or None, lang=(lang or None), article_id=article_id,
                        topic=(topic or None) and topic[:32])
    db.add(row)
    return row


def refused_turn(text: str, response: dict) -> bool:
    """Whether the chat ``response`` to the typed ``text`` gave no article: a refusal ("I do not know",
    out of scope) or a referral elsewhere. Greetings (topic "smalltalk"), the handoff form's questions
    (topic "handoff") and replies without a topic (the engine's own responses) are not refusals.
    """
    if not text or text.startswith("/"):
        return False
    meta = response.get("meta") or {}
    return not meta.get("articles") and not meta.get("handoff") and meta.get("topic") not in (None, "", "handoff",
                                                                                                  "smalltalk")


@dataclass
class QuestionGroup:
    """Similar questions: how often, why, in which languages, after which articles."""

    question: str
    count: int = 0
    kinds: Counter = field(default_factory=Counter)
    languages: Counter = field(default_factory=Counter)
    articles: Counter = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)
    last_seen: dt.datetime | None = None

    def add(self, row: ContentSignal) -> None:
        self.count += 1
        self.kinds[row.kind] += 1
        if row.lang:
            self.languages[row.lang] += 1
        if row.article_id:
            self.articles[row.article_id] += 1
        if row.question and row.question not in self.examples and len(self.examples) < MAX_EXAMPLES:
            self.examples.append(row.question)
        seen = as_utc(row.created_at)
        if seen and (self.last_seen is None or seen > self.last_seen):
            self.last_seen = seen


#: Words every question has (German and English): compared with them, "Wie lange dauert die
#: Einbürgerung?" and "Wie lange dauert die Anerkennung?" look 83 % alike; without them, 52 %.
_STOP_TEXT = """
wie was wo wann warum wer welche welcher welches kann könnte muss darf soll ich du er sie es wir ihr
mein meine meinen meinem meiner mir mich man der die das den dem des ein eine einen einem einer und oder
aber mit nach für von zu zum zur im in am an auf aus bei ist sind bin habe hat haben wird werden bekomme
bekommen geht gibt lassen bitte noch auch schon nicht kein keine lange dauert hallo
how what where when why who which can could must may should i you he she it we they my me the a an and
or but with to for from of in on at by is are am be have has do does get please also not no long hello
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s\[\]]", " ", text.casefold()).split())


def _key(text: str) -> str:
    """What two questions are compared by: their words without the ones every question has."""
    words = _normal(text).split()
    content = [w for w in words if w not in STOP_WORDS]
    return " ".join(content or words)


def group_questions(rows: Iterable[ContentSignal], similarity: float = SIMILARITY) -> list[QuestionGroup]:
    """Greedy grouping, newest question first: each question joins the first group whose first
    question is at least ``similarity`` alike, else starts a group. Biggest groups first."""
    groups: list[QuestionGroup] = []
    keys: list[str] = []
    for row in rows:
        if not row.question:
            continue
        key = _key(row.question)
        match = process.extractOne(key, keys, scorer=fuzz.token_set_ratio, score_cutoff=similarity) if keys else None
        if match is None:
            groups.append(QuestionGroup(question=row.question))
            keys.append(key)
            group = groups[-1]
        else:
            group = groups[match[2]]
        group.add(row)
    epoch = dt.datetime.min.replace(tzinfo=dt.timezone.utc)
    return sorted(groups, key=lambda g: (-g.count, -(g.last_seen or epoch).timestamp()))


def gap_groups(db: Session, days: int, now: dt.datetime | None = None) -> list[QuestionGroup]:
    """The grouped questions of the last ``days`` days (at most the newest 5000)."""
    since = (now or utcnow()) - dt.timedelta(days=days)
    rows = db.scalars(select(ContentSignal).where(ContentSignal.kind.in_(GAP_KINDS), ContentSignal.created_at >= since)
                      .order_by(ContentSignal.created_at.desc()).limit(5000)).all()
    return group_questions(rows)[:MAX_GROUPS]


def article_feedback(db: Session, days: int, now: dt.datetime | None = None) -> list[dict]:
    """Per article: how often people said it helped and how often not, worst first."""
    since = (now or utcnow()) - dt.timedelta(days=days)
    counts = db.execute(
        select(ContentSignal.article_id, ContentSignal.kind, func.count())
        .where(ContentSignal.kind.in_(("helpful", "not_helpful")), ContentSignal.article_id.is_not(None),
               ContentSignal.created_at >= since)
        .group_by(ContentSignal.article_id, ContentSignal.kind)).all()
    table: dict[str, dict[str, int]] = {}
    for article_id, kind, count in counts:
        table.setdefault(article_id, {"helpful": 0, "not_helpful": 0})[kind] = count
    return sorted(({"article_id": a, **c} for a, c in table.items()),
                  key=lambda r: (-r["not_helpful"], r["helpful"], r["article_id"]))


def kinds_in(groups: Sequence[QuestionGroup]) -> dict[str, int]:
    total: Counter = Counter()
    for group in groups:
        total.update(group.kinds)
    return {kind: total.get(kind, 0) for kind in GAP_KINDS}
