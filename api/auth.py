"""Dashboard accounts: argon2 passwords, password rules, login throttling, server-side login sessions, CSRF tokens.

A login session is a random token in an HttpOnly cookie; the database keeps only its sha256
(like chat tokens) and, next to it, the CSRF token every form of that session must send back.
The login form itself has no session yet: it uses a double-submit cookie instead.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from api.models import Counsellor, DashboardSession, hash_token, utcnow
from bot import texts

MIN_PASSWORD_LENGTH = 12
#: Passwords people pick first; refused whatever their length.
COMMON_PASSWORDS = frozenset({
    "passwort1234", "password1234", "123456789012", "qwertzuiop12", "qwertyuiop12", "hallohallo12",
    "changeme1234", "administrator", "sachsenanhalt", "magdeburg123",
})

_hasher = PasswordHasher()
# Verified when the e-mail is unknown, so the answer takes as long as for a real account.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    """The argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def password_problem(password: str, email: str = "", name: str = "") -> str | None:
    """None for an acceptable password, else the ``bot.texts`` message saying what is wrong."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        return texts.DASHBOARD_PASSWORD_TOO_SHORT
    lowered = password.lower()
    personal = [part for part in (email.split("@")[0].lower(), name.lower()) if len(part) >= 4]
    if (lowered in COMMON_PASSWORDS or len(set(password)) < 5
            or any(part in lowered for part in personal)):
        return texts.DASHBOARD_PASSWORD_TOO_WEAK
    return None


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_account(db: Session, email: str) -> Counsellor | None:
    return db.scalar(select(Counsellor).where(func.lower(Counsellor.email) == normalise_email(email)))


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands back naive datetimes; every time we store is UTC.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.timezone.utc)
    return value


def check_login(db: Session, email: str, password: str) -> Counsellor | None:
    """The account if ``password`` opens it; None otherwise, after the same work in every case.

    An unknown e-mail verifies a dummy hash, a disabled account its own: the answer takes as long
    for an account that exists as for one that does not, and the caller shows one message for every
    refusal. No account is ever locked: failed logins are throttled per caller (``login_wait``).
    """
    account = find_account(db, email)
    if account is None:
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(account.password_hash, password) or not account.active:
        return None
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
        db.commit()
    return account


def waste_time_like_a_login(password: str) -> None:
    """What check_login costs, for answers that refuse without checking (a throttled caller)."""
    verify_password(_DUMMY_HASH, password)


# --- login throttling ----------------------------------------------------------------------------
# A stranger who tries passwords for an account slows down only themselves: failures count per
# address, per account and address, and per account from browsers that never logged in to it.
# A browser that did (it holds a "trusted device" cookie signed for that account) has its own
# allowance, which no one else can use up. So the counsellor's own browser can always log in,
# while guessing stays slow from everywhere. Keyed on the e-mail as typed (normalised), never on
# whether the account exists: unknown and existing accounts are throttled alike.

DEVICE_COOKIE = "advisor_device"
DEVICE_DAYS = 180


def _device_signature(key: str, nonce: str, email: str) -> str:
    mac = hmac.new(key.encode(), f"device:{nonce}:{normalise_email(email)}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).decode().rstrip("=")


def new_device_cookie(key: str, email: str) -> str:
    """The cookie that marks this browser as one the account logged in from."""
    nonce = secrets.token_urlsafe(16)
    return f"{nonce}.{_device_signature(key, nonce, email)}"


def trusted_device(key: str, cookie: str | None, email: str) -> str | None:
    """The device's id when ``cookie`` was signed for ``email``, else None."""
    nonce, _, signature = (cookie or "").partition(".")
    if not nonce or not signature or len(cookie or "") > 200:
        return None
    if hmac.compare_digest(signature.encode(), _device_signature(key, nonce, email).encode()):
        return nonce
    return None


def _login_keys(email: str, ip: str, device: str | None) -> list[tuple[str, str]]:
    email = normalise_email(email)[:320]
    keys = [("login_ip", ip)]
    if device:
        keys.append(("login_device", device))
    else:
        keys += [("login_account_ip", f"{email}|{ip}"), ("login_account", email)]
    return keys


def login_wait(limits, email: str, ip: str, device: str | None) -> float:
    """Seconds this caller must wait before trying this account again; 0.0 when it may try now."""
    return max((limits.exhausted(rule, key) for rule, key in _login_keys(email, ip, device)), default=0.0)


def count_failed_login(limits, email: str, ip: str, device: str | None) -> None:
    for rule, key in _login_keys(email, ip, device):
        limits.count(rule, key)


def start_session(db: Session, account: Counsellor, hours: int) -> tuple[str, DashboardSession]:
    """A new login session: (the cookie's token, the stored session)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    # Expired sessions go whenever someone logs in: no separate clean-up job needed.
    db.execute(delete(DashboardSession).where(DashboardSession.expires_at < now))
    session = DashboardSession(token_hash=hash_token(token), counsellor_id=account.id,
                               csrf_token=secrets.token_urlsafe(32), created_at=now,
                               expires_at=now + dt.timedelta(hours=hours))
    db.add(session)
    db.commit()
    return token, session


def load_session(db: Session, token: str | None) -> DashboardSession | None:
    """The unexpired session of ``token`` whose account is still active, else None."""
    if not token:
        return None
    session = db.get(DashboardSession, hash_token(token))
    if session is None or _aware(session.expires_at) <= utcnow():
        return None
    account = db.get(Counsellor, session.counsellor_id)
    if account is None or not account.active:
        return None
    return session


def end_sessions(db: Session, counsellor_id: int) -> None:
    """Log an account out everywhere (disabled, password reset)."""
    db.execute(delete(DashboardSession).where(DashboardSession.counsellor_id == counsellor_id))


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def same_token(expected: str | None, given: str | None) -> bool:
    """Constant-time comparison; False when either is missing."""
    return bool(expected) and bool(given) and hmac.compare_digest(expected.encode(), given.encode())
