"""The pieces that keep bad input from becoming a server error: payloads, cursors, the request guard."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from api.case_events import parse_cursor
from api.guard import unstorable
from api.main import create_app
from api.payloads import engine_text, is_button_payload
from bot import texts
from bot.i18n import translate
from bot.logfiles import rotate
from bot.settings import load_settings


@pytest.mark.parametrize("text", [
    "/request_human", "/affirm", "/deny", "/ask_residence", '/inform_location{"place": "06108 Halle (Saale)"}',
    '/more_detail{"article_id": "eu-blue-card"}',
])
def test_our_buttons_payloads_reach_the_engine_as_they_are(text):
    assert is_button_payload(text) and engine_text(text) == text


@pytest.mark.parametrize("text, sent", [
    ("/restart", "restart"), ("/session_start", "session_start"), ("/back", "back"), ("//restart", "restart"),
    ("/greet@0.1", "greet@0.1"), ("/affirm{", "affirm{"), ('/inform_location{"place": 5}', 'inform_location{"place": 5}'),
    ('/inform_location{"x": "y"}', 'inform_location{"x": "y"}'), ("/unknown", "unknown"), ("/ restart", "restart"),
    ("hello /restart", "hello /restart"), ("/", None), ("///", None),
])
def test_typed_slash_commands_are_words(text, sent):
    assert not is_button_payload(text)
    assert engine_text(text) == sent


@pytest.mark.parametrize("value, expected", [
    (None, 0), ("", 0), ("17", 17), (" 17 ", 17), ("²", 0), ("①", 0), ("1²", 0), ("-1", 0), ("1e9", 0),
    ("2147483647", 2147483647), ("2147483648", 0), ("9" * 18, 0), ("9" * 5000, 0), ("١٢", 0), ("😀", 0),
])
def test_cursors_are_ascii_digits_or_nothing(value, expected):
    assert parse_cursor(value) == expected


def test_unstorable_strings_are_found_at_any_depth():
    assert unstorable({"text": "a\x00b"}) and unstorable(["\ud800"]) and unstorable({"\udfff": 1})
    deep = "x"
    for _ in range(50000):
        deep = [deep]
    assert not unstorable(deep)
    assert unstorable([deep, {"a": ["ok", "\ud83d"]}])
    assert not unstorable({"text": "Grüße 😀 مرحبا", "n": 1, "f": 1.5, "b": None})


@pytest.fixture
def client(tmp_path):
    settings = load_settings({"ADVISOR_VAR_DIR": str(tmp_path / "var"), "ADVISOR_ENGINE_URL": "http://127.0.0.1:9"})
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _session(client, lang="uk"):
    created = client.post("/api/v1/sessions", json={"lang": lang}).json()
    return created["session_id"], {"Authorization": f"Bearer {created['token']}",
                                   "Content-Type": "application/json"}


def test_a_lone_surrogate_is_refused_in_the_sessions_language(client):
    sid, headers = _session(client)
    body = f'{{"session_id": "{sid}", "text": "Hallo \\ud83d"}}'
    response = client.post("/api/v1/chat", content=body, headers=headers)
    assert response.status_code == 422
    assert response.json()["error"] == {"code": "invalid_text", "message": translate("uk", texts.ERROR_INVALID_TEXT)}
    nul = client.post("/api/v1/chat", content=f'{{"session_id": "{sid}", "text": "a\\u0000"}}', headers=headers)
    assert nul.status_code == 422


def test_oversized_and_endless_bodies_are_refused_in_the_sessions_language(client):
    sid, headers = _session(client, "ar")
    body = json.dumps({"session_id": sid, "text": "x" * 40000})
    response = client.post("/api/v1/chat", content=body, headers=headers)
    assert response.status_code == 413
    assert response.json()["error"]["message"] == translate("ar", texts.ERROR_TOO_LONG, limit=2000)

    def chunks():
        yield f'{{"session_id": "{sid}", "text": "'.encode()
        for _ in range(100):
            yield b"a" * 65536

    streamed = client.post("/api/v1/chat", content=chunks(), headers=headers)
    assert streamed.status_code == 413 and streamed.json()["error"]["code"] == "too_long"
    assert translate("ar", texts.ERROR_TOO_LONG, limit=2000) == streamed.json()["error"]["message"]


def test_deep_json_and_huge_ids_are_client_errors(client):
    deep = client.post("/api/v1/chat", content=b"[" * 12000 + b"]" * 12000,
                       headers={"Content-Type": "application/json"})
    assert deep.status_code == 400 and deep.json()["error"]["code"] == "invalid_json"
    for number in ("99999999999999999999", "2147483648"):
        assert client.post(f"/dashboard/admin/accounts/{number}/active").status_code == 404


def test_errors_before_any_session_speak_the_browsers_language(client):
    response = client.get("/api/v1/nothing", headers={"Accept-Language": "tr-TR,tr;q=0.9,en;q=0.5"})
    assert response.json()["error"]["message"] == translate("tr", texts.ERROR_NOT_FOUND)
    wrong = client.post("/api/v1/chat", json={"session_id": _session(client, "ru")[0], "text": "x"},
                        headers={"Authorization": "Bearer wrong"})
    assert wrong.status_code == 401
    assert wrong.json()["error"]["message"] == translate("ru", texts.ERROR_BAD_TOKEN)
    assert client.get("/api/v1/chat").headers["allow"] == "POST"


def test_logs_rotate_and_old_copies_go(tmp_path):
    log = tmp_path / "engine.log"
    log.write_bytes(b"x" * 2000)
    with log.open("ab") as writer:
        assert rotate(log, max_bytes=1000, keep=2)
        writer.write(b"after")  # the child keeps appending to its open file
    assert log.read_bytes() == b"after" and (tmp_path / "engine.log.1").stat().st_size == 2000
    log.write_bytes(b"y" * 2000)
    rotate(log, max_bytes=1000, keep=2)
    log.write_bytes(b"z" * 2000)
    rotate(log, max_bytes=1000, keep=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["engine.log", "engine.log.1", "engine.log.2"]
    rotate(log, max_bytes=10**9, max_age_days=-1)  # copies older than the retention period are deleted
    assert sorted(p.name for p in tmp_path.iterdir()) == ["engine.log"]
