"""The floor behind the app and the CLI: the demo floor that carries on from the store."""
