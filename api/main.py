"""The gateway app: ``create_app()`` gathers the routers; start-up migrates the database and opens clients.

Run: ``python -m uvicorn api.main:create_app --factory --port 8000``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import followup, language
from api.db import make_engine, make_session_factory, upgrade_database
from api.errors import error_response, install_error_handlers
from api.ratelimit import SlidingWindowRateLimiter
from api.retention import run_daily_purge
from api.routes import api_router, dashboard_router, dev, root_router
from api.routes.dashboard_web import install_dashboard_handlers
from api.routes.widget import STATIC_DIR
from bot import texts
from bot.settings import Settings, load_settings

SECURITY_HEADERS = {
    # The pages load scripts, styles and data only from this origin; no inline code at all.
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class SecurityHeadersMiddleware:
    """Adds SECURITY_HEADERS to every answer, ``Cache-Control: no-store`` to the API's, and
    refuses request bodies announced larger than ``max_body_bytes`` before they are read."""

    def __init__(self, app: ASGIApp, max_body_bytes: int):
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if scope["path"].startswith(("/api/", "/dashboard")):
                    # Answers carry tokens and conversations: no cache may keep them.
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        request = Request(scope)
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_body_bytes:
            limit = request.app.state.settings.max_message_chars
            response = error_response(request, 413, "too_long", texts.ERROR_TOO_LONG, limit=limit)
            await response(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    # The engine's status URL carries its token; httpx would log it at INFO.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    await run_in_threadpool(upgrade_database, settings)
    engine = make_engine(settings.database_url)
    app.state.session_factory = make_session_factory(engine)
    app.state.rate_limiter = SlidingWindowRateLimiter(settings.rate_limit_per_minute)
    await run_in_threadpool(language.warm_up)
    # Closed cases past their retention period go once a day, the first time a minute after start-up.
    purge = asyncio.create_task(run_daily_purge(settings))
    # Counsellors' replies nobody saw: an e-mail to the person who asked for one (api.followup).
    notices = asyncio.create_task(followup.run_notices(app))
    try:
        async with httpx.AsyncClient() as http:
            app.state.http = http
            yield
    finally:
        for task in (purge, notices):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        engine.dispose()


def create_app(settings: Settings | None = None) -> FastAPI:
    """The gateway for ``settings`` (default: from the ADVISOR_* environment)."""
    settings = settings or load_settings()
    # No /docs: the Swagger page needs a CDN and inline scripts; /openapi.json stays.
    app = FastAPI(
        title="Sachsen-Anhalt skilled-worker advisor",
        version="1",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    install_error_handlers(app)
    install_dashboard_handlers(app)
    # A message of N characters is at most ~12 N bytes of JSON (escaped astral characters).
    app.add_middleware(SecurityHeadersMiddleware, max_body_bytes=12 * settings.max_message_chars + 4096)
    if settings.allowed_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.allowed_origins),
            allow_methods=["GET", "POST", "PUT", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
        )
    # The widget script and its texts reach phones on slow connections; event streams stay unzipped.
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.include_router(api_router)
    if settings.dev_routes and settings.environment == "development":
        app.include_router(dev.router, prefix="/api/v1")
    app.include_router(root_router)
    app.include_router(dashboard_router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
