"""Does a message need a person now? Cue words for the cases that must not wait.

``detect(text)`` returns one of ``DEPORTATION``, ``DEADLINE``, ``PERMIT_EXPIRY`` (urgent: the
bot says "act now" and marks the escalation urgent) or ``REFUSAL`` (a decision on the person's
own case: a person must look at it, but it is not marked urgent), else None.
``wants_person(text)`` is True when the message asks to talk to someone or for an appointment
(the NLU may file "I need to talk to someone about my Blue Card" under the topic instead). First match wins,
in that order. Cues are matched as parts of words in the casefolded text, in the bot's ten
languages; a permit expiry needs a permit word AND an expiry word, a deadline needs a deadline
word AND an objection or letter word ("Termin" alone is an appointment, not a deadline).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

DEPORTATION, DEADLINE, PERMIT_EXPIRY, REFUSAL = "deportation", "deadline", "permit_expiry", "refusal"
URGENT = frozenset({DEPORTATION, DEADLINE, PERMIT_EXPIRY})

_DEPORTATION = (
    "abschieb", "abgeschoben", "ausreiseaufforderung", "ausreisepflicht", "ausreisepflichtig",
    "deport", "removal order", "order to leave",
    "ترحيل", "يرحلون", "ترحيلي", "مغادرة البلاد",
    "депорт", "видвор", "виселен", "выдвор", "выселен",
    "sınır dışı", "sinir disi", "hudut dışı",
    "deportac", "wydalen", "nakaz opuszczenia",
    "expulz", "părăsi țara", "parasi tara",
    "اخراج از کشور", "دیپورت", "ترک کشور",
    "trục xuất", "truc xuat", "rời khỏi đức",
)
_DEADLINE_STRONG = ("widerspruchsfrist", "klagefrist", "rechtsbehelfsbelehrung", "einspruchsfrist")
_DEADLINE = (
    "frist", "deadline", "time limit", "within one month", "innerhalb eines monats",
    "مهلة", "موعد نهائي", "آخر موعد",
    "строк", "термін", "срок",
    "süre", "sure sonu", "son gün",
    "termin na", "terminu", "w ciągu",
    "termen",
    "مهلت", "ضرب‌الاجل", "ضرب الاجل",
    "hạn chót", "thời hạn", "han chot",
)
_OBJECTION = (
    "widerspruch", "klage", "einspruch", "bescheid",
    "objection", "appeal", "lawsuit", "object to",
    "اعتراض", "طعن", "تظلم",
    "заперечен", "оскарж", "апеляц", "скарг", "позов",
    "обжалов", "возражен", "жалоб", "иск",
    "itiraz", "dava",
    "odwołan", "odwolan", "sprzeciw", "skarg",
    "contestați", "contestati", "contestație", "contestatie", "recurs", "plângere", "plangere",
    "شکایت",
    "khiếu nại", "kháng cáo", "khieu nai",
)
_PERMIT = (
    "aufenthalt", "titel", "visum", "blaue karte", "erlaubnis", "niederlassung",
    "permit", "visa", "blue card", "residence card", "residence title",
    "إقامة", "اقامة", "الإقامة", "إقامت", "تأشيرة", "البطاقة الزرقاء",
    "посвід", "дозв", "віза", "візи", "візу", "візою", "блакитн",
    # not "виз"/"віз" alone: "визнати" (to recognise) would read as a visa
    "внж", "вид на жительство", "разрешени", "виза", "визы", "визу", "визой", "голуб",
    "oturum", "izin", "vize", "mavi kart",
    "karta pobytu", "karty pobytu", "zezwolen", "wiz", "niebieska karta", "niebieskiej karty",
    "permis", "viză", "viza", "cartea albastr", "carte albastr",
    "اقامت", "ویزا", "روادید", "کارت آبی",
    "giấy phép", "thị thực", "thẻ cư trú", "thẻ xanh", "visa",
)
_EXPIRY = (
    "läuft ab", "laeuft ab", "lauft ab", "abläuft", "ablaeuft", "ablauft", "abgelaufen", "endet", "ausläuft",
    "expire", "expiring", "runs out", "running out", "ends in", "ends on",
    "ينتهي", "تنتهي", "انتهاء", "ستنتهي", "سينتهي", "بتخلص", "رح تخلص", "راح تخلص", "بتنتهي",
    "خلصت", "منتهية",
    # not "закінч"/"закончи" alone: "закінчив інститут" (graduated) is no expiry
    "закінчується", "закінчиться", "закінчилася", "закінчився", "закінчилось", "спливає", "спливе",
    "сплива", "истека", "истёк", "истек", "заканчива", "закончится", "закончилась", "закончился",
    "закончилось",
    "sona er", "süresi dol", "suresi dol", "bitiyor", "bitecek",
    "wygasa", "wygaśnie", "wygasnie", "kończy się", "konczy sie", "upływa",
    "expiră", "expira", "se termină", "se termina",
    "منقضی", "تمام می", "به پایان می",
    "hết hạn", "het han", "sắp hết",
)
_REFUSAL = (
    "abgelehnt", "ablehnung", "ablehnungsbescheid", "versagt",
    "refused", "refusal", "rejected", "rejection", "denied",
    "رفض", "رفضت", "مرفوض",
    "відмов", "отказ", "отклон",
    "reddedil", "reddetti", "red kararı", "ret kararı",
    "odmow", "odrzuc", "odrzuć",
    "respins", "refuz",
    "رد شد", "رد کرد", "ردّ",
    "từ chối", "tu choi",
)

#: German separable verbs: "läuft in 5 Tagen ab", "endet nächste Woche".
_GERMAN_EXPIRY = re.compile(r"\bl(?:ä|ae|a)uft\b.*\bab\b")
_PERSON = (
    "mit jemandem sprechen", "mit jemandem reden", "mit einem menschen", "mit einer person",
    "ansprechpartner", "termin bei", "einen termin", "persönlich beraten", "beratungstermin",
    "talk to someone", "speak to someone", "talk with someone", "speak with someone", "talk to a person",
    "speak to a person", "real person", "a human", "an appointment", "appointment with", "contact person",
    "talk to somebody", "speak to somebody",
    "التحدث مع", "أتحدث مع", "اتحدث مع", "التكلم مع", "موعد", "شخص حقيقي",
    "поговорити з", "записатися на прийом", "живою людиною", "з людиною",
    "поговорить с", "записаться на при", "живым человеком", "с человеком",
    "biriyle konuş", "biriyle görüş", "randevu", "yetkiliyle",
    "porozmawiać z", "porozmawiac z", "umówić się", "umowic sie", "wizyt", "z człowiekiem",
    "să vorbesc cu", "sa vorbesc cu", "vorbesc cu cineva", "programare", "o persoană reală",
    "صحبت کنم", "صحبت با", "وقت ملاقات", "نوبت",
    "nói chuyện với", "gặp trực tiếp", "lịch hẹn", "đặt hẹn", "người thật",
)

_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Casefolded, with single spaces and the Persian/Arabic letter variants unified."""
    text = _SPACES.sub(" ", (text or "").casefold().replace("\u200c", " "))
    return text.replace("ي", "ی").replace("ك", "ک") if any("\u0600" <= c <= "\u06ff" for c in text) else text


def _any(text: str, cues: Iterable[str]) -> bool:
    return any(normalise(cue) in text for cue in cues)


def detect(text: str) -> str | None:
    """The urgent case (or a refusal) the message is about, or None."""
    text = normalise(text)
    if not text:
        return None
    if _any(text, _DEPORTATION):
        return DEPORTATION
    if _any(text, _DEADLINE_STRONG) or (_any(text, _DEADLINE) and _any(text, _OBJECTION)):
        return DEADLINE
    if _any(text, _PERMIT) and (_any(text, _EXPIRY) or _GERMAN_EXPIRY.search(text)):
        return PERMIT_EXPIRY
    if _any(text, _REFUSAL):
        return REFUSAL
    return None


def wants_person(text: str) -> bool:
    """True when the message asks to talk to a person or for an appointment."""
    return _any(normalise(text), _PERSON)


def is_urgent(kind: str | None) -> bool:
    return kind in URGENT
