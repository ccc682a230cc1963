"""Locales with babel: translations, language names, text direction, dates and money.

Catalogs live in locales/<lang>/LC_MESSAGES/messages.po, message ids are the English texts of
``bot.texts``. ``make run`` compiles them to .mo; when a .mo is missing or older than its .po
the .po is read directly, so a fresh checkout and the unit tests work without a compile step.
"""

from __future__ import annotations

import datetime as dt
import gettext
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date as _babel_format_date
from babel.messages.pofile import read_po
from babel.numbers import format_currency as _babel_format_currency
from babel.support import Translations

from bot import RTL_LANGUAGES, SUPPORTED_LANGUAGES
from bot.settings import PROJECT_ROOT

DEFAULT_LANGUAGE = "de"
LOCALES_DIR = PROJECT_ROOT / "locales"


def normalise_language(code: str | None) -> str | None:
    """'de-DE', 'DE', 'pt_BR' → 'de' / None when not supported."""
    if not code:
        return None
    base = code.strip().replace("_", "-").split("-")[0].lower()
    return base if base in SUPPORTED_LANGUAGES else None


@cache
def _translations(lang: str, locales_dir: str) -> gettext.NullTranslations:
    folder = Path(locales_dir) / lang / "LC_MESSAGES"
    po, mo = folder / "messages.po", folder / "messages.mo"
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        return Translations.load(locales_dir, [lang], domain="messages")
    if not po.exists():
        return gettext.NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    translations = _DictTranslations(
        {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy and isinstance(m.id, str)}
    )
    return translations


class _DictTranslations(gettext.NullTranslations):
    def __init__(self, messages: dict):
        super().__init__()
        self._messages = messages

    def gettext(self, message: str) -> str:
        return self._messages.get(message, message)


def translate(lang: str | None, message: str, locales_dir: Path | None = None, **values) -> str:
    """Render a ``bot.texts`` message in ``lang`` (English when no translation exists)."""
    lang = normalise_language(lang) or DEFAULT_LANGUAGE
    text = message
    if lang != "en":
        text = _translations(lang, str(locales_dir or LOCALES_DIR)).gettext(message) or message
    return text.format(**values) if values else text


def clear_cache() -> None:
    """Forget loaded catalogs (after a recompile)."""
    _translations.cache_clear()


def text_direction(lang: str | None) -> str:
    """'rtl' for Arabic and Farsi, else 'ltr'."""
    return "rtl" if normalise_language(lang) in RTL_LANGUAGES else "ltr"


def language_name(lang: str, in_language: str | None = None, capitalize: bool = True) -> str:
    """The language's name, by default in that language itself ('العربية', 'Українська').

    ``capitalize=False`` keeps the locale's own case, for use inside a sentence ('angielski').
    """
    name = Locale.parse(lang).get_display_name(in_language or lang) or lang
    return name[:1].upper() + name[1:] if capitalize else name


def language_choices(languages: Iterable[str] = SUPPORTED_LANGUAGES) -> list:
    """[{'code', 'name', 'dir'}] for a language picker, each name in its own language."""
    return [{"code": c, "name": language_name(c), "dir": text_direction(c)} for c in languages]


#: Quotation marks per language (CLDR's delimiters; babel does not expose them).
_QUOTES = {"de": ("„", "“"), "en": ("“", "”"), "ar": ("«", "»"), "uk": ("«", "»"), "ru": ("«", "»"),
           "tr": ("“", "”"), "pl": ("„", "”"), "ro": ("„", "”"), "fa": ("«", "»"), "vi": ("“", "”")}


def quote(text: str, lang: str | None) -> str:
    """``text`` in the language's quotation marks: a German office name inside a Farsi sentence
    reads as a name ("«Stadt Halle (Saale)»"), not as a sentence that switches language."""
    start, end = _QUOTES.get(normalise_language(lang) or DEFAULT_LANGUAGE, ("“", "”"))
    return f"{start}{text}{end}"


def format_date(value: dt.date, lang: str | None) -> str:
    return _babel_format_date(value, format="long", locale=normalise_language(lang) or DEFAULT_LANGUAGE)


def format_euro(amount: float, lang: str | None) -> str:
    """'13,90 €' in German, '€13.90' in English."""
    return _babel_format_currency(amount, "EUR", locale=normalise_language(lang) or DEFAULT_LANGUAGE)
