"""The event codec, compiled."""

from core_ext import compiled

_codec = compiled("_event_codec")
decode_rows = _codec.decode_rows
encode_flat = _codec.encode_flat
encode_interactions = _codec.encode_interactions
encode_values = _codec.encode_values

__all__ = ["decode_rows", "encode_flat", "encode_interactions", "encode_values"]
