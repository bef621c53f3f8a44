"""The event codec, compiled."""

from core_ext import compiled

_codec = compiled("_event_codec")
decode_rows = _codec.decode_rows
encode_flat = _codec.encode_flat

__all__ = ["decode_rows", "encode_flat"]
