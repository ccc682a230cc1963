"""The real-question benchmark: loading, the fixed dev/test split, checking the labels.

Questions that real people asked in public (forums, Q&A sites, FAQ pages of authorities and
counselling services), each with its source URL and a label saying which article answers it.
See README.md in this folder for the sources, the labelling rules and the split rule.

    python -m tests.data.real_questions.dataset          # check the data and the split
    python -m tests.data.real_questions.dataset add NEW.yml   # give new items ids, file them

NEVER tune anything on the test split: run it only to report figures.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections import Counter
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
SPLIT_FILES = {"dev": HERE / "dev.yml", "test": HERE / "test.yml"}

# The split rule. Changing the seed would move questions between dev and test: never change it.
SPLIT_SEED = "sa-advisor-realq-2026-12:"

# The ten languages the bot offers, and the few others the data holds on purpose: a question in
# one of the others must be answered in English with a note listing our languages.
OUR_LANGUAGES = ("de", "en", "ar", "uk", "ru", "tr", "pl", "ro", "fa", "vi")
OTHER_LANGUAGES = ("hu", "fr", "es", "it", "pt", "bg", "cs", "sq", "hr", "sr", "ps", "zh", "bn")
# A real post may be translated only into these languages, and is then marked as a translation.
TRANSLATION_TARGETS = ("ar", "fa", "vi", "ro")

# The kinds of office or service a reply names when no article answers (field `referral`).
REFERRAL_KINDS = frozenset({
    "abh",                     # Ausländerbehörde of the district
    "einbuergerungsbehoerde",  # naturalisation office
    "bamf",                    # Federal Office for Migration and Refugees (asylum, courses)
    "fuehrerscheinstelle",     # driving licence office
    "familienkasse",           # child benefit
    "elterngeldstelle",        # parental allowance
    "rentenversicherung",      # Deutsche Rentenversicherung
    "finanzamt",               # tax office
    "jobcenter",               # Bürgergeld
    "arbeitsagentur",          # employment agency: job search, unemployment benefit, training places
    "krankenkasse",            # health insurance fund
    "meldebehoerde",           # registration office (Bürgeramt)
    "embassy",                 # German mission abroad (visas)
    "schulamt",                # school authority
    "sozialamt",               # social welfare office
    "mbe",                     # Migrationsberatung für erwachsene Zuwanderer
    "jmd",                     # Jugendmigrationsdienst
    "labour_counselling",      # BemA / Faire Mobilität / union: work and pay disputes
    "counsellor",              # hand over to a counsellor (legal or individual advice)
})

SOURCE_KINDS = frozenset({"forum", "qa", "faq", "article", "social"})
FIELDS = ("id", "lang", "q", "url", "via", "source", "note", "translated_from", "answers",
          "subject", "referral", "place", "district", "asks_office", "wants_person", "reply_lang")
REQUIRED = ("id", "lang", "q", "url", "source", "answers")
ID_RE = re.compile(r"^[a-z]{2}-\d{3,4}$")
DISTRICT_KEYS = frozenset({"15001", "15002", "15003", "15081", "15082", "15083", "15084", "15085",
                           "15086", "15087", "15088", "15089", "15090", "15091"})


def split_of(item_id: str) -> str:
    """The split a question belongs to: a hash of the fixed seed and its id (even: dev, odd: test)."""
    number = int(hashlib.sha256((SPLIT_SEED + item_id).encode("utf-8")).hexdigest(), 16)
    return "dev" if number % 2 == 0 else "test"


def load(split: str) -> list[dict]:
    """The questions of one split ("dev" or "test"), in file order."""
    data = yaml.safe_load(SPLIT_FILES[split].read_text(encoding="utf-8")) or []
    if not isinstance(data, list):
        raise TypeError(f"{SPLIT_FILES[split].name}: must be a list of questions")
    return data


def load_all() -> dict[str, list[dict]]:
    return {split: load(split) for split in SPLIT_FILES}


def article_ids_on_disk(root: Path | None = None) -> set[str]:
    root = root or HERE.parents[2] / "knowledge" / "articles"
    return {path.name[: -len(".de.md")] for path in root.glob("*/*.de.md")}


def known_article_ids() -> set[str]:
    return article_ids_on_disk()


def problems_of(item: dict, known_ids: set[str]) -> list[str]:
    """What is wrong with one question (empty when it is well formed)."""
    where = item.get("id", "?") if isinstance(item, dict) else "?"
    if not isinstance(item, dict):
        return [f"{where}: not a mapping"]
    found = []
    found += [f"{where}: missing {key}" for key in REQUIRED if item.get(key) in (None, "", [])]
    found += [f"{where}: unknown field {key}" for key in item if key not in FIELDS]
    if not ID_RE.match(str(item.get("id", ""))) or not str(item.get("id", "")).startswith(
            f"{item.get('lang')}-"):
        found.append(f"{where}: id must be <lang>-<number>")
    lang = item.get("lang")
    if lang not in OUR_LANGUAGES + OTHER_LANGUAGES:
        found.append(f"{where}: unknown language {lang}")
    if lang in OTHER_LANGUAGES and item.get("reply_lang") not in ("en", "de"):
        found.append(f"{where}: a question in a language we do not offer needs reply_lang en (or de)")
    for key in ("url", "via"):
        if key in item and not re.match(r"^https?://\S+$", str(item[key])):
            found.append(f"{where}: {key} is not a web address")
    if item.get("source") not in SOURCE_KINDS:
        found.append(f"{where}: source must be one of {sorted(SOURCE_KINDS)}")
    translated = item.get("translated_from")
    if translated is not None:
        if lang not in TRANSLATION_TARGETS:
            found.append(f"{where}: only {TRANSLATION_TARGETS} questions may be translations")
        if not isinstance(translated, dict) or not translated.get("lang") or not translated.get("text"):
            found.append(f"{where}: translated_from needs lang and text (the original words)")
    answers = item.get("answers")
    if answers == "none":
        if not item.get("subject"):
            found.append(f"{where}: answers none needs a subject")
        if item.get("referral") not in REFERRAL_KINDS:
            found.append(f"{where}: answers none needs a referral from REFERRAL_KINDS")
    elif isinstance(answers, list) and answers:
        unknown = [a for a in answers if a not in known_ids]
        if unknown:
            found.append(f"{where}: unknown article ids {unknown}")
        if len(set(answers)) != len(answers):
            found.append(f"{where}: an article is listed twice")
    else:
        found.append(f"{where}: answers must be a list of article ids or none")
    if ("place" in item) != ("district" in item):
        found.append(f"{where}: place and district go together")
    if "district" in item and str(item["district"]) not in DISTRICT_KEYS | {"outside"}:
        found.append(f"{where}: district must be a Kreisschlüssel 15001-15091 or outside")
    for flag in ("asks_office", "wants_person"):
        if flag in item and item[flag] is not True:
            found.append(f"{where}: {flag} is written only as true")
    return found


def check() -> list[str]:
    """Every problem with the data: fields, labels, the split rule, duplicates."""
    known = known_article_ids()
    found, seen_ids, seen_texts = [], Counter(), Counter()
    for split, items in load_all().items():
        for item in items:
            found += problems_of(item, known)
            if isinstance(item, dict) and item.get("id"):
                seen_ids[item["id"]] += 1
                seen_texts[" ".join(str(item.get("q", "")).lower().split())] += 1
                if split_of(item["id"]) != split:
                    found.append(f"{item['id']}: filed in {split}, but the split rule says "
                                 f"{split_of(item['id'])}")
    found += [f"{i}: id used {n} times" for i, n in seen_ids.items() if n > 1]
    found += [f"question text used {n} times: {t[:60]}" for t, n in seen_texts.items() if n > 1]
    return found


def _dump(items: list[dict]) -> str:
    ordered = [{key: item[key] for key in FIELDS if key in item} for item in items]
    return yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, width=100)


def add(new_items: list[dict]) -> list[str]:
    """Give new questions the next free id of their language and append each to its split file."""
    current = load_all()
    taken = Counter()
    for items in current.values():
        for item in items:
            lang, _, number = item["id"].partition("-")
            taken[lang] = max(taken[lang], int(number))
    texts = {" ".join(str(i["q"]).lower().split()) for items in current.values() for i in items}
    added = []
    for item in new_items:
        if " ".join(str(item["q"]).lower().split()) in texts:
            continue
        taken[item["lang"]] += 1
        item = {"id": f"{item['lang']}-{taken[item['lang']]:03d}", **item}
        current[split_of(item["id"])].append(item)
        added.append(item["id"])
    for split, items in current.items():
        SPLIT_FILES[split].write_text(HEADER[split] + _dump(items), encoding="utf-8")
    return added


HEADER = {
    "dev": "# Real questions, DEV split: tune and look at failures here. Format: README.md.\n",
    "test": "# Real questions, TEST split: run only to report figures. Never tune on it, never read\n"
            "# its failures, never quote its questions. Format: README.md.\n",
}


def main(argv: list[str]) -> int:
    if argv[:1] == ["add"]:
        for path in argv[1:]:
            items = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
            print(f"{path}: added {len(add(items))}")
    problems = check()
    for problem in problems:
        print(problem)
    data = load_all()
    total = sum(len(v) for v in data.values())
    print(f"{total} questions: " + ", ".join(f"{s} {len(v)}" for s, v in data.items())
          + f"; {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
