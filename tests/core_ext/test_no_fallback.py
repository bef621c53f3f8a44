"""A missing compiled extension fails loudly, saying how to build it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO

BLOCK = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name == sys.argv[1]:
            raise ImportError("simulated: extension not built")
sys.meta_path.insert(0, Block())
try:
    import core.store, core.simulation.engine
except ImportError as e:
    print(e)
    sys.exit(7)
"""


@pytest.mark.parametrize("module", ["core_ext._event_codec", "core_ext._event_merge",
                                    "core_ext._router", "core_ext._sim_loop"])
def test_unbuilt_extension_fails_with_build_instructions(module: str) -> None:
    r = subprocess.run([sys.executable, "-c", BLOCK, module], cwd=REPO, capture_output=True,
                       text=True)
    assert r.returncode == 7, r.stdout + r.stderr
    assert f"{module} is not built" in r.stdout and "make test" in r.stdout
