"""rasa-sdk actions, one module per capability. Importing registers the actions; nothing loads."""

from actions.answer import ActionAnswer, ActionMoreDetail  # noqa: F401
from actions.handoff import ActionHandoff  # noqa: F401
from actions.smalltalk import ActionSmalltalk  # noqa: F401
