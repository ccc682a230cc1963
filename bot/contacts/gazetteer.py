"""Every place name the bot knows, read from knowledge/places/ and indexed for matching.

- the GeoNames extract (``GEONAMES_FILE``, CC BY 4.0): postcode, place and district per row;
  GeoNames writes a part of a town as "<town> <part>" ("Schkopau Döllnitz"), so the part alone
  ("Döllnitz") and a name without its bracket ("Jessen" for "Jessen (Elster)") are added;
- towns.yml: ``districts`` (code → names), ``towns`` (curated official names, shown in
  preference to GeoNames' spelling, with aliases) and ``outside`` (big cities elsewhere);
- scripts.yml (optional): the same places written in Arabic, Persian, Russian and Ukrainian,
  each entry naming a place of the files above; the Russian and Ukrainian case forms
  ("Магдебурге", "Магдебурзі") are added by ``bot.contacts.inflection``.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bot.contacts import PLACES_FOLDER
from bot.contacts.districts import DISTRICTS, is_district_code
from bot.contacts.inflection import case_forms
from bot.contacts.names import name_keys, script_of, tokenize
from bot.validation.problem import Problem
from bot.validation.yamlfile import YamlFile, read_yaml_file

GEONAMES_FILE = "geonames_plz_sachsen_anhalt_2024-04-12.tsv"
TOWNS_FILE = "towns.yml"
SCRIPTS_FILE = "scripts.yml"
#: The case forms of a name whose last word is shorter than this are matched without typos.
SHORTEST_TYPO_STEM = 5
#: scripts.yml: language → the script its names must be written in.
SCRIPT_LANGUAGES = {"ar": "arabic", "fa": "arabic", "ru": "cyrillic", "uk": "cyrillic"}
#: Letters that belong to the other language of the same script: (letters, hint).
_FOREIGN_LETTERS = {
    "ar": ("یک", "Persian ی/ک; Arabic writes ي/ك"),
    "fa": ("يك", "Arabic ي/ك; Farsi writes ی/ک"),
    "ru": ("іїєґ", "Ukrainian letters"),
    "uk": ("ыэъё", "Russian letters"),
}
GEONAMES_COLUMNS = ("plz", "place", "kreis_code")
#: Where a name comes from, in order of preference when it is shown.
ORIGINS = ("towns", "district", "geonames", "outside")
#: Names matched despite typos; GeoNames villages are not (too many are one letter away from an
#: ordinary word: "Poley"/"Polen", "Vissum"/"Visum").
TYPO_ORIGINS = frozenset({"towns", "district", "outside"})
_TOWN_FIELDS = ("name", "district_code", "aliases", "note")
_NOT_A_DISTRICT = "is not a district code (15001 … 15091)"


@dataclass(frozen=True)
class PlaceName:
    """A matchable name: a GeoNames place, a curated town or district, or a city outside."""

    name: str
    #: None for a city outside Sachsen-Anhalt.
    district_code: str | None
    #: One of ORIGINS.
    origin: str
    plzs: frozenset = frozenset()


class PlacesError(ValueError):
    """The place data has errors; ``problems`` names file, line and field of each."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(p.format() for p in problems))


@dataclass
class Gazetteer:
    """All known names by comparison key (see ``bot.contacts.names``) and all postcodes."""

    index: dict[str, list[PlaceName]] = field(default_factory=lambda: defaultdict(list))
    #: postcode → [(place, district_code)] in file order.
    by_plz: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    #: (district, strict key of a name) → curated official name ("naumburg" → "Naumburg (Saale)").
    curated: dict[tuple[str, str], str] = field(default_factory=dict)
    #: First two digits of every postcode in the data (06, 14, 29, 38, 39).
    prefixes: set[str] = field(default_factory=set)
    #: Every name as written (data and derived short forms), for the Rasa lookup table.
    spellings: list[tuple[str, PlaceName]] = field(default_factory=list)
    #: Keys matched without typos only: the case forms of short names ("Бурге" is one letter
    #: from "бургер").
    exact_only: set[str] = field(default_factory=set)
    _forgiving: dict[str, list[tuple[str, list[PlaceName]]]] | None = None

    def add(self, spelling: str, place: PlaceName) -> None:
        """Make ``place`` findable under ``spelling`` (both its strict and loose keys)."""
        self.spellings.append((spelling.strip(), place))
        for key in set(name_keys(spelling)):
            if key and place not in self.index[key]:
                self.index[key].append(place)
        self._forgiving = None

    def label(self, place: PlaceName) -> str:
        """The name to show: the curated official name where there is one ('Naumburg (Saale)')."""
        if place.origin != "geonames":
            return place.name
        return self.curated_name(place.name, place.district_code)

    def curated_name(self, name: str, code: str) -> str:
        return self.curated.get((code, name_keys(name)[0]), name)

    def plz_label(self, plz: str, code: str) -> str | None:
        """The town a postcode is known by: its only place, or the curated town among its places."""
        places = sorted({place for place, c in self.by_plz[plz] if c == code})
        if len(places) == 1:
            return self.curated_name(places[0], code)
        keys = [(code, name_keys(p)[0]) for p in places]
        return next((self.curated[k] for k in keys if k in self.curated), None)

    def forgiving_keys(self, script: str = "latin") -> list[tuple[str, list[PlaceName]]]:
        """(key without spaces, names) that may be matched with typos, for keys in ``script``."""
        if self._forgiving is None:
            self._forgiving = defaultdict(list)
            for key, names in self.index.items():
                forgiving = [p for p in names if p.origin in TYPO_ORIGINS]
                if forgiving and key not in self.exact_only:
                    self._forgiving[script_of(key)].append((key.replace(" ", ""), forgiving))
        return self._forgiving.get(script, [])


def read_places(knowledge_dir: Path) -> tuple[Gazetteer, list[Problem]]:
    """The gazetteer of ``knowledge_dir/places`` and every problem found on the way."""
    folder = Path(knowledge_dir) / PLACES_FOLDER
    gazetteer = Gazetteer()
    problems = _read_geonames(folder / GEONAMES_FILE, gazetteer)
    problems += _read_towns(folder / TOWNS_FILE, gazetteer)
    if (folder / SCRIPTS_FILE).exists():
        problems += _read_scripts(folder / SCRIPTS_FILE, gazetteer)
    return gazetteer, problems


def load_gazetteer(knowledge_dir: Path) -> Gazetteer:
    """The place data of ``knowledge_dir``; PlacesError when it has errors."""
    gazetteer, problems = read_places(knowledge_dir)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise PlacesError(errors)
    return gazetteer


def _read_geonames(path: Path, gazetteer: Gazetteer) -> list[Problem]:
    try:
        handle = path.open(encoding="utf-8", newline="")
    except FileNotFoundError:
        return [Problem(path, 0, "file", "is missing; copy it from shared/data (GeoNames, CC BY 4.0)")]
    problems: list[Problem] = []
    places: dict[tuple[str, str], set[str]] = defaultdict(set)
    with handle:
        reader = csv.DictReader(handle, delimiter="\t")
        missing = [c for c in GEONAMES_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            return [Problem(path, 1, "header", f"lacks the column(s) {', '.join(missing)}")]
        for row in reader:
            plz, place, code = (row[c].strip() for c in GEONAMES_COLUMNS)
            if not re.fullmatch(r"\d{5}", plz):
                problems.append(Problem(path, reader.line_num, "plz", f"{plz!r} is not a 5-digit postcode"))
            elif not is_district_code(code):
                problems.append(Problem(path, reader.line_num, "kreis_code",
                                        f"{code!r} is not a district of Sachsen-Anhalt"))
            elif not place:
                problems.append(Problem(path, reader.line_num, "place", "is empty"))
            else:
                gazetteer.prefixes.add(plz[:2])
                if (place, code) not in gazetteer.by_plz[plz]:
                    gazetteer.by_plz[plz].append((place, code))
                places[(place, code)].add(plz)
    all_names = {place for place, _ in places}
    for (place, code), plzs in places.items():
        entry = PlaceName(place, code, "geonames", frozenset(plzs))
        for spelling in _spellings(place, all_names):
            gazetteer.add(spelling, entry)
    return problems


def _spellings(name: str, towns: set[str]) -> list[str]:
    """A name plus its short forms: 'Jessen (Elster) Seyda' → also 'Jessen Seyda', 'Seyda'."""
    spellings = [name]
    bare = re.sub(r"\s*\([^)]*\)", "", name).strip()
    if bare and bare != name:
        spellings.append(bare)
    for position in (i for i, c in enumerate(name) if c == " "):
        town, rest = name[:position], name[position + 1:]
        if town in towns and rest[:1].isupper():
            spellings.append(rest)
    return spellings


def _read_towns(path: Path, gazetteer: Gazetteer) -> list[Problem]:
    parsed = read_yaml_file(path)
    if parsed.problems:
        return list(parsed.problems)
    if not isinstance(parsed.data, dict):
        return [Problem(path, 1, "file", "must have the sections 'districts:', 'towns:' and 'outside:'")]
    problems: list[Problem] = []
    for section in ("districts", "towns", "outside"):
        if section not in parsed.data:
            problems.append(Problem(path, 0, section, "section is missing"))
    for key in parsed.data:
        if key not in ("districts", "towns", "outside"):
            problems.append(Problem(path, parsed.line_of(str(key)), str(key),
                                    "unknown section (known: districts, towns, outside)", "warning"))
    problems += _read_district_names(parsed, gazetteer)
    problems += _read_town_entries(parsed, gazetteer)
    problems += _read_outside(parsed, gazetteer)
    return problems


def _read_district_names(parsed: YamlFile, gazetteer: Gazetteer) -> list[Problem]:
    districts = parsed.data.get("districts") or {}
    if not isinstance(districts, dict):
        return [Problem(parsed.path, parsed.line_of("districts"), "districts",
                        'must list each district code with its names, e.g. "15085": [Harz, Landkreis Harz]')]
    problems = []
    for code, names in districts.items():
        code, line = str(code), parsed.line_of(f"districts.{code}", "districts")
        if not is_district_code(code):
            problems.append(Problem(parsed.path, line, "districts", f"{code!r} {_NOT_A_DISTRICT}"))
        elif not _is_name_list(names):
            problems.append(Problem(parsed.path, line, f"districts.{code}",
                                    "must be a list of names, e.g. [Harz, Landkreis Harz]"))
        else:
            entry = PlaceName(DISTRICTS[code], code, "district")
            for variant in (v for name in names for v in _spellings(name, set())):
                gazetteer.add(variant, entry)
                gazetteer.curated.setdefault((code, name_keys(variant)[0]), entry.name)
    return problems


def _read_town_entries(parsed: YamlFile, gazetteer: Gazetteer) -> list[Problem]:
    towns = parsed.data.get("towns") or []
    if not isinstance(towns, list):
        return [Problem(parsed.path, parsed.line_of("towns"), "towns",
                        "must be a list of '- name: ...' entries")]
    problems: list[Problem] = []
    for index, town in enumerate(towns):
        where = f"towns[{index}]"

        def report(key: str, message: str, severity: str = "error", where: str = where) -> None:
            line = parsed.line_of(f"{where}.{key}", where)
            problems.append(Problem(parsed.path, line, key, message, severity))

        if not isinstance(town, dict):
            report("towns", "each town needs 'name:' and 'district_code:' lines")
            continue
        name, code, aliases = town.get("name"), town.get("district_code"), town.get("aliases", [])
        before = len(problems)
        if not isinstance(name, str) or not name.strip():
            report("name", "is missing")
        if not is_district_code(None if code is None else str(code)):
            report("district_code", "is missing" if code is None else f"{code!r} {_NOT_A_DISTRICT}")
        if not _is_name_list(aliases):
            report("aliases", "must be a list of names, e.g. [Eisleben]")
        for key in town:
            if key not in _TOWN_FIELDS:
                report(str(key), f"unknown field (known: {', '.join(_TOWN_FIELDS)})", "warning")
        if any(p.severity == "error" for p in problems[before:]):
            continue
        code = str(code)
        geonames = {p.district_code for p in gazetteer.index.get(name_keys(name)[0], [])
                    if p.origin == "geonames"}
        if geonames and code not in geonames:
            report("district_code", f"GeoNames puts {name!r} in {', '.join(sorted(geonames))}, not {code}; "
                                    "check the district", "warning")
        entry = PlaceName(name.strip(), code, "towns")
        for variant in (v for spelling in [name, *aliases] for v in _spellings(spelling, set())):
            gazetteer.add(variant, entry)
            gazetteer.curated[(code, name_keys(variant)[0])] = entry.name  # towns win over districts
    return problems


def _read_outside(parsed: YamlFile, gazetteer: Gazetteer) -> list[Problem]:
    outside = parsed.data.get("outside") or []
    if not _is_name_list(outside):
        return [Problem(parsed.path, parsed.line_of("outside"), "outside",
                        "must be a list of city names, e.g. [Berlin, Leipzig]")]
    problems = []
    for index, city in enumerate(outside):
        clash = [p for p in gazetteer.index.get(name_keys(city)[0], []) if p.district_code]
        if clash:
            problems.append(Problem(parsed.path, parsed.line_of(f"outside[{index}]", "outside"), "outside",
                                    f"{city!r} is also a place in Sachsen-Anhalt ({clash[0].district_code}); "
                                    "the place in Sachsen-Anhalt wins", "warning"))
        gazetteer.add(city, PlaceName(city.strip(), None, "outside"))
    return problems


def _read_scripts(path: Path, gazetteer: Gazetteer) -> list[Problem]:
    """scripts.yml: ``names:``, a list of ``{place: <a known name>, ar: [...], fa: [...], ...}``."""
    parsed = read_yaml_file(path)
    if parsed.problems:
        return list(parsed.problems)
    entries = parsed.data.get("names") if isinstance(parsed.data, dict) else None
    if not isinstance(entries, list):
        return [Problem(path, 1, "names", "must be a list of entries such as "
                                          "'- {place: Köthen (Anhalt), ru: [Кётен], uk: [Кетен]}'")]
    problems: list[Problem] = []
    for index, entry in enumerate(entries):
        where = f"names[{index}]"

        def report(key: str, message: str, severity: str = "error", where: str = where) -> None:
            problems.append(Problem(path, parsed.line_of(f"{where}.{key}", where), key, message, severity))

        if not isinstance(entry, dict) or not isinstance(entry.get("place"), str):
            report("place", "is missing; name a town, district or city of towns.yml or GeoNames")
            continue
        place, message = _known_place(gazetteer, entry["place"])
        if place is None:
            report("place", message)
            continue
        for lang, spellings in entry.items():
            if lang == "place":
                continue
            if lang not in SCRIPT_LANGUAGES:
                report(str(lang), f"unknown field (known: place, {', '.join(SCRIPT_LANGUAGES)})", "warning")
                continue
            if not _is_name_list(spellings):
                report(lang, "must be a list of names, e.g. [Кётен, Кетен]")
                continue
            for spelling in spellings:
                wrong = [w for w in name_keys(spelling)[0].split() if script_of(w) != SCRIPT_LANGUAGES[lang]]
                if wrong:
                    report(lang, f"{spelling!r} is not written in {SCRIPT_LANGUAGES[lang]} letters")
                    continue
                letters, hint = _FOREIGN_LETTERS[lang]
                if any(c in letters for c in spelling.lower()):
                    report(lang, f"{spelling!r} has {hint}", "warning")
                for variant in _spellings(spelling, set()):
                    forms = case_forms(variant, lang)
                    if len(tokenize(variant)[-1].strict) < SHORTEST_TYPO_STEM:
                        gazetteer.exact_only.update(k for form in forms for k in name_keys(form))
                    clashes = [(form, _clash(gazetteer, form, place)) for form in [variant, *forms]]
                    clashes = [(form, clash) for form, clash in clashes if clash]
                    if clashes:
                        form, clash = clashes[0]
                        report(lang, f"{form!r} (for {place.name}) is also {clash.name} "
                                     f"({clash.district_code or 'outside Sachsen-Anhalt'}); "
                                     "users who write it are asked which one", "warning")
                    for form in [variant, *forms]:
                        gazetteer.add(form, place)
    return problems


def _known_place(gazetteer: Gazetteer, name: str) -> tuple[PlaceName | None, str]:
    """The place a scripts.yml entry is about: a curated town first, then a district, GeoNames, a city."""
    names = gazetteer.index.get(name_keys(name)[0], [])
    for origin in ORIGINS:
        found = [p for p in names if p.origin == origin]
        if len({p.district_code for p in found}) > 1:
            return None, (f"{name!r} is a place in {', '.join(sorted(str(p.district_code) for p in found))}; "
                          "name one that is in a single district")
        if found:
            return found[0], ""
    return None, f"{name!r} is not a place of towns.yml or the GeoNames file"


def _clash(gazetteer: Gazetteer, spelling: str, place: PlaceName) -> PlaceName | None:
    """Another place already known under ``spelling`` in another district (or outside)."""
    for key in set(name_keys(spelling)):
        for other in gazetteer.index.get(key, []):
            if other.district_code != place.district_code or (other.district_code is None and other != place):
                return other
    return None


def _is_name_list(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
