"""Compiled kernels (Cython and numba). Private: core wraps them behind plain functions."""

import importlib
from types import ModuleType


def compiled(name: str) -> ModuleType:
    """The built extension core_ext.<name>. There is deliberately no pure-Python
    fallback: a missing build fails here, saying how to build it."""
    try:
        return importlib.import_module(f"core_ext.{name}")
    except ImportError as exc:
        raise ImportError(
            f"core_ext.{name} is not built. Build the Cython extensions with 'make test' "
            "(or '.venv/bin/pip install -e .[test]') from the Floorboard source folder. "
            f"({exc})"
        ) from exc
