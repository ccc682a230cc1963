"""A message that only asks for another language ("can we speak Turkish?") is the intent
``choose_language`` with the entity ``language``.

The gateway recognises the wish (bot.language_requests, which needs babel and runs on the app
side) and sends it with the message as metadata: ``{"language_request": {"lang", "supported",
"bare"}}``. This component, last in the pipeline, turns a bare wish into the intent, so the turn
is the engine's like any other: the person's words and ``choose_language`` are in the transcript,
a rule answers with ``action_choose_language``, and a form in progress sees it (actions/forms.py).
A wish that comes with a question keeps the question's intent; the actions put the confirmation
before their answer (actions/messages.py).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

INTENT_NAME = "choose_language"
ENTITY = "language"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class LanguageChoiceClassifier(GraphComponent, IntentClassifier):
    """``choose_language`` for a message the gateway marked as only a wish for a language."""

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> LanguageChoiceClassifier:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            metadata = message.get("metadata") or {}
            wish = metadata.get("language_request") if isinstance(metadata, dict) else None
            if not isinstance(wish, dict) or not wish.get("bare") or not wish.get("lang"):
                continue
            intent = {"name": INTENT_NAME, "confidence": 1.0}
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [intent], add_to_output=True)
            text = message.get(TEXT) or ""
            entity = {"entity": ENTITY, "value": str(wish["lang"]), "start": 0, "end": len(text),
                      "extractor": type(self).__name__}
            message.set(ENTITIES, list(message.get(ENTITIES) or []) + [entity], add_to_output=True)
        return messages
