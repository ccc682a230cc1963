"""The shipped directory loads and passes its check; the routing table sends users to the right office."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.contacts.check import check_contacts
from bot.contacts.directory import (
    CONTACT_FILES,
    ROUTING_IDS,
    ContactsError,
    find_responsible_contact,
    load_directory,
)
from bot.contacts.districts import DISTRICTS
from bot.settings import PROJECT_ROOT

KNOWLEDGE = PROJECT_ROOT / "knowledge"
IQ = "iq-anerkennungsberatung"


@pytest.fixture(scope="module")
def directory():
    return load_directory(KNOWLEDGE)


def test_the_shipped_directory_has_no_errors():
    errors = [p.format() for p in check_contacts(KNOWLEDGE) if p.severity == "error"]

    assert errors == []


@pytest.mark.parametrize("code", sorted(DISTRICTS))
def test_every_district_has_exactly_one_foreigners_authority(directory, code):
    authorities = directory.authorities_for_district(code)

    assert len(authorities) == 1
    assert authorities[0].kind == "authority" and "residence" in authorities[0].topics
    assert directory.authority_for_district(code) is authorities[0]


def test_get_finds_by_id_and_returns_none_for_unknown_ids(directory):
    assert directory.get("abh-harz").name == "Landkreis Harz – Ausländerbehörde"
    assert directory.get("no-such-office") is None
    assert set(ROUTING_IDS) <= {c.id for c in directory}


def test_authority_for_a_code_outside_the_land_is_a_programming_error(directory):
    with pytest.raises(ValueError):
        directory.authority_for_district("09162")


@pytest.mark.parametrize("topic,district,need,expected", [
    ("residence", "15085", None, "abh-harz"),
    ("residence", "15002", None, "abh-halle"),
    ("residence", "15003", "health", "abh-magdeburg"),  # a need that does not apply is ignored
    ("residence", None, None, "welcomecenter"),
    ("recognition", "15085", None, "iq-anerkennungsberatung"),
    ("recognition", "15085", "health", "lvwa-gesundheitsberufe"),
    ("recognition", None, "teacher", "lisa-lehraemter"),
    ("recognition", "15001", "ihk", "ihk-fosa"),
    # FACTS.md does not say which districts each Handwerkskammer serves: IQ counselling decides
    ("recognition", "15002", "craft", "iq-anerkennungsberatung"),
    ("recognition", "15003", "craft", "iq-anerkennungsberatung"),
    ("eu_employment", "15084", None, "bema"),
    ("eu_employment", None, None, "bema"),
    ("language_course", "15089", None, "mbe"),
    ("language_course", "15089", "young", "jmd"),
    ("living", "15089", "young", "jmd"),
    ("living", "15003", None, "welcome-service-magdeburg"),
    ("living", "15088", None, "welcomecenter"),
    ("living", None, None, "welcomecenter"),
    ("naturalisation", "15091", None, "abh-wittenberg"),
    ("visa", "15086", None, "abh-jerichower-land"),
    ("general", "15086", None, "welcomecenter"),
    (None, "15086", None, "welcomecenter"),
    ("visa", None, None, "welcomecenter"),
])
def test_routing_table(directory, topic, district, need, expected):
    assert find_responsible_contact(directory, topic, district, need).id == expected


def test_routing_rejects_unknown_needs_and_district_codes(directory):
    with pytest.raises(ValueError, match="unknown need"):
        find_responsible_contact(directory, "recognition", "15085", "plumber")
    with pytest.raises(ValueError, match="not a district code"):
        find_responsible_contact(directory, "residence", "99999")


@pytest.fixture
def editable_knowledge(tmp_path) -> Path:
    """A copy of the shipped contacts and places that a test may change."""
    root = tmp_path / "knowledge"
    for folder in ("contacts", "places"):
        shutil.copytree(KNOWLEDGE / folder, root / folder)
    return root


def test_craft_goes_to_the_chamber_once_staff_name_its_districts(editable_knowledge):
    services = editable_knowledge / "contacts" / CONTACT_FILES[1]
    text = services.read_text(encoding="utf-8")
    start = text.index("- id: hwk-halle")
    text = text[:start] + text[start:].replace("districts: unknown", 'districts: ["15002", "15088"]', 1)
    services.write_text(text, encoding="utf-8")
    directory = load_directory(editable_knowledge)

    assert find_responsible_contact(directory, "recognition", "15088", "craft").id == "hwk-halle"
    assert find_responsible_contact(directory, "recognition", "15003", "craft").id == IQ


def test_loading_a_broken_directory_names_the_problems(editable_knowledge):
    authorities = editable_knowledge / "contacts" / CONTACT_FILES[0]
    authorities.write_text(authorities.read_text(encoding="utf-8").replace(
        'districts: ["15085"]', 'districts: ["15099"]'), encoding="utf-8")

    with pytest.raises(ContactsError) as raised:
        load_directory(editable_knowledge)

    messages = [p.format() for p in raised.value.problems]
    assert any("'15099' is not a district of Sachsen-Anhalt" in m for m in messages)
    assert any("no foreigners' authority for 15085 Harz" in m for m in messages)
