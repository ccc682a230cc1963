"""Median and 95th-percentile answer latency for 100 sequential questions through the gateway.

Usage: .venv/bin/python benchmarks/latency.py [--url http://127.0.0.1:8000] [--count 100] [--no-bare]
Without --url it starts its own engine, action server and gateway on free ports (like the
end-to-end tests) and stops them afterwards. The anchor: the same questions, one after another,
to a bare ``rasa init`` bot (benchmarks/load.py trains and caches it) in the same run, so a
figure taken while the machine is busy with other work can still be judged.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.supervisor import gateway_for_benchmark

sys.path.insert(0, str(Path(__file__).resolve().parent))

QUESTIONS = [
    "Wie bekomme ich die Blaue Karte?",
    "What salary do I need for the EU Blue Card?",
    "كيف أعادل شهادتي الجامعية؟",
    "Як записатися на інтеграційний курс?",
    "Как подтвердить диплом врача в Германии?",
    "Chancenkarte için kaç puan gerekiyor?",
    "Jaka jest płaca minimalna w Niemczech?",
    "Cum îmi recunosc diploma de asistentă medicală?",
    "چطور کارت آبی اتحادیه اروپا بگیرم؟",
    "Làm thế nào để đăng ký địa chỉ ở Đức?",
]


def measure(url: str, count: int) -> list:
    timings = []
    with httpx.Client(base_url=url, timeout=60) as http:
        for i in range(count):
            if i % 10 == 0:  # a new session every 10 questions keeps clear of the rate limit
                session = http.post("/api/v1/sessions", json={}).json()
                headers = {"Authorization": f"Bearer {session['token']}"}
            started = time.perf_counter()
            reply = http.post("/api/v1/chat", headers=headers,
                              json={"session_id": session["session_id"], "text": QUESTIONS[i % len(QUESTIONS)]})
            timings.append(time.perf_counter() - started)
            reply.raise_for_status()
    return timings


def measure_bare(url: str, count: int) -> list:
    timings = []
    with httpx.Client(base_url=url, timeout=60) as http:
        for i in range(count):
            started = time.perf_counter()
            reply = http.post("/webhooks/rest/webhook",
                              json={"sender": f"latency-{i // 10}", "message": QUESTIONS[i % len(QUESTIONS)]})
            timings.append(time.perf_counter() - started)
            reply.raise_for_status()
    return timings


def report(name: str, timings: list) -> None:
    timings = sorted(timings)
    p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
    print(f"  {name:<5} median {statistics.median(timings) * 1000:4.0f} ms, 95th percentile {p95 * 1000:4.0f} ms, "
          f"max {timings[-1] * 1000:4.0f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url")
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--model", help="trained Rasa model (default: the one for the current inputs)")
    parser.add_argument("--no-bare", action="store_true", help="skip the bare Rasa anchor")
    args = parser.parse_args()
    with gateway_for_benchmark(args.url, args.model) as url:
        measure(url, 5)  # warm-up, not counted
        timings = measure(url, args.count)
    print(f"{len(timings)} sequential questions in 10 languages:")
    report("ours", timings)
    if not args.no_bare:
        import tempfile

        from load import bare_rasa

        with bare_rasa(Path(tempfile.mkdtemp(prefix="advisor-latency-"))) as (bare_url, _pid):
            measure_bare(bare_url, 5)
            report("bare", measure_bare(bare_url, args.count))
    return 0


if __name__ == "__main__":
    sys.exit(main())
