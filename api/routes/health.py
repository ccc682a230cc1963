"""``GET /healthz``: 200 when engine, action server and index are ready, else 503 naming what is not."""

from __future__ import annotations

import asyncio

import httpx
from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.deps import EngineDep, HttpClientDep, SettingsDep

#: Seconds per probe: a health check that hangs is worse than one that says "down".
PROBE_TIMEOUT = 2.0

router = APIRouter(tags=["health"])


async def probe_actions(http: httpx.AsyncClient, actions_url: str) -> tuple[str, str | None]:
    """(state of the action server, id of the index build it serves or None)."""
    try:
        response = await http.get(f"{actions_url.rstrip('/')}/ready", timeout=PROBE_TIMEOUT)
    except httpx.HTTPError:
        return "unreachable", None
    if response.status_code != 200:
        return f"http {response.status_code}", None
    try:
        answer = response.json()
    except ValueError:
        return "invalid ready answer", None
    if not isinstance(answer, dict) or answer.get("status") != "ok":
        return "not ready", None
    build = answer.get("index_build")
    return "ok", build if isinstance(build, str) and build else None


@router.api_route("/healthz", methods=["GET", "HEAD"])  # HEAD: load balancers check with it
async def healthz(engine: EngineDep, http: HttpClientDep, settings: SettingsDep) -> JSONResponse:
    engine_status, (actions, index_build) = await asyncio.gather(
        engine.status(PROBE_TIMEOUT), probe_actions(http, settings.actions_url)
    )
    body = {
        "status": "ok",
        "engine": engine_status.detail,
        "actions": actions,
        "index": index_build or ("missing" if actions == "ok" else "unknown"),
    }
    readiness = {"engine": engine_status.ready, "actions": actions == "ok", "index": bool(index_build)}
    not_ready = [name for name, ready in readiness.items() if not ready]
    if not_ready:
        body.update(status="unavailable", not_ready=not_ready)
        return JSONResponse(body, status_code=503)
    return JSONResponse(body)
