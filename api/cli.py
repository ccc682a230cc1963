"""``python -m api <command>``: the gateway's operator commands (dashboard accounts, data protection).

They live here, not in ``python -m bot``, because they work on the gateway's database (api.db,
api.models): bot/ is shared by the engine, the action server and the gateway and never imports api/.
"""

from __future__ import annotations

import argparse
import sys

from bot.settings import Settings, SettingsError, load_settings


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, run the command, return its exit code."""
    parser = argparse.ArgumentParser(prog="python -m api",
                                     description="Sachsen-Anhalt skilled-worker advisor: gateway commands.")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    _add_dashboard(commands)
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"Settings error: {exc}", file=sys.stderr)
        return 2
    return args.run(args, settings)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


# --- dashboard accounts and data protection --------------------------------------------------

def _add_dashboard(commands) -> None:
    command = commands.add_parser(
        "create-admin", help="create an administrator account of the counsellor dashboard",
        description="Create an admin account. The password is asked twice on a terminal, or read from "
                    "ADVISOR_ADMIN_PASSWORD (for scripts). There is no default password.")
    command.add_argument("--email", required=True)
    command.add_argument("--name", required=True)
    command.set_defaults(run=run_create_admin)
    command = commands.add_parser(
        "purge", help="delete cases and idle conversations past their retention periods",
        description="Delete closed escalations closed more than ADVISOR_ESCALATION_RETENTION_DAYS days ago "
                    "(default 90), with notes, replies and the conversation. The gateway also runs this daily.")
    command.set_defaults(run=run_purge)


def _read_new_password() -> str | None:
    import getpass
    import os

    from_env = os.environ.get("ADVISOR_ADMIN_PASSWORD")
    if from_env is not None:
        return from_env
    if not sys.stdin.isatty():
        print("No terminal to ask for the password: set ADVISOR_ADMIN_PASSWORD.", file=sys.stderr)
        return None
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        print("The two passwords differ; nothing was created.", file=sys.stderr)
        return None
    return first


def run_create_admin(args: argparse.Namespace, settings: Settings) -> int:
    from api.auth import find_account, hash_password, normalise_email, password_problem
    from api.db import make_engine, make_session_factory, upgrade_database
    from api.models import Counsellor
    from bot.i18n import translate

    email = normalise_email(args.email)
    if "@" not in email or not args.name.strip():
        print("Give a valid --email and a non-empty --name.", file=sys.stderr)
        return 2
    password = _read_new_password()
    if password is None:
        return 2
    problem = password_problem(password, email, args.name)
    if problem:
        print(f"Refused: {translate('en', problem)}", file=sys.stderr)
        return 2
    upgrade_database(settings)
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as db:
            if find_account(db, email) is not None:
                print(f"An account for {email} already exists; reset its password in the dashboard.",
                      file=sys.stderr)
                return 1
            db.add(Counsellor(email=email, name=args.name.strip(), password_hash=hash_password(password),
                              role="admin", active=True, failed_logins=0, offices=[]))
            db.commit()
    finally:
        engine.dispose()
    print(f"Admin account {email} created. Log in at /dashboard/login.")
    return 0


def run_purge(args: argparse.Namespace, settings: Settings) -> int:
    from api.db import upgrade_database
    from api.retention import purge

    upgrade_database(settings)
    cases, sessions = purge(settings)
    print(f"Deleted {_count(cases, 'case')} past {settings.escalation_retention_days} days and "
          f"{_count(sessions, 'idle conversation')} past {settings.session_retention_days} days.")
    return 0
