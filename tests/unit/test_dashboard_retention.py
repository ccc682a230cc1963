"""Data protection around the dashboard: retention purge, the person's own deletion, the transcript,
stored replies after a restart, and create-admin."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api import case_events
from api.cli import main as cli
from api.main import create_app
from api.models import AuditLog, CaseEvent, CaseNote, ChatSession, Counsellor, Escalation, utcnow
from api.retention import purge_expired_cases
from api.tracker_store import read_conversation
from bot.settings import load_settings
from tests.unit.dashboard_factories import HARZ, add_account, add_case, login, page_csrf


@pytest.fixture
def settings(tmp_path):
    return load_settings({"ADVISOR_VAR_DIR": str(tmp_path / "var"), "ADVISOR_ENGINE_URL": "http://127.0.0.1:9"})


@pytest.fixture
def client(settings):
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def write_events(settings, sender_id: str) -> None:
    """Rows as Rasa's SQL tracker store writes them: a question, an answer citing an article."""
    with sqlite3.connect(settings.engine_db_url.removeprefix("sqlite:///")) as db:
        db.execute("CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, "
                   "timestamp REAL, intent_name TEXT, action_name TEXT, data TEXT)")
        custom = {"text": "Die Blaue Karte EU ...", "sources": [{"id": "eu-blue-card", "title": "Blaue Karte EU",
                                                                "url": "https://example.org/bk"}],
                  "meta": {"articles": ["eu-blue-card"]}, "contact": None}
        rows = [("user", {"event": "user", "text": "Wie bekomme ich die Blaue Karte?"}),
                ("action", {"event": "action", "name": "action_answer"}),
                ("bot", {"event": "bot", "text": None, "data": {"custom": custom}})]
        for kind, data in rows:
            db.execute("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, ?, ?, ?)",
                       (sender_id, kind, 1.0, json.dumps(data)))


def count(client, model, **where):
    with client.app.state.session_factory() as db:
        query = select(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return len(db.scalars(query).all())


def session_of(client, case_id):
    with client.app.state.session_factory() as db:
        return db.get(Escalation, case_id).session_id


def test_the_transcript_holds_questions_and_answers_with_their_articles(settings, client):
    write_events(settings, "s1")
    items = read_conversation(settings.engine_db_url, "s1")
    assert [i["kind"] for i in items] == ["user", "bot"]
    assert items[1]["text"] == "Die Blaue Karte EU ..." and items[1]["articles"] == ["eu-blue-card"]
    assert read_conversation(settings.engine_db_url, "someone-else") == []


def test_the_case_page_shows_the_conversation_and_the_cited_article(settings, client):
    add_account(client, "harz@example.org", [HARZ])
    case_id = add_case(client, HARZ, "15085")
    write_events(settings, session_of(client, case_id))
    login(client, "harz@example.org")
    page = client.get(f"/dashboard/cases/{case_id}").text
    assert "Wie bekomme ich die Blaue Karte?" in page and "eu-blue-card" in page
    assert "Ausländerbehörde" in page  # the contact card of the Harz office


def test_purge_deletes_closed_cases_past_retention_with_their_conversation(settings, client):
    old = utcnow() - dt.timedelta(days=settings.escalation_retention_days + 1)
    expired = add_case(client, HARZ, "15085", status="closed", closed_at=old, summary_user="alt")
    recent = add_case(client, HARZ, "15085", status="closed", closed_at=utcnow() - dt.timedelta(days=5),
                      summary_user="neu")
    still_open = add_case(client, HARZ, "15085", summary_user="offen")
    expired_session = session_of(client, expired)
    write_events(settings, expired_session)
    write_events(settings, session_of(client, recent))
    with client.app.state.session_factory() as db:
        db.add(CaseNote(escalation_id=expired, text="Notiz"))
        db.commit()

    assert purge_expired_cases(settings) == 1

    assert count(client, Escalation, id=expired) == 0 and count(client, CaseNote, escalation_id=expired) == 0
    assert count(client, ChatSession, id=expired_session) == 0
    assert read_conversation(settings.engine_db_url, expired_session) == []
    assert count(client, Escalation, id=recent) == 1 and count(client, Escalation, id=still_open) == 1
    assert read_conversation(settings.engine_db_url, session_of(client, recent))
    assert count(client, AuditLog, action="purged", escalation_id=expired) == 1


def test_a_case_is_not_kept_longer_than_the_consent_question_promised(settings, client):
    forgotten = add_case(client, HARZ, "15085", summary_user="nie geschlossen")
    with client.app.state.session_factory() as db:
        db.get(Escalation, forgotten).created_at = utcnow() - dt.timedelta(days=settings.escalation_retention_days + 1)
        db.commit()

    assert purge_expired_cases(settings) == 1
    assert count(client, Escalation, id=forgotten) == 0


def test_idle_conversations_without_a_case_go_after_the_period_the_widget_promises(settings, client):
    from api.retention import purge_idle_sessions

    with_case = session_of(client, add_case(client, HARZ, "15085", summary_user="Fall"))
    long_ago = utcnow() - dt.timedelta(days=settings.session_retention_days + 1)
    with client.app.state.session_factory() as db:
        db.add(ChatSession(id="idle", token_hash="x", last_seen_at=long_ago))
        db.add(ChatSession(id="recent", token_hash="y", last_seen_at=utcnow() - dt.timedelta(days=2)))
        db.get(ChatSession, with_case).last_seen_at = long_ago
        db.commit()
    write_events(settings, "idle")

    assert purge_idle_sessions(settings) == 1

    assert count(client, ChatSession, id="idle") == 0 and read_conversation(settings.engine_db_url, "idle") == []
    assert count(client, ChatSession, id="recent") == 1
    assert count(client, ChatSession, id=with_case) == 1


def test_purge_command_reports_what_it_deleted(settings, client, monkeypatch, capsys):
    monkeypatch.setenv("ADVISOR_VAR_DIR", str(settings.var_dir))
    add_case(client, HARZ, "15085", status="closed", closed_at=utcnow() - dt.timedelta(days=365))
    assert cli(["purge"]) == 0
    assert "Deleted 1 case past 90 days and 0 idle conversations past 30 days." in capsys.readouterr().out


def test_deleting_my_conversation_removes_the_case_notes_and_replies(client):
    reply = client.post("/api/v1/sessions", json={"lang": "de"})
    session_id, token = reply.json()["session_id"], reply.json()["token"]
    with client.app.state.session_factory() as db:
        escalation = Escalation(session_id=session_id, lang="de", district_code="15085", topic="residence",
                                contact_id=HARZ, summary_de="Thema: Aufenthalt.", summary_user="x", consent=True,
                                consent_at=utcnow())
        db.add(escalation)
        db.flush()
        db.add(CaseNote(escalation_id=escalation.id, text="Notiz"))
        case_events.add(db, session_id=session_id, sender="counsellor", text="Hallo", escalation=escalation)
        escalation.notify_email = "person@example.org"
        db.commit()
        case_id = escalation.id
    deleted = client.delete(f"/api/v1/sessions/{session_id}", headers={"Authorization": f"Bearer {token}"})
    assert deleted.status_code == 204
    assert count(client, Escalation, id=case_id) == 0
    assert count(client, CaseNote) == 0 and count(client, CaseEvent) == 0
    with client.app.state.session_factory() as db:  # the address for notices went with the case
        assert db.scalar(select(Escalation.notify_email).where(Escalation.notify_email.is_not(None))) is None
    assert count(client, AuditLog, action="deleted_by_user", escalation_id=case_id) == 1


def test_replies_come_back_after_a_restart_without_repeating_what_the_widget_saw(settings, client):
    add_account(client, "harz@example.org", [HARZ], name="Frau Harz")
    reply = client.post("/api/v1/sessions", json={"lang": "de"})
    session_id, token = reply.json()["session_id"], reply.json()["token"]
    with client.app.state.session_factory() as db:
        escalation = Escalation(session_id=session_id, lang="de", district_code="15085", topic="residence",
                                contact_id=HARZ, summary_de="s", summary_user="u", consent=True, consent_at=utcnow())
        db.add(escalation)
        db.commit()
        case_id = escalation.id
    login(client, "harz@example.org")
    csrf = page_csrf(client)
    client.post(f"/dashboard/cases/{case_id}/claim", data={"csrf_token": csrf})
    client.post(f"/dashboard/cases/{case_id}/reply", data={"csrf_token": csrf, "text": "Erste Antwort"})
    auth = {"Authorization": f"Bearer {token}"}
    seen = client.get(f"/api/v1/sessions/{session_id}/messages", headers=auth).json()
    assert [m["text"] for m in seen["messages"]][-1] == "Erste Antwort"
    assert seen["messages"][-1]["from"] == "counsellor"

    # Another gateway process (a restart, or a second replica) on the same database.
    with TestClient(create_app(settings)) as other:
        login(other, "harz@example.org")
        other.post(f"/dashboard/cases/{case_id}/reply", data={"csrf_token": page_csrf(other), "text": "Zweite Antwort"})
        after = other.get(f"/api/v1/sessions/{session_id}/messages", headers=auth,
                          params={"after": seen["cursor"]}).json()
    assert [m["text"] for m in after["messages"]] == ["Zweite Antwort"]
    again = client.get(f"/api/v1/sessions/{session_id}/messages", headers=auth, params={"after": seen["cursor"]})
    assert [m["text"] for m in again.json()["messages"]] == ["Zweite Antwort"]


def test_create_admin_reads_the_password_from_the_environment_and_refuses_weak_ones(settings, monkeypatch, capsys):
    monkeypatch.setenv("ADVISOR_VAR_DIR", str(settings.var_dir))
    monkeypatch.setenv("ADVISOR_ADMIN_PASSWORD", "short")
    assert cli(["create-admin", "--email", "chefin@example.org", "--name", "Chefin"]) == 2
    assert "at least 12 characters" in capsys.readouterr().err
    monkeypatch.delenv("ADVISOR_ADMIN_PASSWORD")
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert cli(["create-admin", "--email", "chefin@example.org", "--name", "Chefin"]) == 2
    monkeypatch.setenv("ADVISOR_ADMIN_PASSWORD", "Lindenblüte-Saale-42")
    assert cli(["create-admin", "--email", "Chefin@Example.org", "--name", "Chefin"]) == 0
    with TestClient(create_app(settings)) as client:
        assert count(client, Counsellor, email="chefin@example.org", role="admin") == 1
        assert login(client, "chefin@example.org", "Lindenblüte-Saale-42").status_code == 303
        assert client.get("/dashboard/admin/accounts").status_code == 200
