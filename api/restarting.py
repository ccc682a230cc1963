"""What the supervisor is restarting right now (bot/supervisor.py writes var/run/restarting.json).

The gateway reads the file before it passes a message to the engine: while the engine or the
action server is being restarted, the person gets "the assistant is restarting, send it again
in a moment" at once, instead of waiting for a process that cannot answer yet. No file (no
supervisor, or nothing restarting): nothing is restarting.
"""

from __future__ import annotations

import json

from api.errors import ApiError
from bot import texts
from bot.settings import Settings

#: Relative to var/: the same path as bot.supervisor.RESTARTING_FILE.
RESTARTING_FILE = ("run", "restarting.json")
#: Seconds a client is asked to wait before sending again.
RETRY_AFTER_SECONDS = 5


def restarting(settings: Settings) -> list[str]:
    """Names of the processes the gateway needs that are being restarted ("engine", "actions")."""
    try:
        data = json.loads(settings.var_dir.joinpath(*RESTARTING_FILE).read_text(encoding="utf-8"))
        names = data["restarting"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    return [name for name in names if name in ("engine", "actions")] if isinstance(names, list) else []


def restarting_error() -> ApiError:
    return ApiError(503, "restarting", texts.ERROR_RESTARTING,
                    headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
