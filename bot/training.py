"""Train the Rasa model only when its inputs changed (content hash), reuse it otherwise.

Standard library only: this runs before or beside either venv. The model file is
``var/rasa-models/<hash>.tar.gz``; a copy is kept in the cache folder (``ADVISOR_CACHE``,
default ~/.cache/sa-advisor) so a fresh clone on the same machine does not train again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path

from bot.settings import PROJECT_ROOT

ENGINE_BIN = PROJECT_ROOT / ".venv-engine" / "bin"
TRAINING_INPUTS = ("config.yml", "domain.yml", "bot/data", "bot/nlu", "requirements/engine.lock")


def cache_dir() -> Path:
    return Path(os.environ.get("ADVISOR_CACHE", Path.home() / ".cache" / "sa-advisor"))


def _files(root: Path, inputs: Iterable[str]) -> list[Path]:
    found = []
    for name in inputs:
        path = root / name
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        elif path.exists():
            found.append(path)
    return found


def inputs_hash(root: Path = PROJECT_ROOT) -> str:
    """A short hash over the names and contents of everything that shapes the model."""
    digest = hashlib.sha256()
    for path in _files(root, TRAINING_INPUTS):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def model_path(var_dir: Path, root: Path = PROJECT_ROOT) -> Path:
    return var_dir / "rasa-models" / f"{inputs_hash(root)}.tar.gz"


def engine_environment() -> dict:
    """Environment for every engine command: our package importable, nothing phones home."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(PROJECT_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["RASA_TELEMETRY_ENABLED"] = "false"
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    env["SQLALCHEMY_SILENCE_UBER_WARNING"] = "1"
    # endpoints.yml reads these; without them Rasa would create a file literally named
    # "${ADVISOR_ENGINE_DB}" when a command such as `rasa test` reads the endpoints.
    env.setdefault("ADVISOR_ENGINE_DB", str(PROJECT_ROOT / "var" / "engine.db"))
    env.setdefault("ADVISOR_ACTIONS_WEBHOOK", "http://127.0.0.1:5055/webhook")
    env.setdefault("ADVISOR_ACTIONS_TOKEN", "")
    return env


def train(var_dir: Path, force: bool = False) -> Path:
    """Return the model for the current inputs, training it first if it does not exist."""
    target = model_path(var_dir)
    cached = cache_dir() / "rasa-models" / target.name
    if target.exists() and not force:
        print(f"Rasa model up to date: {target.name}")
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    if cached.exists() and not force:
        shutil.copy2(cached, target)
        print(f"Rasa model restored from cache: {target.name}")
        return target
    print("Training the Rasa model (inputs changed) ...", flush=True)
    started = time.monotonic()
    command = [
        str(ENGINE_BIN / "rasa"), "train",
        "--config", "config.yml", "--domain", "domain.yml", "--data", "bot/data",
        "--out", str(target.parent), "--fixed-model-name", target.name[: -len(".tar.gz")],
    ]
    subprocess.run(command, cwd=PROJECT_ROOT, env=engine_environment(), check=True)
    print(f"Rasa model trained in {time.monotonic() - started:.0f} s: {target.name}")
    for old in target.parent.glob("*.tar.gz"):
        if old != target and old.stat().st_mtime < time.time() - 7 * 86400:
            old.unlink()
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(target, cached)
    except OSError as exc:  # the cache is an optimisation only
        print(f"(could not cache the model: {exc})", file=sys.stderr)
    return target


def validate_data() -> int:
    """``rasa data validate``: domain, rules and NLU data agree; the exit code of Rasa."""
    command = [str(ENGINE_BIN / "rasa"), "data", "validate", "--config", "config.yml",
               "--domain", "domain.yml", "--data", "bot/data"]
    result = subprocess.run(command, cwd=PROJECT_ROOT, env=engine_environment(),
                            check=False, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        print(result.stderr[-3000:], file=sys.stderr)
    return result.returncode
