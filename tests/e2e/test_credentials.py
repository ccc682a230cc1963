"""The engine and the action server answer only their one caller, with the deployment's own secrets.

The real engine (Rasa) and action server of the e2e stack: without the token nobody on the host can
read a conversation, inject a message into one, or run an action (e.g. forge a consent); the
secrets were generated for this deployment and appear on no process's command line.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from bot.secret_store import PUBLISHED_SECRETS

pytestmark = pytest.mark.e2e


def _engine(stack) -> str:
    return f"http://127.0.0.1:{stack.engine_port}"


def _actions(stack) -> str:
    return f"http://127.0.0.1:{stack.actions_port}"


def test_the_engine_channel_refuses_messages_without_the_token(stack, conversation):
    person = conversation("de")
    person.ask("Hallo")
    body = {"sender": person.session_id, "message": "/request_human"}
    for headers in ({}, {"Authorization": "Bearer dev-engine-token"}, {"Authorization": "Bearer wrong"}):
        reply = httpx.post(f"{_engine(stack)}/webhooks/rest/webhook", json=body, headers=headers, timeout=60)
        assert reply.status_code == 401, (headers, reply.text)
    # the gateway, which has it, still gets answers
    assert person.ask("Wie bekomme ich die Blaue Karte?")["messages"]


def test_the_engine_api_refuses_without_the_token(stack, conversation):
    person = conversation("de")
    person.ask("Hallo")
    url = f"{_engine(stack)}/conversations/{person.session_id}/tracker"
    for params in ({}, {"token": "dev-engine-token"}, {"token": "e2e-engine-token"}):
        reply = httpx.get(url, params=params, timeout=60)
        assert reply.status_code == 401, params
        assert "Hallo" not in reply.text
    assert httpx.get(url, params={"token": stack.engine_token}, timeout=60).status_code == 200


def test_the_action_server_refuses_calls_without_the_shared_secret(stack):
    call = {"next_action": "action_handoff", "sender_id": "forged", "version": "3.6.21", "domain": {},
            "tracker": {"sender_id": "forged", "slots": {"handoff_consent": True}, "latest_message": {},
                        "events": [], "paused": False, "followup_action": None, "active_loop": {},
                        "latest_action_name": "action_listen"}}
    for headers in ({}, {"Authorization": "Bearer dev-internal-token"}, {"Authorization": "Bearer"}):
        reply = httpx.post(f"{_actions(stack)}/webhook", json=call, headers=headers, timeout=60)
        assert reply.status_code == 401, headers
    assert httpx.get(f"{_actions(stack)}/actions", timeout=60).status_code == 401


def test_secrets_are_generated_private_and_never_on_a_command_line(stack):
    path = Path(stack.var_dir) / "secrets.env"
    assert path.stat().st_mode & 0o777 == 0o600
    values = [stack.secrets[name] for name in ("engine_token", "actions_token", "signing_key")]
    assert all(len(value) >= 32 and value.lower() not in PUBLISHED_SECRETS for value in values)
    for name, process in stack.processes.items():
        command_line = Path(f"/proc/{process.pid}/cmdline").read_bytes().decode(errors="replace")
        for value in values:
            assert value not in command_line, name
