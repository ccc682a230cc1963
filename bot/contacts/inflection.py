"""The case forms of a place name in Russian and Ukrainian: "в Магдебурге", "у Магдебурзі".

Russian and Ukrainian decline foreign town names like their own nouns: "я живу в Магдебурге",
"из Магдебурга", "под Магдебургом"; "у Магдебурзі", "біля Магдебурга", "під Магдебургом".
``case_forms(name, lang)`` gives these forms of a name written in its dictionary form, so the
place files list each name once. Only the last word is declined ("в Лютерштадт-Виттенберге");
names ending in a vowel other than -а/-я do not decline ("в Дессау", "в Галле", "у Вернігероде").

Forms made (for the last word, by its ending):

====== ================================================ =========================================
ending Russian                                          Ukrainian
====== ================================================ =========================================
cons.  -а -у -ом/-ем -е (Магдебурга, -у, -ом, -е)       -а -у -ом/-ем -і, with г/к/х → з/ц/с
                                                        before -і (Магдебурзі) and also without
                                                        (Магдебургі, a common slip)
-ь     -я -ю -ем -е (Штендаля, -ю, -ем, Штендале)       -я -ю -ем -і (Штендалі)
-й     -я -ю -ем -е                                     -я -ю -єм -ї
-а     -ы/-и -е -у -ой (Лойны, Лойне, Лойну, Лойной)    -и -і -у -ою (Лойни, Лойні, Лойну, Лойною)
-я     -и -е -ю -ей                                     -і -ю -ею
====== ================================================ =========================================
"""

from __future__ import annotations

#: Languages whose forms are made; other lists are taken as written.
DECLINING_LANGUAGES = ("ru", "uk")
_RU_INDECLINABLE = set("еёиоуыэю")
_UK_INDECLINABLE = set("еєиіїоую")
_HUSHING = set("цжшщч")  # instrumental -ем after these
_UK_ALTERNATION = {"г": "з", "к": "ц", "х": "с"}  # before locative -і: Магдебург → Магдебурзі


def case_forms(name: str, lang: str) -> list[str]:
    """The declined forms of ``name`` (not the name itself), in the order of the table above."""
    if lang not in DECLINING_LANGUAGES or not name or "(" in name:
        return []
    cut = max(name.rfind(" "), name.rfind("-")) + 1
    head, word = name[:cut], name[cut:]
    if len(word) < 2 or not word[-1].isalpha():
        return []
    forms = _ru(word) if lang == "ru" else _uk(word)
    seen: list[str] = []
    for form in forms:
        if form != word and form not in seen:
            seen.append(form)
    return [head + form for form in seen]


def _ru(word: str) -> list[str]:
    last, stem = word[-1].lower(), word[:-1]
    if last in _RU_INDECLINABLE:
        return []
    if last in "ьй":
        return [stem + e for e in ("я", "ю", "ем", "е")]
    if last == "а":
        genitive = "и" if stem[-1:].lower() in set("гкхжшщч") else "ы"
        return [stem + e for e in (genitive, "е", "у", "ой")]
    if last == "я":
        return [stem + e for e in ("и", "е", "ю", "ей")]
    instrumental = ("ем", "ом") if last in _HUSHING else ("ом",)
    return [word + e for e in ("а", "у", *instrumental, "е")]


def _uk(word: str) -> list[str]:
    last, stem = word[-1].lower(), word[:-1]
    if last in _UK_INDECLINABLE:
        return []
    if last == "ь":
        return [stem + e for e in ("я", "ю", "ем", "і")]
    if last == "й":
        return [stem + e for e in ("я", "ю", "єм", "ї")]
    if last == "а":
        return [stem + "и", _alternate(stem) + "і", stem + "і", stem + "у", stem + "ою"]
    if last == "я":
        return [stem + e for e in ("і", "ю", "ею")]
    instrumental = ("ем", "ом") if last in _HUSHING else ("ом",)
    return [word + e for e in ("а", "у", *instrumental)] + [_alternate(word) + "і", word + "і"]


def _alternate(stem: str) -> str:
    """Ukrainian г/к/х → з/ц/с at the end of a stem before -і: 'Магдебург' → 'Магдебурз'."""
    last = stem[-1:]
    if last.lower() in _UK_ALTERNATION:
        replacement = _UK_ALTERNATION[last.lower()]
        return stem[:-1] + (replacement.upper() if last.isupper() else replacement)
    return stem
