"""Counsellor dashboard permissions: login, login throttling, CSRF, offices, claims, admin pages."""

from __future__ import annotations

import html

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api import case_events, offices
from api.main import create_app
from api.models import AuditLog, CaseEvent, Counsellor, Escalation
from bot import texts
from bot.i18n import translate
from bot.settings import load_settings
from tests.unit.dashboard_factories import (
    HARZ,
    MAGDEBURG,
    PASSWORD,
    add_account,
    add_case,
    csrf_of,
    login,
    page_csrf,
)


@pytest.fixture
def client(tmp_path):
    # The engine's port is closed: no test may pause a conversation in someone's running engine.
    settings = load_settings({"ADVISOR_VAR_DIR": str(tmp_path / "var"), "ADVISOR_ENGINE_URL": "http://127.0.0.1:9"})
    with TestClient(create_app(settings), base_url="http://testserver") as test_client:
        yield test_client


@pytest.fixture
def harz(client):
    add_account(client, "harz@example.org", [HARZ], name="Frau Harz")
    assert login(client, "harz@example.org").status_code == 303
    return client


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    case_id = add_case(client, HARZ, "15085")
    for path in ("/dashboard", f"/dashboard/cases/{case_id}", "/dashboard/admin/accounts"):
        reply = client.get(path, follow_redirects=False)
        assert reply.status_code == 303
        assert reply.headers["location"].startswith("/dashboard/login?next=")
    reply = client.post(f"/dashboard/cases/{case_id}/claim", data={"csrf_token": "x"}, follow_redirects=False)
    assert reply.status_code == 303 and reply.headers["location"].startswith("/dashboard/login")


def test_login_sets_a_protected_session_cookie_and_shows_the_queue(client):
    add_account(client, "harz@example.org", [HARZ])
    reply = login(client, "Harz@Example.org")
    assert reply.status_code == 303 and reply.headers["location"] == "/dashboard"
    cookie = next(h for h in reply.headers.get_list("set-cookie") if h.startswith("advisor_dashboard="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    page = client.get("/dashboard")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_cookies_are_secure_over_https(tmp_path):
    settings = load_settings({"ADVISOR_VAR_DIR": str(tmp_path / "var")})
    with TestClient(create_app(settings), base_url="https://testserver") as client:
        add_account(client, "a@example.org", [HARZ])
        reply = login(client, "a@example.org")
        cookie = next(h for h in reply.headers.get_list("set-cookie") if h.startswith("advisor_dashboard="))
        assert "Secure" in cookie


def test_login_without_csrf_token_is_refused(client):
    add_account(client, "harz@example.org", [HARZ])
    client.get("/dashboard/login")
    reply = client.post("/dashboard/login", data={"email": "harz@example.org", "password": PASSWORD})
    assert reply.status_code == 403
    assert "advisor_dashboard" not in client.cookies


def _from(client: TestClient, address: str) -> TestClient:
    """Another browser, at another address, on the same app."""
    other = TestClient(client.app, base_url="http://testserver", client=(address, 40000))
    return other


def _audited(client, action: str) -> list:
    with client.app.state.session_factory() as db:
        return list(db.scalars(select(AuditLog).where(AuditLog.action == action)))


def test_failed_logins_slow_a_stranger_but_never_lock_the_counsellor_out(client):
    account_id = add_account(client, "harz@example.org", [HARZ])
    own = _from(client, "198.51.100.10")
    assert login(own, "harz@example.org").status_code == 303  # her browser: now a trusted device
    device = next(h for h in own.cookies.jar if h.name == "advisor_device")
    assert device.value and "harz" not in device.value
    stranger = _from(client, "203.0.113.66")
    statuses = [login(stranger, "harz@example.org", f"guess-{n}-password").status_code for n in range(6)]
    assert statuses == [401] * 5 + [429]
    # The stranger waits even with the right password (no hint that it was right) ...
    throttled = login(stranger, "harz@example.org")
    assert throttled.status_code == 429 and int(throttled.headers["retry-after"]) >= 1
    assert "advisor_dashboard" not in stranger.cookies
    # ... while the counsellor's own browser logs in at once.
    assert login(own, "harz@example.org").status_code == 303
    assert {entry.target_counsellor_id for entry in _audited(client, "login_failed")} == {account_id}
    assert len(_audited(client, "login_failed")) == 5 and len(_audited(client, "login_throttled")) == 2


def test_unknown_and_existing_accounts_are_throttled_alike(client):
    add_account(client, "harz@example.org", [HARZ])
    patterns = []
    for email, address in (("harz@example.org", "203.0.113.1"), ("nobody@example.org", "203.0.113.2")):
        browser = _from(client, address)
        patterns.append([login(browser, email, f"guess-{n}-password").status_code for n in range(7)])
    assert patterns[0] == patterns[1] == [401] * 5 + [429] * 2


def test_guessing_from_many_addresses_is_slowed_per_account(client):
    add_account(client, "harz@example.org", [HARZ])
    statuses = [login(_from(client, f"203.0.113.{n}"), "harz@example.org", "wrong-password-123").status_code
                for n in range(1, 23)]
    assert statuses.count(401) == 20 and statuses[-2:] == [429, 429]


def test_a_disabled_account_cannot_log_in(client):
    add_account(client, "old@example.org", [HARZ], active=False)
    reply = login(client, "old@example.org")
    assert reply.status_code == 401 and "advisor_dashboard" not in client.cookies


def test_the_queue_shows_only_the_counsellors_offices_urgent_first(harz):
    calm = add_case(harz, HARZ, "15085", summary_de="Thema: Aufenthalt. Ruhig.")
    urgent = add_case(harz, HARZ, "15085", urgent=True, summary_de="Thema: Aufenthalt. Dringend.")
    other = add_case(harz, MAGDEBURG, "15003", summary_de="Thema: Aufenthalt. Magdeburg.")
    page = harz.get("/dashboard").text
    assert urgent in page and calm in page and other not in page
    assert page.index(urgent) < page.index(calm)
    assert "Harz" in page  # the district


def test_queue_filters_and_search(harz):
    found = add_case(harz, HARZ, "15085", summary_user="Blaue Karte verlängern", lang="de")
    arabic = add_case(harz, HARZ, "15085", summary_user="بطاقة", lang="ar")
    page = harz.get("/dashboard", params={"q": "blaue"}).text
    assert found in page and arabic not in page
    page = harz.get("/dashboard", params={"case_lang": "ar"}).text
    assert arabic in page and found not in page
    page = harz.get("/dashboard", params={"status": "closed"}).text
    assert found not in page


def test_a_harz_counsellor_cannot_open_or_claim_a_magdeburg_case(harz):
    other = add_case(harz, MAGDEBURG, "15003")
    assert harz.get(f"/dashboard/cases/{other}").status_code == 404
    token = page_csrf(harz)
    assert harz.post(f"/dashboard/cases/{other}/claim", data={"csrf_token": token}).status_code == 404
    with harz.app.state.session_factory() as db:
        assert db.get(Escalation, other).status == "new"
    # Both attempts are in the audit log; an id that names no case is not (nothing to record).
    assert harz.get("/dashboard/cases/" + "f" * 32).status_code == 404
    assert [entry.escalation_id for entry in _audited(harz, "access_denied")] == [other, other]


def test_posts_without_the_csrf_token_are_refused(harz):
    case_id = add_case(harz, HARZ, "15085")
    assert harz.post(f"/dashboard/cases/{case_id}/claim").status_code == 403
    assert harz.post(f"/dashboard/cases/{case_id}/claim", data={"csrf_token": "forged"}).status_code == 403
    assert harz.post("/dashboard/logout").status_code == 403
    with harz.app.state.session_factory() as db:
        assert db.get(Escalation, case_id).status == "new"


def test_claim_reply_and_close_reach_the_widget_and_the_audit_log(harz):
    case_id = add_case(harz, HARZ, "15085")
    token = page_csrf(harz)
    harz.post(f"/dashboard/cases/{case_id}/claim", data={"csrf_token": token})
    page = harz.get(f"/dashboard/cases/{case_id}").text
    assert "Frau Harz" in page and 'id="send-reply"' in page
    with harz.app.state.session_factory() as db:
        session_id = db.get(Escalation, case_id).session_id
    reply = harz.post(f"/dashboard/cases/{case_id}/reply",
                      data={"csrf_token": token, "text": "Guten Tag, ich helfe Ihnen."})
    assert reply.status_code == 200 and "Guten Tag, ich helfe Ihnen." in reply.text
    with harz.app.state.session_factory() as db:
        published = [case_events.widget_view(e, "de") for e in case_events.for_widget(db, session_id, 0)]
    # The person sees who answers by the name the account shows them, never the surname.
    assert [(m["from"], m["kind"]) for m in published] == [("system", "claimed"), ("counsellor", "message")]
    assert published[-1]["name"] == "Eine Beraterin oder ein Berater von Landkreis Harz – Ausländerbehörde"
    assert published[-1]["text"] == "Guten Tag, ich helfe Ihnen." and published[-1]["lang_note"] is None
    harz.post(f"/dashboard/cases/{case_id}/close", data={"csrf_token": token})
    with harz.app.state.session_factory() as db:
        stored = db.scalars(select(CaseEvent).where(CaseEvent.sender == "counsellor")).all()
        assert [(e.session_id, e.text, str(e.id)) for e in stored] == [
            (session_id, "Guten Tag, ich helfe Ihnen.", published[-1]["id"])]
        escalation = db.get(Escalation, case_id)
        assert escalation.status == "closed" and escalation.closed_at is not None
        actions = [a.action for a in db.scalars(select(AuditLog).where(AuditLog.escalation_id == case_id))]
    assert {"viewed", "claimed", "answered", "closed"} <= set(actions)


def test_a_case_claimed_by_a_colleague_cannot_be_answered(client):
    add_account(client, "first@example.org", [HARZ], name="Erste")
    add_account(client, "second@example.org", [HARZ], name="Zweite")
    case_id = add_case(client, HARZ, "15085")
    login(client, "first@example.org")
    client.post(f"/dashboard/cases/{case_id}/claim", data={"csrf_token": page_csrf(client)})
    client.cookies.clear()
    login(client, "second@example.org")
    token = page_csrf(client)
    page = client.get(f"/dashboard/cases/{case_id}").text
    assert "Erste" in page and 'id="send-reply"' not in page
    assert client.post(f"/dashboard/cases/{case_id}/claim", data={"csrf_token": token}).status_code == 409
    answer = client.post(f"/dashboard/cases/{case_id}/reply", data={"csrf_token": token, "text": "Hallo"})
    assert answer.status_code == 403
    assert client.post(f"/dashboard/cases/{case_id}/close", data={"csrf_token": token}).status_code == 403


def test_admin_pages_refuse_counsellors(harz):
    token = page_csrf(harz)
    assert harz.get("/dashboard/admin/accounts").status_code == 403
    assert harz.get("/dashboard/admin/canned").status_code == 403
    created = harz.post("/dashboard/admin/accounts", data={
        "csrf_token": token, "email": "new@example.org", "name": "Neu", "password": PASSWORD, "role": "admin"})
    assert created.status_code == 403
    with harz.app.state.session_factory() as db:
        assert db.scalar(select(Counsellor).where(Counsellor.email == "new@example.org")) is None


def test_an_admin_sees_every_case_creates_disables_and_resets_accounts(client):
    add_account(client, "admin@example.org", [], role="admin")
    magdeburg = add_case(client, MAGDEBURG, "15003")
    login(client, "admin@example.org")
    assert client.get(f"/dashboard/cases/{magdeburg}").status_code == 200
    token = page_csrf(client, "/dashboard/admin/accounts")
    weak = client.post("/dashboard/admin/accounts", data={
        "csrf_token": token, "email": "md@example.org", "name": "Magdeburg", "password": "short", "role": "counsellor"})
    assert weak.status_code == 422
    created = client.post("/dashboard/admin/accounts", data={
        "csrf_token": token, "email": "md@example.org", "name": "Herr Elbe", "password": PASSWORD,
        "role": "counsellor", "offices": [MAGDEBURG, "no-such-office"]})
    assert created.status_code == 200
    with client.app.state.session_factory() as db:
        account = db.scalar(select(Counsellor).where(Counsellor.email == "md@example.org"))
        assert account.offices == [MAGDEBURG] and account.role == "counsellor"
    client.post(f"/dashboard/admin/accounts/{account.id}/active", data={"csrf_token": token, "active": "0"})
    client.post(f"/dashboard/admin/accounts/{account.id}/password",
                data={"csrf_token": token, "password": "Neues-Passwort-2027"})
    client.cookies.clear()
    assert login(client, "md@example.org", "Neues-Passwort-2027").status_code == 401  # disabled
    with client.app.state.session_factory() as db:
        db.get(Counsellor, account.id).active = True
        db.commit()
    assert login(client, "md@example.org", PASSWORD).status_code == 401  # the old password is gone
    assert login(client, "md@example.org", "Neues-Passwort-2027").status_code == 303


def test_disabling_an_account_ends_its_open_sessions(client):
    harz_id = add_account(client, "harz@example.org", [HARZ])
    login(client, "harz@example.org")
    assert client.get("/dashboard", follow_redirects=False).status_code == 200
    with client.app.state.session_factory() as db:
        db.get(Counsellor, harz_id).active = False
        db.commit()
    assert client.get("/dashboard", follow_redirects=False).status_code == 303


def test_login_redirect_never_leaves_the_dashboard(client):
    add_account(client, "harz@example.org", [HARZ])
    page = client.get("/dashboard/login", params={"next": "https://evil.example/"})
    reply = client.post("/dashboard/login", data={"email": "harz@example.org", "password": PASSWORD,
                                                  "csrf_token": csrf_of(page.text), "next": "//evil.example/"},
                        follow_redirects=False)
    assert reply.headers["location"] == "/dashboard"


# --- a busy morning: views, filters, readable names, the person's language and last message -------

def test_my_cases_and_unclaimed_views_and_office_and_urgency_filters(client):
    me = add_account(client, "both@example.org", [HARZ, MAGDEBURG], name="Frau Beide")
    colleague = add_account(client, "other@example.org", [HARZ], name="Herr Anders")
    mine = add_case(client, HARZ, "15085", status="claimed", summary_user="meiner")
    theirs = add_case(client, HARZ, "15085", status="claimed", summary_user="deren")
    free = add_case(client, MAGDEBURG, "15003", summary_user="frei")
    urgent = add_case(client, HARZ, "15085", urgent=True, summary_user="dringend")
    with client.app.state.session_factory() as db:
        db.get(Escalation, mine).claimed_by = me
        db.get(Escalation, theirs).claimed_by = colleague
        db.commit()
    assert login(client, "both@example.org").status_code == 303

    def shown(**params):
        page = client.get("/dashboard", params=params)
        assert page.status_code == 200
        return {case for case in (mine, theirs, free, urgent) if case in page.text}

    assert shown() == {mine, theirs, free, urgent}
    assert shown(view="mine") == {mine}
    assert shown(view="unclaimed") == {free, urgent}
    assert shown(office=MAGDEBURG) == {free}
    assert shown(urgency="urgent") == {urgent}
    assert shown(urgency="normal", view="unclaimed") == {free}
    assert shown(office="abh-somewhere-else") == {mine, theirs, free, urgent}  # not one of mine: ignored
    # The live table keeps the same filters.
    table = client.get("/dashboard/queue-table", params={"view": "mine"}).text
    assert mine in table and free not in table


def test_statuses_topics_and_languages_read_as_german_words(harz):
    case = add_case(harz, HARZ, "15085", lang="ar", summary_user="بطاقة")
    page = harz.get("/dashboard", params={"lang": "de"}).text
    assert translate("de", texts.BUTTON_RESIDENCE) in page and ">residence<" not in page
    assert translate("de", texts.DASHBOARD_STATUS_NEW) in page
    assert "Arabisch" in page and translate("de", texts.DASHBOARD_VIEW_MINE) in page
    assert translate("de", texts.DASHBOARD_LAST_MESSAGE) in page
    case_page = harz.get(f"/dashboard/cases/{case}").text
    assert '<dd id="case-status">' + translate("de", texts.DASHBOARD_STATUS_NEW) in case_page
    assert "Arabisch" in case_page and "العربية" in case_page
    assert translate("de", texts.DASHBOARD_LAST_MESSAGE) in case_page
    assert translate("de", texts.DASHBOARD_AGE_MINUTES, count=0) in case_page


def test_an_admin_changes_a_counsellors_offices_and_it_is_audited(client):
    add_account(client, "admin@example.org", [], role="admin")
    counsellor = add_account(client, "harz@example.org", [HARZ], name="Frau Harz")
    login(client, "admin@example.org")
    token = page_csrf(client, "/dashboard/admin/accounts")
    changed = client.post(f"/dashboard/admin/accounts/{counsellor}/offices",
                          data={"csrf_token": token, "offices": [MAGDEBURG]}, follow_redirects=False)
    assert changed.status_code == 303
    with client.app.state.session_factory() as db:
        assert db.get(Counsellor, counsellor).offices == [MAGDEBURG]
        entries = db.scalars(select(AuditLog).where(AuditLog.action == "offices_changed")).all()
        assert [e.target_counsellor_id for e in entries] == [counsellor]
    # The accounts page names the office, not its id.
    row = client.get("/dashboard/admin/accounts").text.split("harz@example.org")[1].split("<details>")[0]
    name = {c.id: c.name for c in offices.directory(client.app.state.settings.knowledge_dir)}[MAGDEBURG]
    assert html.escape(name, quote=False) in row and MAGDEBURG not in row
