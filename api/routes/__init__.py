"""The gateway's routers: the v1 chat API under /api/v1; health, the widget script and its demo page at the root;
the counsellor dashboard under /dashboard. (No /internal routes: escalations travel back in the engine's reply,
api.escalations.)"""

from fastapi import APIRouter

from api.routes import (
    chat,
    dashboard,
    dashboard_admin,
    dashboard_case,
    dashboard_live,
    events,
    feedback,
    followup,
    health,
    sessions,
    staff,
    widget,
)

api_router = APIRouter(prefix="/api/v1")
api_router.include_router(sessions.router)
api_router.include_router(events.router)
api_router.include_router(followup.router)
api_router.include_router(chat.router)
api_router.include_router(feedback.router)
api_router.include_router(widget.router)

root_router = APIRouter()
root_router.include_router(health.router)
root_router.include_router(widget.page_router)

dashboard_router = APIRouter()
dashboard_router.include_router(dashboard.router)
dashboard_router.include_router(dashboard_case.router)
dashboard_router.include_router(dashboard_live.router)
dashboard_router.include_router(dashboard_admin.router)
dashboard_router.include_router(staff.router)
