"""Contact cards: confirmed details shown in the user's language, unconfirmed ones replaced by a note."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bot import SUPPORTED_LANGUAGES, texts
from bot.contacts.card import contact_card
from bot.contacts.directory import load_directory
from bot.contacts.entries import Contact, OpeningHours
from bot.i18n import translate
from bot.settings import PROJECT_ROOT

CARD_KEYS = {"id", "name", "address", "opening_hours", "phone", "email", "web", "note", "verified"}
ADDRESS = "Friedensallee 25, 06406 Bernburg (Saale)"


def office(**changes) -> Contact:
    """A fully confirmed office with two days of hours, a phone, an e-mail and a web page."""
    values = {
        "id": "test-office", "name": "Landkreis Test – Ausländerbehörde", "kind": "authority", "topics": ("residence",),
        "districts": ("15089",), "last_verified": dt.date(2026, 11, 24), "address": (ADDRESS,),
        "opening_hours": (OpeningHours("tu", (("09:00", "12:00"), ("14:00", "18:00"))),
                           OpeningHours("fr", (("09:00", "12:00"),), "by appointment")),
        "phone": "+49 3471 684-1342", "email": "abh@example.org", "web": "https://example.org/abh",
        "sources": ("https://example.org/abh",),
    }
    values.update(changes)
    return Contact(**values)


def test_a_confirmed_office_shows_everything_without_a_note():
    card = contact_card(office(), "de")

    assert set(card) == CARD_KEYS
    assert card["address"] == [ADDRESS]
    assert card["opening_hours"] == ["Di. 09:00–12:00, 14:00–18:00", "Fr. 09:00–12:00 (mit Termin)"]
    assert (card["phone"], card["email"], card["web"]) == ("+49 3471 684-1342", "abh@example.org",
                                                           "https://example.org/abh")
    assert card["note"] is None and card["verified"] is True
    assert json.loads(json.dumps(card)) == card


@pytest.mark.parametrize("lang", ["de", "ar"])
def test_a_switchboard_number_says_so_in_the_users_language(lang):
    card = contact_card(office(phone="+49 3931 60-6", phone_label="switchboard"), lang)

    assert card["phone"] == f"+49 3931 60-6 ({translate(lang, texts.CONTACT_PHONE_SWITCHBOARD)})"
    assert translate(lang, texts.CONTACT_PHONE_SWITCHBOARD) != (
        texts.CONTACT_PHONE_SWITCHBOARD if lang != "en" else "")
    assert card["verified"] is True  # a labelled switchboard is a confirmed detail


def test_opening_hours_use_the_users_day_names():
    assert contact_card(office(), "ar")["opening_hours"][0] == "الثلاثاء 09:00–12:00, 14:00–18:00"
    assert contact_card(office(), "en")["opening_hours"][1] == "Fri 09:00–12:00 (by appointment)"


def test_consecutive_days_with_the_same_hours_share_a_line():
    weekdays = tuple(OpeningHours(day, (("09:00", "11:00"),)) for day in ("mo", "tu", "we", "th", "fr"))
    tue_thu = (OpeningHours("tu", (("09:00", "12:00"),)), OpeningHours("th", (("09:00", "12:00"),)))

    assert contact_card(office(opening_hours=weekdays), "de")["opening_hours"] == ["Mo.–Fr. 09:00–11:00"]
    assert contact_card(office(opening_hours=tue_thu), "de")["opening_hours"] == ["Di. 09:00–12:00",
                                                                                 "Do. 09:00–12:00"]


def test_appointment_rule_is_a_line_of_the_opening_hours():
    card = contact_card(office(opening_hours=(), appointments="only"), "de")

    assert card["opening_hours"] == ["Besuch nur mit Termin."]


@pytest.mark.parametrize("lang", ["de", "ar"])
def test_an_unverified_address_is_replaced_by_the_note(lang):
    card = contact_card(office(unverified=frozenset({"address"})), lang)

    assert card["address"] is None
    assert ADDRESS not in json.dumps(card, ensure_ascii=False)
    assert card["note"] == translate(lang, texts.CONTACT_CHECK_WEBSITE)
    assert card["web"] == "https://example.org/abh"
    assert card["verified"] is False
    assert card["opening_hours"] and card["phone"]  # confirmed details stay


def test_the_note_is_in_german_and_arabic():
    assert contact_card(office(verified=False), "de")["note"] == (
        "Bitte prüfen Sie die aktuelle Adresse und die Öffnungszeiten auf der Website der Stelle.")
    assert contact_card(office(verified=False), "ar")["note"] == (
        "يُرجى التحقق من العنوان الحالي ومواعيد العمل على الموقع الإلكتروني للجهة.")


@pytest.mark.parametrize("lang", ["de", "ar"])
def test_an_unverified_office_shows_only_its_name_and_web_page(lang):
    card = contact_card(office(verified=False), lang)

    assert (card["address"], card["opening_hours"], card["phone"], card["email"]) == (None, None, None, None)
    assert card["web"] == "https://example.org/abh"
    assert card["name"] == "Landkreis Test – Ausländerbehörde"  # names stay German
    assert card["note"] == translate(lang, texts.CONTACT_CHECK_WEBSITE)


def test_without_a_web_page_the_note_says_how_to_check():
    card = contact_card(office(verified=False, web=None), "de")

    assert card["web"] is None
    assert card["note"] == translate("de", texts.CONTACT_CHECK_WITH_OFFICE)
    assert card["note"].startswith("Wir konnten die aktuelle Adresse")


def test_a_card_with_only_a_web_page_asks_to_check_it():
    card = contact_card(office(address=(), opening_hours=(), phone=None, email=None), "de")

    assert card["verified"] is True
    assert card["note"] == translate("de", texts.CONTACT_CHECK_WEBSITE)


def test_an_unsupported_language_gets_german():
    assert contact_card(office(), "xx")["opening_hours"][0].startswith("Di.")


@pytest.fixture(scope="module")
def directory():
    return load_directory(PROJECT_ROOT / "knowledge")


@pytest.mark.parametrize("lang", SUPPORTED_LANGUAGES)
def test_no_shipped_card_shows_a_detail_its_entry_marks_unverified(directory, lang):
    for contact in directory:
        card = contact_card(contact, lang)
        for detail in ("address", "phone", "email", "web"):
            if not contact.is_confirmed(detail):
                assert card[detail] is None, (contact.id, detail)
        if not contact.is_confirmed("opening_hours"):
            assert not any(":" in line for line in card["opening_hours"] or []), contact.id
        if not (contact.verified and not contact.unverified):
            assert card["note"] and card["verified"] is False, contact.id
        if lang != "en" and card["note"]:
            assert card["note"] not in (texts.CONTACT_CHECK_WEBSITE, texts.CONTACT_CHECK_WITH_OFFICE)


def test_shipped_cards_for_harz_and_bema(directory):
    harz = contact_card(directory.get("abh-harz"), "ar")
    assert harz["address"] is None and harz["web"].startswith("https://www.kreis-hz.de/")
    assert harz["note"] == translate("ar", texts.CONTACT_CHECK_WEBSITE)

    bema = contact_card(directory.get("bema"), "de")
    assert bema["web"] == "https://bema.arbeitundleben.org/"  # its official site, no unconfirmed office details
    assert (bema["address"], bema["phone"]) == (None, None)
    assert bema["note"] == translate("de", texts.CONTACT_CHECK_WEBSITE)
    assert bema["verified"] is False


def test_every_foreigners_authority_card_links_an_official_page(directory):
    for contact in directory.contacts:
        if contact.kind == "authority" and contact.id.startswith("abh-"):
            card = contact_card(contact, "de")
            assert card["web"] and card["web"].startswith(("https://", "http://")), contact.id
            assert contact.sources, contact.id


def test_the_stendal_switchboard_is_labelled_as_such(directory):
    card = contact_card(directory.get("abh-stendal"), "en")
    assert card["phone"] == "+49 3931 60-6 (switchboard: ask for the office)"
