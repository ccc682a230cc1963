"""Text folding exists once (bot.folding) and every module that compares words folds the same way."""

from __future__ import annotations

import ast
import re

import pytest

from bot import urgency
from bot.contacts.names import fold_loose, fold_strict
from bot.folding import ARABIC_LETTERS, fold, fold_arabic, strip_accents
from bot.knowledge import bm25, glossary
from bot.language import plain
from bot.settings import PROJECT_ROOT

# The same word as Arabic and Persian keyboards write it.
SPELLINGS = [("كيف", "کیف"), ("زندگي", "زندگی"), ("مكتب", "مکتب"), ("اقامة", "اقامه"), ("أسكن", "اسکن"),
             ("الْعَرَبِيَّة", "العربیه")]


@pytest.mark.parametrize("arabic, persian", SPELLINGS)
def test_every_module_folds_arabic_and_persian_letters_in_the_same_direction(arabic, persian):
    folders = [fold, plain, fold_strict, fold_loose, bm25.fold, lambda t: glossary.normalize(t, "ar")]
    for folder in folders:
        assert folder(arabic) == folder(persian), folder
    assert fold(arabic) == persian


def test_urgency_cues_meet_in_either_spelling():
    assert urgency.normalise("ترحيل") == urgency.normalise("ترحیل")
    assert urgency.detect("نامه دیپورت گرفتم") == urgency.detect("نامه ديپورت گرفتم")


def test_latin_folding():
    assert fold("Bună ziua") == "buna ziua"
    assert fold("Łódź ĞIRNE") == "lodz girne"
    assert strip_accents("Köthen") == "Kothen"
    assert fold_arabic("Köthen") == "Köthen"


_TABLE_KEYS = {chr(int(code, 16)) for code in ("064a", "0649", "0643")} | set("يىك")


def _letter_tables(path):
    """Dict literals in a module that map one of the Arabic letters of ARABIC_LETTERS to something."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Dict):
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}
            if keys & _TABLE_KEYS:
                found.append(node.lineno)
        if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "replace" and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str) and first.value in _TABLE_KEYS:
                found.append(node.lineno)
    return found


def test_the_arabic_persian_letter_table_exists_once():
    assert set(ARABIC_LETTERS) >= {"\u064a", "\u0649", "\u0643"}
    offenders = {}
    for folder in ("bot", "actions", "api", "benchmarks"):
        for path in (PROJECT_ROOT / folder).rglob("*.py"):
            if path.name == "folding.py" and path.parent.name == "bot":
                continue
            lines = _letter_tables(path)
            if lines:
                offenders[str(path.relative_to(PROJECT_ROOT))] = lines
    assert offenders == {}, "fold Arabic/Persian letters with bot.folding, not a table of your own"


def test_bot_never_imports_api():
    """bot/ is shared by the engine, the action server and the gateway; the gateway (api/) builds on it,
    never the other way round."""
    offenders = []
    for path in (PROJECT_ROOT / "bot").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            if any(re.match(r"^api(\.|$)", name) for name in names):
                offenders.append(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}")
    assert offenders == []
