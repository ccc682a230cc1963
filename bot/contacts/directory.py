"""The directory of offices (knowledge/contacts/*.yml) and who is responsible for what.

``find_responsible_contact(directory, topic, district_code, need=None)`` applies this table
(ids are those of knowledge/contacts/; facts behind each choice: shared/domain/FACTS.md):

=================  =========  ========================================================================
topic              need       responsible contact
=================  =========  ========================================================================
residence          —          the foreigners' authority (Ausländerbehörde) of the district
                              (``authority_for_district``); no district yet → ``welcomecenter``,
                              which keeps the list of regional contacts (§1.2)
recognition        —          ``iq-anerkennungsberatung``: free counselling before any application (§3)
recognition        health     ``lvwa-gesundheitsberufe``: Approbation and health professions (§3)
recognition        teacher    ``lisa-lehraemter``: teachers (§3)
recognition        ihk        ``ihk-fosa``: IHK occupations (§3)
recognition        craft      the Handwerkskammer whose ``districts`` include the user's district.
                              FACTS.md does not say which districts HWK Halle and HWK Magdeburg
                              serve, so both are ``districts: unknown`` and this gives
                              ``iq-anerkennungsberatung`` until staff fill them in
eu_employment      —          ``bema``: exploitation, unpaid wages (§6)
language_course    —          ``mbe``: migrants aged 27 and over, access to courses (§7)
language_course,   young      ``jmd``: young migrants aged 12–27 (§7)
living
living             —          a counselling office for ``living`` listed for exactly the user's
                              district (``welcome-service-magdeburg`` for 15003), else
                              ``welcomecenter``: the state's contact point for incoming skilled
                              workers and their families (§7)
anything else      —          residence-like topics (``RESIDENCE_LIKE_TOPICS``: visa, naturalisation,
                              …) → the district's foreigners' authority; otherwise ``welcomecenter``
=================  =========  ========================================================================

``need`` is one of ``NEEDS`` or None; a need that does not apply to the topic is ignored.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.contacts import CONTACTS_FOLDER
from bot.contacts.districts import DISTRICTS, is_district_code
from bot.contacts.entries import Contact, parse_contacts_file
from bot.validation.problem import Problem

#: The files of knowledge/contacts/, in the order they are read.
CONTACT_FILES = ("authorities.yml", "services.yml")

NEED_HEALTH, NEED_TEACHER, NEED_CRAFT, NEED_IHK, NEED_YOUNG = "health", "teacher", "craft", "ihk", "young"
NEEDS = (NEED_HEALTH, NEED_TEACHER, NEED_CRAFT, NEED_IHK, NEED_YOUNG)
#: Topics outside the five main ones that the district's foreigners' authority handles.
RESIDENCE_LIKE_TOPICS = frozenset({"residence", "visa", "residence_permit", "work_permit",
                                   "family_reunification", "naturalisation", "settlement_permit"})

#: Ids the routing table names; ``python -m bot check`` reports any that is missing.
WELCOMECENTER = "welcomecenter"
IQ_COUNSELLING = "iq-anerkennungsberatung"
ROUTING_IDS = {
    WELCOMECENTER: "residence without a district, living and every other topic",
    IQ_COUNSELLING: "recognition",
    "lvwa-gesundheitsberufe": "recognition of health professions",
    "lisa-lehraemter": "recognition of teachers",
    "ihk-fosa": "recognition of IHK occupations",
    "bema": "eu_employment",
    "mbe": "language_course",
    "jmd": "language_course and living for young people",
}
_RECOGNITION_BODIES = {NEED_HEALTH: "lvwa-gesundheitsberufe", NEED_TEACHER: "lisa-lehraemter",
                       NEED_IHK: "ihk-fosa"}


class ContactsError(ValueError):
    """The contact files have errors; ``problems`` names file, line and field of each."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(p.format() for p in problems))


@dataclass(frozen=True)
class Directory:
    """All offices of knowledge/contacts/, in file order."""

    contacts: tuple[Contact, ...]

    def __iter__(self) -> Iterator[Contact]:
        return iter(self.contacts)

    def __len__(self) -> int:
        return len(self.contacts)

    def get(self, contact_id: str) -> Contact | None:
        """The contact with this id, or None."""
        return next((c for c in self.contacts if c.id == contact_id), None)

    def require(self, contact_id: str) -> Contact:
        """The contact with this id; LookupError naming the id when staff removed it."""
        contact = self.get(contact_id)
        if contact is None:
            raise LookupError(f"no contact with id '{contact_id}' in knowledge/contacts "
                              "(run `python -m bot check`)")
        return contact

    def authorities_for_district(self, district_code: str) -> list[Contact]:
        """Foreigners' authorities listing this district by code (``all`` does not count)."""
        return [c for c in self.contacts
                if c.kind == "authority" and "residence" in c.topics
                and isinstance(c.districts, tuple) and district_code in c.districts]

    def authority_for_district(self, district_code: str) -> Contact:
        """The foreigners' authority (Ausländerbehörde) of a district, e.g. '15085' → Landkreis Harz."""
        if not is_district_code(district_code):
            raise ValueError(f"{district_code!r} is not a district code of Sachsen-Anhalt")
        found = self.authorities_for_district(district_code)
        if not found:
            raise LookupError(f"no foreigners' authority for {district_code} {DISTRICTS[district_code]} "
                              "in knowledge/contacts (run `python -m bot check`)")
        return found[0]


def find_responsible_contact(directory: Directory, topic: str | None, district_code: str | None,
                             need: str | None = None) -> Contact:
    """The office responsible for ``topic`` in ``district_code`` (routing table in the module docstring)."""
    if need is not None and need not in NEEDS:
        raise ValueError(f"unknown need {need!r} (known: {', '.join(NEEDS)})")
    if district_code is not None and not is_district_code(district_code):
        raise ValueError(f"{district_code!r} is not a district code of Sachsen-Anhalt")
    if topic == "recognition":
        if need == NEED_CRAFT:
            chambers = [c for c in directory if c.kind == "deciding_body" and "recognition" in c.topics
                        and isinstance(c.districts, tuple) and district_code in c.districts]
            return chambers[0] if chambers else directory.require(IQ_COUNSELLING)
        return directory.require(_RECOGNITION_BODIES.get(need, IQ_COUNSELLING))
    if topic == "eu_employment":
        return directory.require("bema")
    if topic in ("language_course", "living") and need == NEED_YOUNG:
        return directory.require("jmd")
    if topic == "language_course":
        return directory.require("mbe")
    if topic == "living":
        local = [c for c in directory if c.kind == "counselling" and "living" in c.topics
                 and c.districts == (district_code,)]
        return local[0] if local else directory.require(WELCOMECENTER)
    if topic in RESIDENCE_LIKE_TOPICS and district_code is not None:
        return directory.authority_for_district(district_code)
    return directory.require(WELCOMECENTER)


def read_directory(knowledge_dir: Path) -> tuple[Directory, list[Problem]]:
    """Every valid entry and every problem, including the rules across entries and files."""
    folder = Path(knowledge_dir) / CONTACTS_FOLDER
    contacts: list[Contact] = []
    problems: list[Problem] = []
    unreadable = set()
    for name in CONTACT_FILES:
        found, file_problems, parsed = parse_contacts_file(folder / name)
        contacts.extend(found)
        problems.extend(file_problems)
        if not isinstance(parsed.data, list):
            unreadable.add(name)
    directory = Directory(tuple(contacts))
    problems.extend(_duplicate_ids(contacts))
    # What is missing from a file that could not be read at all is not worth listing.
    if not unreadable:
        problems.extend(_district_authorities(directory, folder / CONTACT_FILES[0]))
        problems.extend(_routing_targets(directory, folder))
    return directory, problems


def load_directory(knowledge_dir: Path) -> Directory:
    """The offices of ``knowledge_dir/contacts``; ContactsError when the files have errors."""
    directory, problems = read_directory(knowledge_dir)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ContactsError(errors)
    return directory


def _duplicate_ids(contacts: list[Contact]) -> list[Problem]:
    first: dict[str, Contact] = {}
    problems = []
    for contact in contacts:
        if contact.id in first:
            earlier = first[contact.id]
            problems.append(Problem(contact.path, contact.line, "id",
                                    f"'{contact.id}' is already used in {earlier.path.name} line "
                                    f"{earlier.line}; every office needs its own id"))
        else:
            first[contact.id] = contact
    return problems


def _district_authorities(directory: Directory, path: Path) -> list[Problem]:
    problems = []
    for code, name in DISTRICTS.items():
        found = directory.authorities_for_district(code)
        if not found:
            problems.append(Problem(path, 0, "districts",
                                    f"no foreigners' authority for {code} {name}: add an entry with "
                                    f"kind: authority, topics: [residence] and districts: [\"{code}\"]"))
        for extra in found[1:]:
            problems.append(Problem(extra.path, extra.line, "districts",
                                    f"'{extra.id}' is a second foreigners' authority for {code} {name} "
                                    f"(the first is '{found[0].id}'); keep one"))
    return problems


def _routing_targets(directory: Directory, folder: Path) -> list[Problem]:
    return [Problem(folder / CONTACT_FILES[1], 0, "id",
                    f"no office with id '{contact_id}'; the bot sends users there for {purpose}")
            for contact_id, purpose in ROUTING_IDS.items() if directory.get(contact_id) is None]
