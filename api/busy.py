"""Overload: a fast, clear "busy, try again in a moment" instead of a long wait.

At most ``chat_concurrency`` chat messages are with the engine at once; the next ones wait in
line. When the line already holds ``chat_queue`` messages, or a message has waited
``chat_queue_seconds`` without its turn, the person gets HTTP 503 ``busy`` with Retry-After
and the message in their language at once (api.errors), and the engine is spared the work.
The figures behind the defaults: benchmarks/load.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import AsyncIterator

from fastapi import FastAPI

from api.errors import ApiError
from bot import texts


def busy(retry_after: float) -> ApiError:
    seconds = max(1, math.ceil(retry_after))
    return ApiError(503, "busy", texts.ERROR_BUSY, headers={"Retry-After": str(seconds)})


class ChatGate:
    """A semaphore with a bounded line and a bounded wait (one per gateway process)."""

    def __init__(self, concurrency: int, queue: int, wait_seconds: float):
        self.concurrency = max(1, concurrency)
        self.queue = max(0, queue)
        self.wait_seconds = max(0.0, wait_seconds)
        self._slots: asyncio.Semaphore | None = None
        self.waiting = 0

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one of the engine's slots for the block; raise ApiError 503 busy if none comes."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.concurrency)
        slots = self._slots
        if slots.locked():
            if self.waiting >= self.queue:
                raise busy(self.wait_seconds or 1)
            self.waiting += 1
            try:
                await asyncio.wait_for(slots.acquire(), timeout=self.wait_seconds)
            except asyncio.TimeoutError:
                raise busy(self.wait_seconds) from None
            finally:
                self.waiting -= 1
        else:
            await slots.acquire()
        try:
            yield
        finally:
            slots.release()


def chat_gate(app: FastAPI, settings) -> ChatGate:
    """The gateway's gate, made on first use from the settings."""
    gate = getattr(app.state, "chat_gate", None)
    if gate is None:
        gate = ChatGate(settings.chat_concurrency, settings.chat_queue, settings.chat_queue_seconds)
        app.state.chat_gate = gate
    return gate
