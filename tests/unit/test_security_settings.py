"""Secrets, proxy headers, Secure cookies and `python -m bot doctor`."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from starlette.requests import Request

from api.clients import client_ip, is_https
from bot import doctor
from bot.settings import SettingsError, load_settings
from bot.supervisor import Stack


def _request(settings, peer="203.0.113.9", forwarded_for=None, proto=None, scheme="http") -> Request:
    headers = []
    if forwarded_for is not None:
        headers.append((b"x-forwarded-for", forwarded_for.encode()))
    if proto is not None:
        headers.append((b"x-forwarded-proto", proto.encode()))
    app = SimpleNamespace(state=SimpleNamespace(settings=settings))
    return Request({"type": "http", "method": "GET", "path": "/", "headers": headers, "query_string": b"",
                    "client": (peer, 5000), "scheme": scheme, "server": ("chat.example.org", 80), "app": app})


def test_proxy_headers_are_ignored_unless_the_proxy_is_trusted(tmp_path):
    plain = load_settings({"ADVISOR_VAR_DIR": str(tmp_path)})
    assert client_ip(_request(plain, forwarded_for="1.2.3.4")) == "203.0.113.9"
    assert not is_https(_request(plain, proto="https"))
    behind = load_settings({"ADVISOR_VAR_DIR": str(tmp_path), "ADVISOR_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8"})
    # a client cannot pick its address: only the hop the trusted proxy added counts
    request = _request(behind, peer="127.0.0.1", forwarded_for="6.6.6.6, 198.51.100.7", proto="https")
    assert client_ip(request) == "198.51.100.7" and is_https(request)
    assert client_ip(_request(behind, peer="127.0.0.1", forwarded_for="198.51.100.7, 10.1.2.3")) == "198.51.100.7"
    assert client_ip(_request(behind, peer="127.0.0.1", forwarded_for="not-an-ip")) == "127.0.0.1"
    assert client_ip(_request(behind, peer="127.0.0.1")) == "127.0.0.1"
    # a stranger talking to the gateway directly is not trusted
    assert client_ip(_request(behind, peer="198.51.100.50", forwarded_for="1.2.3.4")) == "198.51.100.50"
    assert not is_https(_request(behind, peer="198.51.100.50", proto="https"))
    with pytest.raises(SettingsError, match="ADVISOR_TRUSTED_PROXIES"):
        load_settings({"ADVISOR_VAR_DIR": str(tmp_path), "ADVISOR_TRUSTED_PROXIES": "proxy.local"})


def test_the_stack_shares_generated_secrets_through_the_environment_only(tmp_path):
    stack = Stack(var_dir=tmp_path, model=tmp_path / "model.tar.gz")
    env = stack.environment()
    for name in ("ENGINE_TOKEN", "ACTIONS_TOKEN", "SIGNING_KEY"):
        assert len(env[f"ADVISOR_{name}"]) >= 32
    assert env["ADVISOR_ENGINE_TOKEN"] == load_settings({"ADVISOR_VAR_DIR": str(tmp_path)}).engine_token
    for process in ("engine", "actions", "gateway"):
        command = " ".join(stack.command(process))
        assert not any(env[f"ADVISOR_{name}"] in command for name in ("ENGINE_TOKEN", "ACTIONS_TOKEN", "SIGNING_KEY"))
        assert "127.0.0.1" in command
    assert "--no-proxy-headers" in stack.command("gateway")


def test_doctor_names_what_is_unsafe_and_passes_a_sound_production(tmp_path, capsys):
    laptop = load_settings({"ADVISOR_VAR_DIR": str(tmp_path), "ADVISOR_ENGINE_TOKEN": "short"})
    assert doctor.report(laptop, {"ADVISOR_ENGINE_TOKEN": "short", "ADVISOR_LOG_LEVEL": "DEBUG"}) == 1
    out = capsys.readouterr().out
    for setting in ("ADVISOR_ENVIRONMENT", "ADVISOR_ENGINE_TOKEN", "ADVISOR_DASHBOARD_SECURE_COOKIES",
                    "ADVISOR_LOG_LEVEL"):
        assert any(line.startswith("unsafe") and setting in line for line in out.splitlines()), setting
    assert "short" not in out  # never the secret itself
    production = load_settings({"ADVISOR_VAR_DIR": str(tmp_path), "ADVISOR_ENVIRONMENT": "production",
                                "ADVISOR_TRUSTED_PROXIES": "127.0.0.1",
                                "ADVISOR_PUBLIC_URL": "https://chat.example.org"})
    assert doctor.report(production, {}) == 0
    out = capsys.readouterr().out
    assert "0 unsafe for production" in out
    for secret in (production.engine_token, production.actions_token, production.signing_key):
        assert secret not in out


def test_the_engine_never_logs_a_persons_message(monkeypatch):
    import logging
    import warnings

    from bot import engine_main

    shown = []
    monkeypatch.setattr(warnings, "showwarning", lambda message, *args, **kwargs: shown.append(str(message)))
    for name in engine_main.QUIET_LOGGERS:
        monkeypatch.setattr(logging.getLogger(name), "level", logging.getLogger(name).level)
    engine_main.quiet_loggers()
    assert not logging.getLogger("rasa.core.channels.rest").isEnabledFor(logging.CRITICAL)
    assert not logging.getLogger("rasa.core.processor").isEnabledFor(logging.DEBUG)
    warnings.showwarning("Failed to parse arguments in line '/inform_location{\"place\": Olena'", UserWarning,
                         "x.py", 1)
    warnings.showwarning("another warning", UserWarning, "x.py", 1)
    assert shown == ["another warning"]
