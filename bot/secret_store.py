"""The deployment's own secrets: read from the environment, else from ``var/secrets.env``, else made there.

On the first start every secret the processes share is generated at random into
``<var_dir>/secrets.env`` (mode 600, git-ignored with the rest of var/). An operator who keeps
secrets elsewhere sets the ``ADVISOR_*`` variables instead; those win. Values published anywhere
(the repository, its history, documentation) are refused in every environment, so no copy of
this project answers to a token that strangers know. Standard library only: the engine's
interpreter (Python 3.10) imports it too.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

#: Setting name -> what it protects. Each is an ``ADVISOR_<NAME>`` variable too.
SECRETS = {
    "engine_token": "the engine's HTTP API and REST channel (only the gateway calls them)",
    "actions_token": "the action server's webhook (only the engine calls it)",
    "signing_key": "signatures the gateway puts on cookies (the dashboard's trusted-device cookie)",
}

#: Values that were ever written in this repository or its documentation, and obvious placeholders.
PUBLISHED_SECRETS = frozenset({
    "dev-engine-token", "dev-internal-token", "e2e-engine-token", "crash-engine-token",
    "changeme", "change-me", "change_me", "secret", "dev", "token", "password", "test", "none", "null",
})

#: Shortest secret accepted outside development (bytes).
MIN_PRODUCTION_SECRET_BYTES = 32

FILE_NAME = "secrets.env"


def secrets_file(var_dir: Path) -> Path:
    return Path(var_dir) / FILE_NAME


def is_published(value: str) -> bool:
    return value.strip().lower() in PUBLISHED_SECRETS


def _read(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return values
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        key = key.strip()
        if key.startswith("ADVISOR_"):
            values[key[len("ADVISOR_"):].lower()] = value.strip()
    return values


def _write(path: Path, values: dict[str, str]) -> None:
    """Write the file readable by its owner only; atomically, so a concurrent reader sees all or nothing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["# Generated on first start; keep it private (mode 600). Delete a line to get a new value",
             "# (then restart all processes). ADVISOR_* environment variables override these."]
    for name, purpose in SECRETS.items():
        lines.append(f"# {purpose}")
        lines.append(f"ADVISOR_{name.upper()}={values[name]}")
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    os.replace(temporary, path)


def ensure_secrets(var_dir: Path, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every secret: the environment's value, else the file's; missing ones are generated into the file."""
    environ = os.environ if environ is None else environ
    path = secrets_file(var_dir)
    stored = _read(path)
    missing = [name for name in SECRETS if not stored.get(name) or is_published(stored[name])]
    if missing and any(not environ.get(f"ADVISOR_{name.upper()}") for name in missing):
        for name in missing:
            stored[name] = secrets.token_urlsafe(32)
        _write(path, stored)
    elif path.exists() and path.stat().st_mode & 0o077:
        os.chmod(path, 0o600)
    return {name: environ.get(f"ADVISOR_{name.upper()}") or stored[name] for name in SECRETS}
