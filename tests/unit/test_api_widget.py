"""The widget's side of the gateway: its script and texts, deleting a conversation, counsellor messages.

The translations are the real catalogs; the engine's conversation store is a SQLite file laid
out like Rasa's (an ``events`` table keyed by ``sender_id``).
"""

from __future__ import annotations

import gzip
import json
import sqlite3
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from api import case_events, tracker_store
from api.main import create_app
from api.models import CaseEvent
from api.routes import events
from api.routes.widget import WIDGET_DIR, WIDGET_PLACEHOLDERS, WIDGET_TEXTS
from bot import SUPPORTED_LANGUAGES, texts
from bot.i18n import translate
from bot.settings import SettingsError, load_settings
from bot.supervisor import Stack


@pytest.fixture
def make_client(tmp_path):
    """make_client(**ADVISOR_settings) → a TestClient on a fresh database, real catalogs, engine down."""
    clients = []

    def make(**overrides) -> TestClient:
        environ = {
            "ADVISOR_VAR_DIR": str(tmp_path / "var"),
            "ADVISOR_ENGINE_URL": "http://127.0.0.1:9",
            "ADVISOR_ACTIONS_URL": "http://127.0.0.1:9",
        }
        environ.update({f"ADVISOR_{key.upper()}": str(value) for key, value in overrides.items()})
        client = TestClient(create_app(load_settings(environ)))
        clients.append(client.__enter__())
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client):
    return make_client()


def open_session(client, **body):
    response = client.post("/api/v1/sessions", json=body)
    assert response.status_code == 201
    session = response.json()
    session["headers"] = {"Authorization": f"Bearer {session['token']}"}
    return session


def engine_store(tmp_path: Path, rows) -> Path:
    """A tracker store like Rasa's with ``rows`` of (sender_id, type_name)."""
    path = tmp_path / "var" / "engine.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
                    "type_name VARCHAR(255), data TEXT)")
        db.executemany("INSERT INTO events (sender_id, type_name, data) VALUES (?, ?, '{}')", rows)
    return path


def senders_in(path: Path) -> list:
    with sqlite3.connect(path) as db:
        return sorted(row[0] for row in db.execute("SELECT sender_id FROM events"))


# --- script and texts --------------------------------------------------------------------------


def test_the_widget_script_is_served_as_javascript_and_stays_under_50_kb_gzipped(client):
    response = client.get("/widget.js", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["cache-control"] == "public, max-age=300"
    assert "customElements.define" in response.text  # httpx has unzipped it
    files = (WIDGET_DIR / "widget.js", WIDGET_DIR / "widget.css")
    widget = sum(len(gzip.compress(path.read_bytes(), 9)) for path in files)
    assert widget < 50_000, f"widget.js + widget.css are {widget} bytes gzipped"
    assert client.get("/static/widget/widget.css").headers["content-type"].startswith("text/css")


def test_widget_texts_come_translated_in_the_first_supported_language_of_the_preference(client):
    german = client.get("/api/v1/widget-texts", params={"lang": "de-DE,de"}).json()
    assert german["lang"] == "de" and german["dir"] == "ltr"
    assert german["texts"]["send"] == translate("de", texts.WIDGET_SEND) != texts.WIDGET_SEND
    assert german["texts"]["greeting"] == translate("de", texts.GREET)
    arabic = client.get("/api/v1/widget-texts", params={"lang": "xx-YY,ar-SY,de"}).json()
    assert (arabic["lang"], arabic["dir"]) == ("ar", "rtl")
    assert arabic["texts"]["delete"] == translate("ar", texts.WIDGET_DELETE)
    assert client.get("/api/v1/widget-texts", params={"lang": "klingon"}).json()["lang"] == "de"
    assert client.get("/api/v1/widget-texts").json()["lang"] == "de"


def test_every_language_has_every_widget_text_filled_in(client):
    for lang in SUPPORTED_LANGUAGES:
        shown = client.get("/api/v1/widget-texts", params={"lang": lang}).json()["texts"]
        assert set(shown) == set(WIDGET_TEXTS)
        for key, value in shown.items():
            # Only the widget's own placeholders ({name}, {count}, ...) are left for it to fill in.
            left = value
            for placeholder in WIDGET_PLACEHOLDERS.get(key, ()):
                assert placeholder in left, f"{lang}: {key} lost {placeholder}"
                left = left.replace(placeholder, "")
            assert value.strip() and "{" not in left, f"{lang}: {key} = {value!r}"
        if lang != "en":
            assert shown["privacy"] != texts.WIDGET_PRIVACY.format(days=30), f"{lang}: notice untranslated"


def test_the_privacy_notice_names_the_configured_retention(make_client):
    client = make_client(session_retention_days=7)
    notice = client.get("/api/v1/widget-texts", params={"lang": "de"}).json()["texts"]["privacy"]
    assert notice == translate("de", texts.WIDGET_PRIVACY, days=7) and "7" in notice


def test_the_start_offers_four_topics_and_three_example_questions_in_the_language(client):
    start = client.get("/api/v1/widget-texts", params={"lang": "vi"}).json()["start"]
    assert [t["payload"] for t in start["topics"]] == [payload for _, payload in texts.TOPIC_BUTTONS]
    assert start["topics"][0]["title"] == translate("vi", texts.BUTTON_RECOGNITION) != texts.BUTTON_RECOGNITION
    assert start["examples"] == [translate("vi", q) for q in (
        texts.WIDGET_EXAMPLE_RECOGNITION, texts.WIDGET_EXAMPLE_RESIDENCE, texts.WIDGET_EXAMPLE_COURSE)]
    assert len(set(start["examples"])) == 3 and start["privacy_url"] == "privacy?lang=vi"


def test_the_full_privacy_notice_is_a_page_in_the_visitors_language(make_client):
    client = make_client(session_retention_days=7, escalation_retention_days=60, feedback_retention_days=120)
    page = client.get("/privacy", params={"lang": "ar"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<html lang="ar" dir="rtl">' in page.text
    assert translate("ar", texts.PRIVACY_CASE, days=60) in page.text
    assert translate("ar", texts.WIDGET_PRIVACY, days=7) in page.text
    # The questions kept for the content-gap page (unlinked, so not deleted with the conversation).
    kept = translate("ar", texts.PRIVACY_GAPS, days=120)
    assert kept in page.text and "120" in kept and kept != texts.PRIVACY_GAPS.format(days=120)
    german = client.get("/privacy", headers={"Accept-Language": "de-DE,de;q=0.9"})
    assert translate("de", texts.WIDGET_PRIVACY_LINK) in german.text


def test_widget_texts_may_be_cached_but_chat_answers_may_not(client):
    assert client.get("/api/v1/widget-texts").headers["cache-control"] == "public, max-age=600"
    assert client.get("/api/v1/languages").headers["cache-control"] == "no-store"


# --- deleting a conversation -------------------------------------------------------------------


def test_delete_removes_the_session_and_only_its_engine_events(client, tmp_path):
    mine, other = open_session(client), open_session(client)
    store = engine_store(tmp_path, [(mine["session_id"], "user"), (mine["session_id"], "bot"),
                                    (other["session_id"], "user")])
    response = client.delete(f"/api/v1/sessions/{mine['session_id']}", headers=mine["headers"])
    assert response.status_code == 204 and response.content == b""
    assert senders_in(store) == [other["session_id"]]
    chat = client.post("/api/v1/chat", json={"session_id": mine["session_id"], "text": "Hallo"},
                       headers=mine["headers"])
    assert chat.status_code == 404 and chat.json()["error"]["code"] == "unknown_session"
    assert client.delete(f"/api/v1/sessions/{mine['session_id']}", headers=mine["headers"]).status_code == 404


def test_delete_needs_the_sessions_own_token(client, tmp_path):
    mine, other = open_session(client), open_session(client)
    store = engine_store(tmp_path, [(mine["session_id"], "user")])
    for headers in ({}, other["headers"], {"Authorization": "Bearer guessed"}):
        response = client.delete(f"/api/v1/sessions/{mine['session_id']}", headers=headers)
        assert response.status_code == 401 and response.json()["error"]["code"] == "unauthorized"
    assert senders_in(store) == [mine["session_id"]]


def test_delete_works_before_the_engine_stored_anything(client, tmp_path):
    session = open_session(client)
    response = client.delete(f"/api/v1/sessions/{session['session_id']}", headers=session["headers"])
    assert response.status_code == 204
    assert not (tmp_path / "var" / "engine.db").exists(), "deleting must not create the engine's database"


def test_a_locked_engine_store_is_503_in_the_session_language_and_nothing_is_deleted(
        client, tmp_path, monkeypatch):
    monkeypatch.setattr(tracker_store, "SQLITE_BUSY_TIMEOUT", 0.2)
    session = open_session(client, lang="de")
    store = engine_store(tmp_path, [(session["session_id"], "user")])
    holder = sqlite3.connect(store, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # the engine in the middle of writing
    try:
        response = client.delete(f"/api/v1/sessions/{session['session_id']}", headers=session["headers"])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert response.status_code == 503
    assert response.json()["error"] == {"code": "unavailable",
                                        "message": translate("de", texts.ERROR_DELETE_FAILED)}
    assert senders_in(store) == [session["session_id"]]
    again = client.delete(f"/api/v1/sessions/{session['session_id']}", headers=session["headers"])
    assert again.status_code == 204  # once the engine lets go, the same request works


def test_the_gateway_deletes_from_the_database_the_supervisor_gives_the_engine(tmp_path):
    stack = Stack(var_dir=tmp_path, model=tmp_path / "model.tar.gz")
    engine_db = stack.environment()["ADVISOR_ENGINE_DB"]
    settings = load_settings({"ADVISOR_VAR_DIR": str(tmp_path)})
    assert Path(make_url(settings.engine_db_url).database) == Path(engine_db)


def test_cross_origin_widgets_may_delete_when_their_site_is_allowed(make_client):
    client = make_client(allowed_origins="https://www.landkreis.example")
    preflight = client.options("/api/v1/sessions/abc", headers={
        "Origin": "https://www.landkreis.example", "Access-Control-Request-Method": "DELETE",
        "Access-Control-Request-Headers": "authorization"})
    assert preflight.status_code == 200 and "DELETE" in preflight.headers["access-control-allow-methods"]
    refused = client.options("/api/v1/sessions/abc", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "DELETE"})
    assert "access-control-allow-origin" not in refused.headers


# --- counsellor messages -----------------------------------------------------------------------


def read_events(response) -> list:
    """The (event type, data) pairs of a finished server-sent-event stream."""
    found = []
    for block in response.text.split("\n\n"):
        fields = [line for line in block.splitlines() if ": " in line and not line.startswith(":")]
        lines = dict(line.split(": ", 1) for line in fields)
        if "data" in lines:
            found.append((lines.get("event", "message"), json.loads(lines["data"])))
    return found


def publish(client, session_id: str, text: str, name=None, sender: str = "counsellor") -> None:
    """What the dashboard does when a counsellor answers: a case event, committed (wakes the stream)."""
    with client.app.state.session_factory() as db:
        case_events.add(db, session_id=session_id, sender=sender, text=text, author_name=name, lang="de")
        db.commit()


@pytest.fixture
def short_streams(monkeypatch):
    """Streams end after half a second, so a test can read one to its end."""
    monkeypatch.setattr(events, "STREAM_SECONDS", 0.5)


def test_a_published_counsellor_message_reaches_the_stream_marked_as_from_a_person(client, short_streams):
    session = open_session(client)
    publish(client, session["session_id"], "Guten Tag, hier ist Frau Beispiel.", name="A. Beispiel")
    url = f"/api/v1/sessions/{session['session_id']}/events"
    timer = threading.Timer(0.2, publish, (client, session["session_id"], "Noch eine Frage?"))
    timer.start()
    response = client.get(url, headers=session["headers"])
    timer.join()
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["cache-control"] == "no-store"
    received = read_events(response)
    assert [(kind, data["from"], data["text"]) for kind, data in received] == [
        ("message", "counsellor", "Guten Tag, hier ist Frau Beispiel."),
        ("message", "counsellor", "Noch eine Frage?"),
    ]
    assert received[0][1]["name"] == "A. Beispiel"
    # Reconnecting after the first message brings only what came later.
    again = client.get(url, params={"after": received[0][1]["id"]}, headers=session["headers"])
    assert [data["text"] for _, data in read_events(again)] == ["Noch eine Frage?"]


def test_the_stream_and_the_messages_need_the_sessions_token(client):
    mine, other = open_session(client), open_session(client)
    for path in ("events", "messages"):
        url = f"/api/v1/sessions/{mine['session_id']}/{path}"
        assert client.get(url).status_code == 401
        assert client.get(url, headers=other["headers"]).status_code == 401
        assert client.get(f"/api/v1/sessions/{'0' * 32}/{path}", headers=mine["headers"]).status_code == 404


def test_polling_returns_what_is_newer_than_the_cursor(client):
    session = open_session(client)
    url = f"/api/v1/sessions/{session['session_id']}/messages"
    empty = client.get(url, headers=session["headers"]).json()
    assert empty["messages"] == []
    publish(client, session["session_id"], "Erste Antwort")
    first = client.get(url, params={"after": empty["cursor"]}, headers=session["headers"]).json()
    assert [(m["from"], m["text"]) for m in first["messages"]] == [("counsellor", "Erste Antwort")]
    publish(client, session["session_id"], "Zweite Antwort")
    second = client.get(url, params={"after": first["cursor"]}, headers=session["headers"]).json()
    assert [m["text"] for m in second["messages"]] == ["Zweite Antwort"]
    nothing_new = client.get(url, params={"after": second["cursor"]}, headers=session["headers"]).json()
    assert nothing_new["messages"] == [] and nothing_new["cursor"] == second["cursor"]
    # The cursor is a database id: the same in every gateway process and after a restart; nonsense
    # (an old widget's cursor) means "everything".
    stale = client.get(url, params={"after": "0000-99"}, headers=session["headers"]).json()
    assert [m["text"] for m in stale["messages"]] == ["Erste Antwort", "Zweite Antwort"]
    assert int(second["cursor"]) > int(first["cursor"]) > 0


def test_deleting_a_conversation_ends_its_stream_and_forgets_its_messages(client, short_streams, monkeypatch):
    # Long enough that only the deletion can end the stream with "deleted" (no clock is asserted).
    monkeypatch.setattr(events, "STREAM_SECONDS", 60.0)
    session = open_session(client)
    publish(client, session["session_id"], "Vor dem Löschen")
    url = f"/api/v1/sessions/{session['session_id']}"
    delete = threading.Timer(0.3, client.delete, (url,), {"headers": session["headers"]})
    delete.start()
    response = client.get(f"{url}/events", headers=session["headers"])
    delete.join()
    assert [kind for kind, _ in read_events(response)] == ["message", "deleted"]
    with client.app.state.session_factory() as db:
        assert db.query(CaseEvent).filter_by(session_id=session["session_id"]).count() == 0


# --- the development route ---------------------------------------------------------------------


def test_the_dev_publish_route_exists_only_when_switched_on_in_development(make_client):
    plain = make_client()
    session = open_session(plain)
    body = {"session_id": session["session_id"], "text": "Hallo"}
    assert plain.post("/api/v1/dev/publish", json=body).status_code == 404
    dev = make_client(dev_routes=1)
    session = open_session(dev)
    published = dev.post("/api/v1/dev/publish", json={"session_id": session["session_id"], "text": "Hallo"})
    assert published.status_code == 201 and published.json()["from"] == "counsellor"
    missing = dev.post("/api/v1/dev/publish", json={"session_id": "0" * 32, "text": "Hallo"})
    assert missing.status_code == 404
    with pytest.raises(SettingsError, match="ADVISOR_DEV_ROUTES"):
        load_settings({"ADVISOR_DEV_ROUTES": "1", "ADVISOR_ENVIRONMENT": "production",
                       "ADVISOR_ENGINE_TOKEN": "x" * 32})
