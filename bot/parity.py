"""Quality per language, measured on whole conversations through the gateway.

The held-out conversations in tests/data/conversations/<lang>.yml are the same fourteen
conversations written in each of our ten languages. ``run_language`` sends every turn through
the public chat API and ``score`` reports, per language:

- intent accuracy: the engine's intent (``meta.intent``) on turns that name the expected one;
- topic accuracy: ``meta.topic`` of the answer on turns that name the expected topic;
- reply language: replies whose ``lang`` and ``dir`` are right *and* whose text a language
  detector reads as that language;
- sentences: the share of reply sentences (four words or more, German terms in brackets and
  links set aside) read as the reply's language, so a sentence that mixes languages shows.

Used by benchmarks/parity.py (prints the table) and tests/e2e/test_conversations.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml

from bot import RTL_LANGUAGES, SUPPORTED_LANGUAGES
from bot.settings import PROJECT_ROOT

CONVERSATIONS_DIR = PROJECT_ROOT / "tests" / "data" / "conversations"
#: A reply sentence needs this many words before the detector's verdict counts.
SENTENCE_MIN_WORDS = 4

_LINK = re.compile(r"https?://\S+|\[[^\]]*\]\([^)]*\)")
#: Brackets and quotation marks hold German terms and office names on purpose.
_BRACKETS = re.compile(r"\([^)]*\)|«[^»]*»|„[^“”]*[“”]|“[^”]*”|\"[^\"]*\"")
_SENTENCE_END = re.compile(r"(?<=[.!?؟])\s+|\n+")
_WORD = re.compile(r"[^\W\d_]+")


@dataclass
class Turn:
    text: str
    intent: str | None = None
    topic: str | None = None
    reply_lang: str | None = None


@dataclass
class Conversation:
    id: str
    lang: str
    turns: list[Turn]
    chosen: bool = False


@dataclass
class Result:
    """What happened at one turn."""

    conversation: str
    turn: Turn
    expected_lang: str
    status: int
    lang: str | None = None
    dir: str | None = None
    intent: str | None = None
    topic: str | None = None
    texts: list[str] = field(default_factory=list)


def load_conversations(lang: str, folder: Path = CONVERSATIONS_DIR) -> list[Conversation]:
    data = yaml.safe_load((folder / f"{lang}.yml").read_text(encoding="utf-8"))
    conversations = []
    for item in data["conversations"]:
        turns = [Turn(text=str(t["text"]), intent=t.get("intent"), topic=t.get("topic"),
                      reply_lang=t.get("reply_lang")) for t in item["turns"]]
        conversations.append(Conversation(id=item["id"], lang=data["lang"], turns=turns,
                                          chosen=bool(item.get("chosen"))))
    return conversations


def available_languages(folder: Path = CONVERSATIONS_DIR) -> list[str]:
    return [lang for lang in SUPPORTED_LANGUAGES if (folder / f"{lang}.yml").exists()]


def run_conversation(http: httpx.Client, conversation: Conversation) -> list[Result]:
    """Send each turn through the gateway as the widget would (a new session per conversation)."""
    body = {"lang": conversation.lang} if conversation.chosen else {}
    session = http.post("/api/v1/sessions", json=body)
    session.raise_for_status()
    session_id, token = session.json()["session_id"], session.json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    results = []
    for turn in conversation.turns:
        reply = http.post("/api/v1/chat", headers=headers, json={"session_id": session_id, "text": turn.text})
        result = Result(conversation.id, turn, turn.reply_lang or conversation.lang, reply.status_code)
        if reply.status_code == 200:
            data = reply.json()
            meta = data.get("meta") or {}
            result.lang, result.dir = data.get("lang"), data.get("dir")
            result.intent, result.topic = meta.get("intent"), meta.get("topic")
            result.texts = [message.get("text") or "" for message in data.get("messages", [])]
        results.append(result)
    return results


def run_language(http: httpx.Client, lang: str, folder: Path = CONVERSATIONS_DIR) -> list[Result]:
    results: list[Result] = []
    for conversation in load_conversations(lang, folder):
        results.extend(run_conversation(http, conversation))
    return results


def _detect(text: str) -> str | None:
    from bot.language import language_confidences  # the gateway's detector, our languages only

    confidences = language_confidences(text)
    return max(confidences, key=confidences.get) if confidences else None


def _readable(text: str) -> str:
    """The reply's own words: links, e-mail addresses, bracketed or quoted German terms and
    names, and the German terms people find on their letters set aside."""
    from bot.language import is_german_term

    text = _LINK.sub(" ", text)
    text = re.sub(r"\S+@\S+", " ", text)
    text = _BRACKETS.sub(" ", text)
    text = re.sub(r"[*_#>`|]", " ", text)
    return _WORD.sub(lambda m: " " if is_german_term(m.group(0)) else m.group(0), text)


def reply_sentences(texts: Iterable[str]) -> list[str]:
    sentences = []
    for text in texts:
        for part in _SENTENCE_END.split(_readable(text)):
            if len(_WORD.findall(part)) >= SENTENCE_MIN_WORDS:
                sentences.append(part.strip())
    return sentences


def reply_in_language(result: Result) -> bool:
    """Right ``lang`` and ``dir``, and the text reads as that language."""
    expected = result.expected_lang
    if result.status != 200 or result.lang != expected:
        return False
    if result.dir != ("rtl" if expected in RTL_LANGUAGES else "ltr"):
        return False
    text = " ".join(_readable(t) for t in result.texts)
    if len(_WORD.findall(text)) < SENTENCE_MIN_WORDS:
        return True  # too short to judge ("👍"): lang and dir decide
    return _detect(text) == expected


@dataclass
class Score:
    lang: str
    intents: int = 0
    intents_right: int = 0
    topics: int = 0
    topics_right: int = 0
    replies: int = 0
    replies_right: int = 0
    sentences: int = 0
    sentences_right: int = 0
    misses: list[str] = field(default_factory=list)

    @staticmethod
    def share(right: int, total: int) -> float:
        return right / total if total else 1.0

    @property
    def intent_accuracy(self) -> float:
        return self.share(self.intents_right, self.intents)

    @property
    def topic_accuracy(self) -> float:
        return self.share(self.topics_right, self.topics)

    @property
    def reply_language(self) -> float:
        return self.share(self.replies_right, self.replies)

    @property
    def sentence_language(self) -> float:
        return self.share(self.sentences_right, self.sentences)


def score(lang: str, results: list[Result]) -> Score:
    total = Score(lang)
    for result in results:
        where = f"{result.conversation}: {result.turn.text!r}"
        if result.turn.intent:
            total.intents += 1
            if result.intent == result.turn.intent:
                total.intents_right += 1
            else:
                total.misses.append(f"{where} intent {result.intent} (expected {result.turn.intent})")
        if result.turn.topic:
            total.topics += 1
            if result.topic == result.turn.topic:
                total.topics_right += 1
            else:
                total.misses.append(f"{where} topic {result.topic} (expected {result.turn.topic})")
        total.replies += 1
        if reply_in_language(result):
            total.replies_right += 1
        else:
            total.misses.append(f"{where} reply in {result.lang} (expected {result.expected_lang})")
        if result.status == 200 and result.lang == result.expected_lang:
            for sentence in reply_sentences(result.texts):
                total.sentences += 1
                if _detect(sentence) == result.expected_lang:
                    total.sentences_right += 1
                else:
                    total.misses.append(f"{where} sentence not in {result.expected_lang}: {sentence[:80]!r}")
    return total


def table(scores: dict[str, Score], reference: str = "de", tolerance: float = 0.05) -> list[str]:
    """Printable rows; '<' marks a figure more than ``tolerance`` below the reference language."""
    ref = scores.get(reference)
    lines = [f"{'lang':<5} {'intent':>14} {'topic':>14} {'reply lang':>14} {'sentences':>14}"]
    for lang, s in scores.items():
        cells = []
        for value, right, total, name in (
            (s.intent_accuracy, s.intents_right, s.intents, "intent_accuracy"),
            (s.topic_accuracy, s.topics_right, s.topics, "topic_accuracy"),
            (s.reply_language, s.replies_right, s.replies, "reply_language"),
            (s.sentence_language, s.sentences_right, s.sentences, "sentence_language"),
        ):
            behind = ref is not None and value < getattr(ref, name) - tolerance - 1e-9
            cells.append(f"{value * 100:5.1f}% {right:>3}/{total:<3}{'<' if behind else ' '}")
        lines.append(f"{lang:<5} " + " ".join(f"{cell:>14}" for cell in cells))
    return lines
