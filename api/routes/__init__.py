"""The gateway's routers: the v1 chat API under /api/v1; health, the widget script and its demo page at the root;
/internal for the action server (shared secret); the counsellor dashboard under /dashboard."""

from fastapi import APIRouter

from api.routes import chat, dashboard, dashboard_admin, dashboard_case, events, health, internal, sessions, widget

api_router = APIRouter(prefix="/api/v1")
api_router.include_router(sessions.router)
api_router.include_router(events.router)
api_router.include_router(chat.router)
api_router.include_router(widget.router)

root_router = APIRouter()
root_router.include_router(health.router)
root_router.include_router(widget.page_router)
root_router.include_router(internal.router)

dashboard_router = APIRouter()
dashboard_router.include_router(dashboard.router)
dashboard_router.include_router(dashboard_case.router)
dashboard_router.include_router(dashboard_admin.router)
