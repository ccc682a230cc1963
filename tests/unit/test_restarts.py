"""Crashes heal themselves: the supervisor restarts a stopped process with back-off, and while it
does, the gateway answers a message at once with "restarting, send it again" in the person's
language (the whole stack under fault: tests/e2e/test_faults.py)."""

from __future__ import annotations

import json
import signal
import sys
import time

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from bot import texts
from bot.i18n import translate
from bot.settings import load_settings
from bot.supervisor import BACKOFF, RESTARTING_FILE, Stack, Supervisor, free_port


class SleepingStack(Stack):
    """The supervisor's view of a stack whose three processes are plain sleeping interpreters."""

    def command(self, name: str) -> list[str]:
        return [sys.executable, "-c", "import time; time.sleep(120)"]


class Watched(Supervisor):
    def answers(self, name: str) -> bool:
        return self.stack.processes[name].poll() is None


@pytest.fixture
def supervised(tmp_path):
    stack = SleepingStack(var_dir=tmp_path / "var", model=tmp_path / "model.tar.gz")
    stack.start()
    lines = []
    supervisor = Watched(stack, say=lines.append)
    yield stack, supervisor, lines
    stack.stop()


def kill(stack: Stack, name: str) -> None:
    stack.processes[name].send_signal(signal.SIGKILL)
    stack.processes[name].wait()


def check_until(supervisor: Supervisor, condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the supervisor did not get there"
        supervisor.check()
        time.sleep(0.05)


def restarting_names(stack: Stack) -> list:
    path = stack.var_dir / RESTARTING_FILE
    return json.loads(path.read_text())["restarting"] if path.exists() else []


def test_a_killed_engine_is_started_again_and_the_gateway_is_told_meanwhile(supervised):
    stack, supervisor, lines = supervised
    first = stack.processes["engine"].pid
    kill(stack, "engine")

    supervisor.check()
    assert restarting_names(stack) == ["engine"]
    assert "The engine process stopped (exit code -9); restarting it in 1 s (attempt 1" in lines[0]
    check_until(supervisor, lambda: not restarting_names(stack))

    assert stack.processes["engine"].pid != first and stack.processes["engine"].poll() is None
    assert lines[-1].startswith("The engine process is back after ")
    assert "restarting it in 1 s" in (stack.log_dir / "supervisor.log").read_text()


def test_a_process_that_keeps_stopping_waits_longer_each_time(supervised):
    stack, supervisor, lines = supervised
    for attempt in range(3):
        kill(stack, "actions")
        supervisor.check()
        assert f"restarting it in {BACKOFF[attempt]:.0f} s (attempt {attempt + 1};" in lines[-1]
        check_until(supervisor, lambda: "actions" not in supervisor.restart_at)
    assert supervisor.restarts["actions"] == 3


def test_a_restarted_gateway_is_not_announced_as_restarting(supervised):
    stack, supervisor, lines = supervised
    kill(stack, "gateway")
    supervisor.check()
    assert restarting_names(stack) == []  # the gateway itself reads the file: nothing to tell it
    check_until(supervisor, lambda: lines[-1].startswith("The gateway process is back"))


@pytest.fixture
def gateway(tmp_path):
    """A gateway whose engine port is closed; its var/ is where a supervisor would write."""
    var = tmp_path / "var"
    down = f"http://127.0.0.1:{free_port()}"
    settings = load_settings({"ADVISOR_VAR_DIR": str(var), "ADVISOR_ENGINE_URL": down, "ADVISOR_ACTIONS_URL": down})
    with TestClient(create_app(settings)) as client:
        yield client, var


def send(client: TestClient, lang: str, text: str):
    session = client.post("/api/v1/sessions", json={"lang": lang}).json()
    return client.post("/api/v1/chat", json={"session_id": session["session_id"], "text": text},
                       headers={"Authorization": f"Bearer {session['token']}"})


@pytest.mark.parametrize("lang", ["ar", "uk", "de"])
def test_while_the_engine_restarts_a_message_is_answered_at_once_in_the_persons_language(gateway, lang):
    client, var = gateway
    (var / RESTARTING_FILE).parent.mkdir(parents=True, exist_ok=True)
    (var / RESTARTING_FILE).write_text(json.dumps({"restarting": ["engine"]}))

    reply = send(client, lang, "Wie bekomme ich die Blaue Karte?")

    assert reply.status_code == 503 and reply.headers["Retry-After"] == "5"
    assert reply.json()["error"] == {"code": "restarting", "message": translate(lang, texts.ERROR_RESTARTING)}


def test_without_a_restart_an_engine_that_does_not_answer_is_unavailable(gateway):
    client, _ = gateway
    reply = send(client, "de", "Wie bekomme ich die Blaue Karte?")
    assert reply.status_code == 503 and reply.json()["error"]["code"] == "unavailable"


def engine_store(var, rows) -> None:
    """The engine's tracker store (Rasa's events table) with ``rows`` of (type_name, event)."""
    import sqlite3

    with sqlite3.connect(var / "engine.db") as db:
        db.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, "
                   "timestamp REAL, intent_name TEXT, action_name TEXT, data TEXT)")
        for kind, event in rows:
            db.execute("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, ?, ?, ?)",
                       (event.pop("sender"), kind, 0.0, json.dumps(event)))


def test_a_message_sent_again_after_a_lost_answer_is_answered_from_the_record_not_twice(gateway):
    client, var = gateway  # the engine is down: only the record can answer
    session = client.post("/api/v1/sessions", json={"lang": "de"}).json()
    sid = session["session_id"]
    answer = {"text": "Die Blaue Karte beantragen Sie bei der Ausländerbehörde.", "buttons": [], "sources": []}
    var.mkdir(parents=True, exist_ok=True)
    engine_store(var, [
        ("user", {"sender": sid, "text": "Blaue Karte?", "metadata": {"lang": "de", "message_id": "first-0001"}}),
        ("bot", {"sender": sid, "text": None, "data": {"custom": {"text": "Erste Antwort", "buttons": []}}}),
        ("user", {"sender": sid, "text": "Wie bekomme ich die Blaue Karte?",
                  "metadata": {"lang": "de", "message_id": "again-0002"}}),
        ("bot", {"sender": sid, "text": None, "data": {"custom": answer}}),
        ("user", {"sender": sid, "text": "Danke", "metadata": {"lang": "de", "message_id": "later-0003"}}),
    ])
    headers = {"Authorization": f"Bearer {session['token']}"}

    def send_with(message_id):
        return client.post("/api/v1/chat", headers=headers, json={
            "session_id": sid, "text": "Wie bekomme ich die Blaue Karte?", "message_id": message_id})

    replayed = send_with("again-0002")
    assert replayed.status_code == 200, replayed.text
    assert [m["text"] for m in replayed.json()["messages"]] == [answer["text"]]
    # Not answered yet (no answer after it) or never seen: it goes to the engine, which is down here.
    assert send_with("later-0003").json()["error"]["code"] == "unavailable"
    assert send_with("unknown-0004").json()["error"]["code"] == "unavailable"
    assert send_with("no spaces allowed").status_code == 422
