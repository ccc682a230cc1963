"""Exactly one case, whatever process dies where around the consent, and the confirmation on the retry.

A stack of its own (engine, action server, gateway) with fault proxies between the person and the
gateway, the gateway and the engine, and the engine and the action server. For each crash point the
person asks for a person in Magdeburg, presses "yes" (/affirm) while the proxy kills one process
(SIGKILL, no clean shutdown) at that exact point, the process is started again, and the person presses
"yes" once more, as the widget's "Try again" does. Afterwards exactly one case must exist and the retry
must show the confirmation and the contact card.
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import httpx
import pytest

from bot import texts
from bot.i18n import translate
from bot.settings import load_settings
from bot.supervisor import SHARED_ADDRESS_LIMITS, Stack, free_port
from bot.training import model_path
from tests.e2e.dashboard import cases
from tests.e2e.faults import AFTER, BEFORE, FaultProxy

pytestmark = pytest.mark.e2e
QUESTION = "Ich wohne in Magdeburg und brauche einen Termin bei der Ausländerbehörde"
RESULTS: list = []


@pytest.fixture(scope="module")
def faulty(tmp_path_factory):
    settings = load_settings()
    model = Path(os.environ.get("ADVISOR_TEST_MODEL") or model_path(settings.var_dir))
    if not model.exists():
        pytest.fail(f"no trained Rasa model at {model}: run `make train` (make test does it)")
    var_dir = tmp_path_factory.mktemp("crash-var")
    (var_dir / "models").symlink_to(settings.var_dir / "models")
    (var_dir / "index").symlink_to(settings.index_dir)
    engine_port, actions_port, gateway_port = free_port(), free_port(), free_port()
    proxies = {
        "engine": FaultProxy(free_port(), f"http://127.0.0.1:{engine_port}"),      # gateway → engine
        "actions": FaultProxy(free_port(), f"http://127.0.0.1:{actions_port}"),    # engine → actions
        "gateway": FaultProxy(free_port(), f"http://127.0.0.1:{gateway_port}"),    # person → gateway
    }
    stack = Stack(var_dir=var_dir, model=model, engine_port=engine_port, actions_port=actions_port,
                  gateway_port=gateway_port,
                  extra_env={"ADVISOR_ENGINE_URL": proxies["engine"].url,
                             "ADVISOR_ACTIONS_WEBHOOK": proxies["actions"].url + "/webhook",
                             "ADVISOR_RATE_LIMIT_PER_MINUTE": "1000", **SHARED_ADDRESS_LIMITS})
    stack.start()
    try:
        stack.wait_ready(timeout=300)
        yield stack, proxies
    finally:
        stack.stop()
        for proxy in proxies.values():
            proxy.stop()
        if RESULTS:
            print("\ncrash point × cases afterwards (confirmation on retry):")
            for line in RESULTS:
                print("  " + line)


def kill(stack: Stack, name: str):
    def do() -> None:
        process = stack.processes.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    return do


def is_handoff_call(body: bytes) -> bool:
    try:
        return json.loads(body or b"{}").get("next_action") == "action_handoff"
    except ValueError:
        return False


def carries_record(answer) -> bool:
    return answer is not None and b'"record"' in answer


def carries_case(answer) -> bool:
    try:
        return bool(json.loads(answer or b"{}")["meta"]["handoff"]["escalation_id"])
    except (ValueError, KeyError, TypeError):
        return False


#: (name, process killed, proxy, stage, which request)
CRASH_POINTS = [
    ("engine killed before the consent", "engine", None, None, None),
    ("actions killed before the consent", "actions", None, None, None),
    ("actions killed when the engine asks for the handoff", "actions", "actions", BEFORE,
     lambda path, body, answer: is_handoff_call(body)),
    ("actions killed after computing the handoff, before the engine has it", "actions", "actions", AFTER,
     lambda path, body, answer: is_handoff_call(body)),
    ("engine killed with the handoff in hand, before saving the conversation", "engine", "actions", AFTER,
     lambda path, body, answer: is_handoff_call(body)),
    ("gateway killed after the engine answered, before recording the case", "gateway", "engine", AFTER,
     lambda path, body, answer: path.startswith("/webhooks/rest") and carries_record(answer)),
    ("gateway killed after recording the case, before answering the person", "gateway", "gateway", AFTER,
     lambda path, body, answer: path.startswith("/api/v1/chat") and carries_case(answer)),
]


class Person:
    def __init__(self, url: str):
        self.http = httpx.Client(base_url=url, timeout=120)
        session = self.http.post("/api/v1/sessions", json={"lang": "de"}).json()
        self.session_id, self.token = session["session_id"], session["token"]

    def send(self, text: str):
        try:
            return self.http.post("/api/v1/chat", json={"session_id": self.session_id, "text": text},
                                  headers={"Authorization": f"Bearer {self.token}"})
        except httpx.HTTPError:
            return None  # the connection broke: what a widget shows as a network error


@pytest.mark.parametrize("point", CRASH_POINTS, ids=[p[0] for p in CRASH_POINTS])
def test_a_crash_around_the_consent_leaves_exactly_one_case_and_the_retry_confirms(faulty, point):
    stack, proxies = faulty
    name, victim, proxy_name, stage, matches = point
    person = Person(proxies["gateway"].url)
    try:
        asked = person.send(QUESTION)
        assert asked is not None and asked.status_code == 200, asked and asked.text
        assert "/affirm" in [b["payload"] for m in asked.json()["messages"] for b in m["buttons"]]
        if proxy_name is None:
            kill(stack, victim)()
        else:
            proxy = proxies[proxy_name]
            proxy.hook = lambda s, method, path, body, answer: (
                kill(stack, victim) if s == stage and matches(path, body, answer) else None)
        failed = person.send("/affirm")
        fired = proxy_name is None or proxies[proxy_name].hook is None
        for proxy in proxies.values():
            proxy.hook = None
        assert fired, "the crash point was never reached"
        assert failed is None or failed.status_code != 200, failed.text
        stack.start_process(victim)
        stack.wait_ready(timeout=300)

        retry = person.send("/affirm")  # the same button again, as "Try again" does
        assert retry is not None and retry.status_code == 200, retry and retry.text
        body = retry.json()
        confirmation = body["messages"][-1]
        stored = cases(stack, person.session_id)
        RESULTS.append(f"{name}: {len(stored)} case(s); first answer "
                       f"{'network error' if failed is None else failed.status_code}; retry shows the "
                       f"confirmation: {translate('de', texts.HANDOFF_CONTACT_ALSO) in confirmation['text']}")
        assert len(stored) == 1
        assert body["meta"]["handoff"]["escalation_id"] == stored[0].id
        assert translate("de", texts.HANDOFF_CONTACT_ALSO) in confirmation["text"]
        assert confirmation["contact"]["id"] == "abh-magdeburg"
    finally:
        person.http.close()
