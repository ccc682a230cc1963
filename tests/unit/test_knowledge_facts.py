"""Facts (knowledge/facts/*.yml) and the ``{{fact:…}}`` references in articles: what check says."""

import datetime as dt
import textwrap

import pytest

from bot.cli import main
from bot.knowledge.check import check_knowledge
from bot.knowledge.facts import load_facts, read_facts

TODAY = dt.date(2026, 6, 1)
WAGES = "knowledge/facts/wages.yml"
DE = "knowledge/articles/residence/eu-blue-card.de.md"

#: Line 1 id, 2 label, 3 type, 4 values, 5 first value, 6 valid_from, 7 valid_until, 8 source,
#: 9 title, 10 url, 11 second value, 12 valid_from, 13 valid_until, 14 source, 15 title, 16 url.
MINIMUM_WAGE = """\
minimum_wage_hourly:
  label: Gesetzlicher Mindestlohn (brutto pro Stunde)
  type: money
  values:
    - value: 13.90
      valid_from: 2026-01-01
      valid_until: 2026-12-31
      source:
        title: Fünfte Mindestlohnanpassungsverordnung
        url: https://www.gesetze-im-internet.de/milov_5/
    - value: 14.60
      valid_from: 2027-01-01
      valid_until: 2027-12-31
      source:
        title: Fünfte Mindestlohnanpassungsverordnung
        url: https://www.gesetze-im-internet.de/milov_5/
"""


@pytest.fixture
def kdir(empty_knowledge_dir, write_article, make_article):
    """A knowledge folder with the minimum wage fact and a German article that uses it."""
    write_facts(empty_knowledge_dir, MINIMUM_WAGE)
    write_article(empty_knowledge_dir, "residence/eu-blue-card.de.md",
                  make_article(body="## Lohn\nMindestens {{fact:minimum_wage_hourly}} pro Stunde.\n"))
    return empty_knowledge_dir


def write_facts(knowledge_dir, text, name="wages.yml"):
    path = knowledge_dir / "facts" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems(knowledge_dir, severity="error", today=TODAY):
    """What check says (without the missing-translation warnings of these one-language articles)."""
    return [p.format(knowledge_dir.parent) for p in check_knowledge(knowledge_dir, today=today)
            if p.severity == severity and p.field != "translations"]


def test_a_valid_fact_is_read_with_its_values(kdir):
    facts = load_facts(kdir)

    fact = facts["minimum_wage_hourly"]
    assert (fact.label, fact.type, fact.line) == ("Gesetzlicher Mindestlohn (brutto pro Stunde)", "money", 1)
    assert [str(v.value) for v in fact.values] == ["13.90", "14.60"]
    assert fact.values[1].valid_from == dt.date(2027, 1, 1)
    assert fact.values[0].source_url == "https://www.gesetze-im-internet.de/milov_5/"
    assert problems(kdir) == [] and problems(kdir, "warning") == []


def edit(line_number, new_text=None):
    """MINIMUM_WAGE with one line replaced (None: deleted)."""
    lines = MINIMUM_WAGE.splitlines(keepends=True)
    lines[line_number - 1] = "" if new_text is None else new_text + "\n"
    return "".join(lines)


@pytest.mark.parametrize("text, expected", [
    (edit(6, None), (f"{WAGES}:5: minimum_wage_hourly.values[0].valid_from: is missing: every value needs the "
                    "first day it applies (valid_from: YYYY-MM-DD)")),
    (edit(7, None), (f"{WAGES}:5: minimum_wage_hourly.values[0].valid_until: is missing: give the last day this "
                    "value applies (valid_until: YYYY-MM-DD); only a value fixed in a law without an end date "
                    "may say until_changed: true instead")),
    (edit(7, "      until_changed: true"),
     (f"{WAGES}:7: minimum_wage_hourly.values[0].until_changed: only the newest (last) value can apply until "
     "changed; give this one its valid_until")),
    (edit(12, "      valid_from: 2026-12-01"),
     (f"{WAGES}:12: minimum_wage_hourly.values[1].valid_from: 2026-12-01 overlaps the value above, which "
     "applies until 2026-12-31; periods must not overlap")),
    (edit(12, "      valid_from: 2025-01-01"),
     (f"{WAGES}:12: minimum_wage_hourly.values[1].valid_from: 2025-01-01 is not after the value above "
     "(2026-01-01); list the values oldest first")),
    (edit(13, "      valid_until: 2026-12-31"),
     f"{WAGES}:13: minimum_wage_hourly.values[1].valid_until: 2026-12-31 is before valid_from 2027-01-01"),
    (MINIMUM_WAGE.replace("      source:\n        title: Fünfte Mindestlohnanpassungsverordnung\n"
                          "        url: https://www.gesetze-im-internet.de/milov_5/\n", "", 1),
     (f"{WAGES}:5: minimum_wage_hourly.values[0].source: is missing: every value needs its source (title and "
     "url of the law or official page)")),
    (edit(10, "        url: gesetze-im-internet.de"),
     (f"{WAGES}:10: minimum_wage_hourly.values[0].source.url: 'gesetze-im-internet.de' is not a valid web "
     "address (use a full address starting with https:// or http://)")),
    (edit(5, "    - value: 13,90"),
     f"{WAGES}:5: minimum_wage_hourly.values[0].value: '13,90': write the number with a point, as 13.90"),
    (edit(5, "    - value: 13.90 €"),
     (f"{WAGES}:5: minimum_wage_hourly.values[0].value: '13.90 €' is not a number; write it like 13.90 "
     "(euros, no € sign)")),
    (edit(3, "  type: euro"),
     (f"{WAGES}:3: minimum_wage_hourly.type: 'euro' is not a type of figure (use one of money, number, "
     "percent, date)")),
    (edit(1, "Minimum-Wage:"),
     f"{WAGES}:1: Minimum-Wage: a fact id is lowercase letters, digits and underscores, e.g. minimum_wage_hourly"),
])
def test_what_check_refuses_in_a_facts_file(kdir, text, expected):
    write_facts(kdir, text)

    assert expected in problems(kdir)


def test_a_value_fixed_by_law_may_apply_until_changed(kdir):
    write_facts(kdir, edit(13, "      until_changed: true"))

    assert problems(kdir) == []
    assert load_facts(kdir)["minimum_wage_hourly"].values[1].valid_until is None


def test_a_fact_defined_twice_is_refused(kdir):
    write_facts(kdir, MINIMUM_WAGE, name="other.yml")

    assert (f"{WAGES}:1: minimum_wage_hourly: is already defined in other.yml line 1; "
            "every fact needs its own id") in problems(kdir)


def test_yaml_mistakes_in_a_facts_file_are_explained(kdir):
    write_facts(kdir, edit(2, "  label: Mindestlohn: brutto pro Stunde"))

    assert problems(kdir) == [(f"{WAGES}:2: file: the text contains a colon (:) followed by a space — "
                              "put the whole value in quotes")]


def test_warnings_unknown_field_gap_and_expired_newest_value(kdir):
    write_facts(kdir, edit(12, "      valid_from: 2027-02-01").replace("  type: money\n", "  type: money\n  unit: €\n"))

    warnings = problems(kdir, "warning", today=dt.date(2028, 1, 2))
    assert any(w.startswith(f"{WAGES}:4: minimum_wage_hourly.unit: unknown field") for w in warnings)
    assert (f"{WAGES}:13: minimum_wage_hourly.values[1].valid_from: no value applies between 2026-12-31 and "
            "2027-02-01; is a value missing?") in warnings
    assert (f"{WAGES}:14: minimum_wage_hourly.values[1].valid_until: the newest value applied until 2027-12-31: "
            "answers now show it with a note that the next figure was not yet published; add the new value "
            "(with its source) as soon as it is published") in warnings


# --- references in articles -------------------------------------------------------------------

@pytest.mark.parametrize("written, expected", [
    ("{{fact:minimum_wage}}", ("unknown fact 'minimum_wage' (the facts are in knowledge/facts/*.yml); "
                              "did you mean 'minimum_wage_hourly'?")),
    ("{{fact:Minimum_Wage_Hourly}}", ("'{{fact:Minimum_Wage_Hourly}}' is not a fact reference: write "
                                     "{{fact:id}} or {{fact:id@YYYY}}, the id in lowercase letters, digits "
                                     "and underscores")),
    ("{{fact:minimum_wage_hourly@26}}", "'{{fact:minimum_wage_hourly@26}}' is not a fact reference"),
    ("{fact:minimum_wage_hourly}", "'{fact:minimum_wage_hourly}' needs two braces on each side: {{fact:…}}"),
    ("{{fact:minimum_wage_hourly pro Stunde", ("'{{fact:minimum_wage_hourly pro Stunde.' is not closed: a "
                                              "fact reference ends with '}}'")),
    ("{{fact:minimum_wage_hourly@2019}}", ("'minimum_wage_hourly' has no value for mid-2019 (day 1.7.; its "
                                          "values cover 2026-01-01 to 2027-12-31)")),
])
def test_bad_references_are_errors_with_their_line(kdir, write_article, make_article, written, expected):
    write_article(kdir, "residence/eu-blue-card.de.md", make_article(body=f"## Lohn\nMindestens {written}.\n"))

    [problem] = problems(kdir)
    assert problem.startswith(f"{DE}:17: fact: {expected}"), problem


def test_references_with_a_year_and_with_spaces_are_fine(kdir, write_article, make_article):
    body = "## Lohn\n2026: {{fact:minimum_wage_hourly@2026}}, 2027: {{ fact:minimum_wage_hourly@2027 }}.\n"
    write_article(kdir, "residence/eu-blue-card.de.md", make_article(body=body))

    assert problems(kdir) == []


def test_a_reference_in_the_summary_is_checked_too(kdir, write_article, make_article):
    write_article(kdir, "residence/eu-blue-card.de.md", make_article(summary="'{{fact:nope}} pro Stunde.'"))

    assert problems(kdir) == [f"{DE}:5: fact: unknown fact 'nope' (the facts are in knowledge/facts/*.yml)"]


def test_a_sign_after_a_money_fact_is_a_warning(kdir, write_article, make_article):
    write_article(kdir, "residence/eu-blue-card.de.md",
                  make_article(body="## Lohn\nMindestens {{fact:minimum_wage_hourly}} € pro Stunde.\n"))

    assert (f"{DE}:17: fact: '{{{{fact:minimum_wage_hourly}}}}' is shown with its own € sign; remove the one "
            "after it") in problems(kdir, "warning")


def test_figures_written_as_text_are_listed_for_the_content_editors(kdir, write_article, make_article):
    body = ("## Gehalt\nMindestens 48.300 € brutto im Jahr (50 % der Beitragsbemessungsgrenze).\n"
            "Gebühr: 100 Euro, siehe https://example.org/a%C3%A4b.\n")
    # Keywords are what people type, not what the bot says: "411 Euro" there is fine.
    write_article(kdir, "residence/eu-blue-card.de.md", make_article(body=body, keywords="Blaue Karte, 411 Euro"))

    assert problems(kdir, "warning") == [
        (f"{DE}:17: figures: figures written as text: '48.300 €' (line 17), '100 Euro' "
        "(line 18); if one changes over time (a yearly amount, threshold or fee), put it in knowledge/facts/ "
        "and write {{fact:…}} here instead (see knowledge/README.md)"),
        (f"{WAGES}:1: minimum_wage_hourly: no article uses this fact; write {{{{fact:minimum_wage_hourly}}}} "
        "where the figure goes, or remove it"),
    ]


def test_a_translation_is_told_about_figures_its_german_version_gives_as_facts(kdir, write_article, make_article):
    write_article(kdir, "residence/eu-blue-card.de.md", make_article(
        body="## Lohn\nMindestens {{fact:minimum_wage_hourly}} pro Stunde; 50 % zurück.\n"))
    write_article(kdir, "residence/eu-blue-card.en.md",
                  make_article(lang="en", body="## Wage\nAt least €13.90 an hour; 50% back.\n"))

    assert ("knowledge/articles/residence/eu-blue-card.en.md:17: figures: the German version gives these figures "
            "as facts ({{fact:…}}), but this translation still writes them as text: '€13.90' (line 17); use "
            "the same {{fact:…}} references as the German version") in problems(kdir, "warning")


def test_check_command_fails_on_a_fact_without_validity(kdir, monkeypatch, tmp_path, capsys):
    write_facts(kdir, edit(7, None))
    monkeypatch.setenv("ADVISOR_KNOWLEDGE_DIR", str(kdir))
    monkeypatch.setenv("ADVISOR_VAR_DIR", str(tmp_path / "var"))

    assert main(["check", "--today", "2026-06-01"]) == 1
    assert "minimum_wage_hourly.values[0].valid_until: is missing" in capsys.readouterr().out


def test_check_command_reads_the_date_from_the_settings(kdir, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("ADVISOR_KNOWLEDGE_DIR", str(kdir))
    monkeypatch.setenv("ADVISOR_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("ADVISOR_TODAY", "2028-01-02")

    main(["check"])

    assert "the newest value applied until 2027-12-31" in capsys.readouterr().out


def test_read_facts_without_a_folder_is_empty(empty_knowledge_dir):
    assert read_facts(empty_knowledge_dir) == ({}, [])
