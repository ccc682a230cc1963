"""``POST /api/v1/feedback``: "Did this help? yes / no" under an answer.

Stored (api.content_gaps): the article shown, yes or no, the session's language and, for "no",
the question scrubbed of personal data — not the session, so the row is linked to nobody. Kept
``feedback_retention_days``. "No" feeds the staff's content-gap page; the widget then offers a person.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from api import content_gaps
from api.deps import AuthorizationHeader, RateLimiterDep, SessionDep, SettingsDep, authenticate_session
from api.errors import rate_limited, set_error_language

router = APIRouter(tags=["feedback"])


class FeedbackRequest(BaseModel):
    session_id: str = Field(max_length=64)
    #: The article the answer showed (``meta.articles[0]`` of the chat response).
    article_id: str = Field(min_length=1, max_length=100, pattern=content_gaps.ARTICLE_ID.pattern)
    helpful: bool
    #: The question the answer was for, as the person typed it (scrubbed before it is stored).
    question: str | None = Field(default=None, max_length=4000)


def _store(db, body: FeedbackRequest, lang: str | None) -> None:
    kind = "helpful" if body.helpful else "not_helpful"
    content_gaps.record(db, kind, body.question, lang, article_id=body.article_id)
    db.commit()


@router.post("/feedback", status_code=204)
async def feedback(body: FeedbackRequest, request: Request, db: SessionDep, settings: SettingsDep,
                   limiter: RateLimiterDep, authorization: AuthorizationHeader = None) -> Response:
    session = await run_in_threadpool(authenticate_session, db, body.session_id, authorization)
    set_error_language(request, session.lang)
    retry_after = await limiter.ahit("chat_session", session.id)
    if retry_after:
        raise rate_limited(retry_after)
    await run_in_threadpool(_store, db, body, session.lang)
    return Response(status_code=204)
