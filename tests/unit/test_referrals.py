"""knowledge/referrals.yml: the real file is valid and sourced; bad entries are reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import SUPPORTED_LANGUAGES
from bot.knowledge.referrals import check_referrals, find_referral, read_referrals
from bot.settings import PROJECT_ROOT
from tests.data.real_questions.dataset import REFERRAL_KINDS

KNOWLEDGE = PROJECT_ROOT / "knowledge"


def article_ids() -> set:
    return {p.name.split(".")[0] for p in (KNOWLEDGE / "articles").glob("*/*.de.md")}


def test_the_real_referrals_are_valid_sourced_and_in_every_language():
    referrals, problems = read_referrals(KNOWLEDGE)

    assert problems == [] and check_referrals(KNOWLEDGE, article_ids()) == []
    assert {"einbuergerungsbehoerde", "fuehrerscheinstelle", "familienkasse", "rentenversicherung", "bamf",
            "jobcenter", "mbe", "jmd"} <= {r.id for r in referrals}
    for referral in referrals:
        assert referral.id in REFERRAL_KINDS
        assert referral.source_url.startswith("https://")
        assert set(referral.reply) == set(SUPPORTED_LANGUAGES)


@pytest.mark.parametrize("text,expected", [
    ("Wie kann ich meinen Führerschein umschreiben lassen?", "fuehrerscheinstelle"),
    ("Can I get child benefit for my kids abroad?", "familienkasse"),
    ("Tôi muốn nhập quốc tịch Đức", "einbuergerungsbehoerde"),
    ("Сколько я получу пенсию?", "rentenversicherung"),
    ("Mam obywatelstwo polskie, czy mogę pracować w Niemczech?", None),
    ("tiền công của tôi chưa được trả", None),
])
def test_questions_are_matched_by_their_subject_words(text, expected):
    referrals, _ = read_referrals(KNOWLEDGE)

    found = find_referral(referrals, text)

    assert (found.id if found else None) == expected


ENTRY = """referrals:
  - id: fuehrerscheinstelle
    title: Führerscheinstelle
    source:
      title: Landesportal
      url: {url}
    cues: [führerschein]
    covered_by: [{covered}]
    reply:
{replies}
"""


def write(tmp_path: Path, url="https://buerger.sachsen-anhalt.de/", covered="", languages=SUPPORTED_LANGUAGES,
          text="Keine verlässlichen Informationen.") -> Path:
    replies = "\n".join(f"      {lang}: {text}" for lang in languages)
    (tmp_path / "referrals.yml").write_text(ENTRY.format(url=url, covered=covered, replies=replies),
                                            encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("kwargs,message", [
    ({"url": "buerger.sachsen-anhalt.de"}, "not a web address"),
    ({"languages": ("de", "en")}, "missing: ar"),
    ({"text": "Rufen Sie 0391 567 0 an."}, "no phone numbers"),
    ({"covered": "no-such-article"}, "unknown article ids"),
])
def test_bad_entries_are_reported_with_plain_words(tmp_path, kwargs, message):
    problems = check_referrals(write(tmp_path, **kwargs), article_ids())

    assert any(message in p.message for p in problems), problems
