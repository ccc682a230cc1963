"""Place → district: postcodes, names, typos, sentences, ambiguity and places outside the Land."""

from __future__ import annotations

import csv
import json
from collections import defaultdict

import pytest

from bot.contacts.gazetteer import GEONAMES_FILE, load_gazetteer
from bot.contacts.places import AMBIGUOUS, FOUND, OUTSIDE, UNKNOWN, resolve_place
from bot.settings import PROJECT_ROOT

KNOWLEDGE = PROJECT_ROOT / "knowledge"
TSV = KNOWLEDGE / "places" / GEONAMES_FILE


def _tsv_rows():
    with TSV.open(encoding="utf-8", newline="") as handle:
        return [(r["plz"], r["place"], r["kreis_code"]) for r in csv.DictReader(handle, delimiter="\t")]


def _districts_by(column: int):
    found = defaultdict(set)
    for row in _tsv_rows():
        found[row[column]].add(row[2])
    return found


#: Postcodes and names whose rows in the GeoNames file name two districts.
SHARED_PLZ = sorted(p for p, codes in _districts_by(0).items() if len(codes) > 1)
SHARED_NAMES = sorted(n for n, codes in _districts_by(1).items() if len(codes) > 1)


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer(KNOWLEDGE)


# Every district from at least three places: a postcode, names, spellings without umlauts, typos.
DISTRICT_PLACES = {
    "15001": ["06844", "Dessau", "Rosslau", "Dessau Rosslau"],
    "15002": ["06108", "Halle (Saale)", "halle saale", "Halle/Saale", "Halle-Neustadt"],
    "15003": ["39104", "Magdeburg", "Magdburg", "Landeshauptstadt Magdeburg"],
    "15081": ["29410", "Salzwedel", "Gardelegen", "Kloetze", "Klotze"],
    "15082": ["06366", "Köthen", "Koethen", "koethen", "Kothen", "Bitterfeld-Wolfen", "Zerbst"],
    "15083": ["39340", "Haldensleben", "Oschersleben", "Wolmirstedt", "Boerde"],
    "15084": ["06618", "Weissenfels", "Zeitz", "Naumburg", "Hohenmoelsen"],
    "15085": ["38855", "Wernigerode", "Quedlinburg", "Quedlinbrug", "Halberstadt", "Harz"],
    "15086": ["39288", "Burg", "Genthin", "Jerichower Land", "Mockern"],
    "15087": ["06526", "Sangerhausen", "Eisleben", "Lutherstadt Eisleben", "Mansfeld-Südharz"],
    "15088": ["06217", "Merseburg", "Leuna", "Saalekreis", "Bad Durrenberg"],
    "15089": ["06406", "Bernburg", "Schoenebeck", "Stassfurt", "Salzlandkreis"],
    "15090": ["39576", "Stendal", "Hansestadt Stendal", "Tangermuende", "Havelberg"],
    "15091": ["06886", "Lutherstadt Wittenberg", "Wittenberg", "Graefenhainichen", "Jessen"],
}


@pytest.mark.parametrize("code,text", [(c, t) for c, texts in DISTRICT_PLACES.items() for t in texts])
def test_every_district_is_reached_from_postcodes_names_and_typos(gazetteer, code, text):
    result = resolve_place(text, gazetteer)

    assert (result.status, result.district_code) == (FOUND, code)


def test_the_place_is_given_by_its_official_name(gazetteer):
    assert resolve_place("Koethen", gazetteer).place == "Köthen (Anhalt)"
    assert resolve_place("Wittenberg", gazetteer).place == "Lutherstadt Wittenberg"
    assert resolve_place("stendal", gazetteer).place == "Hansestadt Stendal"
    assert resolve_place("Halle", gazetteer).place == "Halle (Saale)"
    assert resolve_place("06618", gazetteer).place == "Naumburg (Saale)"
    assert resolve_place("38855", gazetteer).district_name == "Harz"


@pytest.mark.parametrize("text,code,place", [
    ("I live in Köthen and need help with my visa", "15082", "Köthen (Anhalt)"),
    ("Ich wohne in der Nähe von Halberstadt", "15085", "Halberstadt"),
    ("ich lebe in magdburg", "15003", "Magdeburg"),
    ("Wohne in Wernigerode, PLZ 38855", "15085", "Wernigerode"),
    ("meine Postleitzahl ist 39340, danke", "15083", "Haldensleben"),
    ("I work in Leuna but live in Zeitz", "15084", "Zeitz"),
    ("Ich wohne in Halle, arbeite aber in Magdeburg", "15002", "Halle (Saale)"),
    ("Ich wohne in Wolmirstedt nahe Magdeburg", "15083", "Wolmirstedt"),
    ("we live in the Harz district", "15085", "Harz"),
    ("أعيش في Köthen", "15082", "Köthen (Anhalt)"),
    ("Mieszkam w Weißenfels", "15084", "Weißenfels"),
])
def test_places_inside_sentences(gazetteer, text, code, place):
    result = resolve_place(text, gazetteer)

    assert (result.status, result.district_code, result.place) == (FOUND, code, place)


@pytest.mark.parametrize("plz", SHARED_PLZ)
def test_every_postcode_spanning_two_districts_is_ambiguous(gazetteer, plz):
    expected = {code for p, _, code in _tsv_rows() if p == plz}

    result = resolve_place(plz, gazetteer)

    assert result.status == AMBIGUOUS
    assert {c.district_code for c in result.candidates} == expected
    assert result.plz == plz


def test_the_data_still_has_the_seventeen_shared_postcodes_facts_md_names():
    assert len(SHARED_PLZ) == 17
    assert {"06120", "06333", "06420", "06773", "06774", "39245", "39638", "39606"} <= set(SHARED_PLZ)


@pytest.mark.parametrize("plz", SHARED_PLZ)
def test_naming_the_town_with_a_shared_postcode_decides(gazetteer, plz):
    for p, place, code in _tsv_rows():
        if p == plz:
            assert resolve_place(f"{plz} {place}", gazetteer).district_code == code, place


@pytest.mark.parametrize("name", SHARED_NAMES)
def test_a_place_name_in_two_districts_is_ambiguous(gazetteer, name):
    expected = {code for _, place, code in _tsv_rows() if place == name}

    result = resolve_place(name, gazetteer)

    assert result.status == AMBIGUOUS
    assert {c.district_code for c in result.candidates} == expected
    assert all(c.place == name for c in result.candidates)


def test_a_postcode_and_a_town_that_disagree_are_ambiguous(gazetteer):
    result = resolve_place("06712 Köthen", gazetteer)  # 06712 is Zeitz

    assert result.status == AMBIGUOUS
    assert {c.district_code for c in result.candidates} == {"15082", "15084"}


@pytest.mark.parametrize("text,place", [
    ("10115", None), ("99084", None), ("04109", None), ("20095 Hamburg", "Hamburg"),
    ("Berlin", "Berlin"), ("I live in Leipzig", "Leipzig"), ("Muenchen", "München"),
    ("Erfurt", "Erfurt"), ("Leipzg", "Leipzig"),
])
def test_places_outside_sachsen_anhalt(gazetteer, text, place):
    result = resolve_place(text, gazetteer)

    assert (result.status, result.place, result.district_code) == (OUTSIDE, place, None)


@pytest.mark.parametrize("text", [
    "06999",  # prefix 06 is shared with Thüringen and Sachsen: not ours, but not surely outside
    "38999", "39999", "00000", "", "Hallo", "Ich wohne in Sachsen-Anhalt",
    # everyday words one letter away from a village name stay words
    "Danke schön", "Ich habe ein Buch gelesen", "Visum zur Arbeitsplatzsuche", "Minijob Regeln",
    "Ich komme aus Polen", "gotta go, bye", "I need help with my visa",
    "Welchen Film soll ich heute schauen?",  # Schauen is a village in the Harz
])
def test_unknown_when_nothing_is_recognised(gazetteer, text):
    assert resolve_place(text, gazetteer).status == UNKNOWN


def test_a_village_name_that_is_a_common_word_counts_where_a_place_is_expected(gazetteer):
    assert resolve_place("Ich wohne in Buch", gazetteer).district_code == "15090"
    assert resolve_place("Ich habe ein Buch", gazetteer).status == UNKNOWN


def test_the_resolution_is_json_ready(gazetteer):
    data = json.loads(json.dumps(resolve_place("06120", gazetteer).to_dict()))

    assert data["status"] == AMBIGUOUS
    assert ["Lieskau", "15088", "Saalekreis"] in data["candidates"]


def test_the_gazetteer_reads_the_folder_it_is_given(tmp_path):
    places = tmp_path / "places"
    places.mkdir()
    places.joinpath(GEONAMES_FILE).write_text(
        "country\tplz\tplace\tstate\tstate_code\tadmin2\tadmin2_code\tkreis\tkreis_code\tlat\tlon\taccuracy\n"
        "DE\t38855\tWernigerode\tSachsen-Anhalt\tST\t\t00\tLandkreis Harz\t15085\t51.8\t10.8\t4\n",
        encoding="utf-8")
    places.joinpath("towns.yml").write_text("districts: {}\ntowns: []\noutside: [Berlin]\n", encoding="utf-8")

    small = load_gazetteer(tmp_path)

    assert resolve_place("38855", small).district_code == "15085"
    assert resolve_place("Köthen", small).status == UNKNOWN
    assert resolve_place("Berlin", small).status == OUTSIDE


def test_resolving_a_sentence_is_fast(gazetteer):
    import time

    sentence = ("Hello, I am a nurse from the Philippines and I live in a small village near "
                "Quedlinbrug in the Harz mountains, what should I do")
    start = time.perf_counter()
    for _ in range(10):
        resolve_place(sentence, gazetteer)
    assert (time.perf_counter() - start) / 10 < 0.25  # about 10 ms on one idle core
    assert resolve_place(sentence, gazetteer).district_code == "15085"


def test_resolve_place_reads_the_settings_folder_once(monkeypatch):
    from bot.contacts.places import forget_loaded_places

    monkeypatch.setenv("ADVISOR_KNOWLEDGE_DIR", str(KNOWLEDGE))
    forget_loaded_places()
    try:
        assert resolve_place("Koethen").district_code == "15082"
    finally:
        forget_loaded_places()
