"""The gateway's side of the content-gap loop: "did this help?" marks, refusals and handoffs stored
scrubbed and unlinked, and deleted after their retention period. The engine is a stand-in HTTP server."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, select

from api.main import create_app
from api.models import ContentSignal, utcnow
from api.retention import purge_content_signals
from bot.settings import load_settings
from tests.unit.test_api_routes import ENGINE_TOKEN, StandIn
from tests.unit.test_handoff_gateway import RECORD, handoff_reply


@pytest.fixture
def stand_in():
    server = StandIn()
    yield server
    server.stop()


@pytest.fixture
def client(tmp_path, stand_in):
    environ = {"ADVISOR_VAR_DIR": str(tmp_path / "var"), "ADVISOR_ENGINE_URL": stand_in.url,
               "ADVISOR_ENGINE_TOKEN": ENGINE_TOKEN}
    with TestClient(create_app(load_settings(environ))) as client:
        yield client


def open_session(client, lang="de"):
    session = client.post("/api/v1/sessions", json={"lang": lang}).json()
    session["headers"] = {"Authorization": f"Bearer {session['token']}"}
    return session


def feedback(client, session, headers=None, **body):
    body = {"session_id": session["session_id"], "article_id": "eu-blue-card", "helpful": False, **body}
    return client.post("/api/v1/feedback", json=body, headers=session["headers"] if headers is None else headers)


def signals(client):
    with client.app.state.session_factory() as db:
        return db.scalars(select(ContentSignal).order_by(ContentSignal.id)).all()


def test_a_no_stores_the_article_the_language_and_the_question_without_personal_data(client):
    session = open_session(client, "ru")
    answer = feedback(client, session, question="Меня зовут Ольга, мой e-mail olga@example.org, нужна Blue Card?")
    assert answer.status_code == 204
    [row] = signals(client)
    assert (row.kind, row.article_id, row.lang) == ("not_helpful", "eu-blue-card", "ru")
    assert "Ольга" not in row.question and "olga@example.org" not in row.question
    assert "Blue Card" in row.question


def test_a_yes_keeps_no_question_and_nothing_links_a_row_to_a_conversation(client):
    session = open_session(client)
    assert feedback(client, session, helpful=True, question="Wie bekomme ich die Blaue Karte?").status_code == 204
    [row] = signals(client)
    assert (row.kind, row.question) == ("helpful", None)
    columns = {c["name"] for c in inspect(client.app.state.session_factory().get_bind()).get_columns("content_signals")}
    assert columns == {"id", "kind", "article_id", "lang", "topic", "question", "created_at"}


def test_feedback_needs_the_session_token_and_a_real_article_id(client):
    session = open_session(client)
    assert feedback(client, session, headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert feedback(client, session, headers={}).status_code == 401
    assert feedback(client, {**session, "session_id": "0" * 32}).status_code == 404
    assert feedback(client, session, article_id="../etc/passwd").status_code == 422
    assert feedback(client, session, helpful="perhaps").status_code == 422
    assert signals(client) == []


def test_a_refused_question_is_recorded_scrubbed_and_an_answered_one_is_not(client, stand_in):
    session = open_session(client)
    stand_in.replies = [{"custom": {"text": "Das weiß ich nicht.", "buttons": [
        {"title": "Mit einem Menschen sprechen", "payload": "/request_human"}], "sources": [], "contact": None,
        "meta": {"intent": "nlu_fallback", "confidence": 0.3, "topic": "out_of_scope", "articles": [],
                 "handoff": None}}}]
    reply = client.post("/api/v1/chat", headers=session["headers"], json={
        "session_id": session["session_id"], "text": "Wie tausche ich meinen Führerschein um? Tel. 0170 1234567"})
    assert reply.status_code == 200
    stand_in.replies = [{"custom": {"text": "Die Blaue Karte …", "buttons": [], "sources": [], "contact": None,
                                    "meta": {"intent": "ask_residence", "confidence": 0.9, "topic": "residence",
                                             "articles": ["eu-blue-card"], "handoff": None}}}]
    client.post("/api/v1/chat", headers=session["headers"],
                json={"session_id": session["session_id"], "text": "Blaue Karte?"})
    [row] = signals(client)
    assert (row.kind, row.topic, row.lang) == ("refused", "out_of_scope", "de")
    assert row.question == "Wie tausche ich meinen Führerschein um? Tel. [Telefon]"


def test_a_handoff_records_the_persons_words_once(client, stand_in):
    session = open_session(client, "ar")
    stand_in.replies = handoff_reply({**RECORD, "urgent": False})
    for _ in range(2):  # a retried "yes" finds the same case and records nothing new
        assert client.post("/api/v1/chat", headers=session["headers"],
                           json={"session_id": session["session_id"], "text": "/affirm"}).status_code == 200
    [row] = signals(client)
    assert (row.kind, row.lang, row.topic, row.question) == ("handoff", "ar", "residence", RECORD["summary_user"])


def test_rows_past_the_retention_period_are_deleted(client):
    settings = client.app.state.settings
    session = open_session(client)
    feedback(client, session, question="alt")
    feedback(client, session, question="neu")
    with client.app.state.session_factory() as db:
        old = db.scalars(select(ContentSignal).where(ContentSignal.question == "alt")).one()
        old.created_at = utcnow() - dt.timedelta(days=settings.feedback_retention_days + 1)
        db.commit()
    assert purge_content_signals(settings) == 1
    assert [row.question for row in signals(client)] == ["neu"]


def test_a_handoff_after_an_answer_names_the_article_that_was_shown(client, stand_in):
    session = open_session(client, "de")
    stand_in.replies = handoff_reply({**RECORD, "lang": "de", "articles": ["residence-blue-card", "eu-blue-card"],
                                      "urgent": False})
    assert client.post("/api/v1/chat", headers=session["headers"],
                       json={"session_id": session["session_id"], "text": "/affirm"}).status_code == 200
    [row] = signals(client)
    assert (row.kind, row.article_id) == ("handoff", "eu-blue-card")


def test_an_urgent_handoff_keeps_no_words_for_the_gap_page(client, stand_in):
    session = open_session(client, "ar")
    stand_in.replies = handoff_reply({**RECORD, "urgent": True})
    assert client.post("/api/v1/chat", headers=session["headers"],
                       json={"session_id": session["session_id"], "text": "/affirm"}).status_code == 200
    assert signals(client) == []
