"""Recording escalations exactly once: the handoff action returns the case in its reply, the gateway
stores it and fills in its id.

``action_handoff`` (actions/handoff.py) puts the case it wants recorded under
``custom.meta.handoff.record`` of its message (what ``EscalationRequest`` describes, with the handoff's
own ``request_key``). ``record_replies`` takes it out of every reply before the public response is
built, records it and writes the id into ``meta.handoff.escalation_id``. Recording is idempotent:

- the same ``request_key`` (the same handoff, retried after a crash: the action sends it again when the
  person presses "yes" once more) finds its case;
- an open case (new or claimed) of the same conversation and office is found instead of adding a second
  (a unique index makes that hold under concurrent requests too).

So whichever process dies where around the consent, the person's retry shows the confirmation and the
contact card again and exactly one case exists. Nothing of a case is logged but ids.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field, ValidationError, field_validator
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api import case_events, content_gaps, mail
from api.models import OPEN_STATUSES, ChatSession, Escalation, utcnow
from bot import SUPPORTED_LANGUAGES
from bot.contacts.districts import is_district_code

logger = logging.getLogger(__name__)

#: The person's own words are cut to this length by the action; the gateway enforces it too.
MAX_SUMMARY_USER = 300
MAX_SUMMARY_DE = 2000


class EscalationRequest(BaseModel):
    """What the handoff action asks the gateway to record (only ever with the person's consent)."""

    request_key: str = Field(min_length=8, max_length=64)
    lang: str
    district_code: str | None = None
    topic: str = Field(min_length=1, max_length=32)
    contact_id: str = Field(min_length=1, max_length=64)
    summary_de: str = Field(max_length=MAX_SUMMARY_DE)
    summary_user: str = Field(max_length=MAX_SUMMARY_USER)
    consent: bool
    consent_at: dt.datetime | None = None
    urgent: bool = False
    #: Ids of the articles the bot had shown before, newest last (the content-gap page names the last).
    articles: list[str] = Field(default_factory=list, max_length=10)

    @field_validator("lang")
    @classmethod
    def _supported(cls, value: str) -> str:
        if value not in SUPPORTED_LANGUAGES:
            raise ValueError(f"lang must be one of {', '.join(SUPPORTED_LANGUAGES)}")
        return value

    @field_validator("district_code")
    @classmethod
    def _district(cls, value: str | None) -> str | None:
        if value is not None and not is_district_code(value):
            raise ValueError("district_code must be a Kreisschlüssel of Sachsen-Anhalt (15001-15091)")
        return value


class RecordFailed(Exception):
    """The case could not be stored; the person should send the same answer again."""


def _existing(db: Session, session_id: str, request: EscalationRequest) -> Escalation | None:
    found = db.scalar(select(Escalation).where(Escalation.request_key == request.request_key))
    if found is not None and found.session_id == session_id:
        return found
    return db.scalar(select(Escalation).where(
        Escalation.session_id == session_id, Escalation.contact_id == request.contact_id,
        Escalation.status.in_(OPEN_STATUSES)))


def record(db: Session, session_id: str, request: EscalationRequest) -> tuple[Escalation, bool]:
    """(the case, whether it is new). Commits. The session id is the caller's, never the action's."""
    if not request.consent:
        raise ValueError("no escalation without consent")
    found = _existing(db, session_id, request)
    if found is not None:
        return found, False
    escalation = Escalation(
        session_id=session_id, lang=request.lang, district_code=request.district_code, topic=request.topic,
        contact_id=request.contact_id, summary_de=request.summary_de, summary_user=request.summary_user,
        consent=True, consent_at=request.consent_at or utcnow(), urgent=request.urgent, status="new",
        request_key=request.request_key,
    )
    db.add(escalation)
    try:
        db.flush()
    except IntegrityError:
        # Another request recorded the same handoff a moment ago: that one is the case. (Nothing else
        # is pending in this transaction, so rolling all of it back loses nothing.)
        db.rollback()
        found = _existing(db, session_id, request)
        if found is None:
            raise
        return found, False
    case_events.add(db, session_id=session_id, sender="system", action="created", escalation=escalation)
    # For the content-gap page: the person's words, scrubbed, linked to no case. Not for an urgent case:
    # it went to a person without an article being tried (no content gap), and its words (violence,
    # exploitation, a deadline) are the last that should outlive the case.
    if not request.urgent:
        content_gaps.record(db, "handoff", request.summary_user, request.lang, topic=request.topic,
                            article_id=request.articles[-1] if request.articles else None)
    db.commit()
    logger.info("escalation %s recorded for %s (district %s, urgent %s)", escalation.id, request.contact_id,
                request.district_code or "-", request.urgent)
    return escalation, True


def _handoff_of(reply: Any) -> dict[str, Any] | None:
    custom = reply.get("custom") if isinstance(reply, dict) else None
    meta = custom.get("meta") if isinstance(custom, dict) else None
    handoff = meta.get("handoff") if isinstance(meta, dict) else None
    return handoff if isinstance(handoff, dict) else None


def _record_all(db: Session, settings, session: ChatSession, replies: list[Any]) -> list[Escalation]:
    """Record every case the replies carry; the new ones (for notifications)."""
    created: list[Escalation] = []
    for reply in replies:
        handoff = _handoff_of(reply)
        if handoff is None or "record" not in handoff:
            continue
        raw = handoff.pop("record")
        try:
            request = EscalationRequest.model_validate(raw)
        except ValidationError as exc:
            # The action and the gateway disagree (a bug): say so without any of the content.
            logger.warning("escalation request refused: %s", [e["loc"] for e in exc.errors()])
            raise RecordFailed("invalid request") from None
        try:
            escalation, new = record(db, session.id, request)
        except Exception as exc:  # noqa: BLE001
            db.rollback()
            logger.warning("escalation not recorded: %s", type(exc).__name__)
            raise RecordFailed(type(exc).__name__) from None
        handoff["escalation_id"] = escalation.id
        # What the widget offers next: keep the chat on this device, and (with SMTP) an e-mail notice.
        handoff["followup"] = {"keep_days": settings.escalation_retention_days,
                               "email": mail.enabled(settings)}
        if new:
            created.append(escalation)
    return created


async def record_replies(request: Request, db: Session, session: ChatSession,
                         replies: list[Any]) -> list[Any]:
    """Record the cases in the engine's ``replies`` (in place) and return them; RecordFailed when that failed.

    A new urgent case is also e-mailed (without content) to its office's counsellors who asked for it.
    """
    if not any(_handoff_of(r) and "record" in _handoff_of(r) for r in replies):
        return replies
    settings = request.app.state.settings
    created = await run_in_threadpool(_record_all, db, settings, session, replies)
    urgent = [e.id for e in created if e.urgent]
    if urgent and mail.enabled(settings):
        mail.in_background(request.app, mail.urgent_case_mails, urgent)
    return replies
