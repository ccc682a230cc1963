"""The website widget: its script at ``/widget.js``, its texts, and the demo page at ``/``."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, JSONResponse

from api.deps import SettingsDep
from bot import texts
from bot.i18n import DEFAULT_LANGUAGE, normalise_language, text_direction, translate

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
WIDGET_DIR = STATIC_DIR / "widget"

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
}

#: Placeholders the widget fills in itself (the server cannot know the values).
WIDGET_PLACEHOLDERS = {
    "talking_to": ("{name}",), "unread": ("{count}",), "keep_hint": ("{days}",), "kept": ("{days}",),
    "email_saved": ("{email}",),
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
    placeholders = {"privacy": {"days": settings.session_retention_days}}
    translated = {
        key: translate(code, message, locales_dir=settings.locales_dir, **placeholders.get(key, {}))
        for key, message in WIDGET_TEXTS.items()
    }
    body = {"lang": code, "dir": text_direction(code), "texts": translated}
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


@page_router.get("/")
def demo_page() -> FileResponse:
    """The widget on a sample page of a fictional district website."""
    return FileResponse(STATIC_DIR / "demo" / "index.html", media_type="text/html")
