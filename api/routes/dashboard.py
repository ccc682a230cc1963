"""The counsellor dashboard's entry: log in, log out, and the queue of escalations routed to the account's offices."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import Session

from api import case_events, offices, unread
from api.audit import audit
from api.auth import (
    DEVICE_COOKIE,
    DEVICE_DAYS,
    check_login,
    count_failed_login,
    find_account,
    login_wait,
    new_csrf_token,
    new_device_cookie,
    start_session,
    trusted_device,
    waste_time_like_a_login,
)
from api.clients import client_ip
from api.deps import RateLimiterDep, SessionDep, SettingsDep
from api.models import CaseEvent, ChatSession, Counsellor, Escalation, as_utc, utcnow
from api.routes.dashboard_web import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    AccountDep,
    FormDep,
    current_session,
    login_form,
    redirect,
    render,
    set_cookie,
)
from bot import SUPPORTED_LANGUAGES, TOPICS, texts
from bot.contacts.districts import DISTRICTS

router = APIRouter(prefix="/dashboard", include_in_schema=False)

#: Queue filters: "open" (new and claimed) is what a counsellor works on.
STATUS_FILTERS = ("open", "new", "claimed", "closed", "all")
#: Views of the queue: every case of my offices, the ones I claimed, the ones nobody claimed yet.
VIEWS = ("all", "mine", "unclaimed")
URGENCY_FILTERS = ("", "urgent", "normal")
QUEUE_LIMIT = 200


def visible_escalations(account: Counsellor) -> Select:
    """Escalations the account may see: those routed to its offices; an admin sees all."""
    query = select(Escalation)
    if not account.is_admin:
        query = query.where(Escalation.contact_id.in_(list(account.offices or [])))
    return query


def _safe_next(target: str | None) -> str:
    # Only paths of the dashboard itself: no open redirect to another site.
    if target and target.startswith("/dashboard") and not target.startswith("//"):
        return target
    return "/dashboard"


@router.get("/login")
def login_page(request: Request, next: str | None = None):
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or new_csrf_token()
    response = render(request, "dashboard/login.html", {"next": _safe_next(next)}, csrf=token)
    set_cookie(request, response, LOGIN_CSRF_COOKIE, token)
    return response


@router.post("/login")
def login(request: Request, db: SessionDep, settings: SettingsDep, limits: RateLimiterDep, form=Depends(login_form)):
    email, password = form.get("email", ""), form.get("password", "")
    ip = client_ip(request)
    device = trusted_device(settings.signing_key, request.cookies.get(DEVICE_COOKIE), email)

    def refuse(error: str, status: int, headers=None):
        token = request.cookies.get(LOGIN_CSRF_COOKIE) or new_csrf_token()
        context = {"next": _safe_next(form.get("next")), "error": error, "email": email}
        response = render(request, "dashboard/login.html", context, status=status, csrf=token)
        response.headers.update(headers or {})
        return response

    # Throttled: refused before the password is looked at, after the same work (no timing hint).
    wait = login_wait(limits, email, ip, device)
    if wait:
        waste_time_like_a_login(password)
        tried = find_account(db, email)
        audit(db, "login_throttled", target=tried.id if tried else None)
        db.commit()
        return refuse(texts.DASHBOARD_LOGIN_THROTTLED, 429, {"Retry-After": str(int(wait))})
    account = check_login(db, email, password)
    if account is None:
        count_failed_login(limits, email, ip, device)
        tried = find_account(db, email)
        # Ids only: which account was tried (if it exists), never the e-mail or password typed.
        audit(db, "login_failed", target=tried.id if tried else None)
        db.commit()
        return refuse(texts.DASHBOARD_LOGIN_FAILED, 401)
    token, _session = start_session(db, account, settings.dashboard_session_hours)
    audit(db, "login", account)
    db.commit()
    response = redirect(_safe_next(form.get("next")))
    set_cookie(request, response, SESSION_COOKIE, token, max_age=settings.dashboard_session_hours * 3600)
    # This browser keeps its own allowance of failed logins for this account (api.auth).
    set_cookie(request, response, DEVICE_COOKIE, new_device_cookie(settings.signing_key, account.email),
               max_age=DEVICE_DAYS * 24 * 3600)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/dashboard")
    return response


@router.post("/logout")
def logout(request: Request, db: SessionDep, account: AccountDep, form: FormDep):
    session = request.state.dashboard_session
    db.delete(session)
    audit(db, "logout", account)
    db.commit()
    response = redirect("/dashboard/login")
    response.delete_cookie(SESSION_COOKIE, path="/dashboard")
    return response


def _queue(db: Session, account: Counsellor, status: str, topic: str, lang: str, search: str, view: str = "all",
           office: str = "", urgency: str = "") -> list[Escalation]:
    query = visible_escalations(account)
    if status == "open":
        query = query.where(Escalation.status.in_(("new", "claimed")))
    elif status in ("new", "claimed", "closed"):
        query = query.where(Escalation.status == status)
    if view == "mine":
        query = query.where(Escalation.claimed_by == account.id)
    elif view == "unclaimed":
        query = query.where(Escalation.claimed_by.is_(None), Escalation.status == "new")
    if office:
        query = query.where(Escalation.contact_id == office)
    if urgency == "urgent":
        query = query.where(Escalation.urgent.is_(True))
    elif urgency == "normal":
        query = query.where(Escalation.urgent.is_(False))
    if topic in TOPICS:
        query = query.where(Escalation.topic == topic)
    if lang in SUPPORTED_LANGUAGES:
        query = query.where(Escalation.lang == lang)
    if search:
        pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(Escalation.summary_de.ilike(pattern, escape="\\"),
                                Escalation.summary_user.ilike(pattern, escape="\\")))
    # Urgent first, then new before claimed before closed, then the longest waiting.
    order = case({"new": 0, "claimed": 1}, value=Escalation.status, else_=2)
    query = query.order_by(Escalation.urgent.desc(), order, Escalation.created_at).limit(QUEUE_LIMIT)
    return list(db.scalars(query))


def last_messages(db: Session, session_ids: list[str]) -> dict[str, dt.datetime]:
    """When each person last wrote (to the bot or to a counsellor), by session id; two queries in all."""
    if not session_ids:
        return {}
    times: dict[str, dt.datetime] = {}
    seen = db.execute(select(ChatSession.id, ChatSession.last_seen_at).where(ChatSession.id.in_(session_ids)))
    person = db.execute(select(CaseEvent.session_id, func.max(CaseEvent.created_at))
                        .where(CaseEvent.session_id.in_(session_ids), CaseEvent.sender == "person")
                        .group_by(CaseEvent.session_id))
    for session_id, moment in [*seen, *person]:
        if moment is not None:
            moment = as_utc(moment)
            times[session_id] = max(times.get(session_id, moment), moment)
    return times


def office_choices(settings, account: Counsellor) -> list[tuple]:
    """(contact id, name) of the offices the account may filter by: its own; an admin's, all."""
    names = {c.id: c.name for c in offices.directory(settings.knowledge_dir) or ()}
    ids = sorted(names) if account.is_admin else list(account.offices or [])
    return sorted(((office, names.get(office, office)) for office in ids), key=lambda pair: pair[1])


def age_text(created: dt.datetime, now: dt.datetime) -> tuple:
    """(bot.texts message, values) for how long ago ``created`` was."""
    if created.tzinfo is None:
        created = created.replace(tzinfo=dt.timezone.utc)
    minutes = max(0, int((now - created).total_seconds() // 60))
    if minutes < 60:
        return texts.DASHBOARD_AGE_MINUTES, {"count": minutes}
    if minutes < 48 * 60:
        return texts.DASHBOARD_AGE_HOURS, {"count": minutes // 60}
    return texts.DASHBOARD_AGE_DAYS, {"count": minutes // (24 * 60)}


def queue_context(db: Session, account: Counsellor, status: str, topic: str, case_lang: str,
                  q: str, view: str = "all", office: str = "", urgency: str = "", settings=None) -> dict[str, Any]:
    """What the queue page and its live table show: rows with unread counts, the filters, the cursor."""
    status = status if status in STATUS_FILTERS else "open"
    view = view if view in VIEWS else "all"
    urgency = urgency if urgency in URGENCY_FILTERS else ""
    choices = office_choices(settings, account) if settings is not None else []
    office = office if office in {o for o, _ in choices} else ""
    cases = _queue(db, account, status, topic, case_lang, q.strip()[:100], view, office, urgency)
    claimers = {c.id: c.name for c in db.scalars(select(Counsellor).where(
        Counsellor.id.in_({e.claimed_by for e in cases if e.claimed_by})))}
    counts = unread.per_case(db, account)
    now = utcnow()
    last = last_messages(db, [e.session_id for e in cases])
    rows = [{"case": e, "district": DISTRICTS.get(e.district_code or "", ""), "age": age_text(e.created_at, now),
             "claimer": claimers.get(e.claimed_by), "unread": counts.get(e.id, 0),
             "last": age_text(last[e.session_id], now) if e.session_id in last else None} for e in cases]
    filters = {"status": status, "topic": topic, "case_lang": case_lang, "q": q, "view": view, "office": office,
               "urgency": urgency}
    return {"rows": rows, "filters": filters, "statuses": STATUS_FILTERS, "topics": TOPICS, "views": VIEWS,
            "offices": choices, "unread": sum(counts.values()), "cursor": case_events.latest_id(db)}


@router.get("", dependencies=[Depends(current_session)])
def queue(request: Request, db: SessionDep, settings: SettingsDep, account: AccountDep, status: str = "open",
          topic: str = "", case_lang: str = "", q: str = "", view: str = "all", office: str = "", urgency: str = ""):
    context = queue_context(db, account, status, topic, case_lang, q, view, office, urgency, settings)
    context["notice"] = request.query_params.get("done")
    return render(request, "dashboard/queue.html", context)


@router.get("/queue-table", dependencies=[Depends(current_session)])
def queue_table(request: Request, db: SessionDep, settings: SettingsDep, account: AccountDep, status: str = "open",
                topic: str = "", case_lang: str = "", q: str = "", view: str = "all", office: str = "",
                urgency: str = ""):
    """The queue's table alone: the live page swaps it in when something changed."""
    context = queue_context(db, account, status, topic, case_lang, q, view, office, urgency, settings)
    return render(request, "dashboard/_queue_table.html", context)
