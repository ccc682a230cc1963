"""``POST /internal/escalations``: the action server records a handoff the user consented to.

Only the action server calls it, with the shared secret (setting ``internal_token``) in the
``X-Internal-Token`` header; anything else gets 401. Nothing of the body is logged.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
from typing import Annotated, Optional

from fastapi import APIRouter, Header
from pydantic import BaseModel, Field, field_validator

from api.deps import SessionDep, SettingsDep
from api.errors import ApiError
from api.models import Escalation, utcnow
from bot import SUPPORTED_LANGUAGES, texts
from bot.contacts.districts import is_district_code

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/internal", tags=["internal"], include_in_schema=False)

#: The user's own words are cut to this length by the action; the gateway enforces it too.
MAX_SUMMARY_USER = 300
MAX_SUMMARY_DE = 2000


class EscalationCreate(BaseModel):
    session_id: str = Field(min_length=1, max_length=64)
    lang: str
    district_code: Optional[str] = None
    topic: str = Field(min_length=1, max_length=32)
    contact_id: str = Field(min_length=1, max_length=64)
    summary_de: str = Field(max_length=MAX_SUMMARY_DE)
    summary_user: str = Field(max_length=MAX_SUMMARY_USER)
    consent: bool
    consent_at: Optional[dt.datetime] = None
    urgent: bool = False

    @field_validator("lang")
    @classmethod
    def _supported(cls, value: str) -> str:
        if value not in SUPPORTED_LANGUAGES:
            raise ValueError(f"lang must be one of {', '.join(SUPPORTED_LANGUAGES)}")
        return value

    @field_validator("district_code")
    @classmethod
    def _district(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and not is_district_code(value):
            raise ValueError("district_code must be a Kreisschlüssel of Sachsen-Anhalt (15001-15091)")
        return value


class EscalationCreated(BaseModel):
    escalation_id: str
    status: str


def _check_token(settings, token: Optional[str]) -> None:
    if not token or not hmac.compare_digest(token.encode(), settings.internal_token.encode()):
        raise ApiError(401, "unauthorized", texts.ERROR_BAD_TOKEN)


@router.post("/escalations", status_code=201, response_model=EscalationCreated)
def create_escalation(body: EscalationCreate, db: SessionDep, settings: SettingsDep,
                      x_internal_token: Annotated[Optional[str], Header()] = None) -> EscalationCreated:
    _check_token(settings, x_internal_token)
    if not body.consent:
        # No escalation without consent: the action never sends one, and none is stored.
        raise ApiError(422, "no_consent", texts.ERROR_INVALID_JSON)
    escalation = Escalation(
        session_id=body.session_id, lang=body.lang, district_code=body.district_code, topic=body.topic,
        contact_id=body.contact_id, summary_de=body.summary_de, summary_user=body.summary_user,
        consent=True, consent_at=body.consent_at or utcnow(), urgent=body.urgent, status="new",
    )
    db.add(escalation)
    db.commit()
    logger.info("escalation %s recorded for %s (district %s, urgent %s)", escalation.id,
                body.contact_id, body.district_code or "-", body.urgent)
    return EscalationCreated(escalation_id=escalation.id, status=escalation.status)
