"""Development-only routes for seeding data in browser tests; mounted only with ADVISOR_DEV_ROUTES=1
in development (``bot.settings`` refuses the switch anywhere else)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api import case_events
from api.deps import SessionDep, SettingsDep
from api.errors import ApiError
from api.models import ChatSession
from bot import texts

router = APIRouter(prefix="/dev", tags=["development"], include_in_schema=False)


class PublishRequest(BaseModel):
    session_id: str
    text: str = Field(min_length=1)
    name: str | None = None
    sender: Literal["counsellor", "system"] = Field("counsellor", alias="from")


@router.post("/publish", status_code=201)
def publish(body: PublishRequest, db: SessionDep, settings: SettingsDep) -> dict[str, Any]:
    """Send a message to a session's widget as the dashboard does (a case event without a case)."""
    session = db.get(ChatSession, body.session_id)
    if session is None:
        raise ApiError(404, "unknown_session", texts.ERROR_UNKNOWN_SESSION)
    event = case_events.add(db, session_id=session.id, sender=body.sender, text=body.text.strip(),
                            author_name=body.name, lang=session.lang)
    db.commit()
    return case_events.widget_view(event, session.lang, settings.locales_dir)
