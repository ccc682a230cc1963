"""Throughput under load, with its anchor: N people chatting at once, against our stack and a bare Rasa bot.

Usage: .venv/bin/python benchmarks/load.py [--sessions 50] [--questions 8] [--runs 1]
                                          [--url URL] [--no-bare] [--bare-url URL] [--handoff-every 5]

Each session is one person: a session opened through the public API, then ``--questions``
messages one after another (the next is sent when the answer has come), in the session's
language — ten languages, questions drawn from tests/data/questions. Every ``--handoff-every``-th
session ends with a request for a person that names the place, then agrees to pass the
conversation on (``/affirm``): a complete handoff with a stored escalation.

In the same run, the same messages go to a bare ``rasa init`` bot (Rasa's own starter project,
trained once and cached under ~/.cache/sa-advisor/bare-rasa/<hash>, served from the engine venv
by ``rasa run``) through its REST channel. The bare bot is the anchor: on a shared two-core
machine absolute figures move with everything else running, the ratio ours/bare much less.

It prints, per run and target: answers per second, p50/p95/max latency, errors (non-200 or no
answer, by kind), completed handoffs, the peak RSS of every process during the load, and the
CPU time each process spent per answer (the cost of a message, whatever else the machine runs);
then ours/bare. With ``--runs 3`` it prints the median of each figure over the runs (the
targets alternate which goes first). Without --url it starts engine, actions and gateway on
free ports (var/'s model and index, data in a temporary folder) and stops them afterwards.
Quick check for others: ``--sessions 10 --questions 4 --no-bare``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.settings import PROJECT_ROOT
from bot.supervisor import _child_setup, benchmark_stack, free_port, http_get_json
from bot.training import ENGINE_BIN, cache_dir

LANGUAGES = ("de", "en", "ar", "uk", "ru", "tr", "pl", "ro", "fa", "vi")
QUESTIONS_DIR = PROJECT_ROOT / "tests" / "data" / "questions"
#: A request for a person that names the place, in each language (the district is then known
#: and only the consent is asked).
HANDOFF_REQUESTS = {
    "de": "Ich wohne in 38855 und brauche einen Termin bei der Ausländerbehörde",
    "en": "I live in Köthen and need to talk to someone about my Blue Card",
    "ar": "أعيش في Magdeburg وأريد التحدث مع موظف بخصوص الإقامة",
    "uk": "Я живу в Halle (Saale) і хочу поговорити з консультантом про посвідку на проживання",
    "ru": "Я живу в Dessau-Roßlau и хочу поговорить с консультантом о виде на жительство",
    "tr": "Stendal'da yaşıyorum ve oturma iznim hakkında bir danışmanla konuşmak istiyorum",
    "pl": "Mieszkam w Wittenberg i chcę porozmawiać z doradcą o moim pobycie",
    "ro": "Locuiesc în Halberstadt și vreau să vorbesc cu un consilier despre permisul de ședere",
    "fa": "من در Magdeburg زندگی می‌کنم و می‌خواهم با یک مشاور درباره اقامتم صحبت کنم",
    "vi": "Tôi sống ở Naumburg và muốn nói chuyện với một nhân viên tư vấn về giấy phép cư trú",
}
CONSENT = "/affirm"
REQUEST_TIMEOUT = 120.0


# --- the script: who says what ---------------------------------------------------------------

@dataclass(frozen=True)
class Script:
    lang: str
    messages: tuple[str, ...]
    handoff: bool


def load_questions(folder: Path = QUESTIONS_DIR) -> dict[str, list[str]]:
    """Labelled questions by language (answerable or not: both are real traffic)."""
    by_lang: dict[str, list[str]] = {lang: [] for lang in LANGUAGES}
    for path in sorted(folder.glob("*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            if isinstance(item, dict) and item.get("lang") in by_lang and item.get("q"):
                by_lang[item["lang"]].append(str(item["q"]))
    missing = [lang for lang, questions in by_lang.items() if not questions]
    if missing:
        raise SystemExit(f"no questions in {folder} for: {', '.join(missing)}")
    return by_lang


def build_scripts(sessions: int, questions: int, handoff_every: int, seed: int = 16) -> list[Script]:
    """The same scripts for every target and run: session i speaks LANGUAGES[i % 10]."""
    pool = load_questions()
    rng = random.Random(seed)
    scripts = []
    for i in range(sessions):
        lang = LANGUAGES[i % len(LANGUAGES)]
        handoff = handoff_every > 0 and i % handoff_every == 0 and questions >= 3
        asked = questions - 2 if handoff else questions
        messages = [rng.choice(pool[lang]) for _ in range(asked)]
        if handoff:
            messages += [HANDOFF_REQUESTS[lang], CONSENT]
        scripts.append(Script(lang, tuple(messages), handoff))
    return scripts


# --- what one run measures ---------------------------------------------------------------------

@dataclass
class Outcome:
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    handoffs: int = 0
    seconds: float = 0.0

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    @property
    def answers(self) -> int:
        return len(self.latencies)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def throughput(self) -> float:
        return self.answers / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


class Target:
    """One system under load: how to start a conversation and send a message."""

    name = ""

    async def open(self, http: httpx.AsyncClient, script: Script) -> dict:
        raise NotImplementedError

    async def send(self, http: httpx.AsyncClient, conversation: dict,
                   text: str) -> tuple[str | None, bool]:
        """(error kind or None, whether this answer completed a handoff)."""
        raise NotImplementedError


class Ours(Target):
    name = "ours"

    def __init__(self, url: str):
        self.url = url.rstrip("/")

    async def open(self, http, script):
        reply = await http.post(f"{self.url}/api/v1/sessions", json={"lang_hint": script.lang})
        reply.raise_for_status()
        session = reply.json()
        return {"session_id": session["session_id"],
                "headers": {"Authorization": f"Bearer {session['token']}"}}

    async def send(self, http, conversation, text):
        reply = await http.post(f"{self.url}/api/v1/chat", headers=conversation["headers"],
                                json={"session_id": conversation["session_id"], "text": text})
        if reply.status_code != 200:
            return f"http {reply.status_code}", False
        body = reply.json()
        if not body.get("messages"):
            return "no answer", False
        handoff = (body.get("meta") or {}).get("handoff") or {}
        return None, bool(handoff.get("escalation_id"))


class Bare(Target):
    name = "bare"

    def __init__(self, url: str):
        self.url = url.rstrip("/")

    async def open(self, http, script):
        return {"sender": uuid.uuid4().hex}

    async def send(self, http, conversation, text):
        reply = await http.post(f"{self.url}/webhooks/rest/webhook",
                                json={"sender": conversation["sender"], "message": text})
        if reply.status_code != 200:
            return f"http {reply.status_code}", False
        reply.json()
        # An empty list is an answer too: the starter bot has nothing to say to some messages.
        return None, False


async def _session(http: httpx.AsyncClient, target: Target, script: Script, outcome: Outcome) -> None:
    try:
        conversation = await target.open(http, script)
    except (httpx.HTTPError, ValueError, KeyError) as exc:
        outcome.error(f"open: {type(exc).__name__}")
        return
    for text in script.messages:
        started = time.perf_counter()
        try:
            kind, handed_off = await target.send(http, conversation, text)
        except (httpx.HTTPError, ValueError) as exc:
            kind, handed_off = type(exc).__name__, False
        if kind:
            outcome.error(kind)
            continue
        outcome.latencies.append(time.perf_counter() - started)
        outcome.handoffs += handed_off


async def _load(target: Target, scripts: list[Script]) -> Outcome:
    outcome = Outcome()
    limits = httpx.Limits(max_connections=len(scripts) + 10, max_keepalive_connections=len(scripts) + 10)
    async with httpx.AsyncClient(timeout=REQUEST_TIMEOUT, limits=limits) as http:
        started = time.perf_counter()
        await asyncio.gather(*(_session(http, target, script, outcome) for script in scripts))
        outcome.seconds = time.perf_counter() - started
    return outcome


def run_load(target: Target, scripts: list[Script]) -> Outcome:
    return asyncio.run(_load(target, scripts))


# --- memory of the processes under test ------------------------------------------------------

def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as handle:
                parent = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        tree.setdefault(parent, []).append(int(entry))
    return tree


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    except (OSError, IndexError, ValueError):
        return 0.0


def tree_cpu_seconds(pid: int) -> float:
    """CPU time used so far by a process and its living descendants."""
    tree, todo, total = _children(), [pid], 0.0
    while todo:
        current = todo.pop()
        total += _cpu_seconds(current)
        todo += tree.get(current, [])
    return total


def tree_rss_mb(pid: int) -> float:
    """RSS of a process and all its descendants, in MB."""
    tree, todo, total = _children(), [pid], 0
    while todo:
        current = todo.pop()
        total += _rss_kb(current)
        todo += tree.get(current, [])
    return total / 1024


class RssSampler:
    """Peak RSS per named process (with its children) while the load runs, sampled every 0.5 s,
    and the CPU time each used meanwhile."""

    def __init__(self, pids: dict[str, int]):
        self.pids = pids
        self.peak: dict[str, float] = {name: 0.0 for name in pids}
        self.peak_total = 0.0
        self.cpu: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        values = {name: tree_rss_mb(pid) for name, pid in self.pids.items()}
        for name, value in values.items():
            self.peak[name] = max(self.peak[name], value)
        self.peak_total = max(self.peak_total, sum(values.values()))

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            self._sample()

    def __enter__(self):
        self._sample()
        self.cpu = {name: -tree_cpu_seconds(pid) for name, pid in self.pids.items()}
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()
        self.cpu = {name: self.cpu[name] + tree_cpu_seconds(pid) for name, pid in self.pids.items()}


# --- the bare `rasa init` bot -----------------------------------------------------------------

def _initial_project() -> Path:
    lib = PROJECT_ROOT / ".venv-engine" / "lib"
    found = sorted(lib.glob("python3*/site-packages/rasa/cli/initial_project"))
    if not found:
        raise SystemExit("the engine venv has no rasa/cli/initial_project; run `make venvs` first")
    return found[0]


def bare_model() -> tuple[Path, Path]:
    """(project folder, trained model) of Rasa's starter bot, trained once per Rasa version."""
    template = _initial_project()
    digest = hashlib.sha256()
    for path in sorted(p for p in template.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(template)).encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update((PROJECT_ROOT / "requirements" / "engine.lock").read_bytes())
    project = cache_dir() / "bare-rasa" / digest.hexdigest()[:16]
    model = project / "models" / "bare.tar.gz"
    if model.exists():
        return project, model
    print(f"Training the bare `rasa init` bot once (cached in {project}) ...", flush=True)
    temp = project.with_name(project.name + f".tmp-{os.getpid()}")
    shutil.rmtree(temp, ignore_errors=True)
    shutil.copytree(template, temp, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([str(ENGINE_BIN / "rasa"), "train", "--fixed-model-name", "bare", "--out", "models"],
                   cwd=temp, env=_bare_environment(), check=True, stdout=subprocess.DEVNULL)
    shutil.rmtree(project, ignore_errors=True)
    temp.rename(project)
    return project, model


def _bare_environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update({"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"})
    return env


@contextlib.contextmanager
def bare_rasa(log_dir: Path) -> Iterator[tuple[str, int]]:
    """(URL, pid) of the bare bot served by `rasa run` on a free port, stopped afterwards."""
    project, model = bare_model()
    port = free_port()
    log_dir.mkdir(parents=True, exist_ok=True)
    with open(log_dir / "bare-rasa.log", "ab") as log:
        process = subprocess.Popen(
            [str(ENGINE_BIN / "rasa"), "run", "--enable-api", "--model", str(model),
             "--interface", "127.0.0.1", "--port", str(port),
             "--credentials", "credentials.yml", "--endpoints", "endpoints.yml"],
            cwd=project, env=_bare_environment(), stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, preexec_fn=_child_setup)  # noqa: PLW1509 - only setsid and prctl
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while True:
            if process.poll() is not None:
                raise SystemExit(f"the bare Rasa bot stopped at start-up; see {log_dir / 'bare-rasa.log'}")
            status, body = http_get_json(f"{url}/status")
            if status == 200 and isinstance(body, dict) and body.get("model_file"):
                break
            if time.monotonic() > deadline:
                raise SystemExit("the bare Rasa bot was not ready after 300 s")
            time.sleep(0.5)
        yield url, process.pid
    finally:
        if process.poll() is None:
            os.killpg(process.pid, 15)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)
                process.wait()


# --- reporting ---------------------------------------------------------------------------------

@dataclass
class Figures:
    throughput: float
    p50: float
    p95: float
    max: float
    errors: int
    handoffs: int
    rss: dict[str, float]
    #: CPU milliseconds per answer, by process: what the work costs, whatever else runs.
    cpu_ms: dict[str, float]

    @classmethod
    def of(cls, outcome: Outcome, rss: dict[str, float], cpu: dict[str, float]) -> Figures:
        per_answer = {name: 1000 * seconds / max(outcome.answers, 1) for name, seconds in cpu.items()}
        return cls(outcome.throughput, outcome.percentile(0.5), outcome.percentile(0.95),
                   max(outcome.latencies, default=float("nan")), outcome.error_count, outcome.handoffs, rss,
                   per_answer)


def describe(name: str, figures: Figures, outcome: Outcome | None = None,
             handoffs_expected: int = 0) -> str:
    line = (f"  {name:<5} {figures.throughput:6.1f} answers/s   p50 {figures.p50 * 1000:6.0f} ms   "
            f"p95 {figures.p95 * 1000:6.0f} ms   max {figures.max * 1000:6.0f} ms   errors {figures.errors}")
    if outcome is not None and outcome.errors:
        line += " (" + ", ".join(f"{kind}: {n}" for kind, n in sorted(outcome.errors.items())) + ")"
    if handoffs_expected:
        line += f"   handoffs {figures.handoffs}/{handoffs_expected}"
    rss = ", ".join(f"{process} {mb:.0f}" for process, mb in figures.rss.items())
    line += f"\n        peak RSS MB: {rss}"
    if len(figures.rss) > 1:
        line += f"; together {sum(figures.rss.values()):.0f}"
    if figures.cpu_ms:
        cpu = ", ".join(f"{process} {ms:.0f}" for process, ms in figures.cpu_ms.items())
        line += f"\n        CPU ms per answer: {cpu}"
        if len(figures.cpu_ms) > 1:
            line += f"; together {sum(figures.cpu_ms.values()):.0f}"
    return line


def median_figures(runs: list[Figures]) -> Figures:
    def med(get: Callable[[Figures], float]) -> float:
        return statistics.median(get(f) for f in runs)

    rss = {name: statistics.median(f.rss.get(name, 0.0) for f in runs) for name in runs[0].rss}
    cpu = {name: statistics.median(f.cpu_ms.get(name, 0.0) for f in runs) for name in runs[0].cpu_ms}
    return Figures(med(lambda f: f.throughput), med(lambda f: f.p50), med(lambda f: f.p95),
                   med(lambda f: f.max), int(med(lambda f: f.errors)), int(med(lambda f: f.handoffs)), rss, cpu)


def measure(target: Target, scripts: list[Script], pids: dict[str, int]) -> tuple[Outcome, Figures]:
    with RssSampler(pids) as sampler:
        outcome = run_load(target, scripts)
    return outcome, Figures.of(outcome, sampler.peak, sampler.cpu)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=50, help="people chatting at once (default 50)")
    parser.add_argument("--questions", type=int, default=8, help="messages per person (default 8)")
    parser.add_argument("--runs", type=int, default=1, help="repeat and print medians (the issue asks for 3)")
    parser.add_argument("--handoff-every", type=int, default=5,
                        help="every n-th session ends with a handoff (0: none; default 5)")
    parser.add_argument("--url", help="an already running gateway (RSS is then not measured)")
    parser.add_argument("--bare-url", help="an already running bare Rasa bot")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare Rasa anchor")
    parser.add_argument("--model", help="trained Rasa model (default: the one for the current inputs)")
    args = parser.parse_args()

    scripts = build_scripts(args.sessions, args.questions, args.handoff_every)
    handoffs_expected = sum(s.handoff for s in scripts)
    messages = sum(len(s.messages) for s in scripts)
    print(f"{args.sessions} sessions x {args.questions} messages ({messages} in all, 10 languages, "
          f"{handoffs_expected} handoffs), {args.runs} run(s)", flush=True)
    log_dir = Path(tempfile.mkdtemp(prefix="advisor-load-"))

    with contextlib.ExitStack() as stack:
        if args.url:
            ours, our_pids = Ours(args.url), {}
        else:
            started = time.monotonic()
            running = stack.enter_context(benchmark_stack(args.model))
            ours = Ours(running.gateway_url)
            our_pids = {name: process.pid for name, process in running.processes.items()}
            print(f"our stack ready after {time.monotonic() - started:.0f} s (logs in {running.log_dir})",
                  flush=True)
        bare: Bare | None = None
        bare_pids: dict[str, int] = {}
        if args.bare_url:
            bare = Bare(args.bare_url)
        elif not args.no_bare:
            url, pid = stack.enter_context(bare_rasa(log_dir))
            bare, bare_pids = Bare(url), {"bare engine": pid}
            print(f"bare Rasa bot ready (log {log_dir / 'bare-rasa.log'})", flush=True)

        warm_up = build_scripts(min(args.sessions, 10), 2, 0, seed=1)
        targets = [(ours, our_pids)] + ([(bare, bare_pids)] if bare else [])
        for target, _ in targets:
            run_load(target, warm_up)

        results: dict[str, list[Figures]] = {target.name: [] for target, _ in targets}
        for run in range(args.runs):
            print(f"run {run + 1}/{args.runs}:", flush=True)
            order = targets if run % 2 == 0 else list(reversed(targets))
            for target, pids in order:
                outcome, figures = measure(target, scripts, pids)
                results[target.name].append(figures)
                expected = handoffs_expected if target.name == "ours" else 0
                print(describe(target.name, figures, outcome, expected), flush=True)
            if bare:
                ratio = results["ours"][-1].throughput / max(results["bare"][-1].throughput, 1e-9)
                print(f"  ours/bare throughput {ratio:.2f}", flush=True)

        if args.runs > 1:
            print(f"median of {args.runs} runs:")
            for target, _ in targets:
                expected = handoffs_expected if target.name == "ours" else 0
                print(describe(target.name, median_figures(results[target.name]), None, expected))
            if bare:
                ratios = [o.throughput / max(b.throughput, 1e-9)
                          for o, b in zip(results["ours"], results["bare"], strict=True)]
                print(f"  ours/bare throughput {statistics.median(ratios):.2f} "
                      f"(runs: {', '.join(f'{r:.2f}' for r in ratios)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
