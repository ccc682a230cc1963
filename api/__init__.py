"""The public gateway: FastAPI app with the chat API, the try-it page and health checks."""
