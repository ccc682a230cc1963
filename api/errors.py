"""Every error leaves the gateway as ``{"error": {"code", "message"}}``, the message in the user's language.

The language is the one a route last set with ``set_error_language`` (the request's ``lang``,
then the session's), else the one an error names (the session behind a wrong token), else the
browser's (Accept-Language), else German. Nothing internal (stack traces, exception texts) is ever sent.
"""

from __future__ import annotations

import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot import SUPPORTED_LANGUAGES, texts
from bot.i18n import DEFAULT_LANGUAGE, normalise_language, translate


class ApiError(Exception):
    """An error the client should see: HTTP status, stable code, a ``bot.texts`` message."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None, **values: Any
    ):
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
        self.values = values
        #: The language of the conversation the error is about, when the route has not set one.
        self.lang: str | None = None


def unauthorized(lang: str | None = None) -> ApiError:
    """401; ``lang``: the language of the conversation the request named (its owner lost the token)."""
    error = ApiError(401, "unauthorized", texts.ERROR_BAD_TOKEN, headers={"WWW-Authenticate": "Bearer"})
    error.lang = lang
    return error


def unsupported_language() -> ApiError:
    languages = ", ".join(SUPPORTED_LANGUAGES)
    return ApiError(422, "unsupported_language", texts.ERROR_BAD_LANGUAGE, languages=languages)


def rate_limited(retry_after: float) -> ApiError:
    seconds = max(1, math.ceil(retry_after))
    return ApiError(429, "rate_limited", texts.ERROR_RATE_LIMITED, headers={"Retry-After": str(seconds)})


def set_error_language(request: Request, lang: str | None) -> None:
    """Errors raised from now on in this request are written in ``lang`` (when supported)."""
    if normalise_language(lang):
        request.state.error_lang = normalise_language(lang)


def browser_language(request: Request) -> str | None:
    """The first supported language of Accept-Language, if any."""
    for part in request.headers.get("accept-language", "").split(",")[:8]:
        lang = normalise_language(part.split(";")[0].strip())
        if lang:
            return lang
    return None


def set_fallback_language(request: Request) -> None:
    """Errors before anything better is known speak the browser's language (api.guard calls it)."""
    request.state.fallback_lang = browser_language(request)


def error_response(
    request: Request, status: int, code: str, message: str, headers: dict[str, str] | None = None,
    lang: str | None = None, **values
) -> JSONResponse:
    """The error body with ``message`` (a ``bot.texts`` text) rendered in the request's error language."""
    lang = (getattr(request.state, "error_lang", None) or normalise_language(lang)
            or getattr(request.state, "fallback_lang", None) or DEFAULT_LANGUAGE)
    settings = getattr(request.app.state, "settings", None)
    locales_dir = settings.locales_dir if settings is not None else None
    text = translate(lang, message, locales_dir=locales_dir, **values)
    return JSONResponse({"error": {"code": code, "message": text}}, status_code=status, headers=headers)


async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
    return error_response(request, exc.status, exc.code, exc.message, exc.headers, lang=exc.lang, **exc.values)


async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    if any(error.get("type") == "json_invalid" for error in exc.errors()):
        return error_response(request, 400, "invalid_json", texts.ERROR_INVALID_JSON)
    if isinstance(exc.body, dict) and isinstance(exc.body.get("lang"), str):
        set_error_language(request, exc.body["lang"])
    return error_response(request, 422, "invalid_request", texts.ERROR_INVALID_JSON)


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    if exc.status_code == 404:
        return error_response(request, 404, "not_found", texts.ERROR_NOT_FOUND)
    if exc.status_code == 405:
        # Allow: the methods the path does take (RFC 9110).
        return error_response(request, 405, "method_not_allowed", texts.ERROR_INVALID_JSON, exc.headers)
    return error_response(request, exc.status_code, "invalid_request", texts.ERROR_INVALID_JSON, exc.headers)


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    # Starlette re-raises after this answer, so the server still logs the traceback.
    return error_response(request, 500, "internal", texts.ERROR_INTERNAL)


def install_error_handlers(app: FastAPI) -> None:
    """Replace FastAPI's default error bodies with ours."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
