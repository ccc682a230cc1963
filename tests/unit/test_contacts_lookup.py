"""The Rasa lookup table of place names is generated from knowledge/places/ and kept up to date."""

from __future__ import annotations

import yaml

from bot.contacts.lookup import LOOKUP_PATH, lookup_names, main, render
from bot.contacts.places import load_gazetteer
from bot.settings import PROJECT_ROOT


def test_committed_lookup_table_matches_the_place_data():
    expected = render(lookup_names(load_gazetteer(PROJECT_ROOT / "knowledge")))

    assert LOOKUP_PATH.read_text(encoding="utf-8") == expected, "run: python -m bot.contacts.lookup"


def test_lookup_table_is_rasa_training_data_with_spellings_without_umlauts():
    data = yaml.safe_load(LOOKUP_PATH.read_text(encoding="utf-8"))
    (table,) = data["nlu"]
    names = table["examples"].splitlines()

    assert table["lookup"] == "place"
    assert {"- Köthen", "- Koethen", "- Kothen", "- Weißenfels", "- Weissenfels", "- Saalekreis",
            "- Lutherstadt Wittenberg", "- Seyda"} <= set(names)
    assert "- Buch" not in names  # an everyday word: Rasa would tag "ein Buch"
    assert "- Schkopau Döllnitz" not in names  # GeoNames' "<town> <part>": the part is listed
    assert len(names) == len(set(names))
    # Rasa tries names in file order; a longer name must come before its beginning.
    assert names.index("- Halle-Neustadt") < names.index("- Halle")
    assert names.index("- Bitterfeld-Wolfen") < names.index("- Bitterfeld")
    assert not any("(" in name for name in names)  # never matched by Rasa's \b...\b pattern


def test_generator_writes_the_file(tmp_path, capsys):
    output = tmp_path / "places.yml"

    assert main(["--knowledge-dir", str(PROJECT_ROOT / "knowledge"), "--output", str(output)]) == 0
    assert output.read_text(encoding="utf-8") == LOOKUP_PATH.read_text(encoding="utf-8")
    assert "place names" in capsys.readouterr().out
