"""Compiled kernels (Cython and numba). Private: core wraps them behind plain functions."""
