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
