"""Staff edits go live by themselves: watch knowledge/, check, rebuild what changed, swap it in.

The action server runs one ``LiveReloader`` in a background thread (``start``). When a file under
``knowledge/`` is saved, it waits until the saving has settled (watchfiles' debounce), runs the same
check as ``python -m bot check`` and then

- if the check finds errors: builds nothing, the running bot keeps answering from the build it has,
  and the errors (file, line, what to do — never a person's text) go to the log and to the status
  file the staff page shows (``/dashboard/staff/knowledge``);
- otherwise: builds a new index with the embedding cache (only chunks whose text changed are
  embedded: a one-article edit costs seconds), points ``current`` at it in one step, and the
  knowledge base swaps it in (``KnowledgeBase.maybe_reload``). Contacts (knowledge/contacts/) are
  re-read by the handoff only then (``generation`` counts the edits that went live).

Several action servers sharing one index folder take turns (a file lock); the second finds the
build already made (same content hash) and only loads it.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

from bot.validation.problem import Problem

log = logging.getLogger(__name__)

#: Written next to the index builds; the gateway's staff page reads it.
STATUS_FILE = "knowledge-status.json"
LOCK_FILE = ".reload.lock"
#: Files whose change can change an answer or the check.
WATCHED_SUFFIXES = (".md", ".yml", ".yaml", ".tsv")
#: Milliseconds without further changes before a reload starts (an editor's save is several writes).
DEBOUNCE_MS = 1500
#: Niceness of the reload thread: answering people comes first.
RELOAD_NICENESS = 10
#: Problems listed in the status file (a broken facts file can produce hundreds).
MAX_LISTED = 200


def full_check(knowledge_dir: Path, today: dt.date) -> list[Problem]:
    """Everything ``python -m bot check`` checks: articles and facts, contacts and places, canned
    replies, the case summary's terms."""
    from bot.case_summary import check_summary_terms
    from bot.contacts.check import check_contacts
    from bot.knowledge.check import check_knowledge
    from bot.replies import check_replies

    knowledge_dir = Path(knowledge_dir)
    problems = check_knowledge(knowledge_dir, today=today)
    # A knowledge folder with articles only (as in the article tests) has no contacts to check.
    if any((knowledge_dir / name).exists() for name in ("contacts", "places")):
        problems += check_contacts(knowledge_dir, today=today)
    problems += check_replies(knowledge_dir)
    problems += check_summary_terms(knowledge_dir)
    return problems


def status_path(index_dir: Path) -> Path:
    return Path(index_dir) / STATUS_FILE


def read_status(index_dir: Path) -> dict | None:
    """The last reload's status, or None when no reload has run (or the file is unreadable)."""
    try:
        status = json.loads(status_path(index_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return status if isinstance(status, dict) else None


def _write_status(index_dir: Path, status: dict) -> None:
    path = status_path(index_dir)
    temp = path.with_name(f".tmp-{uuid.uuid4().hex}-{path.name}")
    temp.write_text(json.dumps(status, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(temp, path)


def _listed(problems: Iterable[Problem], root: Path) -> list[dict]:
    listed = []
    for problem in problems:
        try:
            shown = problem.path.relative_to(root).as_posix()
        except ValueError:
            shown = problem.path.name
        listed.append({"file": shown, "line": problem.line, "field": problem.field, "message": problem.message})
        if len(listed) >= MAX_LISTED:
            break
    return listed


def relevant(path: str) -> bool:
    """Whether a change of ``path`` can matter (not an editor's swap or backup file)."""
    name = Path(path).name
    return (name.endswith(WATCHED_SUFFIXES) and not name.startswith((".", "#", "~"))
            and STATUS_FILE not in name)


class LiveReloader:
    """Check and rebuild on every settled change of the knowledge folder; see the module text."""

    def __init__(self, knowledge_dir: Path, index_dir: Path, embedder, today: Callable[[], dt.date] = dt.date.today,
                 on_built: Callable[[], object] | None = None, cache_dir: Path | None = None):
        self.knowledge_dir = Path(knowledge_dir)
        self.index_dir = Path(index_dir)
        self.embedder = embedder
        self.today = today
        self.on_built = on_built
        self.cache_dir = cache_dir
        #: Counts the edits that went live; readers of other files (contacts) re-read on a change.
        self.generation = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def reload(self, changed: Iterable[str] = ()) -> dict:
        """Check and (when there are no errors) build; the status written for the staff page."""
        from bot.knowledge.index import KnowledgeCheckFailed, build_index, current_build_dir

        started = time.monotonic()
        changed = sorted({self._relative(path) for path in changed})
        today = self.today()
        self.index_dir.mkdir(parents=True, exist_ok=True)
        status = {"checked_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                  "changed": changed, "today": today.isoformat()}
        with open(self.index_dir / LOCK_FILE, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            # Staff who look right after saving see that their edit is being checked.
            previous = read_status(self.index_dir) or {}
            _write_status(self.index_dir, {**previous, "checking": {"since": status["checked_at"], "changed": changed}})
            try:
                problems = full_check(self.knowledge_dir, today)
                errors = [p for p in problems if p.severity == "error"]
                warnings = [p for p in problems if p.severity == "warning"]
                status["warnings"] = _listed(warnings, self.knowledge_dir)
                status["warning_count"] = len(warnings)
                if not errors:
                    try:
                        result = build_index(self.knowledge_dir, self.index_dir, self.embedder, today=today,
                                             cache_dir=self.cache_dir)
                    except KnowledgeCheckFailed as exc:  # the folder changed again between check and build
                        errors = exc.problems
                    else:
                        status.update(state="live", build_id=result.build_id, embedded=result.embedded,
                                      chunks=result.chunk_count, skipped=result.skipped)
            except BaseException:
                _write_status(self.index_dir, previous)  # no "being checked" forever after a crash
                raise
            if errors:
                current = current_build_dir(self.index_dir)
                status.update(state="rejected", build_id=current.name if current else None)
            status["errors"] = _listed(errors, self.knowledge_dir)
            status["error_count"] = len(errors)
            status["seconds"] = round(time.monotonic() - started, 2)
            status["last_live_at"] = status["checked_at"] if not errors else previous.get("last_live_at")
            _write_status(self.index_dir, status)
        if errors:
            log.error("knowledge edit NOT live (%d error(s)); still answering from build %s. %s",
                      len(errors), status["build_id"] or "-",
                      " | ".join(p.format(self.knowledge_dir) for p in errors[:10]))
        else:
            self.generation += 1
            log.info("knowledge edit live: build %s (%d chunk(s) embedded anew, %.1f s)%s",
                     status["build_id"], status["embedded"], status["seconds"],
                     f"; {len(warnings)} warning(s), see the staff page" if warnings else "")
            if self.on_built is not None:
                self.on_built()
        return status

    def _relative(self, path: str) -> str:
        try:
            return Path(path).resolve().relative_to(self.knowledge_dir.resolve()).as_posix()
        except ValueError:
            return Path(path).name

    def run(self, prime: bool = True) -> None:
        """Watch until ``stop``; every batch of relevant changes triggers one reload.

        The thread runs at a lower priority than the requests (Linux: per-thread nice). Once the
        watcher is set up, it checks the folder once without building, so that the first edit is as
        quick as later ones (the check keeps what it parsed of unchanged files); saves made meanwhile
        are collected by the watcher and reloaded right after.
        """
        import watchfiles

        try:
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), RELOAD_NICENESS)
        except (AttributeError, OSError):
            pass
        for changes in watchfiles.watch(self.knowledge_dir, stop_event=self._stop, debounce=DEBOUNCE_MS,
                                        watch_filter=lambda _change, path: relevant(path), raise_interrupt=False,
                                        yield_on_timeout=True, rust_timeout=1000):
            if not changes:
                if prime:
                    prime = False
                    self._prime()
                continue
            prime = False  # the reload reads everything anyway
            try:
                self.reload(path for _, path in changes)
            except Exception:  # the watcher must outlive one failed reload
                log.exception("knowledge reload failed; still answering from the build in use")

    def _prime(self) -> None:
        started = time.monotonic()
        try:
            full_check(self.knowledge_dir, self.today())
        except Exception:  # a broken folder is reported by the first reload
            log.debug("priming check failed", exc_info=True)
        log.info("watching %s for edits (first check %.1f s)", self.knowledge_dir, time.monotonic() - started)

    def start(self, prime: bool = True) -> threading.Thread:
        self._thread = threading.Thread(target=self.run, args=(prime,), name="knowledge-reload", daemon=True)
        self._thread.start()
        return self._thread

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
