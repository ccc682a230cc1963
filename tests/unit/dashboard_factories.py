"""Small factories for the dashboard tests: an app on a temporary database, accounts, cases, a logged-in client."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from api.auth import hash_password
from api.models import ChatSession, Counsellor, Escalation, hash_token, utcnow

PASSWORD = "Kastanienbaum-Wolke-7"
#: Offices in knowledge/contacts/authorities.yml.
HARZ = "abh-harz"
MAGDEBURG = "abh-magdeburg"


def add_account(client: TestClient, email: str, offices: list[str], role: str = "counsellor",
                active: bool = True, name: str | None = None) -> int:
    with client.app.state.session_factory() as db:
        account = Counsellor(email=email, name=name or email.split("@")[0].title(), role=role, active=active,
                             password_hash=hash_password(PASSWORD), failed_logins=0, offices=offices)
        db.add(account)
        db.commit()
        return account.id


def add_case(client: TestClient, contact_id: str, district: str, urgent: bool = False, status: str = "new",
             summary_de: str = "Thema: Aufenthalt.", summary_user: str = "Mein Titel läuft ab",
             lang: str = "de", closed_at=None, with_session: bool = True) -> str:
    with client.app.state.session_factory() as db:
        escalation = Escalation(session_id=None, lang=lang, district_code=district, topic="residence",
                                contact_id=contact_id, summary_de=summary_de, summary_user=summary_user,
                                consent=True, consent_at=utcnow(), urgent=urgent, status=status,
                                closed_at=closed_at)
        session = ChatSession(token_hash=hash_token("t-" + summary_user), lang=lang)
        db.add(session)
        db.flush()
        escalation.session_id = session.id
        if not with_session:
            db.delete(session)
        db.add(escalation)
        db.commit()
        return escalation.id


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page has no form with a CSRF token"
    return match.group(1)


def login(client: TestClient, email: str, password: str = PASSWORD):
    """POST the login form the way a browser does; returns the response (303 on success)."""
    page = client.get("/dashboard/login")
    return client.post("/dashboard/login", data={"email": email, "password": password,
                                                 "csrf_token": csrf_of(page.text)}, follow_redirects=False)


def page_csrf(client: TestClient, path: str = "/dashboard") -> str:
    reply = client.get(path)
    assert reply.status_code == 200, reply.text
    return csrf_of(reply.text)
