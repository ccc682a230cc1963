"""E-mail through the SMTP server of the settings (``ADVISOR_SMTP_*``, bot/settings.py).

Two e-mails exist, and neither carries anything of a case:
- to a person who left an address: "a reply is waiting for you", with a link that reopens the
  conversation (api.followup), in their language;
- to counsellors who asked for it: "a new urgent case is waiting" with a link to the dashboard.

Without ``smtp_host`` there is no e-mail: the widget then does not offer it. Sending happens outside
the request (``in_background``); a failure is logged by its type only (never an address or a text).
"""

from __future__ import annotations

import asyncio
import logging
import smtplib
import ssl
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from sqlalchemy import select

from api.models import Counsellor, Escalation
from bot import texts
from bot.i18n import translate
from bot.settings import Settings

logger = logging.getLogger(__name__)

SMTP_TIMEOUT = 20.0
#: Counsellors read the dashboard in German by default; their notices are German too.
COUNSELLOR_LANGUAGE = "de"


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


def enabled(settings: Settings) -> bool:
    return bool(settings.smtp_host and settings.mail_from)


def send(settings: Settings, mails: Iterable[Mail]) -> int:
    """Send ``mails`` over one SMTP connection; how many were accepted. Raises on connection errors."""
    mails = list(mails)
    if not mails or not enabled(settings):
        return 0
    context = ssl.create_default_context()
    if settings.smtp_security == "ssl":
        server = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT,
                                  context=context)
    else:
        server = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT)
    sent = 0
    with server:
        if settings.smtp_security == "starttls":
            server.starttls(context=context)
        if settings.smtp_user:
            server.login(settings.smtp_user, settings.smtp_password)
        for item in mails:
            message = EmailMessage()
            message["From"] = settings.mail_from
            message["To"] = item.to
            message["Subject"] = item.subject
            message["Date"] = formatdate(localtime=False)
            message["Message-ID"] = make_msgid(domain=settings.mail_from.rpartition("@")[2] or None)
            # Nothing in these e-mails should be cached by a mail client's link preview either.
            message["Auto-Submitted"] = "auto-generated"
            message.set_content(item.body)
            try:
                server.send_message(message)
                sent += 1
            except smtplib.SMTPException as exc:
                logger.warning("an e-mail was refused: %s", type(exc).__name__)
    return sent


def in_background(app, job: Callable[..., Any], *args: Any) -> None:
    """Run ``job(settings, session_factory, *args)`` in a worker thread; the request does not wait."""
    tasks = getattr(app.state, "mail_tasks", None)
    if tasks is None:
        tasks = app.state.mail_tasks = set()

    async def run() -> None:
        try:
            await asyncio.to_thread(job, app.state.settings, app.state.session_factory, *args)
        except Exception as exc:  # noqa: BLE001 - an SMTP outage must not surface anywhere else
            logger.warning("e-mail not sent: %s", type(exc).__name__)

    task = asyncio.get_running_loop().create_task(run())
    tasks.add(task)
    task.add_done_callback(tasks.discard)


def dashboard_link(settings: Settings, case_id: str) -> str:
    return f"{settings.public_url.rstrip('/')}/dashboard/cases/{case_id}"


def urgent_case_mails(settings: Settings, session_factory, case_ids: list[str]) -> int:
    """E-mail each new urgent case to the active counsellors of its office who asked for such e-mails."""
    mails: list[Mail] = []
    with session_factory() as db:
        for case_id in case_ids:
            case = db.get(Escalation, case_id)
            if case is None:
                continue
            for account in db.scalars(select(Counsellor).where(Counsellor.active.is_(True),
                                                               Counsellor.notify_urgent.is_(True))):
                if case.contact_id in (account.offices or []) or account.is_admin:
                    mails.append(Mail(
                        to=account.email,
                        subject=translate(COUNSELLOR_LANGUAGE, texts.MAIL_URGENT_SUBJECT,
                                          locales_dir=settings.locales_dir),
                        body=translate(COUNSELLOR_LANGUAGE, texts.MAIL_URGENT_BODY,
                                       locales_dir=settings.locales_dir,
                                       link=dashboard_link(settings, case_id)),
                    ))
    sent = send(settings, mails)
    logger.info("urgent case e-mails sent: %d", sent)
    return sent
