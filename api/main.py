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
from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles

from api import followup
from api.db import make_engine, make_session_factory, upgrade_database
from api.errors import install_error_handlers
from api.guard import GuardMiddleware
from api.ratelimit import RateLimits
from api.retention import run_daily_purge
from api.routes import api_router, dashboard_router, dev, root_router
from api.routes.dashboard_web import install_dashboard_handlers
from api.routes.widget import STATIC_DIR
from bot import language
from bot.settings import Settings, load_settings


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    # The engine's status URL carries its token; httpx would log it at INFO.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    await run_in_threadpool(upgrade_database, settings)
    engine = make_engine(settings.database_url)
    app.state.session_factory = make_session_factory(engine)
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
    # Built here, not at start-up: a bad limit or storage URL stops the start with its name.
    app.state.rate_limits = RateLimits(settings)
    install_error_handlers(app)
    install_dashboard_handlers(app)
    # Security headers, bodies capped while they stream in, unstorable characters refused (api.guard).
    app.add_middleware(GuardMiddleware, max_message_chars=settings.max_message_chars)
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
