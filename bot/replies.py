"""Canned replies ("Textbausteine"): knowledge/replies.yml, content staff edit like the articles.

A counsellor picks one on the case page and reads it in German; the person receives it in their
language. Every reply must exist in all ten languages, so nobody ever gets a reply in a language they
did not write in (there is no machine translation). ``python -m bot check`` reports every problem with
its line; the dashboard keeps serving the last good file while a changed one has errors.

File format::

    replies:
      - id: appointment                # lowercase letters, digits and hyphens; unique
        title: Termin vereinbaren      # German: what counsellors see in the list
        de: Bitte vereinbaren Sie ...  # the text in each of the ten languages
        en: Please make an appointment ...
        ...
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot import SUPPORTED_LANGUAGES
from bot.knowledge.articles import Problem

REPLIES_FILE = "replies.yml"
MAX_TEXT = 2000
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class CannedReply:
    id: str
    #: German, for counsellors.
    title: str
    #: Language -> text; all of bot.SUPPORTED_LANGUAGES.
    texts: Mapping[str, str]
    line: int = 0

    def text(self, lang: str) -> str:
        return self.texts[lang]


def replies_path(knowledge_dir: Path) -> Path:
    return Path(knowledge_dir) / REPLIES_FILE


def read_replies(knowledge_dir: Path) -> tuple[list[CannedReply], list[Problem]]:
    """The replies of ``knowledge_dir`` (none when there is no file) and their problems."""
    path = replies_path(knowledge_dir)
    if not path.exists():
        return [], []
    problems: list[Problem] = []

    def report(line: int, key: str, message: str) -> None:
        problems.append(Problem(path, line, key, message))

    try:
        node = yaml.compose(path.read_text(encoding="utf-8-sig"), Loader=yaml.SafeLoader)
    except UnicodeDecodeError:
        report(0, "file", "is not UTF-8 text; save it with UTF-8 encoding")
        return [], problems
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        report(mark.line + 1 if mark else 1, "replies", f"is not valid YAML: {exc.problem or exc.context}")
        return [], problems
    entries = None
    if isinstance(node, yaml.MappingNode):
        entries = next((v for k, v in node.value
                        if k.value == "replies" and isinstance(v, yaml.SequenceNode)), None)
    if entries is None:
        report(1, "replies", "the file must have a list 'replies:' with one '- id: ...' entry per reply")
        return [], problems
    replies: list[CannedReply] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries.value):
        reply = _read_entry(entry, index, report)
        if reply is None:
            continue
        if reply.id in seen:
            report(reply.line, f"replies[{index}].id",
                   f"'{reply.id}' is already used on line {seen[reply.id]}")
            continue
        seen[reply.id] = reply.line
        replies.append(reply)
    return replies, problems


def _read_entry(entry, index: int, report) -> CannedReply | None:
    key = f"replies[{index}]"
    line = entry.start_mark.line + 1
    if not isinstance(entry, yaml.MappingNode):
        report(line, key, "must be a mapping with id, title and one line per language")
        return None
    values: dict[str, tuple[int, object]] = {}
    for key_node, value_node in entry.value:
        values[str(key_node.value)] = (key_node.start_mark.line + 1,
                                       value_node.value if isinstance(value_node, yaml.ScalarNode) else None)
    ok = True
    for name, (where, _value) in values.items():
        if name not in ("id", "title") and name not in SUPPORTED_LANGUAGES:
            report(where, f"{key}.{name}", f"unknown field (use id, title, {', '.join(SUPPORTED_LANGUAGES)})")
            ok = False
    reply_id = values.get("id", (line, None))[1]
    if not isinstance(reply_id, str) or not _ID.match(reply_id):
        report(values.get("id", (line, None))[0], f"{key}.id",
               "must be lowercase letters, digits and hyphens, e.g. 'send-permit-copy'")
        ok = False
    title = values.get("title", (line, None))[1]
    if not isinstance(title, str) or not title.strip():
        report(values.get("title", (line, None))[0], f"{key}.title", "needs the German title counsellors see")
        ok = False
    texts: dict[str, str] = {}
    for lang in SUPPORTED_LANGUAGES:
        where, value = values.get(lang, (line, None))
        text = " ".join(str(value).split()) if isinstance(value, str) else ""
        if not text:
            report(where, f"{key}.{lang}", "the text in this language is missing or empty; every reply "
                                           f"needs all ten languages ({', '.join(SUPPORTED_LANGUAGES)})")
            ok = False
        elif len(text) > MAX_TEXT:
            report(where, f"{key}.{lang}", f"is longer than {MAX_TEXT} characters")
            ok = False
        elif "{" in text or "}" in text:
            report(where, f"{key}.{lang}", "must not contain { or }: replies are sent as they are")
            ok = False
        texts[lang] = text
    if not ok:
        return None
    return CannedReply(id=reply_id, title=title.strip(), texts=texts, line=line)


def check_replies(knowledge_dir: Path) -> list[Problem]:
    return read_replies(knowledge_dir)[1]
