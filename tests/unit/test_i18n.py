"""Translations, language names, text direction, money, and the catalog check."""

import re
import shutil
import string

import pytest
from babel.messages.pofile import read_po, write_po

from bot import SUPPORTED_LANGUAGES, texts
from bot.i18n import LOCALES_DIR, format_euro, language_name, text_direction, translate
from bot.i18n_check import catalog_path, check_catalogs, compile_catalogs, german_terms_in_brackets

ALL_TEXTS = {name: text for name, text in vars(texts).items() if name.isupper() and isinstance(text, str)}
UKRAINIAN_ONLY_LETTERS = re.compile("[іїєґІЇЄҐ]")
RUSSIAN_ONLY_LETTERS = re.compile("[ыэъёЫЭЪЁ]")


def test_german_arabic_and_ukrainian_users_read_their_own_language():
    assert translate("de", texts.GOODBYE).startswith("Auf Wiedersehen")
    assert "Ausländerbehörde" in translate("de", texts.DISCLAIMER)

    arabic = translate("ar", texts.ASK_TOPIC)
    assert arabic != texts.ASK_TOPIC and re.search("[\u0600-\u06ff]", arabic)

    ukrainian = translate("uk", texts.NO_ANSWER)
    assert ukrainian != texts.NO_ANSWER
    assert UKRAINIAN_ONLY_LETTERS.search(ukrainian) and not RUSSIAN_ONLY_LETTERS.search(ukrainian)


def test_ukrainian_and_russian_are_different_texts():
    different = [name for name, text in ALL_TEXTS.items() if translate("uk", text) != translate("ru", text)]
    assert len(different) == len(ALL_TEXTS)


def test_german_office_names_stay_in_brackets_in_other_languages():
    for lang in SUPPORTED_LANGUAGES:
        if lang != "de":
            assert "(Ausländerbehörde)" in translate(lang, texts.DISCLAIMER), lang


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_every_placeholder_is_filled_in_every_language(lang):
    for name, text in ALL_TEXTS.items():
        fields = {f for _, f, _, _ in string.Formatter().parse(text) if f}
        if fields:
            rendered = translate(lang, text, **{field: "«VALUE»" for field in fields})
            assert rendered.count("«VALUE»") == len(fields), (lang, name)
            assert "{" not in rendered, (lang, name)


def test_limit_appears_in_the_too_long_error():
    assert "2000" in translate("ar", texts.ERROR_TOO_LONG, limit=2000)
    assert translate("de", texts.ERROR_TOO_LONG, limit=2000).endswith("auf 2000 Zeichen.")


@pytest.mark.parametrize("code", [None, "", "xx", "pt-BR"])
def test_unknown_or_missing_language_falls_back_to_german(code):
    assert translate(code, texts.GOODBYE) == translate("de", texts.GOODBYE) != texts.GOODBYE


def test_regional_codes_and_english():
    assert translate("de-AT", texts.AFFIRM) == "Gut. Was möchten Sie wissen?"
    assert translate("AR", texts.AFFIRM) == translate("ar", texts.AFFIRM)
    assert translate("en", texts.AFFIRM) == texts.AFFIRM


def test_arabic_and_farsi_are_right_to_left():
    assert text_direction("ar") == "rtl"
    assert text_direction("fa-IR") == "rtl"
    assert text_direction("de") == "ltr"
    assert text_direction("xx") == "ltr"


@pytest.mark.parametrize(
    "lang, name",
    [
        ("de", "Deutsch"),
        ("en", "English"),
        ("ar", "العربية"),
        ("uk", "Українська"),
        ("ru", "Русский"),
        ("tr", "Türkçe"),
        ("pl", "Polski"),
        ("ro", "Română"),
        ("fa", "فارسی"),
        ("vi", "Tiếng Việt"),
    ],
)
def test_each_language_is_named_in_itself(lang, name):
    assert language_name(lang) == name


def test_language_name_in_another_language():
    assert language_name("ar", in_language="de") == "Arabisch"


def test_euro_amounts_follow_the_language():
    assert format_euro(13.9, "de") == "13,90\xa0€"  # babel puts a no-break space before the sign
    assert format_euro(13.9, "en") == "€13.90"


def test_farsi_uses_persian_letters_and_arabic_does_not():
    for text in ALL_TEXTS.values():
        assert not re.search("[يك]", translate("fa", text)), text
        assert not re.search("[یک]", translate("ar", text)), text


# --- the catalog check ---------------------------------------------------------------------


def test_real_catalogs_pass_the_check():
    assert check_catalogs(LOCALES_DIR) == []


@pytest.fixture
def locales_copy(tmp_path):
    copy = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, copy, ignore=shutil.ignore_patterns("*.mo"))
    return copy


def _edit(locales_dir, lang, msgid, change):
    path = catalog_path(locales_dir, lang)
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    change(catalog[msgid])
    with path.open("wb") as handle:
        write_po(handle, catalog)
    return path


def _misspell_limit(message):
    message.string = message.string.replace("{limit}", "{limt}")


def test_check_catches_empty_fuzzy_and_placeholder_mistakes(locales_copy):
    empty = _edit(locales_copy, "ar", texts.GOODBYE, lambda m: setattr(m, "string", ""))
    fuzzy = _edit(locales_copy, "uk", texts.THANKS, lambda m: m.flags.add("fuzzy"))
    renamed = _edit(locales_copy, "de", texts.ERROR_TOO_LONG, _misspell_limit)

    problems = check_catalogs(locales_copy)

    assert len(problems) == 3, problems
    assert any(str(empty) in p and "empty translation" in p for p in problems)
    assert any(str(fuzzy) in p and "fuzzy" in p for p in problems)
    assert any(str(renamed) in p and "['limt']" in p and "['limit']" in p for p in problems)


@pytest.mark.parametrize(
    "english, german, terms",
    [
        ("Visits by appointment (Termin) only.", "Besuch nur mit Termin.", ["Termin"]),
        ("an objection or a lawsuit (Widerspruch, Klage)", "einen Widerspruch oder eine Klage",
         ["Widerspruch", "Klage"]),
        ("a certificate (Fiktionsbescheinigung, § 81(4) AufenthG)", "eine Fiktionsbescheinigung (§ 81 Abs. 4)",
         ["Fiktionsbescheinigung"]),
        ("Summary (German)", "Zusammenfassung (Deutsch)", []),
        ("your language ({language})", "Ihre Sprache ({language})", []),
        ("within (4) weeks", "innerhalb von (4) Wochen", []),
    ],
)
def test_german_terms_in_brackets_are_the_ones_the_german_text_uses(english, german, terms):
    assert german_terms_in_brackets(english, german) == terms


def test_check_catches_a_german_term_dropped_from_a_translation(locales_copy):
    def drop_termin(message):
        message.string = message.string.replace(" (Termin)", "")

    def translate_klage(message):
        message.string = message.string.replace("Klage", "دعوى")

    dropped = _edit(locales_copy, "uk", texts.CONTACT_APPOINTMENT_ONLY, drop_termin)
    translated = _edit(locales_copy, "ar", texts.URGENT_DEADLINE, translate_klage)

    problems = check_catalogs(locales_copy)

    assert len(problems) == 2, problems
    assert any(str(dropped) in p and "the German term 'Termin' is missing" in p for p in problems)
    assert any(str(translated) in p and "the German term 'Klage' is missing" in p for p in problems)


def test_check_catches_missing_catalog_and_missing_message(locales_copy):
    catalog_path(locales_copy, "vi").unlink()
    path = catalog_path(locales_copy, "pl")
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="pl")
    del catalog[texts.GREET]
    with path.open("wb") as handle:
        write_po(handle, catalog)

    problems = check_catalogs(locales_copy)

    assert any("missing catalog for 'vi'" in p for p in problems)
    assert any(str(path) in p and "'Hello! I answer" in p and "missing" in p for p in problems)


def test_check_catches_a_template_older_than_the_code(locales_copy, tmp_path):
    source = tmp_path / "source"
    (source / "bot").mkdir(parents=True)
    shutil.copy(LOCALES_DIR.parent / "babel.cfg", source / "babel.cfg")
    new_code = (LOCALES_DIR.parent / "bot" / "texts.py").read_text(encoding="utf-8")
    new_code += '\nBRAND_NEW = N_("A text nobody has extracted yet.")\n'
    (source / "bot" / "texts.py").write_text(new_code, encoding="utf-8")

    problems = check_catalogs(locales_copy, source_dir=source)

    assert len(problems) == 1, problems
    assert "'A text nobody has extracted yet.' is in the code but not in the template" in problems[0]


def test_compiled_catalogs_translate_the_same(locales_copy):
    written = compile_catalogs(locales_copy)

    assert {p.parent.parent.name for p in written} == set(SUPPORTED_LANGUAGES)
    for path in locales_copy.glob("*/LC_MESSAGES/messages.po"):
        path.unlink()  # from now on only the .mo files can give a translation
    for lang in ("de", "ar", "fa"):
        from_mo = translate(lang, texts.DISCLAIMER, locales_dir=locales_copy)
        assert from_mo == translate(lang, texts.DISCLAIMER) != texts.DISCLAIMER


def test_names_are_quoted_the_way_each_language_quotes():
    from bot.i18n import quote

    assert quote("Stadt Halle (Saale)", "de") == "„Stadt Halle (Saale)“"
    assert quote("Stadt Halle (Saale)", "fa") == "«Stadt Halle (Saale)»"
    assert quote("Stadt Halle (Saale)", "en") == "“Stadt Halle (Saale)”"
