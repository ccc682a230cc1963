"""POST /internal/escalations: only the action server (shared secret) records, only with consent."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.main import create_app
from api.models import Escalation
from bot.settings import SettingsError, load_settings

TOKEN = "test-internal-token"
BODY = {
    "session_id": "a" * 32, "lang": "ar", "district_code": "15082", "topic": "residence",
    "contact_id": "abh-anhalt-bitterfeld", "summary_de": "Thema: Aufenthalt.",
    "summary_user": "أعيش في كوتن وأحتاج إلى التحدث مع شخص", "consent": True, "urgent": True,
}


@pytest.fixture
def client(tmp_path):
    settings = load_settings({"ADVISOR_VAR_DIR": str(tmp_path / "var"), "ADVISOR_INTERNAL_TOKEN": TOKEN})
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def stored(client):
    with client.app.state.session_factory() as db:
        return db.scalars(select(Escalation)).all()


def test_escalation_is_stored_with_the_secret(client):
    reply = client.post("/internal/escalations", json=BODY, headers={"X-Internal-Token": TOKEN})

    assert reply.status_code == 201, reply.text
    [row] = stored(client)
    assert reply.json() == {"escalation_id": row.id, "status": "new"}
    assert (row.district_code, row.contact_id, row.lang, row.urgent, row.consent) == (
        "15082", "abh-anhalt-bitterfeld", "ar", True, True)
    assert row.summary_user == BODY["summary_user"] and row.consent_at is not None


@pytest.mark.parametrize("headers", [{}, {"X-Internal-Token": "wrong"}])
def test_without_the_secret_nothing_is_stored(client, headers):
    reply = client.post("/internal/escalations", json=BODY, headers=headers)

    assert reply.status_code == 401
    assert stored(client) == []


def test_no_escalation_without_consent(client):
    reply = client.post("/internal/escalations", json=dict(BODY, consent=False), headers={"X-Internal-Token": TOKEN})

    assert reply.status_code == 422
    assert stored(client) == []


def test_unknown_district_and_long_summary_are_refused(client):
    headers = {"X-Internal-Token": TOKEN}
    assert client.post("/internal/escalations", json=dict(BODY, district_code="09162"), headers=headers).status_code == 422
    assert client.post("/internal/escalations", json=dict(BODY, summary_user="x" * 301), headers=headers).status_code == 422
    assert stored(client) == []


def test_demo_internal_token_refused_outside_development():
    with pytest.raises(SettingsError, match="ADVISOR_INTERNAL_TOKEN"):
        load_settings({"ADVISOR_ENVIRONMENT": "production", "ADVISOR_ENGINE_TOKEN": "x" * 32})
