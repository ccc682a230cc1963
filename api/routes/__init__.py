"""The gateway's routers: the v1 chat API under /api/v1, health and the try-it page at the root."""

from fastapi import APIRouter

from api.routes import chat, health, sessions

api_router = APIRouter(prefix="/api/v1")
api_router.include_router(sessions.router)
api_router.include_router(chat.router)

root_router = APIRouter()
root_router.include_router(health.router)
root_router.include_router(chat.page_router)
