"""The gateway's side of the handoff: recording the escalation from the engine's reply exactly once, human
mode (the person writes to the counsellor while the engine is paused), claims that only one counsellor wins,
the e-mail that a reply is waiting (through a real local SMTP server), the link that reopens the conversation,
transfer, reopen, unread counts. The engine is a stand-in HTTP server (tests/unit/test_api_routes.py)."""

from __future__ import annotations

import copy
import re
import threading
import time
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api import case_events, followup, human, unread
from api.escalations import EscalationRequest, record
from api.main import create_app
from api.models import AuditLog, CaseEvent, ChatSession, Counsellor, Escalation
from bot import texts
from bot.i18n import translate
from bot.settings import load_settings
from bot.supervisor import free_port
from tests.unit.dashboard_factories import HARZ, MAGDEBURG, add_account, login, page_csrf
from tests.unit.test_api_routes import ENGINE_TOKEN, StandIn

RECORD = {
    "request_key": "a" * 32, "lang": "ar", "district_code": "15085", "topic": "residence", "contact_id": HARZ,
    "summary_de": "Thema: Aufenthalt.\nSprache: Arabisch.", "summary_user": "أحتاج إلى موعد",
    "consent": True, "urgent": True,
}


def handoff_reply(record=RECORD, text="Erledigt."):
    """What the engine answers after the consent: the action's message with the escalation in it."""
    return [{"recipient_id": "x", "custom": {
        "text": text, "buttons": [], "sources": [], "contact": {"id": record["contact_id"], "name": "ABH Harz"},
        "meta": {"intent": "affirm", "confidence": 1.0, "topic": "handoff", "articles": [],
                 "handoff": {"escalation_id": None, "contact_id": record["contact_id"],
                             "district_code": record["district_code"], "record": dict(record)}}}}]


class Mailbox:
    """A real SMTP server on localhost (aiosmtpd); ``messages`` are what arrived."""

    def __init__(self):
        self.messages = []
        mailbox = self

        class Keep(Message):
            def handle_message(self, message):
                mailbox.messages.append(message)

        self.port = free_port()
        self.controller = Controller(Keep(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        self.controller.stop()


@pytest.fixture
def mailbox():
    box = Mailbox()
    yield box
    box.stop()


@pytest.fixture
def stand_in():
    server = StandIn()
    yield server
    server.stop()


@pytest.fixture
def make_client(tmp_path, stand_in):
    clients = []

    def make(**overrides) -> TestClient:
        environ = {"ADVISOR_VAR_DIR": str(tmp_path / "var"), "ADVISOR_ENGINE_URL": stand_in.url,
                   "ADVISOR_PUBLIC_URL": "https://chat.example.org", "ADVISOR_ENGINE_TOKEN": ENGINE_TOKEN}
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


def open_session(client, lang="ar"):
    session = client.post("/api/v1/sessions", json={"lang": lang}).json()
    session["headers"] = {"Authorization": f"Bearer {session['token']}"}
    return session


def say(client, session, text):
    return client.post("/api/v1/chat", json={"session_id": session["session_id"], "text": text},
                       headers=session["headers"])


def cases_of(client, session_id):
    with client.app.state.session_factory() as db:
        return db.scalars(select(Escalation).where(Escalation.session_id == session_id)).all()


# --- exactly once --------------------------------------------------------------------------------


def test_the_escalation_in_the_reply_is_recorded_once_and_its_id_filled_in(client, stand_in):
    session = open_session(client)
    stand_in.replies = handoff_reply()
    first = say(client, session, "/affirm").json()
    [case] = cases_of(client, session["session_id"])
    handoff = first["meta"]["handoff"]
    assert handoff["escalation_id"] == case.id and "record" not in handoff  # nothing of it goes public
    assert handoff["followup"] == {"keep_days": 90, "email": False}
    assert (case.contact_id, case.lang, case.urgent, case.status) == (HARZ, "ar", True, "new")
    # The same reply again (a retried "yes" after a crash): the same case, shown again.
    again = say(client, session, "/affirm").json()
    assert again["meta"]["handoff"]["escalation_id"] == case.id
    assert again["messages"][0]["text"] == "Erledigt." and again["messages"][0]["contact"]
    # Another handoff to the same office while the case is open (a new key): still the same case.
    stand_in.replies = handoff_reply(dict(RECORD, request_key="b" * 32))
    assert say(client, session, "/affirm").json()["meta"]["handoff"]["escalation_id"] == case.id
    assert len(cases_of(client, session["session_id"])) == 1
    with client.app.state.session_factory() as db:  # the office's queue heard of it once
        assert db.scalar(select(func.count()).select_from(CaseEvent).where(CaseEvent.action == "created")) == 1


def test_a_new_handoff_after_the_case_was_closed_opens_a_new_case(client, stand_in):
    session = open_session(client)
    stand_in.replies = handoff_reply()
    first = say(client, session, "/affirm").json()["meta"]["handoff"]["escalation_id"]
    with client.app.state.session_factory() as db:
        db.get(Escalation, first).status = "closed"
        db.commit()
    stand_in.replies = handoff_reply()  # the old key again (a stale button): still that case
    assert say(client, session, "/affirm").json()["meta"]["handoff"]["escalation_id"] == first
    stand_in.replies = handoff_reply(dict(RECORD, request_key="c" * 32))
    second = say(client, session, "/affirm").json()["meta"]["handoff"]["escalation_id"]
    assert second != first and len(cases_of(client, session["session_id"])) == 2


def test_concurrent_records_of_one_handoff_make_one_case(client):
    session = open_session(client)
    factory = client.app.state.session_factory
    barrier = threading.Barrier(4)
    found = []

    def go(key):
        with factory() as db:
            barrier.wait()
            escalation, _ = record(db, session["session_id"], EscalationRequest(**dict(RECORD, request_key=key)))
            found.append(escalation.id)

    threads = [threading.Thread(target=go, args=(key,)) for key in ("k" * 32, "k" * 32, "m" * 32, "n" * 32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(found)) == 1 and len(cases_of(client, session["session_id"])) == 1


def test_a_broken_escalation_request_is_503_and_stores_nothing(client, stand_in):
    session = open_session(client)
    stand_in.replies = handoff_reply(dict(RECORD, district_code="09162"))
    reply = say(client, session, "/affirm")
    assert reply.status_code == 503
    assert cases_of(client, session["session_id"]) == []


# --- human mode ----------------------------------------------------------------------------------


def claimed_case(client, stand_in, public_name=""):
    """A conversation handed to Harz and claimed there; (session, case id, counsellor id)."""
    session = open_session(client)
    stand_in.replies = handoff_reply()
    case_id = say(client, session, "/affirm").json()["meta"]["handoff"]["escalation_id"]
    account = add_account(client, "harz@example.org", [HARZ], name="Frau Berg")
    with client.app.state.session_factory() as db:
        db.get(Counsellor, account).public_name = public_name
        db.commit()
    login(client, "harz@example.org")
    stand_in.received.clear()
    assert client.post(f"/dashboard/cases/{case_id}/claim", data={"csrf_token": page_csrf(client)},
                       follow_redirects=False).status_code == 303
    return session, case_id, account


def test_after_the_claim_the_person_writes_to_the_counsellor_not_to_the_bot(client, stand_in):
    session, case_id, _ = claimed_case(client, stand_in, public_name="Beraterin der Ausländerbehörde Harz")
    assert stand_in.received == [[{"event": "pause"}]]  # Rasa's own pause, through its HTTP API
    stand_in.received.clear()
    reply = say(client, session, "شكرا، متى يمكنني أن آتي؟")
    assert reply.status_code == 200
    body = reply.json()
    assert body["messages"] == []  # the bot says nothing
    assert body["meta"]["handoff"]["human"] == {"name": "Beraterin der Ausländerbehörde Harz"}
    # Into the engine's transcript as a user event (not through the REST channel: no bot turn).
    [[event]] = stand_in.received
    assert event["event"] == "user" and event["text"] == "شكرا، متى يمكنني أن آتي؟"
    with client.app.state.session_factory() as db:
        [message] = db.scalars(select(CaseEvent).where(CaseEvent.sender == "person")).all()
        assert (message.escalation_id, message.text, message.in_engine) == (case_id, event["text"], True)
    # The widget learned who answers: the claim notice in the person's language, no surname.
    notices = client.get(f"/api/v1/sessions/{session['session_id']}/messages", headers=session["headers"]).json()
    [joined] = notices["messages"]
    assert joined["kind"] == "claimed" and joined["name"] == "Beraterin der Ausländerbehörde Harz"
    assert joined["text"] == translate("ar", texts.HUMAN_JOINED, name="Beraterin der Ausländerbehörde Harz")
    assert "Berg" not in str(notices)


def set_live(client, case_id, live):
    with client.app.state.session_factory() as db:
        db.get(Escalation, case_id).live = live
        db.commit()


def test_a_message_the_paused_engine_swallowed_still_reaches_the_case(client, stand_in):
    session, case_id, _ = claimed_case(client, stand_in)
    set_live(client, case_id, False)  # not yet in human mode when the message arrives ...
    stand_in.replies = []  # ... but claimed while it travels: the paused engine answers nothing

    class ClaimMeanwhile(list):
        def append(self, item):
            set_live(client, case_id, True)
            super().append(item)

    stand_in.received = ClaimMeanwhile()
    reply = say(client, session, "Hallo?")
    assert reply.status_code == 200 and reply.json()["messages"] == []
    assert len(stand_in.received) == 1  # the REST channel logged it: not appended a second time
    with client.app.state.session_factory() as db:
        [message] = db.scalars(select(CaseEvent).where(CaseEvent.sender == "person")).all()
        assert message.text == "Hallo?" and message.in_engine


def test_hand_back_take_over_and_close_pause_and_resume_the_engine(client, stand_in):
    session, case_id, _ = claimed_case(client, stand_in)
    csrf = page_csrf(client)
    stand_in.received.clear()
    client.post(f"/dashboard/cases/{case_id}/handback", data={"csrf_token": csrf})
    assert stand_in.received == [[{"event": "resume"}]]
    stand_in.replies = [{"recipient_id": "x", "text": "Gern geschehen."}]
    assert say(client, session, "danke").json()["messages"][0]["text"] == "Gern geschehen."  # the bot again
    stand_in.received.clear()
    client.post(f"/dashboard/cases/{case_id}/takeover", data={"csrf_token": csrf})
    assert stand_in.received == [[{"event": "pause"}]]
    stand_in.received.clear()
    client.post(f"/dashboard/cases/{case_id}/close", data={"csrf_token": csrf, "reply_id": "closing"})
    assert stand_in.received[-1] == [{"event": "resume"}]
    assert stand_in.received[0][0]["metadata"]["from"] == "counsellor"  # the closing message, in Arabic
    seen = client.get(f"/api/v1/sessions/{session['session_id']}/messages", headers=session["headers"]).json()
    kinds = [(m["from"], m["kind"]) for m in seen["messages"]]
    assert kinds == [("system", "claimed"), ("system", "handed_back"), ("system", "taken_over"),
                     ("counsellor", "message"), ("system", "closed")]
    closing = seen["messages"][3]
    assert closing["text"].startswith("شكرًا لأسئلتك") and closing["lang"] == "ar" and closing["lang_note"] is None
    with client.app.state.session_factory() as db:
        case = db.get(Escalation, case_id)
        assert (case.status, case.live) == ("closed", False)
        actions = [a.action for a in db.scalars(select(AuditLog).where(AuditLog.escalation_id == case_id))]
    assert {"claimed", "handed_back", "taken_over", "answered", "closed"} <= set(actions)


def test_free_text_goes_out_as_written_and_labelled_with_its_language(client, stand_in):
    session, case_id, _ = claimed_case(client, stand_in)
    client.post(f"/dashboard/cases/{case_id}/reply",
                data={"csrf_token": page_csrf(client), "text": "Bitte kommen Sie am Dienstag.", "text_lang": "de"})
    seen = client.get(f"/api/v1/sessions/{session['session_id']}/messages", headers=session["headers"]).json()
    message = seen["messages"][-1]
    assert message["text"] == "Bitte kommen Sie am Dienstag."  # never a fake translation
    assert message["lang_note"] == translate("ar", texts.WIDGET_WRITTEN_IN, language="الألمانية")
    page = client.get(f"/dashboard/cases/{case_id}").text
    assert "Bitte kommen Sie am Dienstag." in page


def test_a_canned_reply_reaches_the_person_in_their_language_and_the_case_page_in_german(client, stand_in):
    session, case_id, _ = claimed_case(client, stand_in)
    client.post(f"/dashboard/cases/{case_id}/reply",
                data={"csrf_token": page_csrf(client), "reply_id": "send-permit-copy"})
    seen = client.get(f"/api/v1/sessions/{session['session_id']}/messages", headers=session["headers"]).json()
    assert seen["messages"][-1]["text"].startswith("يُرجى إرسال نسخة من سند إقامتك (Aufenthaltstitel)")
    page = client.get(f"/dashboard/cases/{case_id}").text
    assert "Bitte senden Sie uns eine Kopie Ihres Aufenthaltstitels" in page


def test_of_two_counsellors_claiming_at_once_exactly_one_wins(client, stand_in):
    session = open_session(client)
    stand_in.replies = handoff_reply()
    say(client, session, "/affirm")
    first = add_account(client, "a@example.org", [HARZ], name="Frau A")
    second = add_account(client, "b@example.org", [HARZ], name="Herr B")
    factory, settings = client.app.state.session_factory, client.app.state.settings
    rounds, winners = 25, []
    for _ in range(rounds):
        with factory() as db:
            case = db.scalar(select(Escalation))
            case.status, case.claimed_by, case.live = "new", None, False
            db.commit()
        barrier = threading.Barrier(2)
        results = {}

        def go(account_id, barrier=barrier, results=results):
            with factory() as db:
                case = db.scalar(select(Escalation))
                account = db.get(Counsellor, account_id)
                barrier.wait()
                results[account_id] = human.claim(db, settings, case, account)

        threads = [threading.Thread(target=go, args=(a,)) for a in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        won = [a for a, r in results.items() if r.won]
        assert len(won) == 1, results
        loser = next(r for a, r in results.items() if not r.won)
        assert loser.holder == {first: "Frau A", second: "Herr B"}[won[0]]  # told who has it
        winners.append(won[0])
    with factory() as db:
        assert db.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "claimed")) == rounds


def test_the_loser_of_a_claim_sees_who_has_the_case(client, stand_in):
    _session, case_id, _ = claimed_case(client, stand_in)
    client.cookies.clear()
    add_account(client, "late@example.org", [HARZ], name="Spät")
    login(client, "late@example.org")
    page = client.post(f"/dashboard/cases/{case_id}/claim", data={"csrf_token": page_csrf(client)})
    assert page.status_code == 409
    assert translate("de", texts.DASHBOARD_CLAIMED_BY_SOMEONE, name="Frau Berg") in page.text


def test_transfer_and_reopen_are_audited_and_the_person_is_told(client, stand_in):
    session, case_id, _ = claimed_case(client, stand_in)
    csrf = page_csrf(client)
    moved = client.post(f"/dashboard/cases/{case_id}/transfer", data={"csrf_token": csrf, "contact_id": MAGDEBURG},
                        follow_redirects=False)
    assert moved.status_code == 303
    with client.app.state.session_factory() as db:
        case = db.get(Escalation, case_id)
        assert (case.contact_id, case.district_code, case.status, case.live) == (MAGDEBURG, "15003", "new", False)
    assert client.get(f"/dashboard/cases/{case_id}").status_code == 404  # Harz no longer sees it
    seen = client.get(f"/api/v1/sessions/{session['session_id']}/messages", headers=session["headers"]).json()
    assert seen["messages"][-1]["kind"] == "transferred" and "Magdeburg" in seen["messages"][-1]["text"]
    add_account(client, "md@example.org", [MAGDEBURG], name="Herr Elbe")
    client.cookies.clear()
    login(client, "md@example.org")
    csrf = page_csrf(client)
    client.post(f"/dashboard/cases/{case_id}/claim", data={"csrf_token": csrf})
    client.post(f"/dashboard/cases/{case_id}/close", data={"csrf_token": csrf})
    assert client.post(f"/dashboard/cases/{case_id}/reopen", data={"csrf_token": csrf},
                       follow_redirects=False).status_code == 303
    with client.app.state.session_factory() as db:
        assert db.get(Escalation, case_id).status == "new"
        actions = [a.action for a in db.scalars(select(AuditLog).where(AuditLog.escalation_id == case_id))]
    assert "transferred" in actions and "reopened" in actions


def test_unread_counts_new_cases_and_the_persons_messages_until_read(client, stand_in):
    session, case_id, account_id = claimed_case(client, stand_in)
    factory = client.app.state.session_factory
    say(client, session, "سؤال آخر")
    say(client, session, "وسؤال ثالث")
    with factory() as db:
        account = db.get(Counsellor, account_id)
        assert unread.per_case(db, account) == {case_id: 2}
    assert "<title>(2) " in client.get("/dashboard").text
    assert client.get(f"/dashboard/cases/{case_id}").status_code == 200  # opening the case reads it
    with factory() as db:
        assert unread.count(db, db.get(Counsellor, account_id)) == 0
    assert "<title>(" not in client.get("/dashboard").text


# --- coming back: e-mail and the link --------------------------------------------------------------


def test_an_unseen_reply_sends_one_e_mail_without_content_and_its_link_reopens_the_chat(
        make_client, stand_in, mailbox):
    client = make_client(smtp_host="127.0.0.1", smtp_port=mailbox.port, smtp_security="none",
                         mail_from="chat@example.org", reply_email_delay_seconds=0)
    session, case_id, _ = claimed_case(client, stand_in)
    refused = client.put(f"/api/v1/sessions/{session['session_id']}/notify", headers=session["headers"],
                         json={"email": "person@example.org", "consent": False})
    assert refused.status_code == 422
    stored = client.put(f"/api/v1/sessions/{session['session_id']}/notify", headers=session["headers"],
                        json={"email": "person@example.org", "consent": True})
    assert stored.status_code == 200
    client.post(f"/dashboard/cases/{case_id}/reply",
                data={"csrf_token": page_csrf(client), "text": "Ihr Termin ist am Dienstag um 9 Uhr."})
    settings, factory = client.app.state.settings, client.app.state.session_factory
    # The gateway's own follow-up round may send it first (it runs every second): either way, one
    # e-mail per waiting reply, and a further round sends nothing.
    followup.send_waiting_notices(settings, factory)
    deadline = time.monotonic() + 60
    while not mailbox.messages and time.monotonic() < deadline:
        time.sleep(0.05)
    assert followup.send_waiting_notices(settings, factory) == 0
    [mail] = mailbox.messages
    body = mail.get_payload(decode=True).decode()
    assert mail["To"] == "person@example.org" and mail["From"] == "chat@example.org"
    assert str(make_header(decode_header(mail["Subject"]))) == translate("ar", texts.MAIL_REPLY_SUBJECT)
    assert "Dienstag" not in body and "Harz" not in body  # no case content
    link = re.search(r"https://chat\.example\.org/#sa-resume=(\w+)\.([\w-]+)", body)
    assert link and link.group(1) == session["session_id"]
    # The link trades its key for a new token; the old one stops working (the newest device holds it).
    resumed = client.post(f"/api/v1/sessions/{link.group(1)}/resume", json={"key": link.group(2)})
    assert resumed.status_code == 200
    token = resumed.json()["token"]
    history = client.get(f"/api/v1/sessions/{session['session_id']}/history",
                         headers={"Authorization": f"Bearer {token}"}).json()
    assert [i["text"] for i in history["items"] if i["kind"] == "counsellor"] == [
        "Ihr Termin ist am Dienstag um 9 Uhr."]
    assert history["human"]["escalation_id"] == case_id and history["notify"]["email"] == "person@example.org"
    assert client.get(f"/api/v1/sessions/{session['session_id']}/history",
                      headers=session["headers"]).status_code == 401
    assert client.post(f"/api/v1/sessions/{link.group(1)}/resume",
                       json={"key": "x" * 32}).status_code == 401


def test_a_reply_the_open_widget_received_sends_no_e_mail(make_client, stand_in, mailbox):
    client = make_client(smtp_host="127.0.0.1", smtp_port=mailbox.port, smtp_security="none",
                         mail_from="chat@example.org", reply_email_delay_seconds=0)
    session, case_id, _ = claimed_case(client, stand_in)
    client.put(f"/api/v1/sessions/{session['session_id']}/notify", headers=session["headers"],
               json={"email": "person@example.org", "consent": True})
    client.post(f"/dashboard/cases/{case_id}/reply", data={"csrf_token": page_csrf(client), "text": "Hallo"})
    client.get(f"/api/v1/sessions/{session['session_id']}/messages", headers=session["headers"])  # received
    assert followup.send_waiting_notices(client.app.state.settings, client.app.state.session_factory) == 0
    assert mailbox.messages == []


def test_the_address_is_deleted_on_request_and_with_the_case(make_client, stand_in, mailbox):
    client = make_client(smtp_host="127.0.0.1", smtp_port=mailbox.port, smtp_security="none",
                         mail_from="chat@example.org")
    session, case_id, _ = claimed_case(client, stand_in)
    url = f"/api/v1/sessions/{session['session_id']}/notify"
    assert client.put(url, headers=session["headers"], json={"email": "no-at-sign", "consent": True}).status_code == 422
    client.put(url, headers=session["headers"], json={"email": "person@example.org", "consent": True})
    assert client.delete(url, headers=session["headers"]).status_code == 204
    with client.app.state.session_factory() as db:
        assert db.get(Escalation, case_id).notify_email is None


def test_a_new_urgent_case_is_e_mailed_to_the_counsellors_who_asked_without_content(make_client, stand_in, mailbox):
    client = make_client(smtp_host="127.0.0.1", smtp_port=mailbox.port, smtp_security="none",
                         mail_from="chat@example.org")
    wants = add_account(client, "wants@example.org", [HARZ])
    add_account(client, "quiet@example.org", [HARZ])
    add_account(client, "elsewhere@example.org", [MAGDEBURG])
    with client.app.state.session_factory() as db:
        db.get(Counsellor, wants).notify_urgent = True
        db.commit()
    session = open_session(client)
    stand_in.replies = handoff_reply()
    case_id = say(client, session, "/affirm").json()["meta"]["handoff"]["escalation_id"]
    deadline = time.monotonic() + 60
    while not mailbox.messages and time.monotonic() < deadline:
        time.sleep(0.05)
    [mail] = mailbox.messages
    body = mail.get_payload(decode=True).decode()
    assert mail["To"] == "wants@example.org"
    assert f"https://chat.example.org/dashboard/cases/{case_id}" in body
    assert RECORD["summary_user"] not in body and "Aufenthalt" not in body


def test_the_widget_history_shows_button_titles_and_the_counsellors_messages_in_order(client, stand_in, tmp_path):
    import json
    import sqlite3

    session, case_id, _ = claimed_case(client, stand_in)
    engine_db = tmp_path / "var" / "engine.db"
    consent = {"text": "هل أنقل طلبك؟", "buttons": [{"title": "نعم، انقله", "payload": "/affirm"}]}
    rows = [("user", 1.0, {"event": "user", "text": "أحتاج إلى موعد", "metadata": {"lang": "ar"}}),
            ("bot", 2.0, {"event": "bot", "data": {"custom": consent}}),
            ("user", 3.0, {"event": "user", "text": "/affirm", "metadata": {"lang": "ar"}})]
    with sqlite3.connect(engine_db) as db:
        db.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, type_name TEXT, timestamp REAL, "
                   "intent_name TEXT, action_name TEXT, data TEXT)")
        for kind, at, data in rows:
            db.execute("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, ?, ?, ?)",
                       (session["session_id"], kind, at, json.dumps(data)))
    history = client.get(f"/api/v1/sessions/{session['session_id']}/history", headers=session["headers"]).json()
    assert [(i["kind"], i["text"]) for i in history["items"][:3]] == [
        ("user", "أحتاج إلى موعد"), ("bot", "هل أنقل طلبك؟"), ("user", "نعم، انقله")]  # the title, not /affirm
    assert history["items"][1]["buttons"] == []  # answered: history, not a live question
    assert history["items"][3]["kind"] == "notice"  # the counsellor joined
    page = client.get(f"/dashboard/cases/{case_id}").text
    assert "نعم، انقله" in page and "/affirm" not in page


def test_deleting_the_conversation_deletes_messages_and_address(client, stand_in):
    session, case_id, _ = claimed_case(client, stand_in)
    say(client, session, "رسالة")
    assert client.delete(f"/api/v1/sessions/{session['session_id']}", headers=session["headers"]).status_code == 204
    with client.app.state.session_factory() as db:
        assert db.scalar(select(func.count()).select_from(CaseEvent)) == 0
        assert db.get(ChatSession, session["session_id"]) is None and db.get(Escalation, case_id) is None


def test_case_events_ids_are_the_one_cursor(client):
    session = open_session(client)
    with client.app.state.session_factory() as db:
        ids = [case_events.add(db, session_id=session["session_id"], sender="system", text=str(n)).id
               for n in range(3)]
        db.commit()
    assert ids == sorted(ids) and len(set(ids)) == 3
    assert copy.copy(ids) == ids
