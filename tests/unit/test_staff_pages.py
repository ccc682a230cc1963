"""The staff pages: who may see them, the knowledge status (live, or rejected with the errors), and the
content gaps grouped by similar question with counts and the article shown."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from api import content_gaps
from api.main import create_app
from bot.settings import load_settings
from tests.unit.dashboard_factories import HARZ, add_account, login


@pytest.fixture
def client(tmp_path):
    settings = load_settings({"ADVISOR_VAR_DIR": str(tmp_path / "var"), "ADVISOR_ENGINE_URL": "http://127.0.0.1:9"})
    with TestClient(create_app(settings), base_url="http://testserver") as test_client:
        yield test_client


def as_role(client, role):
    add_account(client, f"{role}@example.org", [HARZ] if role == "counsellor" else [], role=role)
    assert login(client, f"{role}@example.org").status_code == 303
    return client


PAGES = ("/dashboard/staff/knowledge", "/dashboard/staff/gaps")


def test_the_pages_need_a_login_and_the_staff_or_admin_role(client):
    for path in PAGES:
        reply = client.get(path, follow_redirects=False)
        assert reply.status_code == 303 and reply.headers["location"].startswith("/dashboard/login")
    as_role(client, "counsellor")
    for path in PAGES:
        assert client.get(path).status_code == 403
    assert "/dashboard/staff/gaps" not in client.get("/dashboard").text


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_and_admins_see_both_pages_and_the_links(client, role):
    as_role(client, role)
    for path in PAGES:
        assert client.get(path).status_code == 200
    assert 'href="/dashboard/staff/gaps"' in client.get("/dashboard").text


def write_status(client, **status):
    index_dir = client.app.state.settings.index_dir
    index_dir.mkdir(parents=True, exist_ok=True)
    (index_dir / "knowledge-status.json").write_text(json.dumps(status), encoding="utf-8")


def test_the_knowledge_page_names_each_error_and_says_the_old_version_still_answers(client):
    as_role(client, "staff")
    assert "noch keine Änderung geprüft" in client.get("/dashboard/staff/knowledge").text
    write_status(client, state="rejected", checked_at="2026-12-07T23:40:00+00:00", build_id="20261207T2300Z-ab",
                 last_live_at="2026-12-07T23:00:00+00:00", changed=["articles/residence/eu-blue-card.de.md"],
                 error_count=1, warning_count=0, warnings=[], errors=[{
                     "file": "articles/residence/eu-blue-card.de.md", "line": 9, "field": "last_reviewed",
                     "message": "write the date as YYYY-MM-DD, e.g. 2026-01-10"}])
    page = client.get("/dashboard/staff/knowledge").text
    assert "Nicht übernommen" in page and "1 Fehler" in page
    assert "letzten fehlerfreien Stand (20261207T2300Z-ab, live seit 07.12.2026 23:00 UTC)" in page
    assert "write the date as YYYY-MM-DD" in page and "<td>9</td>" in page
    write_status(client, state="live", checked_at="2026-12-07T23:41:00+00:00", build_id="20261207T2341Z-cd",
                 embedded=2, changed=[], error_count=0, errors=[], warning_count=1, warnings=[{
                     "file": "articles/residence/eu-blue-card.de.md", "line": 0, "field": "translations",
                     "message": "the German text changed since the translations en were last brought up to date"}])
    page = client.get("/dashboard/staff/knowledge").text
    assert "Live: die Änderung vom 07.12.2026 23:41 UTC ist in Betrieb" in page
    assert "2 Abschnitt(e) neu eingelesen" in page and "changed since the translations en" in page
    assert "Gerade wird" not in page
    # Saved again: while the check runs, the page says so (and still shows the last result).
    write_status(client, state="live", checked_at="2026-12-07T23:41:00+00:00", build_id="20261207T2341Z-cd",
                 errors=[], warnings=[], checking={"since": "2026-12-07T23:50:00+00:00", "changed": []})
    page = client.get("/dashboard/staff/knowledge").text
    assert "Gerade wird eine Änderung geprüft (seit 07.12.2026 23:50 UTC)" in page and "Live:" in page


def test_the_gap_page_groups_similar_questions_with_counts_and_the_article_shown(client):
    with client.app.state.session_factory() as db:
        for kind, text, lang, article in [
            ("refused", "Wie kann ich meinen Führerschein umschreiben lassen?", "de", None),
            ("not_helpful", "Führerschein umschreiben lassen, wie geht das? Tel 0170 1234567", "de", "first-steps"),
            ("handoff", "wie kann ich meinen führerschein umschreiben", "uk", None),
            ("refused", "Kann mein Hund mit nach Deutschland?", "de", None),
            ("helpful", None, "de", "eu-blue-card"),
        ]:
            content_gaps.record(db, kind, text, lang, article_id=article)
        db.commit()
    as_role(client, "staff")
    page = client.get("/dashboard/staff/gaps").text
    assert "2 × keine Antwort, 1 × an eine Person, 1 × „hat nicht geholfen“" in page
    first = page.index("Führerschein")
    assert first < page.index("Kann mein Hund")  # the biggest group first
    assert '<td class="gap-count">3</td>' in page and "(<code>first-steps</code>)" in page
    assert "0170" not in page and "[Telefon]" in page
    assert "Ukrainisch" in page
    assert "(<code>eu-blue-card</code>)</td><td>1</td><td>0</td>" in page


def test_an_admin_creates_a_content_editor_who_sees_the_staff_pages_but_no_admin_page(client):
    from sqlalchemy import select

    from api.models import Counsellor
    from tests.unit.dashboard_factories import PASSWORD, page_csrf

    as_role(client, "admin")
    token = page_csrf(client, "/dashboard/admin/accounts")
    created = client.post("/dashboard/admin/accounts", follow_redirects=False, data={
        "csrf_token": token, "email": "redaktion@example.org", "name": "Redaktion", "password": PASSWORD,
        "role": "staff"})
    assert created.status_code == 303
    with client.app.state.session_factory() as db:
        assert db.scalar(select(Counsellor.role).where(Counsellor.email == "redaktion@example.org")) == "staff"
    client.cookies.clear()
    assert login(client, "redaktion@example.org").status_code == 303
    assert client.get("/dashboard/staff/gaps").status_code == 200
    assert client.get("/dashboard/admin/accounts").status_code == 403
