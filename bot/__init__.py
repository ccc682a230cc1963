"""Shared package of the Sachsen-Anhalt skilled-worker advisor.

Importing it has no side effects: no model loads, no network, no database.
"""

SUPPORTED_LANGUAGES = ("de", "en", "ar", "uk", "ru", "tr", "pl", "ro", "fa", "vi")
RTL_LANGUAGES = frozenset({"ar", "fa"})
TOPICS = ("recognition", "residence", "language_course", "eu_employment", "living", "general")
