"""The gateway database: Alembic creates it, migrations match the models, upgrading twice is harmless."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from api.db import make_engine, upgrade_database
from api.models import Base
from bot.settings import load_settings


def test_upgrade_creates_the_database_file_and_the_sessions_table(tmp_path):
    settings = load_settings({"ADVISOR_VAR_DIR": str(tmp_path / "var")})
    upgrade_database(settings)
    upgrade_database(settings)  # a second start-up finds nothing to do
    assert (tmp_path / "var" / "app.db").exists()
    engine = make_engine(settings.database_url)
    try:
        columns = {c["name"] for c in inspect(engine).get_columns("chat_sessions")}
        assert columns == {"id", "token_hash", "lang", "lang_locked", "created_at", "last_seen_at", "resume_hash",
                           "delivered_event_id"}
    finally:
        engine.dispose()


def test_the_migrations_describe_exactly_the_models(tmp_path):
    settings = load_settings({"ADVISOR_VAR_DIR": str(tmp_path)})
    upgrade_database(settings)
    engine = make_engine(settings.database_url)
    try:
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    finally:
        engine.dispose()
    assert differences == [], "a model changed without an Alembic revision (api/migrations/versions/)"


def test_a_database_error_never_quotes_the_values_it_was_given(tmp_path):
    # The error's text goes to the log with its traceback; the values are people's messages.
    import pytest
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    from api.tracker_store import _store_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'app.db'}")
    (tmp_path / "engine.db").touch()
    store = _store_engine(f"sqlite:///{tmp_path / 'engine.db'}")
    try:
        for database in (engine, store):
            with database.begin() as connection:
                connection.execute(text("CREATE TABLE notes (body TEXT NOT NULL UNIQUE)"))
                connection.execute(text("INSERT INTO notes VALUES (:body)"), {"body": "Ich heiße Olena"})
            with pytest.raises(IntegrityError) as raised, database.begin() as connection:
                connection.execute(text("INSERT INTO notes VALUES (:body)"), {"body": "Ich heiße Olena"})
            assert "Olena" not in str(raised.value)
    finally:
        engine.dispose()
