"""bot.engine_speedups inside the real engine interpreter: Rasa's behaviour kept, its waste gone."""

from __future__ import annotations

import json
import subprocess

import pytest

from bot.settings import PROJECT_ROOT
from bot.training import ENGINE_BIN, engine_environment

pytestmark = pytest.mark.integration

PROBE = r"""
import asyncio, json, sys, tempfile
from bot import engine_speedups
engine_speedups.install()
engine_speedups.install()  # twice is once
import jsonschema
from rasa.core.actions.action import RemoteAction
from rasa.core.processor import MessageProcessor
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from sqlalchemy import text

action = RemoteAction("action_answer", None)
valid = action._validate_action_result(
    {"events": [{"event": "slot", "name": "last_topic", "value": "residence"}], "responses": [{"text": "x"}]})
try:
    action._validate_action_result({"events": [{"event": "slot", "name": 3}], "responses": []})
    invalid = "accepted"
except jsonschema.ValidationError as error:
    invalid = "Failed to validate Action server response" in error.message

store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=tempfile.mkdtemp() + "/engine.db")

async def conversation():
    tracker = await store.get_or_create_tracker("someone")
    tracker.update(UserUttered("Hallo", {"name": "greet", "confidence": 1.0}))
    tracker.update(ActionExecuted("action_listen"))
    await store.save(tracker)
    return [e.as_dict()["event"] for e in (await store.retrieve("someone")).events]

events = asyncio.run(conversation())
with store.engine.connect() as connection:
    journal = connection.execute(text("PRAGMA journal_mode")).scalar()
print(json.dumps({"valid": valid, "invalid": invalid, "events": events, "journal": journal,
                  "pool": type(store.engine.pool).__name__, "hidden": store.engine.hide_parameters,
                  "threaded_parse": MessageProcessor.parse_message.__module__}))
"""


def test_the_engine_keeps_rasas_behaviour_without_its_per_message_waste():
    result = subprocess.run([str(ENGINE_BIN / "python"), "-c", PROBE], cwd=PROJECT_ROOT, env=engine_environment(),
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])

    assert found["valid"] is True and found["invalid"] is True  # same validation, same error
    assert "user" in found["events"] and "action" in found["events"]  # stored and read back
    assert (found["journal"], found["pool"]) == ("wal", "QueuePool")
    assert found["hidden"] is True  # a failed write's error (and so the log) never quotes a message
    assert found["threaded_parse"] == "bot.engine_speedups"
