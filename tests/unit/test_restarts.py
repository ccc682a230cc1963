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
