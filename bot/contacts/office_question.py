"""Does a message ask which office is responsible, and for which place?

Shared by the answer decision (bot.knowledge.decision, which the benchmark runs too) and the
action server (actions/office.py). Cues are compared folded (bot.folding) in our ten languages:
"which office / wer ist zuständig / أي مكتب / куда обращаться ..." ask on their own; "responsible",
"zuständig" or the name of the foreigners' authority count when the message also names a place.
"""

from __future__ import annotations

from bot.contacts.places import AMBIGUOUS, FOUND, OUTSIDE, resolve_place
from bot.folding import fold

#: Asking which office, authority or place is responsible (folded text: lower case, no accents,
#: Arabic/Persian letter variants unified: see bot.folding). Enough on its own.
_WHICH_OFFICE = tuple(fold(cue) for cue in (
    # de
    "welche ausländerbehörde", "welches amt", "welche behörde", "welche stelle", "meine ausländerbehörde",
    "zuständige ausländerbehörde", "wer ist zuständig", "wer ist für mich zuständig", "an wen muss ich mich",
    "an wen kann ich mich", "an wen wende ich mich", "wohin muss ich", "wo ist die ausländerbehörde",
    "wo finde ich die ausländerbehörde", "welche ausländerbehörde ist",
    # en
    "which office", "what office", "which authority", "which immigration office", "my immigration office",
    "my foreigners office", "my foreigners' office", "my local immigration", "my local foreigners",
    "who is responsible", "who is in charge", "where is the immigration office", "where is the foreigners",
    "which ausländerbehörde", "my ausländerbehörde", "where do i have to go", "where should i go",
    # ar
    "أي مكتب", "اي مكتب", "أي دائرة", "اي دائرة", "الجهة المسؤولة", "الجهة المختصة", "من المسؤول",
    "دائرة الأجانب التابعة", "أين دائرة الأجانب", "اين دائرة الاجانب", "أين مكتب الأجانب", "لمن أتوجه",
    "الى اين اذهب", "إلى أين أذهب", "اي جهة", "أي جهة",
    # fa
    "کدام اداره", "کدوم اداره", "اداره مسئول", "اداره مسؤول", "چه اداره", "کجا باید مراجعه", "کجا مراجعه کنم",
    "اداره اتباع من", "اداره اتباع کجا",
    # uk
    "яке відомство", "яка установа", "який орган", "куди звертатися", "куди звернутися", "куди мені звертатися",
    "хто відповідає", "хто відповідальний", "моє відомство", "де знаходиться відомство",
    # ru
    "какое ведомство", "какое учреждение", "какой орган", "куда обращаться", "куда обратиться",
    "куда мне обращаться", "кто отвечает", "кто ответственный", "мое ведомство", "где находится ведомство",
    # tr
    "hangi daire", "hangi kurum", "hangi ofis", "hangi yabancılar dairesi", "nereye başvur", "nereye gitmem",
    "kim sorumlu", "benim yabancılar dairem", "bağlı olduğum",
    # pl
    "który urząd", "jaki urząd", "właściwy urząd", "gdzie mam się zgłosić", "gdzie się zgłosić",
    "kto jest odpowiedzialny", "mój urząd",
    # ro
    "care birou", "ce birou", "care autoritate", "ce autoritate", "care instituție", "ce instituție",
    "unde trebuie să mă adresez", "unde mă adresez", "cine este responsabil", "biroul meu",
    # vi
    "cơ quan nào", "văn phòng nào", "sở ngoại kiều nào", "nơi nào phụ trách", "ai phụ trách", "đi đâu",
    "nộp ở đâu", "sở ngoại kiều của tôi",
))
#: Responsible / competent: an office question when the message also names a place.
_RESPONSIBLE = tuple(fold(cue) for cue in (
    "zuständig", "responsible", "in charge", "handles my", "competent", "مسؤول", "مسئول", "مختص",
    "відповіда", "отвеча", "ответствен", "sorumlu", "yetkili", "właściw", "odpowiedzialn", "responsabil",
    "competent", "phụ trách", "chịu trách nhiệm", "ausländerbehörde", "auslanderbehorde", "auslaenderbehoerde",
    "foreigners office", "foreigners' office", "immigration office", "دائرة الأجانب", "مكتب الأجانب",
    "اداره اتباع", "відомств", "ведомств", "yabancılar dairesi", "urząd do spraw cudzoziemców",
    "biroul pentru străini", "sở ngoại kiều",
))
#: Topics other than residence an office question may be about (folded cue stems).
_TOPIC_CUES = {
    "recognition": tuple(fold(cue) for cue in (
        "anerkenn", "recognition", "recognise", "recognize", "diploma", "الاعتراف", "معادلة", "ارزشیابی",
        "визнан", "признан", "nostrifik", "denklik", "tanınma", "uznani", "uznanie", "nostryfik",
        "recunoaștere", "echivalare", "công nhận",
    )),
    # Labour rights of (EU) workers: unpaid wages, exploitation, a dismissal (BEMA counselling).
    "eu_employment": tuple(fold(cue) for cue in (
        "lohn nicht", "keinen lohn", "nicht bezahlt", "arbeitsrecht", "ausbeutung", "unpaid wage",
        "not paid", "labour rights", "labor rights", "exploitation", "لم يدفع", "لا يدفع", "حقوق العمال",
        "حقوق کارگر", "حقوقم را نمی", "не платить", "не платит", "не заплатил", "трудов", "зарплату не",
        "maaşımı ödemiyor", "maaş ödenmedi", "işçi hakları", "nie płaci", "nie zapłacił", "prawa pracownika",
        "nu plătește", "nu mi-a plătit", "drepturile lucrătorilor", "không trả lương", "quyền lao động",
    )),
    "language_course": tuple(fold(cue) for cue in (
        "sprachkurs", "deutschkurs", "integrationskurs", "language course", "german course", "integration course",
        "دورة اللغة", "دورات اللغة", "کلاس زبان", "دوره زبان", "курс", "dil kursu", "kurs języka",
        "kurs niemieckiego", "curs de limbă", "curs de germană", "khóa học tiếng",
    )),
}


#: The foreigners' authority named in the message itself ("wo ist die Ausländerbehörde?").
_FOREIGNERS_OFFICE = tuple(fold(cue) for cue in (
    "ausländerbehörde", "auslanderbehorde", "auslaenderbehoerde", "foreigners office", "foreigners' office",
    "immigration office", "دائرة الأجانب", "مكتب الأجانب", "اداره اتباع", "yabancılar dairesi",
    "urząd do spraw cudzoziemców", "biroul pentru străini", "sở ngoại kiều", "відомство у справах іноземців",
    "ведомство по делам иностранцев",
))


def names_foreigners_office(text: str) -> bool:
    """True when the message names the foreigners' authority (Ausländerbehörde) itself."""
    folded = fold(text or "")
    return any(cue in folded for cue in _FOREIGNERS_OFFICE)


def asks_office(text: str) -> bool:
    """True when the words ask which office is responsible (in any of our languages)."""
    folded = fold(text)
    return any(cue in folded for cue in _WHICH_OFFICE)


def is_office_question(text: str) -> bool:
    """A typed question about the responsible office: "which office?", or "responsible" with a place."""
    if not text or text.startswith("/"):
        return False
    if asks_office(text):
        return True
    folded = fold(text)
    if not any(cue in folded for cue in _RESPONSIBLE):
        return False
    return resolve_place(text).status in (FOUND, AMBIGUOUS, OUTSIDE)


def office_topic(text: str) -> str:
    """The topic the office is wanted for: recognition or German courses where the words say so."""
    folded = fold(text)
    for topic, cues in _TOPIC_CUES.items():
        if any(cue in folded for cue in cues):
            return topic
    return "residence"


def locate(text: str) -> str | None:
    """The Kreisschlüssel of the place the message names, ``outside`` for a place outside
    Sachsen-Anhalt, else None (also when a postcode spans several districts)."""
    if not text or text.startswith("/"):
        return None
    resolution = resolve_place(text)
    if resolution.status == FOUND:
        return resolution.district_code
    return "outside" if resolution.status == OUTSIDE else None
