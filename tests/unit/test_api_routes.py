"""The gateway over HTTP: sessions, chat errors in the user's language, rate limit, health, page, headers.

The engine is either a closed local port (so 503 is real) or a small stand-in HTTP server that
answers like Rasa's REST channel, /status and the action server's /ready.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from api.deps import get_rate_limiter
from api.main import create_app
from bot import SUPPORTED_LANGUAGES, texts
from bot.settings import load_settings

#: Test catalogs: distinctive translations, independent of how the real catalogs are worded.
#: The engine token of these tests: random per run, never a published value.
ENGINE_TOKEN = secrets.token_urlsafe(32)

GERMAN = {
    texts.ERROR_TOO_LONG: "Ihre Nachricht ist zu lang. Bitte kürzen Sie sie auf {limit} Zeichen.",
    texts.ERROR_EMPTY_TEXT: "Bitte schreiben Sie zuerst eine Nachricht.",
    texts.ERROR_UNAVAILABLE: "Der Assistent ist gerade nicht erreichbar.",
    texts.ERROR_RATE_LIMITED: "Sie senden sehr schnell Nachrichten.",
    texts.ERROR_INVALID_JSON: "Die Anfrage konnte nicht gelesen werden.",
    texts.ERROR_UNKNOWN_SESSION: "Dieses Gespräch gibt es nicht mehr.",
    texts.ERROR_BAD_TOKEN: "Dieses Gespräch gehört jemand anderem.",
    texts.ERROR_BAD_LANGUAGE: "Diese Sprache wird nicht unterstützt: {languages}.",
    texts.ERROR_INTERNAL: "Bei uns ist etwas schiefgegangen.",
    texts.ERROR_NOT_FOUND: "Diese Seite gibt es nicht.",
    texts.LANGUAGE_NOT_OFFERED: "Diese Sprache gibt es hier nicht: {language}. Sprachen: {languages}.",
}
RUSSIAN = {
    texts.ERROR_UNAVAILABLE: "Ассистент сейчас недоступен.",
    texts.LANGUAGE_SWITCHED: "Теперь я отвечаю по-русски.",
    texts.BUTTON_RESIDENCE: "Виза и пребывание",
}
RUSSIAN_QUESTION = "Как мне получить вид на жительство в Германии?"


def write_catalog(locales_dir: Path, lang: str, messages: dict) -> None:
    catalog = Catalog(locale=lang)
    for msgid, msgstr in messages.items():
        catalog.add(msgid, msgstr)
    folder = locales_dir / lang / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.po").open("wb") as handle:
        write_po(handle, catalog)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class StandIn:
    """Answers like the engine and the action server; records what the gateway sent."""

    def __init__(self, port: int = 0):
        self.replies: list = [{"recipient_id": "x", "text": "Hallo!"}]
        self.model_file = "models/20261124.tar.gz"
        self.received: list = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, status: int, body) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                length = int(self.headers["Content-Length"])
                body = json.loads(self.rfile.read(length))
                if self.path.startswith("/webhooks/") and self.headers.get("Authorization") != f"Bearer {ENGINE_TOKEN}":
                    self._answer(401, {"error": "unauthorized"})  # like bot.engine_channel
                    return
                stand_in.received.append(body)
                self._answer(200, stand_in.replies)

            def do_GET(self):
                if self.path.startswith("/status"):
                    if f"token={ENGINE_TOKEN}" not in self.path:
                        self._answer(401, {"message": "wrong token"})
                    else:
                        self._answer(200, {"model_file": stand_in.model_file})
                elif self.path == "/ready":
                    self._answer(200, {"status": "ok", "index_build": "20261124T0600-abc123"})
                else:
                    self._answer(404, {})

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def make_client(tmp_path):
    """make_client(**ADVISOR_settings) → a TestClient on a fresh database; engine down by default."""
    locales = tmp_path / "locales"
    write_catalog(locales, "de", GERMAN)
    write_catalog(locales, "ru", RUSSIAN)
    clients = []

    def make(raise_server_exceptions: bool = True, **overrides) -> TestClient:
        down = f"http://127.0.0.1:{closed_port()}"
        environ = {
            "ADVISOR_VAR_DIR": str(tmp_path / "var"),
            "ADVISOR_LOCALES_DIR": str(locales),
            "ADVISOR_ENGINE_URL": down,
            "ADVISOR_ACTIONS_URL": down,
            "ADVISOR_ENGINE_TOKEN": ENGINE_TOKEN,
        }
        environ.update({f"ADVISOR_{key.upper()}": str(value) for key, value in overrides.items()})
        app = create_app(load_settings(environ))
        client = TestClient(app, raise_server_exceptions=raise_server_exceptions)
        clients.append(client.__enter__())
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client):
    return make_client()


@pytest.fixture
def stand_in():
    server = StandIn()
    yield server
    server.stop()


def open_session(client, **body):
    response = client.post("/api/v1/sessions", json=body)
    assert response.status_code == 201
    return response.json()


def say(client, session, text, token=None, **extra):
    headers = {"Authorization": f"Bearer {token or session['token']}"}
    body = {"session_id": session["session_id"], "text": text, **extra}
    return client.post("/api/v1/chat", json=body, headers=headers)


def error_of(response):
    return response.json()["error"]


# --- sessions ----------------------------------------------------------------------------------


def test_a_new_session_gets_an_id_and_a_token_of_which_only_the_hash_is_stored(client, tmp_path):
    session = open_session(client)
    assert re.fullmatch(r"[0-9a-f]{32}", session["session_id"])
    assert len(session["token"]) >= 43
    engine = create_engine(f"sqlite:///{tmp_path / 'var' / 'app.db'}")
    with engine.connect() as connection:
        row = connection.execute(text("SELECT * FROM chat_sessions")).mappings().one()
    engine.dispose()
    assert row["token_hash"] == hashlib.sha256(session["token"].encode()).hexdigest()
    assert session["token"] not in json.dumps({k: str(v) for k, v in row.items()})
    assert row["lang"] is None


def test_a_session_can_start_in_a_chosen_language_and_an_unknown_one_is_refused(client):
    open_session(client, lang="ar-SY")
    response = client.post("/api/v1/sessions", json={"lang": "xx"})
    assert response.status_code == 422
    assert error_of(response) == {
        "code": "unsupported_language",
        "message": GERMAN[texts.ERROR_BAD_LANGUAGE].format(languages=", ".join(SUPPORTED_LANGUAGES)),
    }


def test_a_session_answer_is_never_cached(client):
    assert client.post("/api/v1/sessions").headers["cache-control"] == "no-store"


# --- chat errors -------------------------------------------------------------------------------


def test_unreadable_json_is_400_invalid_json(client):
    response = client.post("/api/v1/chat", content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert error_of(response) == {"code": "invalid_json", "message": GERMAN[texts.ERROR_INVALID_JSON]}


def test_missing_fields_are_422_invalid_request_in_the_language_the_request_names(client):
    response = client.post("/api/v1/chat", json={"session_id": "abc", "lang": "en"})
    assert response.status_code == 422
    assert error_of(response) == {"code": "invalid_request", "message": texts.ERROR_INVALID_JSON}
    response = client.post("/api/v1/chat", json={"text": 5})
    assert error_of(response) == {"code": "invalid_request", "message": GERMAN[texts.ERROR_INVALID_JSON]}


def test_a_missing_or_wrong_token_is_401_and_a_token_opens_only_its_own_session(client):
    mine, other = open_session(client), open_session(client)
    no_token = client.post("/api/v1/chat", json={"session_id": mine["session_id"], "text": "Hallo"})
    wrong = say(client, mine, "Hallo", token="guessed")
    borrowed = say(client, mine, "Hallo", token=other["token"])
    for response in (no_token, wrong, borrowed):
        assert response.status_code == 401
        assert error_of(response) == {"code": "unauthorized", "message": GERMAN[texts.ERROR_BAD_TOKEN]}
        assert response.headers["www-authenticate"] == "Bearer"


def test_an_unknown_session_is_404(client):
    response = say(client, {"session_id": "0" * 32, "token": "whatever"}, "Hallo")
    assert response.status_code == 404
    assert error_of(response) == {"code": "unknown_session", "message": GERMAN[texts.ERROR_UNKNOWN_SESSION]}


def test_a_too_long_message_is_413_with_the_limit_in_the_session_language(make_client):
    client = make_client(max_message_chars=50)
    german, english = open_session(client, lang="de"), open_session(client, lang="en")
    assert say(client, german, "x" * 50).status_code == 503  # exactly the limit is accepted
    response = say(client, german, "x" * 51)
    assert response.status_code == 413
    assert error_of(response) == {
        "code": "too_long", "message": GERMAN[texts.ERROR_TOO_LONG].format(limit=50)
    }
    assert error_of(say(client, english, "x" * 51))["message"] == texts.ERROR_TOO_LONG.format(limit=50)


def test_a_huge_body_is_refused_before_it_is_read(make_client):
    client = make_client(max_message_chars=50)
    headers = {"Content-Type": "application/json"}
    response = client.post("/api/v1/chat", content=b"x" * 100_000, headers=headers)
    assert response.status_code == 413
    assert error_of(response)["code"] == "too_long"


def test_empty_or_blank_text_is_422_empty_text(client):
    session = open_session(client, lang="de")
    for blank in ("", "   \n\t"):
        response = say(client, session, blank)
        assert response.status_code == 422
        assert error_of(response) == {"code": "empty_text", "message": GERMAN[texts.ERROR_EMPTY_TEXT]}


def test_an_unsupported_language_is_422(client):
    response = say(client, open_session(client), "Hallo", lang="klingon")
    assert response.status_code == 422
    assert error_of(response)["code"] == "unsupported_language"


def test_engine_down_is_503_in_the_session_language(client):
    response = say(client, open_session(client, lang="de"), "Wie lange dauert die Anerkennung?")
    assert response.status_code == 503
    assert error_of(response) == {"code": "unavailable", "message": GERMAN[texts.ERROR_UNAVAILABLE]}


def test_engine_down_answers_in_the_language_the_message_was_written_in(client):
    response = say(client, open_session(client), RUSSIAN_QUESTION)
    assert error_of(response) == {"code": "unavailable", "message": RUSSIAN[texts.ERROR_UNAVAILABLE]}


def test_the_language_chosen_in_the_widget_wins_over_detection(client):
    response = say(client, open_session(client), RUSSIAN_QUESTION, lang="de")
    assert error_of(response)["message"] == GERMAN[texts.ERROR_UNAVAILABLE]


def test_more_messages_than_the_limit_per_minute_are_429_before_the_engine_is_asked(make_client):
    client = make_client(rate_limit_per_minute=3)
    session, other = open_session(client, lang="de"), open_session(client, lang="de")
    responses = [say(client, session, f"Frage Nummer {n}") for n in range(5)]
    assert [r.status_code for r in responses] == [503, 503, 503, 429, 429]
    assert error_of(responses[3]) == {"code": "rate_limited", "message": GERMAN[texts.ERROR_RATE_LIMITED]}
    assert 1 <= int(responses[3].headers["retry-after"]) <= 60
    assert say(client, other, "Frage").status_code == 503  # another session is not slowed down


def test_an_unexpected_failure_is_500_internal_without_details(make_client):
    client = make_client(raise_server_exceptions=False)
    session = open_session(client, lang="de")

    def broken():
        raise RuntimeError("secret internals /etc/passwd")

    client.app.dependency_overrides[get_rate_limiter] = broken
    response = say(client, session, "Hallo")
    assert response.status_code == 500
    assert response.json() == {"error": {"code": "internal", "message": GERMAN[texts.ERROR_INTERNAL]}}


def test_unknown_addresses_answer_in_our_error_format(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert error_of(response) == {"code": "not_found", "message": GERMAN[texts.ERROR_NOT_FOUND]}
    assert client.get("/api/v1/chat").json()["error"]["code"] == "method_not_allowed"


# --- chat with an engine -----------------------------------------------------------------------


def test_when_the_engine_comes_back_the_next_message_just_works(make_client):
    # Hold the port (bound, not listening: connections are refused) so the engine can start there later.
    holder = socket.socket()
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    holder.bind(("127.0.0.1", 0))
    port = holder.getsockname()[1]
    client = make_client(engine_url=f"http://127.0.0.1:{port}")
    session = open_session(client, lang="de")
    assert say(client, session, "Was ist die Blaue Karte?").status_code == 503
    holder.close()
    engine = StandIn(port)
    try:
        engine.replies = [{"recipient_id": session["session_id"], "custom": {
            "text": "Die Blaue Karte EU ...", "buttons": [], "contact": None,
            "sources": [{"id": "eu-blue-card", "title": "Make it in Germany", "url": "https://example.org/"}],
            "meta": {"intent": "ask_residence", "confidence": 0.9, "topic": "residence",
                     "articles": ["eu-blue-card"], "handoff": None, "lang": "de"}}}]
        response = say(client, session, "Was ist die Blaue Karte?")
    finally:
        engine.stop()
    assert response.status_code == 200
    body = response.json()
    assert body["session_id"] == session["session_id"] and body["lang"] == "de" and body["dir"] == "ltr"
    assert body["messages"][0]["sources"][0]["id"] == "eu-blue-card"
    assert body["meta"]["topic"] == "residence"
    assert engine.received == [
        {"sender": session["session_id"], "message": "Was ist die Blaue Karte?", "metadata": {"lang": "de"}}
    ]


def test_the_conversation_keeps_its_language_for_short_replies(make_client, stand_in):
    client = make_client(engine_url=stand_in.url)
    session = open_session(client)
    for message in ("Як мені отримати дозвіл на проживання в Німеччині?", "ok", "38855", "/request_human"):
        response = say(client, session, message)
        assert response.status_code == 200
        assert response.json()["lang"] == "uk"
    assert [m["metadata"]["lang"] for m in stand_in.received] == ["uk"] * 4
    arabic = say(client, session, "أريد أن أعمل في ألمانيا").json()
    assert (arabic["lang"], arabic["dir"]) == ("ar", "rtl")


def test_a_language_chosen_for_the_session_stays_whatever_the_person_writes(make_client, stand_in):
    client = make_client(engine_url=stand_in.url)
    session = open_session(client, lang="de")
    assert say(client, session, RUSSIAN_QUESTION).json()["lang"] == "de"
    later = open_session(client)
    assert say(client, later, "Wie bekomme ich die Blaue Karte?", lang="ru").json()["lang"] == "ru"
    # The widget sends no lang now: the choice made with the last message still holds.
    assert say(client, later, "Wie bekomme ich die Blaue Karte?").json()["lang"] == "ru"
    assert [m["metadata"]["lang"] for m in stand_in.received] == ["de", "ru", "ru"]


def test_a_language_hint_is_where_detection_starts_not_a_choice(make_client, stand_in):
    client = make_client(engine_url=stand_in.url)
    session = open_session(client, lang_hint="ru")
    assert say(client, session, "ok").json()["lang"] == "ru"
    assert say(client, session, "Wie lange dauert die Anerkennung meines Abschlusses?").json()["lang"] == "de"
    assert open_session(client, lang_hint="xx")["session_id"]  # an unknown hint is ignored


def test_asking_for_a_language_switches_to_it_for_good_and_the_engine_answers_the_turn(make_client, stand_in):
    # The engine sees the wish (metadata language_request -> intent choose_language, bot/nlu/language_choice.py)
    # and answers it (action_choose_language); the gateway composes no reply of its own.
    client = make_client(engine_url=stand_in.url)
    session = open_session(client, lang="de")
    body = say(client, session, "по-русски можно?", lang="de").json()  # typed wish beats the picker
    assert body["lang"] == "ru"
    assert [m["text"] for m in body["messages"]] == ["Hallo!"]
    assert stand_in.received[-1]["message"] == "по-русски можно?"
    assert stand_in.received[-1]["metadata"] == {
        "lang": "ru", "language_request": {"lang": "ru", "supported": True, "bare": True}}
    assert say(client, session, "Wie lange dauert die Anerkennung meines Abschlusses?").json()["lang"] == "ru"
    assert stand_in.received[-1]["metadata"] == {"lang": "ru"}


def test_a_wish_with_a_question_goes_to_the_engine_in_the_new_language(make_client, stand_in):
    client = make_client(engine_url=stand_in.url)
    session = open_session(client)
    body = say(client, session, "Говорите по-русски? Мне нужна информация о голубой карте ЕС").json()
    assert body["lang"] == "ru"
    assert stand_in.received[-1]["metadata"] == {
        "lang": "ru", "language_request": {"lang": "ru", "supported": True, "bare": False}}


def test_a_wish_for_a_language_we_do_not_offer_keeps_the_current_one(make_client, stand_in):
    client = make_client(engine_url=stand_in.url)
    session = open_session(client, lang="de")
    body = say(client, session, "Können wir Französisch sprechen?").json()
    assert body["lang"] == "de"
    assert stand_in.received[-1]["metadata"] == {
        "lang": "de", "language_request": {"lang": "fr", "supported": False, "bare": True}}


@pytest.mark.parametrize("text, lang, other", [
    ("Szia, hogyan kaphatok tartózkodási engedélyt Németországban?", "en", "hu"),
    ("Hola, necesito un permiso de trabajo en Alemania", "en", "es"),
    ("Hoe kan ik mijn diploma laten erkennen in Duitsland?", "de", "nl"),
])
def test_a_message_in_a_language_we_do_not_offer_is_answered_in_english_or_german(make_client, stand_in, text,
                                                                                   lang, other):
    client = make_client(engine_url=stand_in.url)
    session = open_session(client)
    body = say(client, session, text).json()
    assert body["lang"] == lang
    assert stand_in.received[-1]["metadata"] == {"lang": lang, "written_in": other}


def test_neither_the_message_nor_the_token_reaches_the_logs(make_client, stand_in, caplog):
    client = make_client(engine_url=stand_in.url)
    session = open_session(client)
    secret_text = "Mein Name ist Olena Petrenko, geboren am 1.2.1990"
    with caplog.at_level(logging.DEBUG):
        assert say(client, session, secret_text).status_code == 200
        stand_in.stop()
        assert say(client, session, secret_text).status_code == 503
        client.get("/healthz")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "chat lang=de" in logged  # the log is not simply empty
    for secret in ("Olena", session["token"], ENGINE_TOKEN):
        assert secret not in logged


# --- health ------------------------------------------------------------------------------------


def test_health_is_503_and_names_what_is_down(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "engine": "unreachable",
        "actions": "unreachable",
        "index": "unknown",
        "not_ready": ["engine", "actions", "index"],
    }


def test_health_is_200_when_engine_has_a_model_and_actions_serve_an_index(make_client, stand_in):
    client = make_client(engine_url=stand_in.url, actions_url=stand_in.url)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok", "engine": "ok", "actions": "ok", "index": "20261124T0600-abc123"
    }


def test_health_is_503_while_the_engine_has_no_model_or_refuses_our_token(make_client, stand_in):
    client = make_client(engine_url=stand_in.url, actions_url=stand_in.url)
    stand_in.model_file = None
    assert client.get("/healthz").json()["engine"] == "no model loaded"
    client = make_client(engine_url=stand_in.url, actions_url=stand_in.url, engine_token="other-token")
    stand_in.model_file = "models/x.tar.gz"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["engine"] == "http 401" and response.json()["not_ready"] == ["engine"]


# --- the demo page and headers -----------------------------------------------------------------


def test_the_page_loads_only_its_own_scripts_under_a_strict_policy(client):
    response = client.get("/")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    page = response.text
    assert re.findall(r"<script[^>]*>", page) == [
        '<script src="/static/demo/demo.js" defer>', '<script src="/widget.js" data-lang="auto" defer>'
    ]
    assert not re.search(r"\son[a-z]+=", page), "inline event handlers would be blocked by the policy"
    assert "<style" not in page and " style=" not in page
    for path in ("/widget.js", "/static/demo/demo.js"):
        script = client.get(path)
        assert script.status_code == 200
        assert "innerHTML" not in script.text and "insertAdjacentHTML" not in script.text


def test_the_language_list_names_each_language_in_itself(client):
    languages = {entry["code"]: entry for entry in client.get("/api/v1/languages").json()["languages"]}
    assert languages["uk"]["name"] == "Українська"
    assert languages["ar"]["dir"] == "rtl"


def test_cross_origin_calls_are_refused_unless_the_origin_is_allowed(make_client):
    origin = {"Origin": "https://www.example.org"}
    closed = make_client().post("/api/v1/sessions", headers=origin)
    assert "access-control-allow-origin" not in closed.headers
    opened = make_client(allowed_origins="https://www.example.org").post("/api/v1/sessions", headers=origin)
    assert opened.headers["access-control-allow-origin"] == "https://www.example.org"
    other = make_client(allowed_origins="https://www.example.org").post(
        "/api/v1/sessions", headers={"Origin": "https://evil.example"}
    )
    assert "access-control-allow-origin" not in other.headers
