"""The event codec, compiled. There is deliberately no pure-Python fallback."""

try:
    from core_ext._event_codec import decode_rows, encode_flat
except ImportError as exc:  # pragma: no cover - exercised only on a broken install
    raise ImportError(
        "core_ext._event_codec is not built. Build the Cython extensions with "
        "'make test' (or '.venv/bin/pip install -e .[test]') from the Floorboard "
        f"source folder. ({exc})"
    ) from exc

__all__ = ["decode_rows", "encode_flat"]
