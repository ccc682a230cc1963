"""Where does the user live? A postcode, town or district name → one of the 14 districts.

``resolve_place("Ich wohne in der Nähe von Halberstadt")`` returns a ``PlaceResolution``:

=========== ===================================================================================
status      meaning
=========== ===================================================================================
found       one district: ``district_code``, ``district_name``, ``place`` (official name, or
            None when only a postcode covering several villages was given)
ambiguous   several districts fit: ``candidates`` lists (place, district_code, district_name);
            ask which one, then resolve ``f"{plz} {answer}"`` or the answer alone
outside     a postcode or big city outside Sachsen-Anhalt (``place`` names the city, if any)
unknown     nothing recognised; also a postcode with a Sachsen-Anhalt prefix that is not in
            our data, since 06/38/29/14 are shared with the neighbouring Länder
=========== ===================================================================================

How text is read:
- A 5-digit postcode decides, unless it spans two districts; a town named next to it then
  picks the district ("06120 Lieskau"), otherwise the answer is ambiguous.
- Postcodes may be written in Arabic-Indic or Persian digits ("٣٩١٠٤", "۳۹۱۰۴" = 39104).
- Names are matched word by word, longest name first, ignoring case, umlauts (Köthen =
  Koethen = Kothen), ß/ss, hyphens and brackets ("Halle/Saale" = "Halle (Saale)").
- Names in Arabic, Persian and Cyrillic script (knowledge/places/scripts.yml) are matched the
  same way, with the letter variants of ``bot.contacts.names`` (ة/ه, ي/ی, ё/е, і/и ...), the
  Russian and Ukrainian case forms ("в Магдебурге", "у Магдебурзі") and Arabic ب/و/ل/ف written
  onto the name ("بكوتن" = in Köthen).
- Typos (1 for names of 5–8 letters, 2 for longer ones, none for shorter; Arabic script one
  letter more) are forgiven for district names, the towns of towns.yml and scripts.yml and the
  cities outside (a word is compared with names in its own script only), and only where a
  place is expected (``bot.contacts.cues``): a short answer, or after "in", "bei", "near",
  "wohne" ….
- "live/wohne" beats "work/arbeite": "I work in Leuna but live in Merseburg" → Merseburg;
  within one clause the first place wins: "Ich wohne in Wolmirstedt nahe Magdeburg".

The data (knowledge/places/) is described in ``bot.contacts.gazetteer``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from bot.contacts.cues import COMMON_WORDS, STOPWORDS, clauses, priorities
from bot.contacts.districts import DISTRICTS
from bot.contacts.gazetteer import (
    GEONAMES_FILE,
    ORIGINS,
    TYPO_ORIGINS,
    Gazetteer,
    PlaceName,
    PlacesError,
    load_gazetteer,
    read_places,
)
from bot.contacts.names import (
    Token,
    allowed_typos,
    ascii_digits,
    script_of,
    tokenize,
    typo_distance,
    without_arabic_prefix,
)

__all__ = [
    "AMBIGUOUS",
    "FOUND",
    "GEONAMES_FILE",
    "OUTSIDE",
    "UNKNOWN",
    "Candidate",
    "Gazetteer",
    "PlaceResolution",
    "PlacesError",
    "forget_loaded_places",
    "load_gazetteer",
    "read_places",
    "resolve_place",
]

FOUND, AMBIGUOUS, OUTSIDE, UNKNOWN = "found", "ambiguous", "outside", "unknown"

_PLZ = re.compile(r"(?<!\d)(\d{5})(?!\d)")
#: Longest name tried, in words ("Jessen (Elster) Gorsdorf-Hemsendorf" has 4).
_MAX_NAME_WORDS = 5
#: Longest stretch of words compared with typos.
_MAX_TYPO_WORDS = 3


class Candidate(NamedTuple):
    """One possible answer: (place, district_code, district_name)."""

    place: str
    district_code: str
    district_name: str


@dataclass(frozen=True)
class PlaceResolution:
    """What ``resolve_place`` understood; see the module docstring for the four statuses."""

    status: str
    district_code: str | None = None
    district_name: str | None = None
    place: str | None = None
    candidates: tuple[Candidate, ...] = ()
    #: The 5-digit postcode found in the text, if any.
    plz: str | None = None
    #: The words of the text that decided (a name as typed, or the postcode).
    matched: str | None = None

    def to_dict(self) -> dict:
        """JSON-ready dict (for slots and escalation records)."""
        return {
            "status": self.status, "district_code": self.district_code,
            "district_name": self.district_name, "place": self.place,
            "candidates": [list(c) for c in self.candidates], "plz": self.plz, "matched": self.matched,
        }


def resolve_place(text: str, gazetteer: Gazetteer | None = None) -> PlaceResolution:
    """Resolve a user's text (a postcode, a name, or a sentence containing them).

    Without ``gazetteer`` the place data of the settings' knowledge folder is read on the first
    call and kept (``forget_loaded_places`` drops it); PlacesError when it has errors.
    """
    if gazetteer is None:
        from bot.settings import load_settings

        gazetteer = _default_gazetteer(str(load_settings().knowledge_dir))
    return _Resolver(gazetteer, text or "").resolve()


def forget_loaded_places() -> None:
    """Make the next ``resolve_place`` read the place files again (after staff edited them)."""
    _default_gazetteer.cache_clear()


@lru_cache(maxsize=4)
def _default_gazetteer(knowledge_dir: str) -> Gazetteer:
    return load_gazetteer(Path(knowledge_dir))


@dataclass
class _Match:
    start: int  # token index
    end: int
    names: list[PlaceName]
    priority: int  # 0 in passing, 1 where a place is expected, 2 where the user says they live
    typos: int
    text: str
    clause: int = 0

    @property
    def rank(self) -> tuple[int, int]:
        return self.priority, -self.typos


class _Resolver:
    """One resolution: the text's words, their priorities and the names found in them."""

    def __init__(self, gazetteer: Gazetteer, text: str):
        # Digits of any script become 0-9; the text keeps its length, so word spans stay valid.
        self.places, self.text = gazetteer, ascii_digits(text)
        self.tokens: list[Token] = tokenize(self.text)
        self.clauses = clauses(self.text, self.tokens)
        self.priorities = priorities(self.tokens, self.clauses)

    def resolve(self) -> PlaceResolution:
        matches = self._find_names()
        inside = [m for m in matches if any(p.district_code for p in m.names)]
        for m in inside:
            m.names = [p for p in m.names if p.district_code]
        outside = [m for m in matches if not any(p.district_code for p in m.names)]
        plzs = _PLZ.findall(self.text)
        known = [p for p in plzs if p in self.places.by_plz]
        if known:
            return self._by_plz(known[0], inside)
        if inside:
            return self._by_names(inside)
        if outside:
            best = max(outside, key=lambda m: m.rank)
            return PlaceResolution(OUTSIDE, place=best.names[0].name, matched=best.text)
        for plz in plzs:
            # Only a prefix our data never uses is surely elsewhere; "00" is no German postcode.
            if plz[:2] not in self.places.prefixes and plz[:2] != "00":
                return PlaceResolution(OUTSIDE, plz=plz, matched=plz)
        return PlaceResolution(UNKNOWN, plz=plzs[0] if plzs else None)

    # --- deciding -------------------------------------------------------------------------

    def _by_plz(self, plz: str, matches: list[_Match]) -> PlaceResolution:
        rows = self.places.by_plz[plz]
        districts = {code for _, code in rows}
        # A name that fits the postcode's districts decides between them.
        for match in sorted(matches, key=lambda m: m.rank, reverse=True):
            fitting = [p for p in match.names if p.district_code in districts]
            in_plz = [p for p in fitting if plz in p.plzs] or fitting
            if in_plz:
                return self._decide(in_plz, f"{plz} {match.text}", plz)
        if len(districts) > 1:
            return PlaceResolution(AMBIGUOUS, plz=plz, matched=plz, candidates=_candidates(
                (self.places.curated_name(place, code), code) for place, code in rows))
        code = next(iter(districts))
        label = self.places.plz_label(plz, code)
        best = max(matches, key=lambda m: m.rank) if matches else None
        if best is not None and best.priority >= 1:  # "06712 Köthen": postcode and town disagree
            return PlaceResolution(AMBIGUOUS, plz=plz, matched=plz, candidates=_candidates(
                [(label or plz, code)] + [(self.places.label(p), p.district_code) for p in best.names]))
        return PlaceResolution(FOUND, code, DISTRICTS[code], label, plz=plz, matched=plz)

    def _by_names(self, matches: list[_Match]) -> PlaceResolution:
        top = max(m.rank for m in matches)
        best = [m for m in matches if m.rank == top]
        if len({m.clause for m in best}) == 1:
            best = [min(best, key=lambda m: m.start)]
        return self._decide([p for m in best for p in m.names], best[0].text, None)

    def _decide(self, names: Sequence[PlaceName], matched: str, plz: str | None) -> PlaceResolution:
        districts = {p.district_code for p in names}
        if len(districts) > 1:
            return PlaceResolution(AMBIGUOUS, plz=plz, matched=matched, candidates=_candidates(
                (self.places.label(p), p.district_code) for p in names))
        code = districts.pop()
        preferred = min(names, key=lambda p: ORIGINS.index(p.origin))
        return PlaceResolution(FOUND, code, DISTRICTS[code], self.places.label(preferred),
                               plz=plz, matched=matched)

    # --- finding names in the text --------------------------------------------------------

    def _find_names(self) -> list[_Match]:
        tokens, covered = self.tokens, [False] * len(self.tokens)
        matches: list[_Match] = []
        i = 0
        while i < len(tokens):  # exact names first, longest first, left to right
            match = self._exact_at(i)
            if match:
                matches.append(match)
                covered[match.start:match.end] = [True] * (match.end - match.start)
            i = match.end if match else i + 1
        for i, token in enumerate(tokens):
            if covered[i] or self.priorities[i] == 0 or token.strict in STOPWORDS:
                continue
            if not script_of(token.strict):
                continue
            match = self._with_typos_at(i, covered)
            if match:
                matches.append(match)
                covered[match.start:match.end] = [True] * (match.end - match.start)
        for match in matches:
            match.clause = self.clauses[match.start]
        return matches

    def _exact_at(self, i: int) -> _Match | None:
        priority = self.priorities[i]
        for n in range(min(_MAX_NAME_WORDS, len(self.tokens) - i), 0, -1):
            words = self.tokens[i:i + n]
            for key in _keys(words):
                names = self.places.index.get(key, [])
                if n == 1:
                    names = _alone(names, key, priority, self._span(words)[:1].isupper())
                if names:
                    return _Match(i, i + n, list(names), priority, 0, self._span(words))
        return None

    def _with_typos_at(self, i: int, covered: list[bool]) -> _Match | None:
        best: _Match | None = None
        for n in range(1, min(_MAX_TYPO_WORDS, len(self.tokens) - i) + 1):
            if any(covered[i:i + n]):
                break
            words = self.tokens[i:i + n]
            script = script_of(words[0].strict)
            if any(script_of(t.strict) != script for t in words):
                break
            # Spaces are ignored, so "Burgenland Kreis" meets "Burgenlandkreis".
            queries = {key.replace(" ", "") for key in _keys(words)}
            limit = allowed_typos(max(len(q) for q in queries), script)
            found: list[PlaceName] = []
            found_typos = limit + 1
            for key, names in (self.places.forgiving_keys(script) if limit else ()):
                typos = min(typo_distance(q, key, limit) for q in queries)
                if typos < found_typos:
                    found, found_typos = list(names), typos
                elif typos == found_typos <= limit:
                    found.extend(p for p in names if p not in found)
            if found and (best is None or found_typos < best.typos):
                best = _Match(i, i + n, found, self.priorities[i], found_typos, self._span(words))
        return best

    def _span(self, words: list[Token]) -> str:
        return self.text[words[0].start:words[-1].end]


def _keys(words: list[Token]) -> list[str]:
    """The keys to look up for these words: strict, loose, and without an Arabic prefix."""
    rest = " ".join(t.strict for t in words[1:])
    keys = [" ".join(t.strict for t in words), " ".join(t.loose for t in words)]
    for stripped in without_arabic_prefix(words[0].strict):
        keys.append(f"{stripped} {rest}".strip())
    return keys


def _alone(names: list[PlaceName], key: str, priority: int, capitalised: bool) -> list[PlaceName]:
    """The names a single word may stand for; in passing (no cue) only a likely name counts.

    A stopword is never a name. In passing, a common or very short word is not one either, and a
    GeoNames village counts only when capitalised: "Welchen Film soll ich heute schauen?" is
    not about the village of Schauen.
    """
    if key in STOPWORDS:
        return []
    if priority > 0:
        return names
    if key in COMMON_WORDS or len(key) < 4:
        return []
    return [p for p in names if capitalised or p.origin in TYPO_ORIGINS]


def _candidates(pairs: Iterable[tuple[str, str | None]]) -> tuple[Candidate, ...]:
    unique = sorted({(place, code) for place, code in pairs if code}, key=lambda pc: (pc[1], pc[0]))
    return tuple(Candidate(place, code, DISTRICTS[code]) for place, code in unique)
