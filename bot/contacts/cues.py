"""Where in a message a place name is expected: after "in", "bei", "near", "wohne" and the like.

``priorities(text, tokens)`` gives each word 2 where the user says they live ("I live in …",
"ich wohne …"), 1 where a place is expected (after "in", "near", "bei", in a short answer, or a
Latin word inside Arabic, Persian or Cyrillic text), else 0. Word lists are in the strict
spelling of ``bot.contacts.names`` (lowercase, ä → ae, accents dropped); words in other
scripts may be written as usual, they are folded the same way (أسكن → اسکن, زندگي → زندگی; bot.folding).
"""

from __future__ import annotations

import re

from bot.contacts.names import Token, fold_strict, is_latin, without_arabic_prefix


def _words(text: str) -> frozenset:
    return frozenset(fold_strict(word) for word in text.split())


#: How many words after "in", "bei", "near" ... still count as the expected place.
CUE_REACH = 3
#: A text of at most this many words is an answer ("Quedlinbrug", "halle saale", "in Harz").
SHORT_ANSWER_WORDS = 3

# They start no name and get no typo correction ("hallo" would otherwise become Halle).
STOPWORDS = _words("""
    a am an and are at auf aus bei bin bitte but by da das dem den der des die do dort ein eine
    einem einen einer er es for from gibt habe hallo hello hey hi i ich ihr im in is ist it ja
    kann live living lives me mein meine meinem meiner mit my nach nahe naehe near nein no not
    of oder on or ort our please postcode postleitzahl plz sie sind so the there to town und
    uns village we what wie wir wo wohne wohnen wohnt work arbeite zip zu zum zur stadt dorf
    city kreis landkreis district gemeinde region sachsen anhalt germany deutschland hier here
    danke thanks moin guten tag morgen abend servus
    город города городе городом район района районе области земле германии германия саксония
    саксонии анхальт місто міста місті районі області землі німеччина німеччині саксонія
    саксонії ангальт مدينة منطقة ولاية المانيا ألمانيا ساكسونيا أنهالت شهر منطقه استان ایالت
    آلمان زاکسن ساکسونی آنهالت
""")

# Everyday words that are also names of villages in the data: matched only where a place is
# expected ("Ich wohne in Buch"), never in passing ("Ich habe ein Buch").
COMMON_WORDS = _words("""
    bias buch berge burg garz grimme iden losse leps luso moritz pouch rosa wust dolle nutha
    deetz badel rotta krina buste linda leipa rade grabo reicho gagel boock gehrden
    هاله
""")

# "in", "near", "bei" ... in the bot's languages (Vietnamese ở, gần, tại lose their accents).
PLACE_CUES = _words("""
    in im bei nahe naehe nah von aus nach near from at around close umgebung raum plz
    postleitzahl postcode zip w we kolo obok pod niedaleko blisko la langa din linga o gan tai
    в у во под из недалеко неподалеку неподалёку поблизости під біля поруч возле около рядом
    поблизу неподалік із في قرب قريب بالقرب عند بجانب جنب مدينة در نزدیک نزديك نزدیکی حوالی
    اطراف کنار از شهر
""")
RESIDENCE_CUES = _words("""
    wohne wohnen wohnt wohnort wohnhaft lebe leben lebt zuhause live lives living reside resident
    home based stay staying mieszkam mieszkamy locuiesc locuim traiesc yasiyorum oturuyorum
    ikamet song живу живемо живём живем мешкаю проживаю живет живёт живут проживаем прописан
    прописана живе живуть мешкає мешкаємо мешкаєм проживаємо أعيش أسكن اسكن اعيش نعيش نسكن يسكن
    تسكن ساكن ساكنة مقيم مقيمة أقيم نقيم عايش زندگی ساکن مقیم
""")
# The cue words of other scripts, and pronouns, are no names either ("в" + "Магдебурне" is not
# one word with two typos).
STOPWORDS = STOPWORDS | frozenset(w for w in PLACE_CUES | RESIDENCE_CUES if not is_latin(w)) | _words("""
    я мы ми ты ти вы ви мой моя моё мое мій моє наш наша наше мне мені нас нам انا أنا نحن
    هنا هناك اینجا آنجا
""")
_CLAUSE_BREAKS = _words("""
    und and but aber sondern oder or while waehrend weil because doch а но але проте لكن ولكن اما ولی
""")
_CLAUSE_PUNCTUATION = re.compile(r"[,.;:!?؛،\n]")


def clauses(text: str, tokens: list[Token]) -> list[int]:
    """A clause number per word; punctuation and "and/but/und/aber" start a new clause."""
    numbers, current, previous_end = [], 0, 0
    for token in tokens:
        if _CLAUSE_PUNCTUATION.search(text, previous_end, token.start) or token.strict in _CLAUSE_BREAKS:
            current += 1
        numbers.append(current)
        previous_end = token.end
    return numbers


def priorities(tokens: list[Token], clause: list[int]) -> list[int]:
    """For each word: 2 where the user says they live, 1 where a place is expected, else 0."""
    result = [1 if len(tokens) <= SHORT_ANSWER_WORDS else 0] * len(tokens)
    # Latin words inside Arabic, Persian or Cyrillic text are almost always names.
    if any(not is_latin(t.strict) for t in tokens):
        result = [max(p, 1 if is_latin(t.strict) else 0) for p, t in zip(result, tokens)]
    for i, token in enumerate(tokens):
        # Arabic writes و/ف/ب onto the cue: "وأعيش" (and I live), "وفي" (and in).
        words = {token.strict, *without_arabic_prefix(token.strict)}
        if words & RESIDENCE_CUES:
            for k in range(i + 1, len(tokens)):
                if clause[k] != clause[i]:
                    break
                result[k] = 2
        elif words & PLACE_CUES:
            for k in range(i + 1, min(len(tokens), i + 1 + CUE_REACH)):
                if clause[k] != clause[i]:
                    break
                result[k] = max(result[k], 1)
    return result
