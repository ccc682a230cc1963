"""Whose question is it? The asker's status, recognised from the words of the question.

Articles declare whom they are for (front matter ``audience``: ``eu`` — citizens of the EU,
the EEA or Switzerland; ``third_country`` — everyone else, who needs a residence title;
``employer``). A question that shows its asker is of one group is never answered from an article
written only for the other: "With an Italian EU long-term residence permit, can I work in
Germany?" must not get the freedom-of-movement article ("no visa, no permit needed"), and
"I am Polish, do I need a work permit?" must not get the Blue Card.

Only clear signs count (precision over recall): names of residence titles and their paragraphs,
"non-EU", nationalities and countries. A question without a sign is for everyone.
"""

from __future__ import annotations

import functools
import re

from bot.knowledge.bm25 import fold

EU = "eu"
THIRD_COUNTRY = "third_country"

#: Signs that the asker is a citizen of the EU, the EEA or Switzerland.
_EU_SIGNS = (
    # en / de
    "eu citizen", "eu-citizen", "eu national", "european citizen", "citizen of the eu", "eu passport",
    "eu-bürger", "eu bürger", "eu-staatsangehörig", "unionsbürger", "ewr-bürger", "eea citizen", "eea national",
    "polish citizen", "polish national", "romanian citizen", "bulgarian citizen", "hungarian citizen",
    "croatian citizen", "italian citizen", "spanish citizen", "greek citizen", "portuguese citizen",
    "czech citizen", "slovak citizen", "lithuanian citizen", "latvian citizen", "french citizen",
    "i am polish", "i'm polish", "i am romanian", "i'm romanian", "i am bulgarian", "i'm bulgarian",
    "i am hungarian", "i am croatian", "i am italian", "i am spanish", "i am greek", "i am portuguese",
    "polnische staatsangehörig", "polnischer staatsangehörig", "rumänische staatsangehörig",
    "rumänischer staatsangehörig", "bulgarische staatsangehörig", "bulgarischer staatsangehörig",
    "ich bin pole", "ich bin polin", "ich bin rumäne", "ich bin rumänin", "ich bin bulgar",
    "aus polen", "aus rumänien", "aus bulgarien", "aus ungarn", "aus kroatien", "aus der eu",
    "from poland", "from romania", "from bulgaria", "from hungary", "from croatia", "from the eu",
    # pl
    "obywatel ue", "obywatelka ue", "obywatelem ue", "obywatelką ue", "obywatel unii", "obywatelstwo polskie",
    "polskie obywatelstwo", "jestem polakiem", "jestem polką", "z polski",
    # ro
    "cetățean ue", "cetățean european", "cetățean român", "cetățeni români", "cetățenia română",
    "cetățenie română", "sunt român", "sunt româncă", "din românia", "cetatean ue",
    # ru / uk
    "гражданин ес", "гражданка ес", "гражданство ес", "громадянин єс", "громадянка єс", "громадянство єс",
    "польское гражданство", "польський паспорт", "польский паспорт", "румынский паспорт", "паспорт єс",
    "паспорт ес",
    # tr
    "ab vatandaşı", "ab vatandaşıyım", "avrupa birliği vatandaşı",
    # ar / fa / vi
    "مواطن أوروبي", "مواطن من الاتحاد الأوروبي", "جواز سفر أوروبي", "شهروند اتحادیه اروپا", "پاسپورت اروپایی",
    "công dân eu", "công dân châu âu", "hộ chiếu châu âu",
)

#: Signs that the asker is a third-country national (needs or holds a residence title).
_THIRD_COUNTRY_SIGNS = (
    # titles and their paragraphs
    "blue card", "blaue karte", "niebieska karta", "blå kort", "mavi kart", "синяя карта", "блакитна карта",
    "синя карта", "cartea albastră", "carte albastră", "البطاقة الزرقاء", "بلو کارت", "کارت آبی", "thẻ xanh",
    "duldung", "дульдунг", "aufenthaltsgestattung", "fiktionsbescheinigung", "niederlassungserlaubnis",
    "aufenthaltserlaubnis", "aufenthaltstitel", "chancenkarte", "opportunity card", "karta szans",
    "daueraufenthalt", "long-term resident", "long term resident", "eu long-term", "eu long term",
    "§ 16", "§16", "§ 17", "§17", "§ 18", "§18", "§ 19", "§19", "§ 20", "§20", "§ 21", "§21", "§ 24", "§24",
    "§ 25", "§25", "§ 60", "§60", "§ 81", "§81", "paragraph 24", "параграф 24", "параграфом 24",
    "параграфу 24",
    # not from the EU
    "non-eu", "non eu", "nicht-eu", "nicht eu-", "außerhalb der eu", "outside the eu", "outside of the eu",
    "third country", "third-country", "drittstaat", "spoza ue", "spoza unii", "din afara ue", "из-за пределов ес",
    "не из ес", "поза єс", "ab dışı", "ab dışından", "خارج الاتحاد الأوروبي", "خارج از اتحادیه اروپا",
    "ngoài eu", "ngoài liên minh châu âu",
    # nationalities that need a residence title (a person naming one is asking as a third-country national)
    "indian citizen", "i am indian", "i'm indian", "from india", "aus indien", "syrian", "aus syrien",
    "from syria", "afghan", "aus afghanistan", "iranian", "aus dem iran", "from iran", "pakistani",
    "nigerian", "egyptian", "moroccan", "tunisian", "filipino", "philippine", "vietnamese citizen",
    "from vietnam", "aus vietnam", "brazilian", "turkish citizen", "türkischer staatsangehörig",
    "türkische staatsangehörig", "türk vatandaşı", "ukrainian citizen", "ukrainischer staatsangehörig",
    "ukrainische staatsangehörig", "obywatel ukrainy", "obywatelem ukrainy", "obywatelka ukrainy",
    "obywatelką ukrainy", "cetățean ucrainean", "cetățean moldovean", "cetățeni moldoveni", "громадянин україни", "громадянка україни", "гражданин украины",
    "гражданка украины", "гражданин россии", "гражданка россии", "russian citizen", "serbian", "bosnian",
    "albanian", "kosovo", "north macedonia", "montenegr", "westbalkan", "western balkan",
    "سوري", "سورية", "مصري", "مغربي", "تونسي", "أفغاني", "افغانستانی", "ایرانی", "tôi là người việt",
    "quốc tịch việt nam",
    # Ukrainians, Belarusians, Moldovans and Indians often come to Germany from Poland or Romania:
    # "aus Polen" / "z Polski" / "din România" alone must not make them EU citizens.
    "ukrainer", "ukrainerin", "aus der ukraine", "ukrainian", "from ukraine", "украинец", "украинка",
    "из украины", "українець", "українка", "з україни", "ukrainiec", "ukrainka", "z ukrainy", "białorusin",
    "białorusinka", "z białorusi", "belarusian", "from belarus", "aus belarus", "белорус", "из беларуси",
    "білорус", "moldovean", "moldoveancă", "din moldova", "republica moldova", "from moldova", "aus moldau",
    "aus moldawien", "i am from india", "inder",
)


@functools.cache
def _pattern(signs: tuple[str, ...]) -> re.Pattern:
    words = sorted({fold(sign) for sign in signs}, key=len, reverse=True)
    return re.compile("|".join(r"(?<!\w)" + re.escape(word) for word in words))


def question_status(text: str) -> str | None:
    """``eu`` or ``third_country`` when the question clearly shows which the asker is, else None.

    A question with signs of both (a Pole asking for a Syrian spouse) shows neither; an
    EU long-term residence permit of another state is a third-country national's title even
    when that state is named ("an Italian EU long-term residence permit").
    """
    folded = fold(text or "")
    third = {m.group(0) for m in _pattern(_THIRD_COUNTRY_SIGNS).finditer(folded)}
    eu = {m.group(0) for m in _pattern(_EU_SIGNS).finditer(folded)}
    if third and any("long" in sign or "dauer" in sign for sign in third):
        return THIRD_COUNTRY
    if third and not eu:
        return THIRD_COUNTRY
    if eu and not third:
        return EU
    return None


def conflicts(audience: list[str] | tuple[str, ...], status: str | None) -> bool:
    """True when an article for ``audience`` is written only for the other group than ``status``."""
    if not status or not audience:
        return False
    groups = {a for a in audience if a in (EU, THIRD_COUNTRY)}
    return bool(groups) and status not in groups
