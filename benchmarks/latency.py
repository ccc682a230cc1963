"""Median and 95th-percentile answer latency for 100 sequential questions through the gateway.

Usage: .venv/bin/python benchmarks/latency.py [--url http://127.0.0.1:8000] [--count 100]
Without --url it starts its own engine, action server and gateway on free ports (like the
end-to-end tests) and stops them afterwards.
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url")
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--model", help="trained Rasa model (default: the one for the current inputs)")
    args = parser.parse_args()
    with gateway_for_benchmark(args.url, args.model) as url:
        measure(url, 5)  # warm-up, not counted
        timings = sorted(measure(url, args.count))
    p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
    print(f"{len(timings)} sequential questions in 10 languages through the gateway:")
    print(f"  median {statistics.median(timings) * 1000:.0f} ms, 95th percentile {p95 * 1000:.0f} ms, "
          f"max {timings[-1] * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
