"""The compiled router core. There is deliberately no pure-Python fallback."""

try:
    from core_ext._router import RouterCore
except ImportError as exc:  # pragma: no cover - exercised only on a broken install
    raise ImportError(
        "core_ext._router is not built. Build the Cython extensions with 'make test' "
        "(or '.venv/bin/pip install -e .[test]') from the Floorboard source folder. "
        f"({exc})"
    ) from exc

__all__ = ["RouterCore"]
