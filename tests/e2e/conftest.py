"""Start the real engine, action server and gateway on free ports for the whole session.

They share the trained Rasa model, the converted embedding model and the knowledge index that
`make test` built under var/ (read-only); conversations and app data go to a temporary folder.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import httpx
import pytest

from bot.settings import load_settings
from bot.supervisor import SHARED_ADDRESS_LIMITS, Stack, free_port
from bot.training import model_path

E2E_RATE_LIMIT = 15
#: The production profile's rate-limit storage (emptied at the start of a run).
E2E_REDIS = "redis://127.0.0.1:6379/15"


def _production_profile() -> tuple[dict, str]:
    """ADVISOR_TEST_PROFILE=production: a fresh PostgreSQL database, the limits in Redis, production
    mode (Secure cookies, 32-byte secrets), a trusted proxy on this host. (environment, database)"""
    import psycopg
    import redis

    database = f"advisor_e2e_{uuid.uuid4().hex[:12]}"
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{database}"')
    # Redis database 15 is this profile's alone: counts of an earlier run (the bad-input suite's ~40
    # failed logins from 127.0.0.1 stay an hour) would refuse this run's logins with 429.
    redis.Redis.from_url(E2E_REDIS).flushdb()
    return {
        "ADVISOR_ENVIRONMENT": "production",
        "ADVISOR_APP_DB_URL": f"postgresql+psycopg://postgres@127.0.0.1:5432/{database}",
        "ADVISOR_RATE_LIMIT_STORAGE": E2E_REDIS,
        "ADVISOR_PUBLIC_URL": "https://chat.example.org",
        "ADVISOR_TRUSTED_PROXIES": "127.0.0.1",
    }, database


def _drop_database(database: str) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    settings = load_settings()
    # ADVISOR_TEST_MODEL pins another trained model (e.g. while the training data is edited).
    model = Path(os.environ.get("ADVISOR_TEST_MODEL") or model_path(settings.var_dir))
    if not model.exists():
        pytest.fail(f"no trained Rasa model at {model}: run `make train` (make test does it)")
    for needed in (settings.model_dir, settings.index_dir / "current"):
        if not needed.exists():
            pytest.fail(f"{needed} is missing: run `make setup` (make test does it)")
    var_dir = tmp_path_factory.mktemp("var")
    (var_dir / "models").symlink_to(settings.var_dir / "models")
    (var_dir / "index").symlink_to(settings.index_dir)
    stack = Stack(
        var_dir=var_dir,
        model=model,
        engine_port=free_port(),
        actions_port=free_port(),
        gateway_port=free_port(),
        extra_env={"ADVISOR_RATE_LIMIT_PER_MINUTE": str(E2E_RATE_LIMIT), **SHARED_ADDRESS_LIMITS},
    )
    database = None
    if os.environ.get("ADVISOR_TEST_PROFILE") == "production":
        profile, database = _production_profile()
        stack.extra_env.update(profile)
    stack.start()
    try:
        stack.wait_ready(timeout=300)
        yield stack
    finally:
        stack.stop()
        if database:
            _drop_database(database)


@pytest.fixture()
def client(stack):
    with httpx.Client(base_url=stack.gateway_url, timeout=60) as http:
        yield http


class Conversation:
    """One chat session through the public API, as the widget would hold it."""

    def __init__(self, http: httpx.Client, lang: str | None = None):
        self.http = http
        body = {"lang": lang} if lang else {}
        reply = http.post("/api/v1/sessions", json=body)
        assert reply.status_code == 201, reply.text
        self.session_id = reply.json()["session_id"]
        self.token = reply.json()["token"]

    def send(self, text: str, lang: str | None = None) -> httpx.Response:
        body = {"session_id": self.session_id, "text": text}
        if lang:
            body["lang"] = lang
        return self.http.post("/api/v1/chat", json=body, headers={"Authorization": f"Bearer {self.token}"})

    def ask(self, text: str, lang: str | None = None) -> dict:
        reply = self.send(text, lang)
        assert reply.status_code == 200, reply.text
        return reply.json()


@pytest.fixture()
def conversation(client):
    return lambda lang=None: Conversation(client, lang)
