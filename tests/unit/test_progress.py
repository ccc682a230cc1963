"""The progress line of long set-up steps (bot/progress.py)."""

from __future__ import annotations

import io

from bot.progress import Progress, duration


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_durations_read_like_a_person_would_say_them():
    assert [duration(s) for s in (4.4, 89, 150, 3599, 5400, 7260)] == [
        "4 s", "89 s", "2 min", "60 min", "1 h 30 min", "2 h 01 min"]


def test_a_log_gets_whole_lines_and_not_one_per_update():
    log = io.StringIO()
    with Progress("Embedding", total=1000, unit="chunks", stream=log, every=3600) as progress:
        for _ in range(100):
            progress.advance(10)
    lines = log.getvalue().splitlines()
    assert lines[0] == "Embedding: 0/1,000 chunks (0%)"
    assert len(lines) == 2 and lines[1].startswith("Embedding: done in ")
    assert "\r" not in log.getvalue()


def test_a_terminal_line_is_rewritten_in_place_and_ends_with_the_final_text():
    screen = Terminal()
    progress = Progress("Training", total=4, stream=screen)
    progress.show(force=True)
    progress.started -= 30  # half the work in 30 s: about 30 s left
    progress.count = 2
    progress.show(force=True)
    progress.finish("Trained in 1 min.")
    shown = screen.getvalue()
    assert shown.startswith("\rTraining: 0/4 (0%)")
    assert "\rTraining: 2/4 (50%), about 30 s left" in shown
    assert shown.endswith("\rTrained in 1 min.".ljust(len("Training: 2/4 (50%), about 30 s left") + 1) + "\n")


def test_without_a_total_the_last_duration_gives_the_estimate():
    log = io.StringIO()
    progress = Progress("Training the Rasa model", estimate=60, stream=log)
    progress.started -= 20
    assert progress.text() == "Training the Rasa model: 20 s so far, about 40 s left"
    progress.started -= 60
    assert progress.text().endswith("taking longer than last time")
