"""Check the gettext catalogs (CI) and compile them to .mo (set-up).

``python -m bot.i18n_check`` lists every problem and exits 1 if there is one;
``python -m bot.i18n_check --compile`` writes messages.mo next to each messages.po.
How to add and translate a text: docs/TRANSLATING.md.
"""

from __future__ import annotations

import argparse
import re
import string
import sys
from collections.abc import Sequence
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot import SUPPORTED_LANGUAGES
from bot.i18n import clear_cache
from bot.settings import PROJECT_ROOT, load_settings

TEMPLATE_NAME = "messages.pot"
#: The catalog that shows which bracketed words of the English texts are German terms.
GERMAN = "de"
#: Same keywords as ``pybabel extract -k N_``: babel's defaults (_, gettext, ...) plus N_.
EXTRACT_KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None}
EXTRACT_COMMAND = "pybabel extract -F babel.cfg -k N_ -o locales/messages.pot ."
UPDATE_COMMAND = "pybabel update -i locales/messages.pot -d locales --ignore-obsolete"


def catalog_path(locales_dir: Path, lang: str) -> Path:
    return Path(locales_dir) / lang / "LC_MESSAGES" / "messages.po"


#: A bracketed part of a text without placeholders: "(Ausländerbehörde)", "(Widerspruch, Klage)",
#: also with one inner pair: "(Fiktionsbescheinigung, § 81(4) AufenthG)".
_BRACKETED = re.compile(r"\(((?:[^(){}]|\([^(){}]*\))+)\)")


def german_terms_in_brackets(english: str, german: str) -> list:
    """The German terms the English text gives in brackets, such as "(Ausländerbehörde)".

    A bracketed word counts as German when the German translation uses it as well: "(Termin)"
    in "Visits by appointment (Termin) only." is German because the German text says "mit
    Termin"; "(German)" in "Summary (German)" is English. "(Widerspruch, Klage)" gives two terms.
    """
    terms = []
    for content in _BRACKETED.findall(english):
        for part in content.split(","):
            part = part.strip()
            if not part or not any(c.isalpha() for c in part):
                continue
            if re.search(r"(?<!\w)" + re.escape(part) + r"(?!\w)", german) and part not in terms:
                terms.append(part)
    return terms


def _german_term_problems(where: str, message, german_message) -> list:
    """A German term in brackets in the English text must appear unchanged in the translation."""
    if german_message is None or not german_message.string:
        return []
    english = " ".join(_as_tuple(message.id))
    german = " ".join(s for s in _as_tuple(german_message.string) if s)
    problems = []
    for term in german_terms_in_brackets(english, german):
        missing = [s for s in _as_tuple(message.string) if term not in s]
        if missing:
            problems.append(
                f"{where}: {_short(message.id)}: the German term '{term}' is missing from the translation; "
                f"keep it unchanged in brackets, as in the English text: '({term})'"
            )
    return problems


def placeholders(text: str) -> set:
    """The ``{name}`` fields of a text; ValueError on a stray brace."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def extract_message_ids(source_dir: Path = PROJECT_ROOT) -> set:
    """Message ids the code marks today, found as ``pybabel extract`` with babel.cfg finds them."""
    source_dir = Path(source_dir)
    config = source_dir / "babel.cfg"
    with config.open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, str(config))
    found = extract_from_dir(source_dir, method_map, options_map, keywords=EXTRACT_KEYWORDS)
    return {message for _, _, message, _, _ in found if message}


def _read(path: Path, lang: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=lang)


def _short(msgid) -> str:
    text = msgid[0] if isinstance(msgid, tuple) else msgid
    return repr(text if len(text) <= 60 else text[:57] + "...")


def _as_tuple(value) -> tuple:
    return value if isinstance(value, tuple) else (value,)


def _entry_problems(where: str, message) -> list:
    """Fuzzy, empty or placeholder problems of one catalog entry."""
    if message.fuzzy:
        return [f"{where}: {_short(message.id)} is marked fuzzy; check the translation, then remove the flag"]
    strings = _as_tuple(message.string)
    if not all(strings):
        return [f"{where}: {_short(message.id)} has an empty translation (msgstr)"]
    try:
        expected = set().union(*(placeholders(s) for s in _as_tuple(message.id)))
        actual = set().union(*(placeholders(s) for s in strings))
    except ValueError as error:
        return [f"{where}: {_short(message.id)}: broken braces in the translation ({error})"]
    if actual != expected:
        return [
            (f"{where}: {_short(message.id)}: placeholders {sorted(actual)} in the translation, "
             f"{sorted(expected)} in the English text; they must be the same")
        ]
    return []


def _template_problems(template_path: Path, template_ids: set, source_dir: Path | None) -> list:
    if source_dir is None:
        return []
    config = Path(source_dir) / "babel.cfg"
    if not config.exists():
        return [f"{config}: missing, so the template cannot be checked against the code"]
    code_ids = extract_message_ids(source_dir)
    problems = [
        f"{template_path}: {_short(msgid)} is in the code but not in the template; run {EXTRACT_COMMAND}"
        for msgid in sorted(code_ids - template_ids, key=str)
    ]
    problems += [
        f"{template_path}: {_short(msgid)} is no longer in the code; run {EXTRACT_COMMAND}"
        for msgid in sorted(template_ids - code_ids, key=str)
    ]
    return problems


def check_catalogs(locales_dir: Path, source_dir: Path | None = PROJECT_ROOT) -> list:
    """Every problem that would show a user an untranslated or broken text, as plain sentences.

    ``source_dir`` holds babel.cfg and the code; None skips the "template out of date" check.
    """
    locales_dir = Path(locales_dir)
    template_path = locales_dir / TEMPLATE_NAME
    if not template_path.exists():
        return [f"{template_path}: missing; run {EXTRACT_COMMAND}"]
    template_ids = {m.id for m in _read(template_path) if m.id}
    problems = _template_problems(template_path, template_ids, source_dir)
    german_path = catalog_path(locales_dir, GERMAN)
    german_catalog = _read(german_path, GERMAN) if german_path.exists() else None

    for lang in SUPPORTED_LANGUAGES:
        path = catalog_path(locales_dir, lang)
        if not path.exists():
            init = f"pybabel init -i {template_path} -d {locales_dir} -l {lang}"
            problems.append(f"{path}: missing catalog for '{lang}'; run {init}")
            continue
        catalog = _read(path, lang)
        if catalog.fuzzy:
            problems.append(f"{path}: the header is marked fuzzy, so the whole catalog would not compile")
        catalog_ids = set()
        for message in catalog:
            if not message.id:
                continue
            catalog_ids.add(message.id)
            where = f"{path}:{message.lineno}"
            if message.id not in template_ids:
                problems.append(f"{where}: {_short(message.id)} is not in the template; run {UPDATE_COMMAND}")
            entry_problems = _entry_problems(where, message)
            problems.extend(entry_problems)
            if lang != GERMAN and german_catalog is not None and not entry_problems:
                problems.extend(_german_term_problems(where, message, german_catalog.get(message.id)))
        problems.extend(
            f"{path}: {_short(msgid)} is missing; run {UPDATE_COMMAND}"
            for msgid in sorted(template_ids - catalog_ids, key=str)
        )
    return problems


def compile_catalogs(locales_dir: Path) -> list:
    """Write messages.mo next to each messages.po (as ``pybabel compile``; fuzzy entries left out)."""
    written = []
    for lang in SUPPORTED_LANGUAGES:
        po_path = catalog_path(locales_dir, lang)
        if not po_path.exists():
            continue
        catalog = _read(po_path, lang)
        mo_path = po_path.with_suffix(".mo")
        with mo_path.open("wb") as handle:
            write_mo(handle, catalog)
        written.append(mo_path)
    clear_cache()  # this process may have cached the catalogs as read from the .po
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.i18n_check", description=__doc__.splitlines()[0])
    parser.add_argument("--locales-dir", type=Path, default=None, help="default: the locales_dir setting")
    parser.add_argument("--compile", action="store_true", help="compile .po to .mo instead of checking")
    args = parser.parse_args(argv)
    if args.locales_dir is None:
        args.locales_dir = load_settings().locales_dir

    if args.compile:
        written = compile_catalogs(args.locales_dir)
        print(f"compiled {len(written)} catalogs in {args.locales_dir}")
        return 0
    problems = check_catalogs(args.locales_dir)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} translation problem(s); see docs/TRANSLATING.md", file=sys.stderr)
        return 1
    print(f"catalogs OK: {len(SUPPORTED_LANGUAGES)} languages complete")
    return 0


if __name__ == "__main__":
    sys.exit(main())
