"""The kernels' tests run twice: compiled, and once more as plain Python
(test_without_jit.py), where each example costs a hundred times more; that run
asks for few examples through FLOORBOARD_KERNEL_PROFILE. The tests say
``settings(deadline=None)`` (the first example compiles) and nothing else, so the
profile loaded here, before they are imported, sets how many examples."""

from __future__ import annotations

import os

from hypothesis import settings

# No example database: the inner run must neither replay the outer run's failures
# (they are the compiled kernels') nor leave files behind.
settings.register_profile("no-jit", max_examples=25, database=None)
if os.environ.get("FLOORBOARD_KERNEL_PROFILE"):
    settings.load_profile(os.environ["FLOORBOARD_KERNEL_PROFILE"])
