"""The website widget: its script at ``/widget.js``, its texts, and the demo page at ``/``."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates

from api.deps import SettingsDep
from bot import SUPPORTED_LANGUAGES, texts
from bot.i18n import DEFAULT_LANGUAGE, language_name, normalise_language, text_direction, translate

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
WIDGET_DIR = STATIC_DIR / "widget"
templates = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))

#: The widget's fixed texts by the key its script uses.
WIDGET_TEXTS = {
    "launcher": texts.WIDGET_LAUNCHER,
    "title": texts.WIDGET_TITLE,
    "subtitle": texts.WIDGET_SUBTITLE,
    "close": texts.WIDGET_CLOSE,
    "language": texts.WIDGET_LANGUAGE,
    "conversation": texts.WIDGET_CONVERSATION,
    "input_label": texts.WIDGET_INPUT_LABEL,
    "input_hint": texts.WIDGET_INPUT_HINT,
    "send": texts.WIDGET_SEND,
    "you": texts.WIDGET_YOU,
    "assistant": texts.WIDGET_ASSISTANT,
    "counsellor": texts.WIDGET_COUNSELLOR,
    "typing": texts.WIDGET_TYPING,
    "sources": texts.WIDGET_SOURCES,
    "new_window": texts.WIDGET_NEW_WINDOW,
    "contact": texts.WIDGET_CONTACT,
    "contact_address": texts.WIDGET_CONTACT_ADDRESS,
    "contact_opening_hours": texts.WIDGET_CONTACT_HOURS,
    "contact_phone": texts.WIDGET_CONTACT_PHONE,
    "contact_email": texts.WIDGET_CONTACT_EMAIL,
    "contact_web": texts.WIDGET_CONTACT_WEB,
    "contact_note": texts.WIDGET_CONTACT_NOTE,
    "privacy_title": texts.WIDGET_PRIVACY_TITLE,
    "privacy": texts.WIDGET_PRIVACY,
    "delete": texts.WIDGET_DELETE,
    "delete_question": texts.WIDGET_DELETE_QUESTION,
    "delete_confirm": texts.WIDGET_DELETE_CONFIRM,
    "cancel": texts.WIDGET_CANCEL,
    "deleted": texts.WIDGET_DELETED,
    "network_error": texts.WIDGET_NETWORK_ERROR,
    "retry": texts.WIDGET_RETRY,
    "delete_failed": texts.ERROR_DELETE_FAILED,
    "greeting": texts.GREET,
    # human mode and coming back later; {name}, {count}, {days}, {email} are filled in by the widget
    "talking_to": texts.WIDGET_TALKING_TO,
    "unread": texts.WIDGET_UNREAD,
    "followup_title": texts.WIDGET_FOLLOWUP_TITLE,
    "keep": texts.WIDGET_KEEP,
    "keep_hint": texts.WIDGET_KEEP_HINT,
    "kept": texts.WIDGET_KEPT,
    "forget": texts.WIDGET_FORGET,
    "email_label": texts.WIDGET_EMAIL_LABEL,
    "email_consent": texts.WIDGET_EMAIL_CONSENT,
    "email_save": texts.WIDGET_EMAIL_SAVE,
    "email_saved": texts.WIDGET_EMAIL_SAVED,
    "email_stop": texts.WIDGET_EMAIL_STOP,
    "email_stopped": texts.WIDGET_EMAIL_STOPPED,
    "restored": texts.WIDGET_RESTORED,
    # "Did this help?" under an answer
    "helped_question": texts.WIDGET_HELPED_QUESTION,
    "helped_yes": texts.WIDGET_HELPED_YES,
    "helped_no": texts.WIDGET_HELPED_NO,
    "helped_thanks": texts.WIDGET_HELPED_THANKS,
    "not_helped": texts.WIDGET_NOT_HELPED,
    "talk_to_person": texts.BUTTON_TALK_TO_PERSON,
    # rendered answers and the start of a conversation
    "sources_count": texts.WIDGET_SOURCES_COUNT,
    "source_secondary": texts.WIDGET_SOURCE_SECONDARY,
    "start_topics": texts.WIDGET_START_TOPICS,
    "start_examples": texts.WIDGET_START_EXAMPLES,
    "privacy_short": texts.WIDGET_PRIVACY_SHORT,
    "privacy_link": texts.WIDGET_PRIVACY_LINK,
}

#: The example questions the opened widget offers; a button sends one as if it had been typed.
EXAMPLE_QUESTIONS = (texts.WIDGET_EXAMPLE_RECOGNITION, texts.WIDGET_EXAMPLE_RESIDENCE, texts.WIDGET_EXAMPLE_COURSE)

#: Placeholders the widget fills in itself (the server cannot know the values).
WIDGET_PLACEHOLDERS = {
    "talking_to": ("{name}",), "unread": ("{count}",), "keep_hint": ("{days}",), "kept": ("{days}",),
    "email_saved": ("{email}",), "sources_count": ("{count}",),
}

#: The script has no versioned URL (the embed line never changes), so caches keep it briefly.
SCRIPT_CACHE = "public, max-age=300"

router = APIRouter(tags=["widget"])
page_router = APIRouter(include_in_schema=False)


def choose_language(preference: str | None) -> str:
    """The first supported language of a comma-separated preference list ("ar-SY,de"), else German."""
    for code in (preference or "").split(","):
        lang = normalise_language(code)
        if lang:
            return lang
    return DEFAULT_LANGUAGE


@router.get("/widget-texts")
def widget_texts(settings: SettingsDep, lang: str | None = None) -> JSONResponse:
    """Every text the widget shows, in the first supported language of ``lang``, with its direction.

    ``lang`` is a preference list (the browser's languages) so the widget needs one request, not
    two, before it can paint its button; an unsupported list falls back to German.
    """
    code = choose_language(lang)
    days = {"days": settings.session_retention_days}
    placeholders = {"privacy": days, "privacy_short": days}
    translated = {
        key: translate(code, message, locales_dir=settings.locales_dir, **placeholders.get(key, {}))
        for key, message in WIDGET_TEXTS.items()
    }
    # The start of a conversation: the four topics (their buttons' payloads) and example questions.
    start = {
        "topics": [{"title": translate(code, title, locales_dir=settings.locales_dir), "payload": payload}
                   for title, payload in texts.TOPIC_BUTTONS],
        "examples": [translate(code, question, locales_dir=settings.locales_dir) for question in EXAMPLE_QUESTIONS],
        "privacy_url": f"privacy?lang={code}",
    }
    body = {"lang": code, "dir": text_direction(code), "texts": translated, "start": start}
    # No secret in it, and every page view asks for it: let the browser keep it a while.
    return JSONResponse(body, headers={"Cache-Control": "public, max-age=600"})


@page_router.get("/widget.js")
def widget_script() -> FileResponse:
    """The one file a website embeds: ``<script src="https://HOST/widget.js" defer></script>``."""
    return FileResponse(
        WIDGET_DIR / "widget.js",
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": SCRIPT_CACHE},
    )


@page_router.get("/privacy")
def privacy_page(request: Request, settings: SettingsDep, lang: str | None = None) -> HTMLResponse:
    """The full privacy notice the widget links to, in ``lang`` (else the browser's language)."""
    code = choose_language(lang or request.headers.get("accept-language", "").replace(";", ","))
    paragraphs = [
        translate(code, texts.WIDGET_PRIVACY, locales_dir=settings.locales_dir, days=settings.session_retention_days),
        translate(code, texts.PRIVACY_CASE, locales_dir=settings.locales_dir, days=settings.escalation_retention_days),
        translate(code, texts.PRIVACY_EMAIL, locales_dir=settings.locales_dir),
        translate(code, texts.PRIVACY_GAPS, locales_dir=settings.locales_dir, days=settings.feedback_retention_days),
    ]
    return templates.TemplateResponse(request, "privacy.html", {
        "lang": code, "dir": text_direction(code), "paragraphs": paragraphs,
        "title": translate(code, texts.WIDGET_PRIVACY_LINK, locales_dir=settings.locales_dir),
        "languages": [(c, language_name(c)) for c in SUPPORTED_LANGUAGES],
        "language_label": translate(code, texts.WIDGET_LANGUAGE, locales_dir=settings.locales_dir),
    })


@page_router.get("/")
def demo_page() -> FileResponse:
    """The widget on a sample page of a fictional district website."""
    return FileResponse(STATIC_DIR / "demo" / "index.html", media_type="text/html")
