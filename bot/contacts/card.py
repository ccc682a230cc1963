"""The contact card the chat API returns (``PAYLOAD["contact"]``), in the user's language.

``contact_card(contact, "ar")`` →
``{"id", "name", "address", "opening_hours", "phone", "email", "web", "note", "verified"}``:

- ``address``: list of lines (one per site) or None;
- ``opening_hours``: list of lines in the user's language ("Di. 09:00–12:00, 14:00–18:00",
  "Visits by appointment only.") or None;
- ``phone``, ``email``, ``web``: text or None; a switchboard number (``phone_label: switchboard``)
  carries a remark in the user's language: "+49 3931 60-6 (switchboard: ask for the office)";
- ``note``: None, or a sentence from ``bot.texts`` asking the user to check the details. It
  appears when a detail is not confirmed (it is then left out, never shown as fact) or when the
  card has nothing but a web page;
- ``verified``: True only when every detail of the entry is confirmed.

Names of offices stay in German: that is what users find on signs and letters.
Unlike the rest of bot.contacts this module needs babel (through bot.i18n) for day names.
"""

from __future__ import annotations

from babel.dates import get_day_names

from bot import texts
from bot.contacts.entries import DAYS, Contact, OpeningHours
from bot.i18n import DEFAULT_LANGUAGE, normalise_language, translate

_HOURS_NOTES = {"pick-up only": texts.CONTACT_HOURS_PICKUP_ONLY,
                "by appointment": texts.CONTACT_HOURS_BY_APPOINTMENT}
_APPOINTMENTS = {"only": texts.CONTACT_APPOINTMENT_ONLY, "also": texts.CONTACT_APPOINTMENT_ALSO}


def contact_card(contact: Contact, lang: str | None) -> dict:
    """The JSON-ready card for ``contact`` in ``lang`` (German when the language is not supported)."""
    lang = normalise_language(lang) or DEFAULT_LANGUAGE

    def shown(detail: str):
        value = getattr(contact, detail)
        return value if value and contact.is_confirmed(detail) else None

    address = shown("address")
    hours = _hours_lines(shown("opening_hours") or (), lang)
    if shown("appointments"):
        hours.append(translate(lang, _APPOINTMENTS[contact.appointments]))
    phone, email, web = shown("phone"), shown("email"), shown("web")
    if phone and contact.phone_label == "switchboard":
        phone = f"{phone} ({translate(lang, texts.CONTACT_PHONE_SWITCHBOARD)})"
    complete = contact.verified and not contact.unverified
    note = None
    if not complete or not (address or phone or email):
        note = translate(lang, texts.CONTACT_CHECK_WEBSITE if web else texts.CONTACT_CHECK_WITH_OFFICE)
    return {
        "id": contact.id,
        "name": contact.name,
        "address": list(address) if address else None,
        "opening_hours": hours or None,
        "phone": phone,
        "email": email,
        "web": web,
        "note": note,
        "verified": complete,
    }


def _hours_lines(hours, lang: str) -> list[str]:
    """One line per run of days with the same hours: 'Mo.–Fr. 09:00–11:00'."""
    day_names = get_day_names("abbreviated", locale=lang)
    lines: list[str] = []
    runs: list[list[OpeningHours]] = []
    for day in hours:
        last = runs[-1][-1] if runs else None
        if (last is not None and DAYS.index(day.day) == DAYS.index(last.day) + 1
                and (day.ranges, day.note) == (last.ranges, last.note)):
            runs[-1].append(day)
        else:
            runs.append([day])
    for run in runs:
        first, last = day_names[DAYS.index(run[0].day)], day_names[DAYS.index(run[-1].day)]
        if len(run) == 1:
            days = first
        else:
            days = f"{first}, {last}" if len(run) == 2 else f"{first}–{last}"
        times = ", ".join(f"{start}–{end}" for start, end in run[0].ranges)
        line = f"{days} {times}"
        if run[0].note:
            line += f" ({translate(lang, _HOURS_NOTES[run[0].note])})"
        lines.append(line)
    return lines
