"""The in-process hub that carries counsellor messages to open widgets."""

from __future__ import annotations

import asyncio
import threading

import pytest

from api.notifications import CLOSED, NotificationHub


def test_a_message_needs_text_and_a_known_sender():
    hub = NotificationHub()
    with pytest.raises(ValueError, match="text"):
        hub.publish("s1", {"text": "   "})
    with pytest.raises(ValueError, match="from"):
        hub.publish("s1", {"text": "Hallo", "from": "assistant"})
    assert hub.messages_after("s1", None) == ([], hub.cursor(0))


def test_each_session_keeps_only_its_latest_messages_and_sessions_are_kept_apart():
    hub = NotificationHub(keep=2)
    for n in range(3):
        hub.publish("s1", {"text": f"Nachricht {n}"})
    hub.publish("s2", {"text": "Für jemand anderen"})
    kept, cursor = hub.messages_after("s1", None)
    assert [m["text"] for m in kept] == ["Nachricht 1", "Nachricht 2"]
    assert all(m["from"] == "counsellor" for m in kept)
    assert cursor == kept[-1]["id"]
    assert hub.messages_after("s1", cursor)[0] == []


def test_the_longest_idle_session_is_forgotten_first():
    hub = NotificationHub(max_sessions=2)
    hub.publish("old", {"text": "a"})
    hub.publish("busy", {"text": "b"})
    hub.publish("old", {"text": "c"})  # "old" is now the most recent
    hub.publish("new", {"text": "d"})
    assert hub.messages_after("busy", None)[0] == []
    assert [m["text"] for m in hub.messages_after("old", None)[0]] == ["a", "c"]


def test_a_subscriber_receives_messages_published_from_another_thread_and_the_end():
    hub = NotificationHub()

    async def listen():
        with hub.subscribe("s1") as queue:
            threading.Thread(target=hub.publish, args=("s1", {"text": "Aus dem Dashboard"})).start()
            first = await asyncio.wait_for(queue.get(), 2)
            threading.Thread(target=hub.forget, args=("s1",)).start()
            second = await asyncio.wait_for(queue.get(), 2)
        return first, second

    first, second = asyncio.run(listen())
    assert first["text"] == "Aus dem Dashboard" and second is CLOSED
