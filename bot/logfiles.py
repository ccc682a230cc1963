"""The processes' log files (var/logs/<name>.log): rotated by size, old ones deleted.

The children write to their file opened for appending; the supervisor rotates it by copying it to
``<name>.log.1`` (older copies move up, ``.{keep}`` goes) and truncating it, so the child writes on
without reopening anything (logrotate's "copytruncate"). Copies older than ``max_age_days`` are
deleted as well, so a log never keeps anything longer than the conversations themselves.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

#: A log file is rotated when it grows past this; this many copies are kept.
MAX_BYTES = 10 * 1024 * 1024
KEEP = 5


def rotate(path: Path, max_bytes: int = MAX_BYTES, keep: int = KEEP, max_age_days: float = 30.0) -> bool:
    """Rotate ``path`` if it is larger than ``max_bytes``; delete copies older than ``max_age_days``.
    True when it rotated."""
    rotated = False
    try:
        if path.exists() and path.stat().st_size > max_bytes:
            for number in range(keep - 1, 0, -1):
                older = path.with_name(f"{path.name}.{number}")
                if older.exists():
                    older.replace(path.with_name(f"{path.name}.{number + 1}"))
            shutil.copyfile(path, path.with_name(f"{path.name}.1"))
            with path.open("r+b") as handle:
                handle.truncate(0)
            rotated = True
        oldest = time.time() - max_age_days * 86400
        for copy in _copies(path):
            number = copy.name.rsplit(".", 1)[-1]
            if int(number) > keep or copy.stat().st_mtime < oldest:
                copy.unlink()
    except OSError:
        pass  # a log that cannot be rotated must not stop the service
    return rotated


def _copies(path: Path) -> list[Path]:
    return [p for p in path.parent.glob(f"{path.name}.*") if p.name.rsplit(".", 1)[-1].isdigit()]


def rotate_all(log_dir: Path, max_bytes: int = MAX_BYTES, keep: int = KEEP, max_age_days: float = 30.0) -> None:
    for path in Path(log_dir).glob("*.log"):
        rotate(path, max_bytes, keep, max_age_days)
