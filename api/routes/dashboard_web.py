"""What every dashboard page shares: templates, the interface language, the logged-in account, CSRF checks
and HTML error pages."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from api.auth import load_session, same_token
from api.clients import is_https
from api.deps import SessionDep
from api.models import Counsellor, DashboardSession
from bot import SUPPORTED_LANGUAGES, texts
from bot.i18n import language_name, normalise_language, text_direction, translate

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))

SESSION_COOKIE = "advisor_dashboard"
LOGIN_CSRF_COOKIE = "advisor_login_csrf"
LANG_COOKIE = "advisor_dashboard_lang"
#: Dashboard pages default to German: the counsellors work in German offices.
DEFAULT_LANGUAGE = "de"


class LoginRequired(Exception):
    """No valid login: the browser goes to the login page."""


class DashboardError(Exception):
    """An HTML error page with ``status`` and a ``bot.texts`` message."""

    def __init__(self, status: int, message: str, **values: Any):
        super().__init__(message)
        self.status = status
        self.message = message
        self.values = values


def not_found() -> DashboardError:
    # Also for cases of other offices: whether a case exists elsewhere is none of the viewer's business.
    return DashboardError(404, texts.DASHBOARD_NOT_FOUND)


def interface_language(request: Request) -> str:
    """?lang=, then the language cookie, then the browser's first supported language, else German."""
    for candidate in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if normalise_language(candidate):
            return normalise_language(candidate)
    for part in request.headers.get("accept-language", "").split(","):
        lang = normalise_language(part.split(";")[0].strip())
        if lang:
            return lang
    return DEFAULT_LANGUAGE


def secure_cookies(request: Request) -> bool:
    """Secure cookies over https (also behind a trusted TLS proxy), always in production or when configured."""
    settings = request.app.state.settings
    return is_https(request) or settings.environment == "production" or bool(settings.dashboard_secure_cookies)


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int | None = None) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/dashboard", httponly=True, samesite="lax",
                        secure=secure_cookies(request))


def current_session(request: Request, db: SessionDep) -> DashboardSession:
    session = load_session(db, request.cookies.get(SESSION_COOKIE))
    if session is None:
        raise LoginRequired()
    request.state.dashboard_session = session
    return session


def current_account(request: Request, db: SessionDep,
                    session: Annotated[DashboardSession, Depends(current_session)]) -> Counsellor:
    account = db.get(Counsellor, session.counsellor_id)
    request.state.account = account
    return account


def admin_account(account: Annotated[Counsellor, Depends(current_account)]) -> Counsellor:
    if not account.is_admin:
        raise DashboardError(403, texts.DASHBOARD_FORBIDDEN)
    return account


AccountDep = Annotated[Counsellor, Depends(current_account)]
AdminDep = Annotated[Counsellor, Depends(admin_account)]


async def _posted_form(request: Request, expected: str | None) -> dict[str, str]:
    form = await request.form()
    if not same_token(expected, form.get("csrf_token")):
        raise DashboardError(403, texts.DASHBOARD_CSRF_FAILED)
    # The one field with several values (office check boxes of the account forms).
    request.state.form_offices = [value for value in form.getlist("offices") if isinstance(value, str)]
    return {key: value for key, value in form.items() if isinstance(value, str)}


async def checked_form(request: Request,
                       session: Annotated[DashboardSession, Depends(current_session)]) -> dict[str, str]:
    """The posted form, after its CSRF token matched the login session's (403 otherwise)."""
    return await _posted_form(request, session.csrf_token)


async def login_form(request: Request) -> dict[str, str]:
    """The posted login form, after its CSRF token matched the double-submit cookie (403 otherwise)."""
    return await _posted_form(request, request.cookies.get(LOGIN_CSRF_COOKIE))


FormDep = Annotated[dict[str, str], Depends(checked_form)]


#: Queue statuses and topics as people read them (the database keeps the codes).
STATUS_NAMES = {"open": texts.DASHBOARD_STATUS_OPEN, "new": texts.DASHBOARD_STATUS_NEW,
                "claimed": texts.DASHBOARD_STATUS_CLAIMED, "closed": texts.DASHBOARD_STATUS_CLOSED,
                "all": texts.DASHBOARD_STATUS_ALL}
TOPIC_NAMES = {"recognition": texts.BUTTON_RECOGNITION, "residence": texts.BUTTON_RESIDENCE,
               "language_course": texts.BUTTON_LANGUAGE_COURSE, "eu_employment": texts.BUTTON_EU_EMPLOYMENT,
               "living": texts.DASHBOARD_TOPIC_LIVING, "general": texts.DASHBOARD_TOPIC_GENERAL}


def render(request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200,
           csrf: str | None = None) -> HTMLResponse:
    """A dashboard page in the interface language, with the session's CSRF token for its forms."""
    lang = interface_language(request)
    settings = request.app.state.settings
    session = getattr(request.state, "dashboard_session", None)

    def _(message: str, **values: Any) -> str:
        return translate(lang, message, locales_dir=settings.locales_dir, **values)

    values = {
        "request": request, "_": _, "t": texts, "lang": lang, "dir": text_direction(lang),
        "languages": [(code, language_name(code)) for code in SUPPORTED_LANGUAGES],
        "account": getattr(request.state, "account", None),
        "csrf_token": csrf or (session.csrf_token if session is not None else ""),
        "path": request.url.path,
        # In the interface language: "Anerkennung ausländischer Abschlüsse", not "recognition".
        "status_name": lambda code: _(STATUS_NAMES[code]) if code in STATUS_NAMES else code,
        "topic_name": lambda code: _(TOPIC_NAMES.get(code, texts.DASHBOARD_TOPIC_GENERAL)),
        "language_of": lambda code: language_name(code, lang) if code in SUPPORTED_LANGUAGES else (code or "–"),
    }
    values.update(context or {})
    response = templates.TemplateResponse(request, template, values, status_code=status)
    if request.query_params.get("lang") == lang:
        set_cookie(request, response, LANG_COOKIE, lang, max_age=365 * 24 * 3600)
    return response


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


async def _login_required(request: Request, exc: LoginRequired) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET":
        target = "/dashboard"
    return redirect("/dashboard/login?next=" + quote(target, safe=""))


async def _dashboard_error(request: Request, exc: DashboardError) -> Response:
    return render(request, "dashboard/error.html", {"message": exc.message, "values": exc.values},
                  status=exc.status)


def install_dashboard_handlers(app: FastAPI) -> None:
    """HTML answers for the dashboard's own exceptions (the API keeps its JSON errors)."""
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(DashboardError, _dashboard_error)
