
import pytest

from bot.settings import SettingsError, load_settings


def test_defaults_work_on_a_laptop():
    settings = load_settings({})
    assert settings.engine_url == "http://127.0.0.1:5005"
    assert settings.max_message_chars == 2000
    assert settings.database_url.startswith("sqlite:///") and settings.database_url.endswith("var/app.db")


def test_environment_variables_are_read_and_typed(tmp_path):
    settings = load_settings(
        {"ADVISOR_VAR_DIR": str(tmp_path), "ADVISOR_RATE_LIMIT_PER_MINUTE": "5",
         "ADVISOR_ALLOWED_ORIGINS": "https://a.example, https://b.example"}
    )
    assert settings.var_dir == tmp_path
    assert settings.model_dir == tmp_path / "models" / "multilingual-e5-small"
    assert settings.rate_limit_per_minute == 5
    assert settings.allowed_origins == ("https://a.example", "https://b.example")


def test_bad_number_names_the_variable():
    with pytest.raises(SettingsError, match="ADVISOR_RATE_LIMIT_PER_MINUTE"):
        load_settings({"ADVISOR_RATE_LIMIT_PER_MINUTE": "many"})


def test_published_secrets_are_refused_in_every_environment(tmp_path):
    for environment in ("development", "production"):
        for name in ("ENGINE_TOKEN", "ACTIONS_TOKEN", "SIGNING_KEY"):
            with pytest.raises(SettingsError, match=f"ADVISOR_{name}"):
                load_settings({"ADVISOR_VAR_DIR": str(tmp_path), "ADVISOR_ENVIRONMENT": environment,
                               f"ADVISOR_{name}": "dev-engine-token"})


def test_production_refuses_short_or_shared_secrets(tmp_path):
    base = {"ADVISOR_VAR_DIR": str(tmp_path), "ADVISOR_ENVIRONMENT": "production"}
    with pytest.raises(SettingsError, match="ADVISOR_ENGINE_TOKEN must be at least 32 bytes"):
        load_settings({**base, "ADVISOR_ENGINE_TOKEN": "y"})
    same = "s" * 40
    with pytest.raises(SettingsError, match="must differ"):
        load_settings({**base, "ADVISOR_ENGINE_TOKEN": same, "ADVISOR_ACTIONS_TOKEN": same})
    assert load_settings({**base, "ADVISOR_ENGINE_TOKEN": "x" * 32}).engine_token == "x" * 32
    # development takes any unpublished value (a laptop), production does not
    assert load_settings({"ADVISOR_VAR_DIR": str(tmp_path), "ADVISOR_ENGINE_TOKEN": "y"}).engine_token == "y"
    with pytest.raises(SettingsError, match="ADVISOR_ENVIRONMENT"):
        load_settings({"ADVISOR_VAR_DIR": str(tmp_path), "ADVISOR_ENVIRONMENT": "staging"})


def test_secrets_are_generated_once_into_a_private_file(tmp_path):
    first = load_settings({"ADVISOR_VAR_DIR": str(tmp_path)})
    path = tmp_path / "secrets.env"
    assert path.stat().st_mode & 0o777 == 0o600
    assert len({first.engine_token, first.actions_token, first.signing_key}) == 3
    assert all(len(value) >= 32 for value in (first.engine_token, first.actions_token, first.signing_key))
    again = load_settings({"ADVISOR_VAR_DIR": str(tmp_path), "ADVISOR_ENVIRONMENT": "production"})
    assert (again.engine_token, again.actions_token, again.signing_key) == (
        first.engine_token, first.actions_token, first.signing_key)
    # the environment wins over the file
    chosen = "z" * 40
    assert load_settings({"ADVISOR_VAR_DIR": str(tmp_path), "ADVISOR_ENGINE_TOKEN": chosen}).engine_token == chosen
    # a published value that got into the file is replaced, never used
    path.write_text(path.read_text().replace(first.engine_token, "dev-engine-token"))
    replaced = load_settings({"ADVISOR_VAR_DIR": str(tmp_path)})
    assert replaced.engine_token not in (first.engine_token, "dev-engine-token")
    assert replaced.actions_token == first.actions_token


def test_today_sets_the_date_the_knowledge_is_read_for():
    import datetime as dt

    assert load_settings({}).today is None
    assert load_settings({}).current_date() == dt.date.today()
    assert load_settings({"ADVISOR_TODAY": "2027-01-01"}).current_date() == dt.date(2027, 1, 1)
    with pytest.raises(SettingsError, match=r"ADVISOR_TODAY='1\.1\.2027' is not a valid date \(YYYY-MM-DD\)"):
        load_settings({"ADVISOR_TODAY": "1.1.2027"})


def test_email_settings_are_checked():
    with pytest.raises(SettingsError, match="ADVISOR_MAIL_FROM"):
        load_settings({"ADVISOR_SMTP_HOST": "mail.example.org"})
    with pytest.raises(SettingsError, match="ADVISOR_SMTP_SECURITY"):
        load_settings({"ADVISOR_SMTP_SECURITY": "tls13"})
    settings = load_settings({"ADVISOR_SMTP_HOST": "mail.example.org", "ADVISOR_MAIL_FROM": "chat@example.org",
                              "ADVISOR_PUBLIC_URL": "https://chat.example.org"})
    assert settings.smtp_port == 587 and settings.smtp_security == "starttls"
    assert settings.resume_page == "https://chat.example.org/"
