"""Staff pages (German): whether the last edit of knowledge/ is live, and the content gaps.

- ``/dashboard/staff/knowledge``: the last check of the knowledge folder by the action server's live
  reload (bot/knowledge/live.py): live, or rejected with every error in plain words (file, line, what
  to do) while the bot keeps answering from the last good build; the warnings (translations out of
  date, review dates) below.
- ``/dashboard/staff/gaps``: questions the bot refused, passed to a person, or that got "no" under
  "Did this help?", grouped by similar wording with counts and the articles shown; then how often each
  article helped. Personal data was removed before storing (api.scrub).

Login like the dashboard; the roles "staff" (content editors) and "admin".
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from api import content_gaps
from api.deps import SessionDep, SettingsDep
from api.models import Counsellor
from api.routes.dashboard_web import DashboardError, current_account, render
from bot import texts
from bot.i18n import language_name
from bot.knowledge.live import read_status

router = APIRouter(prefix="/dashboard/staff", include_in_schema=False)

#: Periods the gap page offers (days).
PERIODS = (7, 30, 90, 180)
KIND_NAMES = {"refused": "keine Antwort", "handoff": "an eine Person", "not_helpful": "„hat nicht geholfen“"}


def staff_account(account: Annotated[Counsellor, Depends(current_account)]) -> Counsellor:
    if not account.may_edit_content:
        raise DashboardError(403, texts.DASHBOARD_FORBIDDEN)
    return account


StaffDep = Annotated[Counsellor, Depends(staff_account)]


def _when(value: str | None) -> str:
    if not value:
        return ""
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    return moment.astimezone(dt.timezone.utc).strftime("%d.%m.%Y %H:%M UTC")


def article_titles(index_dir) -> dict[str, str]:
    """Article id -> German title, from the build in use (empty when there is none)."""
    try:
        articles = json.loads((index_dir / "current" / "articles.json").read_text(encoding="utf-8"))
        return {a["id"]: a["title"] for a in articles if a.get("lang") == "de"}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


@router.get("/knowledge")
def knowledge(request: Request, settings: SettingsDep, staff: StaffDep):
    status = read_status(settings.index_dir)
    if status is not None:
        checking = status.get("checking") if isinstance(status.get("checking"), dict) else {}
        status = {**status, "checked": _when(status.get("checked_at")), "last_live": _when(status.get("last_live_at")),
                  "checking_since": _when(checking.get("since"))}
    return render(request, "staff/knowledge.html", {"status": status, "watching": bool(settings.knowledge_watch)})


@router.get("/gaps")
def gaps(request: Request, db: SessionDep, settings: SettingsDep, staff: StaffDep, days: int = 30):
    days = days if days in PERIODS else 30
    groups = content_gaps.gap_groups(db, days)
    return render(request, "staff/gaps.html", {
        "groups": groups, "days": days, "periods": PERIODS, "kind_names": KIND_NAMES,
        "totals": content_gaps.kinds_in(groups), "articles": content_gaps.article_feedback(db, days),
        "language_name": lambda code: language_name(code, "de"), "titles": article_titles(settings.index_dir),
    })
