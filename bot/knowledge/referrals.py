"""Referrals: who can help when no article answers (knowledge/referrals.yml, edited by staff).

Each entry names a kind of office or service for a subject we have no article on
(naturalisation, a driving licence, child benefit, pensions, asylum, Bürgergeld, …), with an
official web page as its source and the reply in all ten languages. The answer decision names
the referral whose cue words the question contains; ``python -m bot check`` validates the file
with the pydantic model below (no phone numbers or addresses here: those live only in the
checked contacts directory).

File format::

    referrals:
      - id: fuehrerscheinstelle          # one of the referral kinds (tests/data/real_questions)
        title: Führerscheinstelle         # German, for staff
        source:
          title: Landesportal Sachsen-Anhalt – Bürgerservice
          url: https://buerger.sachsen-anhalt.de/
        cues: [führerschein, driving licen, …]   # words (any language) that name the subject
        covered_by: []                    # articles that DO answer questions on this subject
        reply:                            # the reply, in all ten languages
          de: Zum Führerschein habe ich keine verlässlichen Informationen. …
          en: …
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, field_validator

from bot import SUPPORTED_LANGUAGES
from bot.knowledge.bm25 import fold
from bot.validation.problem import Problem
from bot.validation.schema import fail, is_web_url, validate
from bot.validation.yamlfile import read_yaml_file

REFERRALS_FILE = "referrals.yml"
_ID = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
#: Characters a phone number is written with: a reply must never contain one (NEVER invent one).
_PHONE = re.compile(r"(?:\+|\b0)\d[\d /()-]{6,}\d")


class _Source(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str
    url: str

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not is_web_url(value):
            raise fail(f"{value!r} is not a web address (use a full address starting with https://)")
        return value.strip()


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    title: str
    source: _Source
    cues: tuple[str, ...] = ()
    covered_by: tuple[str, ...] = ()
    reply: dict[str, str]

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not _ID.match(value):
            raise fail("must be lowercase letters, digits, '-' and '_', e.g. 'fuehrerscheinstelle'")
        return value

    @field_validator("cues")
    @classmethod
    def _cues(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        short = [cue for cue in value if len(fold(cue).strip()) < 3]
        if short:
            raise fail(f"cue words must have at least 3 letters (too short: {short})")
        return value

    @field_validator("reply")
    @classmethod
    def _reply(cls, value: dict[str, str]) -> dict[str, str]:
        missing = [lang for lang in SUPPORTED_LANGUAGES if not str(value.get(lang) or "").strip()]
        if missing:
            raise fail(f"needs the reply in every language; missing: {', '.join(missing)}")
        unknown = [lang for lang in value if lang not in SUPPORTED_LANGUAGES]
        if unknown:
            raise fail(f"unknown languages {unknown} (use {', '.join(SUPPORTED_LANGUAGES)})")
        phones = [lang for lang, text in value.items() if _PHONE.search(text)]
        if phones:
            raise fail(f"no phone numbers in a referral (found in {', '.join(phones)}); the contact "
                       f"cards come from knowledge/contacts/")
        return {lang: " ".join(text.split()) for lang, text in value.items()}


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")
    referrals: list[_Entry]


@dataclass(frozen=True)
class Referral:
    id: str
    title: str
    source_title: str
    source_url: str
    #: Folded cue words.
    cues: tuple[str, ...]
    covered_by: tuple[str, ...]
    reply: dict[str, str]

    def text(self, lang: str) -> str:
        return self.reply.get(lang) or self.reply["en"]

    def matches(self, folded_text: str) -> bool:
        """True when the (folded) question names this subject."""
        return any(_cue_pattern(cue).search(folded_text) for cue in self.cues)


@functools.cache
def _cue_pattern(cue: str) -> re.Pattern:
    """A cue matches at the start of a word; in Arabic script (prefixed articles, joined
    particles) anywhere."""
    if any("\u0600" <= ch <= "\u06ff" for ch in cue):
        return re.compile(re.escape(cue))
    return re.compile(r"(?<!\w)" + re.escape(cue))


def read_referrals(knowledge_dir: Path) -> tuple[list[Referral], list[Problem]]:
    """The referrals of ``knowledge_dir`` (none when there is no file) and their problems."""
    path = Path(knowledge_dir) / REFERRALS_FILE
    if not path.exists():
        return [], []
    parsed = read_yaml_file(path, what="referrals file")
    if parsed.data is None:
        return [], list(parsed.problems)
    model, problems = validate(_File, parsed)
    problems = list(parsed.problems) + problems
    if model is None:
        return [], problems
    seen: dict[str, int] = {}
    referrals = []
    for index, entry in enumerate(model.referrals):
        if entry.id in seen:
            problems.append(Problem(path, parsed.line_of_loc(("referrals", index, "id")), f"referrals[{index}].id",
                                    f"'{entry.id}' is used twice"))
            continue
        seen[entry.id] = index
        referrals.append(Referral(entry.id, entry.title, entry.source.title, entry.source.url,
                                  tuple(fold(c) for c in entry.cues), entry.covered_by, entry.reply))
    return referrals, problems


def check_referrals(knowledge_dir: Path, article_ids: set[str] | None = None) -> list[Problem]:
    """Every problem of knowledge/referrals.yml; ``covered_by`` must name existing articles."""
    referrals, problems = read_referrals(knowledge_dir)
    if article_ids is not None:
        path = Path(knowledge_dir) / REFERRALS_FILE
        for referral in referrals:
            unknown = [a for a in referral.covered_by if a not in article_ids]
            if unknown:
                problems.append(Problem(path, 0, f"{referral.id}.covered_by", f"unknown article ids {unknown}"))
    return problems


def find_referral(referrals: list[Referral], text: str) -> Referral | None:
    """The first referral whose cue words the question contains (file order = priority)."""
    folded = fold(text)
    return next((r for r in referrals if r.matches(folded)), None)

