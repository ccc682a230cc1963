"""Abuse limits (the `limits` library): per session, per client address, behind trusted proxies only,
in memory or in Redis."""

from __future__ import annotations

import socket
import uuid

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.ratelimit import RateLimits
from bot import texts
from bot.i18n import translate
from bot.settings import SettingsError, load_settings


def _settings(tmp_path, **overrides):
    environ = {"ADVISOR_VAR_DIR": str(tmp_path / "var"), "ADVISOR_ENGINE_URL": "http://127.0.0.1:9",
               "ADVISOR_ACTIONS_URL": "http://127.0.0.1:9"}
    environ.update({f"ADVISOR_{key.upper()}": str(value) for key, value in overrides.items()})
    return load_settings(environ)


def test_a_rule_allows_its_count_then_says_how_long_to_wait(tmp_path):
    limits = RateLimits(_settings(tmp_path, rate_limit_chat_per_ip="3/minute;5/hour"))
    assert [limits.hit("chat_ip", "203.0.113.1") for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = limits.hit("chat_ip", "203.0.113.1")
    assert 1 <= wait <= 60
    assert limits.hit("chat_ip", "203.0.113.2") == 0.0  # another address is not slowed down
    # exhausted() only looks; count() always counts
    assert limits.exhausted("chat_ip", "203.0.113.3") == 0.0
    for _ in range(3):
        limits.count("chat_ip", "203.0.113.3")
    assert limits.exhausted("chat_ip", "203.0.113.3") >= 1


def test_bad_rules_and_storages_stop_the_start_with_their_name(tmp_path):
    with pytest.raises(SettingsError, match="sessions_ip"):
        RateLimits(_settings(tmp_path, rate_limit_sessions_per_ip="lots"))
    with pytest.raises(SettingsError, match="ADVISOR_RATE_LIMIT_STORAGE"):
        RateLimits(_settings(tmp_path, rate_limit_storage="carrier-pigeon://"))


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


def test_two_gateways_count_together_in_redis(tmp_path):
    if not _redis_up():
        pytest.fail("Redis is not running on 127.0.0.1:6379 (every machine of this project has it)")
    settings = _settings(tmp_path, rate_limit_storage="redis://127.0.0.1:6379/0", rate_limit_chat_per_ip="4/minute")
    first, second = RateLimits(settings), RateLimits(settings)
    address = f"test-{uuid.uuid4().hex}"
    assert [limits.hit("chat_ip", address) for limits in (first, second, first, second)] == [0.0] * 4
    assert first.hit("chat_ip", address) >= 1 and second.hit("chat_ip", address) >= 1


def _client(tmp_path, **overrides) -> TestClient:
    return TestClient(create_app(_settings(tmp_path, **overrides)), client=("203.0.113.7", 40000))


def test_new_sessions_are_limited_per_address_in_the_callers_language(tmp_path):
    with _client(tmp_path, rate_limit_sessions_per_ip="3/minute") as client:
        statuses = [client.post("/api/v1/sessions", json={}).status_code for _ in range(3)]
        assert statuses == [201, 201, 201]
        refused = client.post("/api/v1/sessions", json={"lang_hint": "uk"})
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
        assert refused.json()["error"]["code"] == "rate_limited"
        assert refused.json()["error"]["message"] == translate("uk", texts.ERROR_RATE_LIMITED)
        assert refused.json()["error"]["message"] != translate("de", texts.ERROR_RATE_LIMITED)


def test_resume_links_count_as_new_sessions(tmp_path):
    with _client(tmp_path, rate_limit_sessions_per_ip="2/minute") as client:
        statuses = [client.post(f"/api/v1/sessions/{'0' * 32}/resume", json={"key": "k" * 20}).status_code
                    for _ in range(3)]
        assert statuses == [401, 401, 429]


def test_chat_is_limited_per_address_across_sessions(tmp_path):
    with _client(tmp_path, rate_limit_chat_per_ip="4/minute") as client:
        statuses = []
        for _ in range(3):
            session = client.post("/api/v1/sessions", json={"lang": "de"}).json()
            headers = {"Authorization": f"Bearer {session['token']}"}
            for _ in range(2):
                body = {"session_id": session["session_id"], "text": "Hallo"}
                statuses.append(client.post("/api/v1/chat", json=body, headers=headers).status_code)
        # the engine is down (503) for the first four; then the address is over its limit
        assert statuses == [503, 503, 503, 503, 429, 429]


def test_forwarded_addresses_count_only_from_trusted_proxies(tmp_path):
    # Not trusted: a client cannot escape its limit by inventing X-Forwarded-For.
    with _client(tmp_path, rate_limit_sessions_per_ip="2/minute") as client:
        statuses = [client.post("/api/v1/sessions", json={},
                                headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code for n in range(3)]
        assert statuses == [201, 201, 429]
    # Trusted proxy: each person behind it has their own limit.
    with _client(tmp_path, rate_limit_sessions_per_ip="2/minute", trusted_proxies="203.0.113.7") as client:
        statuses = [client.post("/api/v1/sessions", json={},
                                headers={"X-Forwarded-For": f"198.51.100.{n}"}).status_code for n in range(3)]
        assert statuses == [201, 201, 201]
        same = [client.post("/api/v1/sessions", json={}, headers={"X-Forwarded-For": "198.51.100.99"}).status_code
                for _ in range(3)]
        assert same == [201, 201, 429]
