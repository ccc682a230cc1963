"""Overload: beyond the engine's slots and the line, a person gets "busy, try again" at once (503)."""

from __future__ import annotations

import asyncio
import threading

import pytest
from fastapi.testclient import TestClient

from api.busy import ChatGate
from api.errors import ApiError
from api.main import create_app
from bot import texts
from bot.i18n import translate
from bot.settings import load_settings
from tests.unit.test_api_routes import ENGINE_TOKEN, StandIn, closed_port


def test_the_gate_lets_the_allowed_number_through_and_queues_the_next():
    gate = ChatGate(concurrency=2, queue=5, wait_seconds=10)
    inside, most = 0, 0

    async def one():
        nonlocal inside, most
        async with gate.slot():
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.01)
            inside -= 1

    async def many():
        await asyncio.gather(*(one() for _ in range(6)))

    asyncio.run(many())
    assert most == 2 and gate.waiting == 0


def test_a_full_line_is_told_busy_at_once_with_retry_after():
    gate = ChatGate(concurrency=1, queue=1, wait_seconds=30)
    release = None

    async def scenario():
        nonlocal release
        release = asyncio.Event()
        first_in = asyncio.Event()

        async def holder():
            async with gate.slot():
                first_in.set()
                await release.wait()

        async def waiter():
            async with gate.slot():
                return "served"

        holding = asyncio.create_task(holder())
        await first_in.wait()
        queued = asyncio.create_task(waiter())
        await asyncio.sleep(0)  # the second one is now in line
        with pytest.raises(ApiError) as refused:
            async with gate.slot():
                pass
        release.set()
        await holding
        return refused.value, await queued

    error, queued = asyncio.run(scenario())
    assert (error.status, error.code, error.message) == (503, "busy", texts.ERROR_BUSY)
    assert int(error.headers["Retry-After"]) >= 1
    assert queued == "served"  # the one in line was served once the slot came free


def test_waiting_too_long_for_a_slot_is_busy():
    gate = ChatGate(concurrency=1, queue=10, wait_seconds=0.05)

    async def scenario():
        async with gate.slot():
            with pytest.raises(ApiError) as refused:
                async with gate.slot():
                    pass
        return refused.value

    assert asyncio.run(scenario()).code == "busy"
    assert gate.waiting == 0


class SlowStandIn(StandIn):
    """The engine stand-in, holding every chat answer until released."""

    def __init__(self):
        super().__init__()
        self.entered = threading.Event()
        self.release = threading.Event()
        handler = self.server.RequestHandlerClass
        original = handler.do_POST
        stand_in = self

        def do_post(request):
            stand_in.entered.set()
            stand_in.release.wait(timeout=30)
            original(request)

        handler.do_POST = do_post


def test_a_message_beyond_capacity_gets_busy_in_the_persons_language(tmp_path):
    engine = SlowStandIn()
    settings = load_settings({
        "ADVISOR_VAR_DIR": str(tmp_path / "var"), "ADVISOR_ENGINE_URL": engine.url,
        "ADVISOR_ENGINE_TOKEN": ENGINE_TOKEN,
        "ADVISOR_ACTIONS_URL": f"http://127.0.0.1:{closed_port()}",
        "ADVISOR_CHAT_CONCURRENCY": "1", "ADVISOR_CHAT_QUEUE": "0",
    })
    try:
        with TestClient(create_app(settings)) as client:
            sessions = [client.post("/api/v1/sessions", json={"lang": "uk"}).json() for _ in range(2)]

            def say(session):
                return client.post("/api/v1/chat", json={"session_id": session["session_id"], "text": "Привіт"},
                                   headers={"Authorization": f"Bearer {session['token']}"})

            first = {}
            talking = threading.Thread(target=lambda: first.update(reply=say(sessions[0])))
            talking.start()
            assert engine.entered.wait(timeout=30)

            busy = say(sessions[1])
            engine.release.set()
            talking.join(timeout=30)
    finally:
        engine.release.set()
        engine.stop()

    assert first["reply"].status_code == 200
    assert busy.status_code == 503 and int(busy.headers["retry-after"]) >= 1
    message = busy.json()["error"]["message"]
    assert busy.json()["error"]["code"] == "busy" and message != texts.ERROR_BUSY
    assert message == translate("uk", texts.ERROR_BUSY, locales_dir=settings.locales_dir)
