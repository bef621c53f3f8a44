"""Merging time-ordered event batches, compiled."""

from core_ext import compiled

merge_by_time = compiled("_event_merge").merge_by_time

__all__ = ["merge_by_time"]
