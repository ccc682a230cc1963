"""Rasa's REST channel, answering only callers that show the engine token (credentials.yml names it).

Rasa's ``--auth-token`` guards its HTTP API but not the channels; without this, any process on
the host could post a message into anyone's conversation (``sender`` is all it takes). The
gateway sends ``Authorization: Bearer <ADVISOR_ENGINE_TOKEN>``. Runs in the engine (Python 3.10).
"""

from __future__ import annotations

import hmac
import os
from typing import Any

from rasa.core.channels.rest import RestInput
from sanic import response


def bearer_matches(header: str | None, token: str) -> bool:
    scheme, _, value = (header or "").partition(" ")
    return bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(), token.encode())


class TokenRestInput(RestInput):
    """``/webhooks/rest/webhook`` as before, 401 without the right bearer token."""

    def __init__(self, token: str) -> None:
        self.token = token

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TokenRestInput:
        token = os.environ.get("ADVISOR_ENGINE_TOKEN", "")
        if not token:
            raise ValueError("ADVISOR_ENGINE_TOKEN is not set: start the engine with `python -m bot.engine_main`")
        return cls(token)

    def blueprint(self, on_new_message):
        blueprint = super().blueprint(on_new_message)

        @blueprint.middleware("request")
        async def require_token(request):
            if not bearer_matches(request.headers.get("authorization"), self.token):
                return response.json({"error": "unauthorized"}, status=401)
            return None

        return blueprint
