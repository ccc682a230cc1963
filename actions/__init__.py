"""rasa-sdk actions, one module per capability. Importing registers the actions; nothing loads."""

from actions.answer import ActionAnswer, ActionMoreDetail  # noqa: F401
from actions.forms import ValidateHandoffForm  # noqa: F401
from actions.handoff import (  # noqa: F401
                             ActionAskDistrictCode,
                             ActionAskHandoffConsent,
                             ActionHandoff,
                             ActionHandoffCancel,
                             ActionHandoffStart,
)
from actions.office import ActionOffice  # noqa: F401
from actions.smalltalk import ActionChooseLanguage, ActionSmalltalk  # noqa: F401
