"""Requests to change the conversation's language: "can we speak Turkish?", "по-русски можно?",
"بالعربي لو سمحت", "English please", "Tiếng Việt".

``find_language_request(text)`` returns a ``LanguageRequest`` or None. A request names one
language (in any of our ten languages, or in that language itself) and either is little more
than the name ("Türkçe lütfen"), or asks to speak, write or answer in it ("können wir auf
Polnisch schreiben?"). Questions *about* a language ("Do I need to speak German for the Blue
Card?", "Wo lerne ich Deutsch?") are not requests: words for needing, learning, courses, levels
and exams rule a message out. Languages we do not offer (French, Kurdish ...) are recognised by
their names in our ten languages, so the person learns which languages we do offer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from babel import Locale

from bot import SUPPORTED_LANGUAGES
from bot.folding import fold_arabic
from bot.language import plain

#: Sentences naming a language with more words than this together are not a request.
MAX_WORDS = 16
#: A request with more words than this also carries a question: it goes on to the engine.
MAX_BARE_WORDS = 10

#: Forms of the names of our languages beyond babel's dictionary form, lower case and without
#: accents (see bot.language.plain): adverbs ("po-russki", "turcește", "bằng tiếng Việt"), cases ("українською",
#: "po polsku"), colloquial forms ("عربي", "farsi"), and Dari, which Farsi speakers read.
_EXTRA_FORMS: dict[str, tuple[str, ...]] = {
    "de": ("deutsch", "german", "almanca", "немецк*", "німецьк*", "niemieck*", "germana", "nemteste",
           "الالمانيه*", "الماني*", "آلمانی*", "tieng duc"),
    "en": ("english", "englisch", "ingilizce", "английск*", "англійськ*", "angielsk*", "engleza",
           "englezeste", "الانجليزيه*", "انجليزي*", "الانكليزيه*", "انگلیسی*", "tieng anh"),
    "ar": ("arabic", "arabisch", "arapca", "арабск*", "арабськ*", "arabsk*", "araba", "العربيه*",
           "عربي*", "عربی*", "tieng a rap"),
    "uk": ("ukrainian", "ukrainisch", "ukraynaca", "украинск*", "українськ*", "ukrainsk*", "ucraineana",
           "الاوكرانيه*", "اوكراني*", "اوکراینی*", "tieng ukraina", "tieng ukraine"),
    "ru": ("russian", "russisch", "rusca", "русск*", "російськ*", "rosyjsk*", "rusa", "ruseste",
           "الروسيه*", "روسي*", "روسی*", "tieng nga"),
    "tr": ("turkish", "turkisch", "turkce", "турецк*", "турецьк*", "tureck*", "turca",
           "turceste", "التركيه*", "تركي*", "ترکی*", "tieng tho nhi ky"),
    "pl": ("polish", "polnisch", "lehce", "польськ*", "польск*", "polsk*", "poloneza", "البولنديه*",
           "بولندي*", "لهستانی*", "tieng ba lan"),
    "ro": ("romanian", "rumanisch", "rumaenisch", "rumence", "румунськ*", "румынск*", "rumunsk*",
           "romana", "romaneste", "الرومانيه*", "روماني*", "رومانیایی*", "tieng romania", "tieng rumani"),
    "fa": ("persian", "farsi", "dari", "persisch", "farsca", "darice", "перськ*", "персидск*", "фарси",
           "дари", "persk*", "persana", "الفارسيه*", "فارسي*", "فارسی*", "دری", "پارسی*", "tieng ba tu"),
    "vi": ("vietnamese", "vietnamesisch", "vietnamca", "вьетнамск*", "вʼєтнамськ*", "в'єтнамськ*",
           "wietnamsk*", "vietnameza", "الفيتناميه*", "فيتنامي*", "ویتنامی*", "tieng viet"),
}

#: Languages people ask for that we do not offer; their names come from babel in our languages.
UNSUPPORTED_ASKED = ("fr", "es", "it", "pt", "ku", "ckb", "ps", "so", "ti", "am", "ur", "hi", "bn",
                     "zh", "sq", "sr", "hr", "bs", "bg", "hu", "cs", "sk", "el", "ka", "hy",
                     "ta", "ha", "yo", "sw", "tl", "id", "th", "ja", "ko", "nl")

#: Words that ask to speak, write or answer (stems, lower case, without accents).
_CUES: tuple[str, ...] = (
    # en
    r"\b(speak|talk|write|chat|answer|reply|respond|continue|communicate|switch|change|use)\b",
    r"\bin\s+§", r"^§\s+(please|pls|language)\b",
    # de
    r"\b(sprech\w*|sprich\w*|rede\w*|red|schreib\w*|antwort\w*|weiter|wechsel\w*|umstell\w*|bitte)\b",
    r"\bauf\s+§", r"\bsprache\b",
    # ar (letters normalised: ة -> ه, أ/إ/آ -> ا)
    (r"(تتكلم|نتكلم|اتكلم|تكلم|تحدث|نتحدث|تتحدث|اتحدث|اكتب|تكتب|نكتب|رد|ترد|اجب|جاوب|تجاوب|نكمل|كمل|"
     r"باللغه|لغه|لو سمحت|من فضلك|ممكن)"),
    # fa
    r"(صحبت|حرف|بنویس|بنويس|بنویسید|جواب|ادامه|زبان|لطفا|میشه|می شه|میتونی|میتونید)",
    # uk, ru
    (r"(говор|розмовл|спілкув|пиш|напиш|відповід|продовж|мов[аоуіи]|можна|будь ласка|"
     r"разговар|общ|отвеч|ответ|продолж|язык|можно|пожалуйста)"),
    # tr
    r"(konus|yaz|cevap|yanit|devam|dilinde|dil\b|lutfen|misin|miyiz|musun|muyuz)",
    # pl
    (r"(mowi|mowic|rozmawia|pisa|pisz|napisz|odpowiad|odpisz|kontynu|jezyk|prosze|mozna|mozemy|"
     r"\bpo\s+§)"),
    # ro
    r"(vorb|scri|raspun|continu|limba|va rog|te rog|putem|puteti|poti)",
    # vi
    r"(\bnoi\b|\bviet\b|tra loi|\bdung\s+§|\bbang\s+§|chuyen|ngon ngu|duoc khong|lam on|\bxin\b)",
)

_CUES = tuple(fold_arabic(cue) for cue in _CUES)

#: Words that may stand next to a bare language name: "in English please", "по-русски можно".
_FILLERS = frozenset(["in", "please", "pls", "plz", "language", "only", "ok", "okay", "yes", "bitte", "auf", "sprache", "nur", "ja", "gerne", "lutfen", "dilinde", "dil", "evet", "po", "prosze", "jezyk", "tak", "w", "limba", "in", "va", "rog", "te", "rog", "da", "bang", "tieng", "vang", "lam", "on", "xin", "duoc", "khong", "по", "на", "пожалуйста", "будь", "ласка", "язык", "мова", "мовою", "можно", "можна", "да", "так", "لو", "سمحت", "من", "فضلك", "ممكن", "باللغه", "اللغه", "لغه", "نعم", "بال", "لطفا", "زبان", "به", "بله"])
_FILLERS = frozenset(plain(word) for word in _FILLERS)

#: Words for needing, learning, courses, levels, exams and work: the message is about a
#: language, not a request to speak it.
_BLOCKS = (
    (r"\b(learn\w*|lern\w*|course|kurs\w*|curs\w*|level|niveau|nivel\w*|exam\w*|prufung|pruefung|"
    r"test\w*|zertifikat|certificate|need|needed|must|required|requirement|brauch\w*|muss|musst|"
    r"mussen|benotig\w*|without|ohne|job|work|arbeit\w*|beruf\w*|[abc][12]|class\w*|lesson\w*|school\w*|"
    r"teacher|tutor|unterricht|schule\w*|klasse\w*|lehrer\w*)\b"),
    (r"(курс|рів(ень|ня)|уров|экзамен|іспит|нужн|потрібн|треба|надо|без\b|учит|вчит|вивч|изуч|работ|"
    r"робот|урок|занят|школ)"),
    r"(ogren|kurs|seviye|sinav|gerek|lazim|olmadan|\bis\b|calis|ders|okul)",
    r"(uczy|nauk|kurs|poziom|egzamin|potrzeb|musz|\bbez\b|prac|lekcj|szkol)",
    r"(invat|curs|nivel|examen|trebuie|\bfara\b|munc|serviciu|lectii|scoal)",
    # vi: "cần" (need) loses its accent to "can", so only "cần học/biết/phải", "có cần"
    r"(\bhoc\b|khoa hoc|trinh do|ky thi|\bcan (hoc|biet|phai|co)\b|\bco can\b|\bphai\b|viec lam|lam viec|lop hoc|lop tieng)",
    (r"(تعلم|اتعلم|دوره|دورة|كورس|مستوى|امتحان|احتاج|يجب|لازم|بدون|عمل|شغل|یاد|دوره|سطح|آزمون|امتحان|"
    r"باید|نیاز|بدون|کار|دورات|دروس|كلاس|کلاس|آموزش|مدرسه|معهد|آموزشگاه)"),
)
# The letters of the patterns are folded like the text they are matched against (bot.folding).
_BLOCKS = tuple(fold_arabic(block) for block in _BLOCKS)

#: Words before a language name that mean "not this one": "instead of German", "kein Deutsch".
_NOT_THIS = re.compile(fold_arabic(
    r"(instead of|rather than|not in|don't speak|do not speak|can't speak|cannot speak|statt|anstatt|"
    r"kein|keine|nicht auf|вместо|замість|не\s+(на|по)|не говорю( по)?|не розмовляю|не знаю|yerine|"
    r"zamiast|nie po|nie mowie( po)?|nie znam|in loc de|nu in|nu vorbesc|nu stiu|thay vi|khong phai|"
    r"khong noi( duoc)?( tieng)?|khong biet( tieng)?|بدلا من|بدل|لا اتكلم|لا اتحدث|لا اعرف|به جای|نه)\s*$"
))
#: The same, after the name: "Almanca bilmiyorum", "آلمانی بلد نیستم".
_NOT_THIS_AFTER = re.compile(fold_arabic(
    r"^\s*(bilmiyorum|konusamiyorum|yerine|بلد نیستم|نمی دانم|نمیدانم|نمی دانم|بلد نيستم)"))


@dataclass(frozen=True)
class LanguageRequest:
    #: The language asked for: one of ours, or a babel code we do not offer.
    lang: str
    supported: bool
    #: True when the message is little more than the request; otherwise it also carries a
    #: question that should be answered in the new language.
    bare: bool


def _babel_forms(code: str) -> list[tuple[str, bool]]:
    """(form, is_stem) for the language's name in each of our languages."""
    forms = []
    for ui in SUPPORTED_LANGUAGES:
        name = Locale.parse(ui).languages.get(code)
        if not name:
            continue
        folded = plain(name)
        forms.append((folded, ui in ("ar", "fa")))
        if ui in ("ru", "uk", "pl") and len(folded) > 6:
            # французский / французька / francuski -> французск / французьк / francus
            forms.append((folded[:-2], True))
        if ui == "ar" and folded.startswith("ال"):
            forms.append((folded[2:].rstrip("ه"), True))  # الفرنسيه -> فرنسي
    return forms


def _extra_forms(code: str) -> list[tuple[str, bool]]:
    return [(plain(form.rstrip("*")), form.endswith("*")) for form in _EXTRA_FORMS.get(code, ())]


@lru_cache(maxsize=1)
def _name_pattern() -> tuple[re.Pattern, dict[str, str]]:
    """One regex for every known form of every language name, and form -> language code.

    A form starts a word (Arabic-script forms may follow the prefixes ب / بال). Stems (marked
    ``*``) may continue ("русск" in "по-русски"); whole forms must end the word, so "dari" does
    not match German "darin" and "deutsch" not "Deutschkurs".
    """
    owner: dict[str, str] = {}
    stems = set()
    for code in UNSUPPORTED_ASKED:
        for form, is_stem in _babel_forms(code):
            if form not in owner:
                owner[form] = code
                if is_stem:
                    stems.add(form)
    for code in SUPPORTED_LANGUAGES:  # ours win where a form is shared
        for form, is_stem in _babel_forms(code) + _extra_forms(code):
            owner[form] = code
            if is_stem:
                stems.add(form)
    forms = sorted((form for form in owner if len(form) >= 3), key=len, reverse=True)
    alternatives = [re.escape(form) + ("" if form in stems else r"(?![^\W\d_])") for form in forms]
    pattern = re.compile(r"(?:(?<![^\W\d_])|(?<=ب)|(?<=بال))(" + "|".join(alternatives) + ")")
    return pattern, owner


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+|\d+", text)


def find_language_request(text: str) -> LanguageRequest | None:
    """The language this message asks the conversation to continue in, if it asks for one.

    Judged on the sentences that name a language; another sentence of three words or more is a
    question of its own ("Говорите по-русски? Мне нужна информация о голубой карте").
    """
    pattern, owner = _name_pattern()
    sentences = [part.strip() for part in re.split(r"[.?!؟\n]+", plain(text)) if part.strip()]
    asking = [part for part in sentences if pattern.search(part)]
    others = [part for part in sentences if not pattern.search(part)]
    asked = " ; ".join(asking)
    words = _words(asked)
    if not words or len(words) > MAX_WORDS:
        return None
    mentions = []
    for match in pattern.finditer(asked):
        if _NOT_THIS.search(asked[: match.start()]) or _NOT_THIS_AFTER.search(asked[match.end():]):
            continue
        mentions.append(match)
    if not mentions:
        return None
    codes = {owner[match.group(1)] for match in mentions}
    if len(codes) != 1:
        return None  # "Deutsch oder Englisch?": no single wish
    match = mentions[-1]
    lang = owner[match.group(1)]
    marked = asked[: match.start()] + "§" + asked[match.end():]
    if any(re.search(block, marked) for block in _BLOCKS):
        return None
    only_fillers = all(word in _FILLERS for word in _words(pattern.sub(" ", asked)))
    if not only_fillers and not any(re.search(cue, marked) for cue in _CUES):
        return None
    carries_question = any(len(_words(part)) >= 3 for part in others)
    bare = not carries_question and len(words) <= MAX_BARE_WORDS
    return LanguageRequest(lang=lang, supported=lang in SUPPORTED_LANGUAGES, bare=bare)
