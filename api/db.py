"""Database engine, session factory and schema migration of the gateway (SQLAlchemy 2 + Alembic)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.settings import Settings

ALEMBIC_INI = Path(__file__).resolve().parent / "alembic.ini"


def make_engine(database_url: str) -> Engine:
    """An engine for ``database_url``; for SQLite the folder is created and WAL switched on.

    ``hide_parameters``: a database error's text (logged with its traceback) never quotes the values
    of the statement, which are people's messages, notes and e-mail addresses.
    """
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, hide_parameters=True)
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, hide_parameters=True)

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record) -> None:
        # WAL lets the chat read while another request writes; foreign keys are off by default.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    # Objects stay readable after commit: the chat route uses them across threads.
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config() -> Config:
    return Config(str(ALEMBIC_INI))


def upgrade_database(settings: Settings) -> None:
    """Bring the database at ``settings.database_url`` to the newest schema (``alembic upgrade head``)."""
    engine = make_engine(settings.database_url)
    try:
        with engine.begin() as connection:
            config = alembic_config()
            # env.py migrates this connection and leaves the application's logging alone.
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        engine.dispose()
