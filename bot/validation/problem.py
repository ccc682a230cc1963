"""``Problem``: one thing wrong in a staff-edited file, with file, line and field."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a knowledge file, for staff: file, line, field, plain English."""

    path: Path
    #: 1-based file line; 0 when the problem concerns the whole file or folder.
    line: int
    field: str
    message: str
    severity: Severity = "error"

    def format(self, root: Path | None = None) -> str:
        """``path:line: field: message`` (no line for whole-file problems), path relative to root."""
        shown = self.path
        if root is not None:
            try:
                shown = self.path.relative_to(root)
            except ValueError:
                pass
        where = f"{shown}:{self.line}" if self.line else f"{shown}"
        return f"{where}: {self.field}: {self.message}"


def sorted_problems(problems: Iterable[Problem]) -> list[Problem]:
    """By file, line and field: the order staff read them in."""
    return sorted(problems, key=lambda p: (str(p.path), p.line, p.field))


def errors_only(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]
