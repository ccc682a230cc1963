"""Offices and places: who is responsible for a user, and where the user lives.

- ``bot.contacts.places``: ``resolve_place(text)`` turns a postcode (PLZ), a town or a district
  name, also inside a sentence and with typos, into one of the 14 districts of Sachsen-Anhalt.
- ``bot.contacts.directory``: ``load_directory(knowledge_dir)`` reads the staff-edited offices
  in knowledge/contacts/; ``find_responsible_contact(directory, topic, district_code, need)``
  names the office for a topic and district (routing table in that module's docstring).
- ``bot.contacts.card``: ``contact_card(contact, lang)``, the JSON card the chat API returns.
- ``bot.contacts.check``: ``check_contacts(knowledge_dir)``, problems for staff (``python -m bot check``).
- ``bot.contacts.lookup``: ``python -m bot.contacts.lookup`` regenerates the Rasa lookup table.

Importing any of them reads no file: data is read by the ``load_*`` functions (``resolve_place``
loads the default place data on its first call).
"""

#: Folders inside the knowledge folder.
CONTACTS_FOLDER = "contacts"
PLACES_FOLDER = "places"
