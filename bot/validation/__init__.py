"""Reading the files staff edit (articles, contacts, facts, ...) and reporting what is wrong.

- ``bot.validation.problem``: ``Problem``, one finding with file, line, field and plain words;
- ``bot.validation.yamlfile``: YAML read with the line of every key, and YAML errors put into
  words a staff member can act on;
- ``bot.validation.schema``: pydantic models' errors turned into Problems with file and line.

App side only: ``schema`` imports pydantic 2, which the Rasa engine (pydantic 1) must never load.
"""
