"""A small HTTP proxy that lets a test kill a process at an exact point of a request.

It sits between two of our processes (gateway → engine, engine → action server, person → gateway),
forwards every request and its answer unchanged, and asks its ``hook`` first. A hook that returns a
function makes the proxy call it (e.g. kill a process) and close the connection without an answer,
exactly as if the process on the other side had died at that moment.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

#: hook(stage, method, path, request body, answer body or None) → None (forward) or a function to run.
Hook = Callable[[str, str, str, bytes, bytes | None], Callable[[], None] | None]
BEFORE, AFTER = "before", "after"


class FaultProxy:
    def __init__(self, port: int, target: str):
        self.target = target.rstrip("/")
        self.hook: Hook | None = None
        self.fired: list = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _drop(self) -> None:
                self.close_connection = True
                try:
                    self.connection.shutdown(2)
                except OSError:
                    pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                action = proxy._ask(BEFORE, self.command, self.path, body, None)
                if action is not None:
                    action()
                    self._drop()
                    return
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() in ("content-type", "authorization", "accept", "cookie")}
                try:
                    with httpx.Client(timeout=120) as http:
                        answer = http.request(self.command, proxy.target + self.path, content=body, headers=headers)
                except httpx.HTTPError:
                    self._drop()  # the other side died: so does this connection
                    return
                action = proxy._ask(AFTER, self.command, self.path, body, answer.content)
                if action is not None:
                    action()
                    self._drop()
                    return
                self.send_response(answer.status_code)
                for name in ("content-type", "set-cookie", "location"):
                    for value in answer.headers.get_list(name):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.content)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(answer.content)
                self.close_connection = True

            do_GET = do_POST = do_PUT = do_DELETE = _handle

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _ask(self, stage, method, path, body, answer):
        hook = self.hook
        if hook is None:
            return None
        action = hook(stage, method, path, body, answer)
        if action is not None:
            self.hook = None  # once
            self.fired.append((stage, method, path))
        return action

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
