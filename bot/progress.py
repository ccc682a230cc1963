"""One line of progress for a long step: a running count with an estimate of the time left.

    with Progress("Embedding the article chunks", total=len(texts), unit="chunks") as progress:
        for batch in batches:
            ...
            progress.advance(len(batch))

On a terminal the line is rewritten in place (``Embedding the article chunks: 640/2,490 chunks
(26 %), about 3 min left``); in a log file or CI it is printed at most every ``every`` seconds,
so a long step is never silent and never floods the log. ``Progress.finish(text)`` ends it
with a final line. Standard library only: it runs in both interpreters and before any venv
exists. Without a total it shows a count and the time so far (``estimate`` seconds, e.g. the
duration of the last run, give an estimate then).
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


def duration(seconds: float) -> str:
    """'45 s', '3 min', '1 h 05 min' (rounded, for people)."""
    seconds = max(0, round(seconds))
    if seconds < 90:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    if minutes < 90:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


class Progress:
    def __init__(self, label: str, total: int | None = None, unit: str = "", estimate: float | None = None,
                 stream: TextIO | None = None, every: float = 10.0):
        self.label = label
        self.total = total
        self.unit = unit
        self.estimate = estimate
        self.stream = stream or sys.stdout
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())
        self.every = 0.5 if self.live else every
        self.count = 0
        self.started = time.monotonic()
        self._shown_at = None
        self._width = 0
        self._closed = False

    def __enter__(self):
        self.show(force=True)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.finish()
        else:
            self._end_line()

    def advance(self, n: int = 1) -> None:
        self.count += n
        self.show()

    def set(self, count: int, total: int | None = None) -> None:
        self.count = count
        if total is not None:
            self.total = total
        self.show()

    def text(self) -> str:
        elapsed = time.monotonic() - self.started
        unit = f" {self.unit}" if self.unit else ""
        if self.total:
            share = min(self.count / self.total, 1.0)
            done = f"{self.count:,}/{self.total:,}{unit} ({share:.0%})"
            if self.count and share < 1.0 and elapsed > 2:
                left = elapsed / self.count * (self.total - self.count)
                return f"{self.label}: {done}, about {duration(left)} left"
            return f"{self.label}: {done}"
        done = f"{self.count:,}{unit}, " if self.count else ""
        if self.estimate:
            left = self.estimate - elapsed
            hint = f"about {duration(left)} left" if left > 0 else "taking longer than last time"
            return f"{self.label}: {done}{duration(elapsed)} so far, {hint}"
        return f"{self.label}: {done}{duration(elapsed)} so far"

    def show(self, force: bool = False) -> None:
        now = time.monotonic()
        if self._closed or not force and self._shown_at is not None and now - self._shown_at < self.every:
            return
        self._shown_at = now
        line = self.text()
        if self.live:
            self.stream.write("\r" + line.ljust(self._width))
            self._width = len(line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def elapsed_text(self) -> str:
        return duration(time.monotonic() - self.started)

    def finish(self, text: str | None = None) -> None:
        """End the line; ``text`` (e.g. 'Index built: 2,490 chunks in 4 min') replaces it."""
        if self._closed:
            return
        if text is None:
            text = f"{self.label}: done in {self.elapsed_text()}"
        if self.live:
            self.stream.write("\r" + text.ljust(self._width) + "\n")
        else:
            self.stream.write(text + "\n")
        self.stream.flush()
        self._closed = True

    def _end_line(self) -> None:
        if self.live and not self._closed:
            self.stream.write("\n")
            self.stream.flush()
        self._closed = True
