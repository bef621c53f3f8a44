"""Build the Cython modules of core_ext; metadata lives in pyproject.toml."""

import numpy
from Cython.Build import cythonize
from setuptools import Extension, setup


def _extension(name: str, language: str = "c") -> Extension:
    return Extension(
        f"core_ext.{name}",
        [f"core_ext/{name}.pyx"],
        include_dirs=[numpy.get_include()],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")],
        language=language,
    )


extensions = [
    _extension("_event_codec"),
    _extension("_event_merge"),
    _extension("_router", "c++"),
    _extension("_sim_loop", "c++"),
]

setup(
    ext_modules=cythonize(
        extensions,
        language_level=3,
        compiler_directives={"boundscheck": False, "wraparound": False},
    ),
)
