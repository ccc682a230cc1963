"""``python -m bot doctor``: which settings are unsafe for production, each with what to do.

Reads the same settings as the processes (environment, then var/secrets.env) and never prints a
secret. Exit code 1 when anything is unsafe, so a deployment script can stop on it.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass

from bot.secret_store import MIN_PRODUCTION_SECRET_BYTES, SECRETS, secrets_file
from bot.settings import Settings

LOOPBACK = ("127.0.0.1", "::1", "localhost")


@dataclass(frozen=True)
class Finding:
    #: "unsafe" (fix before production), "check" (depends on the deployment) or "ok".
    level: str
    setting: str
    text: str


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def findings(settings: Settings, environ: Mapping[str, str] | None = None) -> list[Finding]:
    environ = os.environ if environ is None else environ
    found: list[Finding] = []

    def add(level: str, setting: str, text: str) -> None:
        found.append(Finding(level, setting, text))

    production = settings.environment == "production"
    if production:
        add("ok", "ADVISOR_ENVIRONMENT", "production")
    else:
        add("unsafe", "ADVISOR_ENVIRONMENT",
            f"is {settings.environment!r}: set production (Secure cookies, 32-byte secrets enforced)")

    path = secrets_file(settings.var_dir)
    for name in SECRETS:
        variable = f"ADVISOR_{name.upper()}"
        value = getattr(settings, name)
        source = "environment" if environ.get(variable) else str(path)
        if len(value.encode()) < MIN_PRODUCTION_SECRET_BYTES:
            add("unsafe", variable, f"is {len(value.encode())} bytes (from {source}); use at least "
                                    f"{MIN_PRODUCTION_SECRET_BYTES} random bytes")
        else:
            add("ok", variable, f"{len(value.encode())} bytes, from {source}")
    if path.exists() and path.stat().st_mode & 0o077:
        add("unsafe", str(path), "is readable by other users: chmod 600")

    if not settings.trusted_proxies:
        add("check", "ADVISOR_TRUSTED_PROXIES",
            "is empty: right only when people reach the gateway directly; behind a reverse proxy every "
            "person would share the proxy's rate limits (set the proxy's address)")
    else:
        add("ok", "ADVISOR_TRUSTED_PROXIES", ", ".join(settings.trusted_proxies))

    if not (production or settings.dashboard_secure_cookies):
        add("unsafe", "ADVISOR_DASHBOARD_SECURE_COOKIES",
            "dashboard cookies are not Secure over plain http (production always sets them)")
    if settings.dev_routes:
        add("unsafe", "ADVISOR_DEV_ROUTES", "=1 lets anyone post into any conversation: remove it")
    if "*" in settings.allowed_origins:
        add("unsafe", "ADVISOR_ALLOWED_ORIGINS", "contains '*': name the sites that embed the widget")
    for setting, host in (("ADVISOR_ENGINE_HOST", settings.engine_host),
                          ("ADVISOR_ACTIONS_HOST", settings.actions_host)):
        if not _is_loopback(host):
            add("check", setting, f"is {host}: only the gateway (engine) or the engine (actions) may reach it; "
                                  "keep it on a private network, never published")
    if not _is_loopback(settings.gateway_host) and not settings.trusted_proxies:
        add("check", "ADVISOR_GATEWAY_HOST", f"is {settings.gateway_host} without a trusted proxy: "
                                             "people then talk to the gateway without TLS")
    if production and not settings.public_url.startswith("https://"):
        add("unsafe", "ADVISOR_PUBLIC_URL", f"is {settings.public_url}: people must reach the service over https")
    log_level = environ.get("ADVISOR_LOG_LEVEL", "INFO").upper()
    if log_level in ("DEBUG", "NOTSET"):
        add("unsafe", "ADVISOR_LOG_LEVEL", f"is {log_level}: libraries then log people's messages; use INFO")
    if settings.smtp_host and settings.smtp_security == "none" and not _is_loopback(settings.smtp_host):
        add("unsafe", "ADVISOR_SMTP_SECURITY", f"is none for {settings.smtp_host}: use starttls or ssl")
    storage = getattr(settings, "rate_limit_storage", "memory://")
    if storage.startswith("memory"):
        add("check", "ADVISOR_RATE_LIMIT_STORAGE",
            "is memory://: right for one gateway process; with several, use a redis:// URL so they count together")
    if settings.database_url.startswith("sqlite"):
        add("check", "ADVISOR_APP_DB_URL", "is SQLite: fine for one host; use PostgreSQL for several gateways")
    return found


def report(settings: Settings, environ: Mapping[str, str] | None = None) -> int:
    """Print the findings, worst first; 1 when anything is unsafe."""
    order = {"unsafe": 0, "check": 1, "ok": 2}
    results = sorted(findings(settings, environ), key=lambda finding: order[finding.level])
    for finding in results:
        print(f"{finding.level:7} {finding.setting} {finding.text}")
    unsafe = sum(finding.level == "unsafe" for finding in results)
    checks = sum(finding.level == "check" for finding in results)
    print(f"\n{unsafe} unsafe for production, {checks} to check against your deployment.")
    return 1 if unsafe else 0
