"""Development-only routes for seeding data in browser tests; mounted only with ADVISOR_DEV_ROUTES=1
in development (``bot.settings`` refuses the switch anywhere else)."""

from __future__ import annotations

from typing import Any, Dict, Literal, Optional

from fastapi import APIRouter
from pydantic import BaseModel, Field

from api import notifications
from api.deps import SessionDep
from api.errors import ApiError
from api.models import ChatSession
from bot import texts

router = APIRouter(prefix="/dev", tags=["development"], include_in_schema=False)


class PublishRequest(BaseModel):
    session_id: str
    text: str = Field(min_length=1)
    name: Optional[str] = None
    sender: Literal["counsellor", "system"] = Field("counsellor", alias="from")


@router.post("/publish", status_code=201)
def publish(body: PublishRequest, db: SessionDep) -> Dict[str, Any]:
    """Publish a message to a session's widget, as the counsellor dashboard will."""
    if db.get(ChatSession, body.session_id) is None:
        raise ApiError(404, "unknown_session", texts.ERROR_UNKNOWN_SESSION)
    message = {"text": body.text, "from": body.sender, "name": body.name}
    return notifications.publish(body.session_id, message)
