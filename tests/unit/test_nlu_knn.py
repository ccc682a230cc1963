"""The nearest-neighbour vote behind the intent classifier (bot/nlu/knn.py)."""

import numpy as np
import pytest

from bot.nlu.knn import unit, vote


def test_the_nearest_examples_decide_and_confidences_sum_to_one():
    ranking = vote(np.array([0.9, 0.8, 0.2, 0.85]), ["greet", "greet", "goodbye", "thank"], k=3, temperature=20)
    assert ranking[0]["name"] == "greet"
    assert sum(item["confidence"] for item in ranking) == pytest.approx(1.0)
    assert "goodbye" not in [item["name"] for item in ranking]  # not among the 3 nearest


def test_a_message_between_two_intents_gets_a_low_confidence():
    ranking = vote(np.array([0.80, 0.80]), ["greet", "goodbye"], k=2, temperature=20)
    assert ranking[0]["confidence"] == pytest.approx(0.5)


def test_one_very_close_example_outweighs_several_distant_ones():
    ranking = vote(np.array([0.95, 0.70, 0.70, 0.70]), ["deny", "cancel", "cancel", "cancel"], k=4, temperature=20)
    assert ranking[0]["name"] == "deny" and ranking[0]["confidence"] > 0.9


def test_no_examples_no_ranking_and_unit_keeps_zero_vectors():
    assert vote(np.zeros(0), [], k=7, temperature=20) == []
    assert np.allclose(unit(np.array([[3.0, 4.0], [0.0, 0.0]])), [[0.6, 0.8], [0.0, 0.0]])
