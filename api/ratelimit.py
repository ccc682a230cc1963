"""The gateway's abuse limits, counted by the ``limits`` library (moving windows).

Storage: ``ADVISOR_RATE_LIMIT_STORAGE``, ``memory://`` by default (one gateway process), a
``redis://`` URL in production so that every gateway counts the same requests. Rules are
``limits`` strings (``"20/minute;200/hour"``), one setting each (bot/settings.py):

- ``chat_session``: messages per session (``rate_limit_per_minute``);
- ``chat_ip``, ``sessions_ip``: messages and new sessions per client address (api.clients);
- ``login_ip``, ``login_account_ip``, ``login_account``, ``login_device``: failed dashboard
  logins per address, per account and address, per account from browsers it never logged in
  from, and per trusted browser of the account (api.auth explains why a stranger cannot lock
  a counsellor out with them).

When the storage fails (Redis down) requests are let through and the failure is logged: a
limit must not take the service down.
"""

from __future__ import annotations

import logging
import math
import time

from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from starlette.concurrency import run_in_threadpool

from bot.settings import Settings, SettingsError

logger = logging.getLogger(__name__)


def rules_of(settings: Settings) -> dict[str, str]:
    return {
        "chat_session": f"{settings.rate_limit_per_minute}/minute",
        "chat_ip": settings.rate_limit_chat_per_ip,
        "sessions_ip": settings.rate_limit_sessions_per_ip,
        "login_ip": settings.login_limit_per_ip,
        "login_account_ip": settings.login_limit_per_account_ip,
        "login_account": settings.login_limit_per_account,
        "login_device": settings.login_limit_per_device,
    }


class RateLimits:
    """Every limit of the gateway over one storage."""

    def __init__(self, settings: Settings):
        self.rules: dict[str, list[RateLimitItem]] = {}
        for name, rule in rules_of(settings).items():
            try:
                self.rules[name] = list(parse_many(rule))
            except ValueError:
                raise SettingsError(f"rate limit {name}: {rule!r} is not a limit such as '20/minute;200/hour'") from None
        try:
            self.storage = storage_from_string(settings.rate_limit_storage)
        except Exception as exc:  # noqa: BLE001 - unknown scheme, missing driver: named at start-up
            raise SettingsError(f"ADVISOR_RATE_LIMIT_STORAGE={settings.rate_limit_storage!r}: {exc}") from None
        self.window = MovingWindowRateLimiter(self.storage)
        #: Memory answers at once; a network storage is asked from a worker thread.
        self.blocking = not settings.rate_limit_storage.startswith("memory")

    def _retry_after(self, item: RateLimitItem, name: str, key: str) -> float:
        reset = self.window.get_window_stats(item, name, key).reset_time
        return max(1.0, math.ceil(reset - time.time()))

    def exhausted(self, name: str, key: str) -> float:
        """Seconds until ``key`` may try again under rule ``name``; 0.0 when it may now. Counts nothing."""
        try:
            for item in self.rules[name]:
                if not self.window.test(item, name, key):
                    return self._retry_after(item, name, key)
        except Exception as exc:  # noqa: BLE001 - a limit must not take the service down
            logger.warning("rate limit storage failed: %s", type(exc).__name__)
        return 0.0

    def count(self, name: str, key: str) -> None:
        """Count one event for ``key`` under rule ``name`` (a failed login)."""
        try:
            for item in self.rules[name]:
                self.window.hit(item, name, key)
        except Exception as exc:  # noqa: BLE001 - a limit must not take the service down
            logger.warning("rate limit storage failed: %s", type(exc).__name__)

    def hit(self, name: str, key: str) -> float:
        """Count one request if allowed: 0.0; else the seconds until one would be (nothing counted)."""
        retry_after = self.exhausted(name, key)
        if not retry_after:
            self.count(name, key)
        return retry_after

    async def ahit(self, name: str, key: str) -> float:
        if self.blocking:
            return await run_in_threadpool(self.hit, name, key)
        return self.hit(name, key)

    def reset(self) -> None:
        """Forget every count (tests)."""
        try:
            self.storage.reset()
        except Exception as exc:  # noqa: BLE001 - a limit must not take the service down
            logger.warning("rate limit storage reset failed: %s", type(exc).__name__)
