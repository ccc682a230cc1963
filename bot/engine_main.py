"""``python -m bot.engine_main run ...``: Rasa's command line, with the secret and the loggers set here.

Runs in the engine's interpreter (Python 3.10). The engine token comes from ADVISOR_ENGINE_TOKEN
(the supervisor passes it, else var/secrets.env), never from the command line, where every user
of the host could read it in ``ps``. Rasa's loggers that would write a person's message into
engine.log are silenced (their events are errors the gateway reports itself, without the text).
"""

from __future__ import annotations

import logging
import sys
import warnings

#: Loggers of Rasa that put the user's text into the log at any level we run with:
#: the REST channel logs the message on a timeout or failure ("rest.message.received.timeout"),
#: the message processor and the featurisers quote it at DEBUG.
QUIET_LOGGERS = {
    "rasa.core.channels.rest": logging.CRITICAL + 1,
    "rasa.core.channels.channel": logging.CRITICAL + 1,
    "rasa.core.processor": logging.WARNING,
    "rasa.core.lock_store": logging.WARNING,
    "rasa.shared.core.training_data.story_reader.yaml_story_reader": logging.ERROR,
    "rasa.nlu": logging.WARNING,
    "sanic.access": logging.CRITICAL + 1,
}

#: Warnings Rasa raises with the person's text in them (a typed "/intent{...}" it cannot parse).
_TEXT_WARNINGS = ("Failed to parse arguments in line", "Failed to parse intent")


def quiet_loggers() -> None:
    for name, level in QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(level)
    original = warnings.showwarning

    def showwarning(message, category, filename, lineno, file=None, line=None):
        if any(marker in str(message) for marker in _TEXT_WARNINGS):
            return
        original(message, category, filename, lineno, file, line)

    warnings.showwarning = showwarning


def main() -> None:
    from bot.settings import load_settings

    settings = load_settings()
    quiet_loggers()
    sys.argv = ["rasa", *sys.argv[1:], "--auth-token", settings.engine_token]
    from rasa.__main__ import main as rasa_main

    rasa_main()


if __name__ == "__main__":
    main()
