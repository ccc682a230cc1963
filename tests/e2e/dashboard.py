"""A counsellor at the dashboard over HTTP (the forms a browser posts), and the app database of a stack."""

from __future__ import annotations

import re
from contextlib import contextmanager

import httpx
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from api.auth import hash_password
from api.models import Counsellor, Escalation

PASSWORD = "Domplatz-Elbufer-2026"


@contextmanager
def app_db(stack):
    engine = create_engine(f"sqlite:///{stack.var_dir / 'app.db'}")
    try:
        with Session(engine) as db:
            yield db
    finally:
        engine.dispose()


def add_counsellor(stack, email: str, offices, name: str, public_name: str = "") -> int:
    with app_db(stack) as db:
        found = db.scalar(select(Counsellor).where(Counsellor.email == email))
        if found is not None:
            return found.id
        account = Counsellor(email=email, name=name, password_hash=hash_password(PASSWORD), role="counsellor",
                             active=True, failed_logins=0, offices=list(offices), public_name=public_name)
        db.add(account)
        db.commit()
        return account.id


def cases(stack, session_id: str):
    with app_db(stack) as db:
        return db.scalars(select(Escalation).where(Escalation.session_id == session_id)).all()


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no form with a CSRF token"
    return match.group(1)


class Counsellor_:
    """One logged-in browser of a counsellor."""

    def __init__(self, base_url: str, email: str):
        self.http = httpx.Client(base_url=base_url, timeout=60)
        page = self.http.get("/dashboard/login")
        reply = self.http.post("/dashboard/login", data={"email": email, "password": PASSWORD,
                                                          "csrf_token": csrf_of(page.text)})
        assert reply.status_code in (200, 303), reply.text
        self.csrf = csrf_of(self.http.get("/dashboard").text)

    def case_page(self, case_id: str) -> str:
        page = self.http.get(f"/dashboard/cases/{case_id}")
        assert page.status_code == 200, page.text
        return page.text

    def post(self, case_id: str, action: str, **form) -> httpx.Response:
        return self.http.post(f"/dashboard/cases/{case_id}/{action}", data={"csrf_token": self.csrf, **form})

    def close(self) -> None:
        self.http.close()
