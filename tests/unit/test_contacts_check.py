"""Every rule of ``python -m bot check`` for contacts and places names file, line and field."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from bot.contacts.check import GEONAMES_CREDIT, check_contacts
from bot.settings import PROJECT_ROOT

KNOWLEDGE = PROJECT_ROOT / "knowledge"
SERVICES = "contacts/services.yml"
AUTHORITIES = "contacts/authorities.yml"
TOWNS = "places/towns.yml"
#: Not earlier than the newest last_verified in the shipped contacts (a later check date is an error).
TODAY = dt.date(2026, 12, 7)

# A valid entry, one field per line, in this order.
VALID_ENTRY = {
    "id": "test-office",
    "name": "Test office",
    "kind": "counselling",
    "topics": "[recognition]",
    "districts": "all",
    "source": "https://example.org/source",
    "last_verified": "2026-11-01",
}


@pytest.fixture
def knowledge(tmp_path) -> Path:
    """A copy of the shipped contacts and places that a test may break."""
    root = tmp_path / "knowledge"
    for folder in ("contacts", "places"):
        shutil.copytree(KNOWLEDGE / folder, root / folder)
    return root


def append_entry(knowledge: Path, **fields) -> dict[str, int]:
    """Append VALID_ENTRY with ``fields`` changed (None drops one) to services.yml → line of each key."""
    path = knowledge / SERVICES
    text = path.read_text(encoding="utf-8").rstrip("\n") + "\n\n"
    line = text.count("\n") + 1
    lines = {"entry": line}
    values = {**VALID_ENTRY, **fields}
    first = True
    for key, value in values.items():
        if value is None:
            continue
        text += f"{'- ' if first else '  '}{key}: {value}\n"
        lines[key] = line
        line, first = line + 1, False
    path.write_text(text, encoding="utf-8")
    return lines


def errors_at(knowledge: Path, relative: str, line: int, field: str):
    """The problems reported for that file, line and field, formatted as staff see them."""
    prefix = f"{relative}:{line}: {field}: " if line else f"{relative}: {field}: "
    return [p.format(knowledge) for p in check_contacts(knowledge, today=TODAY)
            if p.format(knowledge).startswith(prefix)]


def test_the_copy_is_clean_and_a_valid_entry_adds_nothing(knowledge):
    append_entry(knowledge)

    assert [p.format(knowledge) for p in check_contacts(knowledge, today=TODAY)] == []


@pytest.mark.parametrize("field", ["id", "name", "kind", "topics", "districts", "last_verified"])
def test_missing_required_field(knowledge, field):
    lines = append_entry(knowledge, **{field: None})

    assert errors_at(knowledge, SERVICES, lines["entry"], field), field


def test_missing_source(knowledge):
    lines = append_entry(knowledge, source=None)

    assert errors_at(knowledge, SERVICES, lines["entry"], "source")


@pytest.mark.parametrize("field,value,words", [
    ("topics", "[recognition, housing]", "unknown topic 'housing'"),
    ("districts", '["15085", "15099"]', "'15099' is not a district"),
    ("districts", "everywhere", "must be 'all', 'unknown' or a list"),
    ("kind", "office", "unknown kind 'office'"),
    ("id", "Test_Office", "lowercase letters"),
    ("last_verified", "2026-13-01", "is not a date"),
    ("last_verified", "24.11.2026", "is not a date"),
    ("source", "htp://example.org", "is not a web address"),
])
def test_bad_values(knowledge, field, value, words):
    lines = append_entry(knowledge, **{field: value})

    found = errors_at(knowledge, SERVICES, lines[field], field)
    assert found and words in found[0], found


@pytest.mark.parametrize("field,value,words", [
    ("web", "www.example.org", "is not a web address"),
    ("web", "https://exa mple.org", "is not a web address"),
    ("email", "info(at)example.org", "is not an e-mail address"),
    ("phone", "call us", "is not a phone number"),
    ("opening_hours", '{tu: "9-12, 14-18", xx: "9-12"}', "unknown day 'xx'"),
    ("opening_hours", '{tu: "9 to 12"}', "is not a time range"),
    ("opening_hours", '{we: "8-15 (closed)"}', "unknown remark"),
    ("appointments", "sometimes", "must be 'only'"),
    ("verified", "maybe", "must be true or false"),
    ("unverified", "[address, fax]", "must be a list of fields from"),
    ("phone_label", "hotline", "must be 'switchboard'"),
])
def test_bad_details(knowledge, field, value, words):
    lines = append_entry(knowledge, **{field: value})

    found = errors_at(knowledge, SERVICES, lines[field], field)
    assert found and words in found[0], found


def test_a_phone_label_needs_a_phone(knowledge):
    lines = append_entry(knowledge, phone_label="switchboard")

    found = errors_at(knowledge, SERVICES, lines["phone_label"], "phone_label")
    assert found and "has no 'phone:'" in found[0], found


def test_a_switchboard_label_with_a_phone_is_accepted(knowledge):
    append_entry(knowledge, phone="+49 3931 60-6", phone_label="switchboard")

    assert not [p for p in check_contacts(knowledge, today=TODAY) if p.field == "phone_label"]


def test_unknown_field_is_a_warning(knowledge):
    lines = append_entry(knowledge, fax="+49 1 2")

    problems = [p for p in check_contacts(knowledge, today=TODAY) if p.field == "fax"]
    assert [(p.line, p.severity) for p in problems] == [(lines["fax"], "warning")]


def test_duplicate_id_names_the_second_entry_and_the_first(knowledge):
    lines = append_entry(knowledge, id="abh-harz")

    found = errors_at(knowledge, SERVICES, lines["entry"], "id")
    assert found and "already used in authorities.yml line" in found[0]


def test_a_district_without_foreigners_authority(knowledge):
    path = knowledge / AUTHORITIES
    path.write_text(path.read_text(encoding="utf-8").replace('districts: ["15085"]', "districts: all"),
                    encoding="utf-8")

    found = errors_at(knowledge, AUTHORITIES, 0, "districts")
    assert found and "no foreigners' authority for 15085 Harz" in found[0]


def test_a_second_authority_for_a_district(knowledge):
    lines = append_entry(knowledge, kind="authority", topics="[residence]", districts='["15085"]')

    found = errors_at(knowledge, SERVICES, lines["entry"], "districts")
    assert found and "second foreigners' authority for 15085 Harz" in found[0]


def test_an_office_the_routing_needs_is_missing(knowledge):
    path = knowledge / SERVICES
    path.write_text(path.read_text(encoding="utf-8").replace("- id: bema\n", "- id: bema-old\n"),
                    encoding="utf-8")

    found = errors_at(knowledge, SERVICES, 0, "id")
    assert found and "no office with id 'bema'" in found[0]


def test_broken_yaml_names_the_line(knowledge):
    path = knowledge / SERVICES
    text = path.read_text(encoding="utf-8") + "\n- id: broken\n  name: [unclosed\n"
    path.write_text(text, encoding="utf-8")

    problems = [p for p in check_contacts(knowledge, today=TODAY)]
    assert len(problems) == 1  # not also every office the unreadable file would have had
    assert (problems[0].path.name, problems[0].field) == ("services.yml", "file")
    # The line where the unclosed list starts, and what to do about it.
    assert problems[0].line == text.count("\n")
    assert problems[0].message.startswith("the list in brackets [ ] that starts on this line is not closed")


def test_last_verified_long_ago_is_a_warning_and_in_the_future_an_error(knowledge):
    old = append_entry(knowledge, id="old-office", last_verified="2024-01-01")
    future = append_entry(knowledge, id="future-office", last_verified="2027-01-01")

    problems = {(p.line, p.severity) for p in check_contacts(knowledge, today=TODAY)
                if p.field == "last_verified"}
    assert problems == {(old["entry"], "warning"), (future["entry"], "error")}


def test_towns_with_a_bad_district_code(knowledge):
    path = knowledge / TOWNS
    text = path.read_text(encoding="utf-8")
    line = text[:text.index("  - {name: Zeitz")].count("\n") + 1
    zeitz = '{name: Zeitz, district_code: "15084"}'
    path.write_text(text.replace(zeitz, zeitz.replace("15084", "1508")), encoding="utf-8")

    found = errors_at(knowledge, TOWNS, line, "district_code")
    assert found and "'1508' is not a district code" in found[0]


def test_towns_in_another_district_than_geonames_is_a_warning(knowledge):
    path = knowledge / TOWNS
    path.write_text(path.read_text(encoding="utf-8").replace(
        '{name: Zeitz, district_code: "15084"}', '{name: Zeitz, district_code: "15085"}'), encoding="utf-8")

    problems = [p for p in check_contacts(knowledge, today=TODAY) if p.path.name == "towns.yml"]
    assert [(p.field, p.severity) for p in problems] == [("district_code", "warning")]
    assert "GeoNames puts 'Zeitz' in 15084" in problems[0].message


def test_geonames_file_and_credit_are_required(knowledge):
    (knowledge / "places" / "geonames_plz_sachsen_anhalt_2024-04-12.tsv").unlink()
    (knowledge / "places" / "CREDITS.md").write_text("GeoNames\n", encoding="utf-8")

    problems = {(p.path.name, p.field) for p in check_contacts(knowledge, today=TODAY)}
    assert ("geonames_plz_sachsen_anhalt_2024-04-12.tsv", "file") in problems
    assert ("CREDITS.md", "credit") in problems


def test_the_shipped_credit_is_exact():
    assert GEONAMES_CREDIT in (KNOWLEDGE / "places" / "CREDITS.md").read_text(encoding="utf-8")


def test_check_command_includes_contacts(knowledge, monkeypatch, tmp_path, capsys):
    (knowledge / "articles").mkdir()
    lines = append_entry(knowledge, email="nobody")
    monkeypatch.setenv("ADVISOR_KNOWLEDGE_DIR", str(knowledge))
    monkeypatch.setenv("ADVISOR_VAR_DIR", str(tmp_path / "var"))

    code = main(["check", "--today", TODAY.isoformat()])

    out = capsys.readouterr().out
    assert code == 1
    assert f"knowledge/{SERVICES}:{lines['email']}: email: 'nobody' is not an e-mail address" in out
    assert "article files, contacts and places" in out


SCRIPTS = "places/scripts.yml"


def _scripts_problems(knowledge: Path, text: str):
    (knowledge / SCRIPTS).write_text(text, encoding="utf-8")
    return [(p.line, p.field, p.severity, p.message) for p in check_contacts(knowledge, today=TODAY)
            if p.path.name == "scripts.yml"]


def test_scripts_names_a_known_place_in_one_district(knowledge):
    problems = _scripts_problems(knowledge, "names:\n"
                                            "  - place: Nowhere\n    ru: [Нигде]\n"
                                            "  - place: Harz\n    ru: [Гарц]\n"
                                            "  - {ru: [Гарц]}\n")

    assert [(line, field, severity) for line, field, severity, _ in problems] == [
        (2, "place", "error"), (6, "place", "error")]
    assert "'Nowhere' is not a place" in problems[0][3]


def test_scripts_spellings_in_the_wrong_script_or_language(knowledge):
    problems = _scripts_problems(knowledge, "names:\n"
                                            "  - place: Harz\n"
                                            "    ru: [Harz, Гарц]\n"
                                            "    uk: [Гарц]\n"
                                            "    ar: [هارتس]\n"
                                            "    fa: [هارتس, كوتن]\n"
                                            "    tr: [Harz]\n")

    assert [(line, field, severity) for line, field, severity, _ in problems] == [
        (3, "ru", "error"), (6, "fa", "warning"), (7, "tr", "warning")]
    assert "'Harz' is not written in cyrillic letters" in problems[0][3]
    assert "Farsi writes ی/ک" in problems[1][3]


def test_scripts_spelling_of_another_district_is_a_warning(knowledge):
    problems = _scripts_problems(knowledge, "names:\n"
                                            "  - place: Harz\n    ru: [Гарц]\n"
                                            "  - place: Zeitz\n    ru: [Гарц]\n")

    assert [(line, field, severity) for line, field, severity, _ in problems] == [(5, "ru", "warning")]
    assert "'Гарц' (for Zeitz) is also Harz (15085)" in problems[0][3]


def test_scripts_file_is_optional(knowledge):
    (knowledge / SCRIPTS).unlink()

    assert check_contacts(knowledge, today=TODAY) == []
