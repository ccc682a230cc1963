"""The answer decision: answer from an article, refer, or hand over to a person.

One function, :func:`decide`, makes the decision for one message. The action server's
``action_answer`` calls it and renders what it decided; ``benchmarks/answers.py`` calls the
same function with the same index and model over real questions. Nothing here talks to Rasa:
the intent the engine recognised is an input.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot import urgency
from bot.contacts import office_question
from bot.knowledge.audience import THIRD_COUNTRY, conflicts, question_status
from bot.knowledge.referrals import Referral, find_referral
from bot.knowledge.search import Hit

#: The engine's intents that carry a topic, and the topic (the public chat API's name).
INTENT_TOPICS = {
    "ask_recognition": "recognition",
    "ask_residence": "residence",
    "ask_language_course": "language_course",
    "ask_eu_employment": "eu_employment",
    "ask_living": "living",
}
#: Intents whose rule runs ``action_office`` (bot/data/rules.yml): the office of the place named.
OFFICE_INTENTS = frozenset({"ask_office", "inform_location"})
#: Intents whose turn ``decide`` describes: those whose rule runs ``action_answer``, and
#: OFFICE_INTENTS; any other intent takes another path in the engine (small talk, the handoff form, …).
ANSWER_INTENTS = frozenset(INTENT_TOPICS) | {"nlu_fallback", "out_of_scope"} | OFFICE_INTENTS

#: How close (in score) another article must come to be offered as "related".
RELATED_MARGIN = 0.03
MAX_RELATED = 2
#: When the NLU says "out of scope", an article must match clearly better than usual before the
#: bot answers anyway: off-topic questions score 0.79-0.82 against our articles, real ones
#: mostly 0.85 and more (multilingual-e5 scores sit in a narrow band; see MODEL.md).
OUT_OF_SCOPE_MARGIN = 0.04
#: Among hits this close to the best one, prefer an article of the topic the NLU recognised
#: (0.03: "how do I get my engineering degree recognised?" scored the experience route 0.022
#: above the recognition articles in uk and tr; 2026-11-24).
TOPIC_PREFERENCE_MARGIN = 0.03
#: The fused ranking's first CANDIDATES articles may be the answer ...
CANDIDATES = 2
#: ... when the best match on what an article says it answers (title, summary, questions)
#: clears the no-answer threshold by this much (0.833 + 0.017 = 0.85). Tuned on the real
#: questions' dev split, 2026-12-08: at 0.85 the wrong answers fell from 75 to 36 of 148 with
#: 46 instead of 50 right first; 0.86 gives 30 wrong, 43 right; 0.84 38 wrong, 47 right.
QUESTION_MARGIN = 0.017
#: The fused first article of the topic the NLU recognised may answer when its question match is
#: this close to the best one (0 switches this voice off).
TOPIC_TIE = 0.01
#: How many articles are searched when the question shows the asker's status, so that enough
#: remain after those for the other group are left out.
AUDIENCE_DEPTH = 10

# What the decision can be.
ANSWER = "answer"        #: answer from ``article_id``
NO_ANSWER = "no_answer"  #: say plainly that we do not know (with a referral when one fits)
PERSON = "person"        #: urgent, a refusal, or a request for a person: start the handoff
MENU = "menu"            #: a topic button without words: offer the topic's articles
OFFICE = "office"        #: "who is my office?": the office of ``district`` (actions/office.py)
ROUTED = "routed"        #: the engine takes another path for this intent (not action_answer)
#: The referral of a NO_ANSWER that names no office: the offer to pass the question to a counsellor.
COUNSELLOR = "counsellor"


def public_topic(article_topic: str) -> str:
    """The API's topic name for an article topic ('general' articles count as living)."""
    return "living" if article_topic == "general" else article_topic


@dataclass(frozen=True)
class Decision:
    kind: str
    #: The article to answer from (ANSWER only).
    article_id: str | None = None
    #: The hit it was chosen from: which section matched.
    hit: Hit | None = None
    #: Other articles offered as related, best first.
    related: tuple[str, ...] = ()
    #: All hits the search returned, best first (empty when no search ran).
    hits: tuple[Hit, ...] = ()
    #: The urgent case urgency.detect found (PERSON only).
    urgency: str | None = None
    #: Why: a short English phrase for logs and the benchmark.
    reason: str = ""
    #: The referral (knowledge/referrals.yml id) a NO_ANSWER names, when one fits.
    referral: str | None = None
    #: What the question is about, when it names a subject we have no article on.
    subject: str | None = None
    #: Kreisschlüssel of the office a located question asks for, when known.
    district: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def cited(self) -> tuple[str, ...]:
        """The articles the reply shows: the answer first, then the related ones."""
        return ((self.article_id,) if self.article_id else ()) + self.related


def choose_hit(hits: Sequence[Hit], intent: str, threshold: float) -> Hit | None:
    """The hit to answer from, or None when none is trustworthy enough."""
    if not hits:
        return None
    chosen = hits[0]
    topic = INTENT_TOPICS.get(intent)
    if topic and public_topic(chosen.topic) != topic:
        for hit in hits[1:]:
            if public_topic(hit.topic) == topic and hit.score >= chosen.score - TOPIC_PREFERENCE_MARGIN:
                chosen = hit
                break
    required = threshold + (OUT_OF_SCOPE_MARGIN if intent == "out_of_scope" else 0.0)
    return chosen if chosen.score >= required else None


def audience_of(kb, article_id: str) -> list:
    """Whom an article is for, as its German version (the reference) declares."""
    article = kb.article(article_id, "de")
    return list(getattr(article, "audience", None) or []) if article is not None else []


def related_ids(chosen: Hit, hits: Sequence[Hit], threshold: float) -> tuple[str, ...]:
    """Up to MAX_RELATED other articles that scored nearly as well as the chosen one."""
    best = chosen.score
    related = []
    for hit in hits:
        # Hits are ordered by the fused ranking; score is each article's best cosine.
        if hit.article_id == chosen.article_id:
            continue
        if len(related) >= MAX_RELATED:
            break
        if hit.score < max(threshold, best - RELATED_MARGIN):
            continue
        related.append(hit.article_id)
    return tuple(related)


def decide(kb, text: str, lang: str, intent: str, threshold: float, top_k: int = 5,
           referrals: Sequence[Referral] = (), query_vector=None) -> Decision:
    """What to do with one message: answer from an article, say we do not know, or a person.

    ``kb`` is a loaded :class:`bot.knowledge.search.KnowledgeBase` (or a function returning
    it, called only when a search is needed); ``intent`` the engine's intent for the message
    ("" when unknown); ``threshold`` the no-answer threshold; ``referrals`` those of
    knowledge/referrals.yml: a question that names a subject we have no article on is referred,
    not answered from the nearest article. ``query_vector``: the message's e5 vector when the
    engine computed it already (bot.e5; one embedding per message).
    """
    text = (text or "").strip()
    kind = urgency.detect(text)
    if kind or urgency.wants_person(text):
        # Urgent, a refusal, or "I need to talk to someone about ...": a person, not an article.
        # The handoff names the office of the place the message names (``district``).
        return Decision(PERSON, urgency=kind, reason="urgent" if kind else "asks for a person",
                        district=office_question.locate(text))
    if not text or text.startswith("/"):
        return Decision(MENU, reason="a button without words")
    referral = find_referral(list(referrals), text)
    # "Welche Behörde ist zuständig für Kindergeld?": another office's subject (a referral names it) is
    # not the foreigners' authority's: an article that covers it answers, else the referral (below).
    other_office = intent != "inform_location" and another_offices_subject(text, referral)
    if not other_office and (office_question.is_office_question(text) or (
            intent in OFFICE_INTENTS and (intent == "inform_location" or office_question.locate(text)))):
        # "PLZ 38820 - wer ist meine Ausländerbehörde?": the office of that district, not an article.
        return Decision(OFFICE, district=office_question.locate(text), reason="asks which office is responsible")
    if callable(kb):
        kb = kb()
    kb.maybe_reload()
    hits = tuple(kb.search(text, max(top_k, AUDIENCE_DEPTH), query_vector=query_vector))
    status = question_status(text)
    excluded: frozenset = frozenset()
    if status:
        # An article written only for the other group (EU citizens / third-country nationals)
        # is never the answer: "I am Polish, do I need a work permit?" must not get the Blue Card.
        other_group = {h.article_id for h in hits if conflicts(audience_of(kb, h.article_id), status)}
        # By article, not by place: a hit without a question match has place 0, like every other such hit.
        excluded = frozenset(h.question_rank for h in hits if h.article_id in other_group and h.question_rank)
        hits = tuple(h for h in hits if h.article_id not in other_group)
    hits = hits[:top_k]
    chosen = confident_hit(hits, intent, threshold, excluded)
    if referral is not None and (chosen is None or chosen.article_id not in referral.covered_by):
        return Decision(NO_ANSWER, hits=hits, referral=referral.id, subject=referral.id,
                        reason=f"names a subject no article answers ({referral.id})")
    if chosen is None:
        # Not sure: say so, and offer the nearest articles to choose from (never as the answer).
        options = () if intent == "out_of_scope" else tuple(
            h.article_id for h in hits[:MAX_RELATED] if h.score >= threshold)
        return Decision(NO_ANSWER, hits=hits, referral=COUNSELLOR, related=options,
                        reason="no article is clearly the answer")
    return Decision(ANSWER, article_id=chosen.article_id, hit=chosen, hits=hits,
                    related=related_ids(chosen, hits, threshold), reason="the article answers this question")


def another_offices_subject(text: str, referral: Referral | None) -> bool:
    """True when a question about "which office" is about ``referral``'s subject (Kindergeld: the
    Familienkasse), not the foreigners' authority's: it names neither that authority nor a residence
    title (a residence permit is the foreigners' authority's, whatever else the question mentions)."""
    return (referral is not None and not office_question.names_foreigners_office(text)
            and question_status(text) != THIRD_COUNTRY)


def confident_hit(hits: Sequence[Hit], intent: str, threshold: float,
                  excluded_ranks: frozenset = frozenset()) -> Hit | None:
    """The hit to answer from when one article clearly answers the question, else None.

    Two rankings must agree: the fused ranking of all passages (one of its first
    CANDIDATES) and the match against what each article says it answers (its title, summary
    and questions), where the article must be the best of all articles (``excluded_ranks``:
    places of articles left out for being for the other group) and clear the no-answer
    ``threshold`` by QUESTION_MARGIN; its best passage must also reach ``threshold``. The
    topic the NLU recognised is a third voice: the fused first article of that topic may
    answer when its question match is within TOPIC_TIE of the best. On the real questions'
    dev split this halved the wrong answers (docs/decisions/0007).
    """
    ranked = [h for h in hits if h.question_rank]
    if not ranked:
        return choose_hit(hits, intent, threshold)
    required = threshold + QUESTION_MARGIN + (OUT_OF_SCOPE_MARGIN if intent == "out_of_scope" else 0.0)

    def clear(hit: Hit) -> bool:
        return hit.question_score >= required and hit.score >= threshold

    def is_best(hit: Hit) -> bool:
        return all(rank in excluded_ranks for rank in range(1, hit.question_rank))

    candidate = next((h for h in hits[:CANDIDATES] if h.question_rank and is_best(h)), None)
    if candidate is not None and clear(candidate):
        return candidate
    topic = INTENT_TOPICS.get(intent)
    first = hits[0]
    best = max(h.question_score for h in ranked)
    if topic and public_topic(first.topic) == topic and clear(first) and first.question_score >= best - TOPIC_TIE:
        return first
    return None
