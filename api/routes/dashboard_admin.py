"""Admin pages of the dashboard: accounts (create, disable, enable, reset, offices, the name shown to people,
e-mail about urgent cases) and the canned replies of knowledge/replies.yml (read-only: they are content)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from api.audit import audit
from api.auth import end_sessions, hash_password, normalise_email, password_problem
from api.deps import SessionDep, SettingsDep
from api.models import ROLES, Counsellor
from api.routes.dashboard_case import canned_replies
from api.routes.dashboard_web import AdminDep, DashboardError, FormDep, not_found, redirect, render
from bot import SUPPORTED_LANGUAGES, texts
from bot.contacts.directory import ContactsError, load_directory
from bot.i18n import language_name

router = APIRouter(prefix="/dashboard/admin", include_in_schema=False)


def _offices(settings) -> list[tuple]:
    """(contact id, name) of every office in the directory."""
    try:
        return [(c.id, c.name) for c in load_directory(settings.knowledge_dir)]
    except ContactsError:
        return []


def _accounts_page(request: Request, db, settings, error: str = "", status: int = 200):
    accounts = db.scalars(select(Counsellor).order_by(Counsellor.name)).all()
    return render(request, "dashboard/accounts.html", {
        "accounts": accounts, "offices": _offices(settings), "roles": ROLES, "error": error,
        "done": request.query_params.get("done")}, status=status)


@router.get("/accounts")
def accounts(request: Request, db: SessionDep, settings: SettingsDep, admin: AdminDep):
    return _accounts_page(request, db, settings)


@router.post("/accounts")
def create_account(request: Request, db: SessionDep, settings: SettingsDep, admin: AdminDep, form: FormDep):
    email, name, password = normalise_email(form.get("email", "")), form.get("name", "").strip(), form.get("password", "")
    role = form.get("role", "counsellor")
    known = {office for office, _ in _offices(settings)}
    offices = [office for office in request.state.form_offices if office in known]
    if "@" not in email or not name or role not in ROLES:
        return _accounts_page(request, db, settings, texts.DASHBOARD_ACCOUNT_INVALID, 422)
    problem = password_problem(password, email, name)
    if problem:
        return _accounts_page(request, db, settings, problem, 422)
    account = Counsellor(email=email, name=name[:120], password_hash=hash_password(password), role=role,
                         active=True, failed_logins=0, offices=offices,
                         public_name=form.get("public_name", "").strip()[:120],
                         notify_urgent=form.get("notify_urgent") == "1")
    db.add(account)
    try:
        db.flush()
    except IntegrityError:
        db.rollback()
        return _accounts_page(request, db, settings, texts.DASHBOARD_ACCOUNT_EXISTS, 409)
    audit(db, "account_created", admin, target=account.id)
    db.commit()
    return redirect("/dashboard/admin/accounts?done=created")


def _account(db, account_id: int) -> Counsellor:
    account = db.get(Counsellor, account_id)
    if account is None:
        raise not_found()
    return account


@router.post("/accounts/{account_id}/active")
def set_active(account_id: int, db: SessionDep, admin: AdminDep, form: FormDep):
    account = _account(db, account_id)
    if account.id == admin.id:
        raise DashboardError(409, texts.DASHBOARD_NOT_YOURSELF)
    account.active = form.get("active") == "1"
    if not account.active:
        end_sessions(db, account.id)
    audit(db, "account_enabled" if account.active else "account_disabled", admin, target=account.id)
    db.commit()
    return redirect("/dashboard/admin/accounts?done=saved")


@router.post("/accounts/{account_id}/password")
def reset_password(request: Request, account_id: int, db: SessionDep, settings: SettingsDep, admin: AdminDep,
                   form: FormDep):
    account = _account(db, account_id)
    password = form.get("password", "")
    problem = password_problem(password, account.email, account.name)
    if problem:
        return _accounts_page(request, db, settings, problem, 422)
    account.password_hash = hash_password(password)
    account.failed_logins, account.locked_until = 0, None  # columns of the old lock-out, unused
    end_sessions(db, account.id)
    audit(db, "password_reset", admin, target=account.id)
    db.commit()
    return redirect("/dashboard/admin/accounts?done=saved")


@router.post("/accounts/{account_id}/offices")
def set_offices(request: Request, account_id: int, db: SessionDep, settings: SettingsDep, admin: AdminDep,
                form: FormDep):
    """Offices (what the account may read), the name shown to people, e-mail about urgent cases. Audited."""
    account = _account(db, account_id)
    known = {office for office, _ in _offices(settings)}
    account.offices = [office for office in request.state.form_offices if office in known]
    account.public_name = form.get("public_name", "").strip()[:120]
    account.notify_urgent = form.get("notify_urgent") == "1"
    audit(db, "offices_changed", admin, target=account.id)
    db.commit()
    return redirect("/dashboard/admin/accounts?done=saved")


@router.get("/canned")
def canned(request: Request, settings: SettingsDep, admin: AdminDep):
    """The canned replies with all their languages, for checking; staff edit knowledge/replies.yml."""
    languages = [(code, language_name(code)) for code in SUPPORTED_LANGUAGES]
    return render(request, "dashboard/canned.html", {"replies": canned_replies(settings),
                                                     "reply_languages": languages})
