"""A missing compiled extension fails loudly, saying how to build it."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO

BLOCK = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name == "core_ext._event_codec":
            raise ImportError("simulated: extension not built")
sys.meta_path.insert(0, Block())
try:
    import core.store
except ImportError as e:
    print(e)
    sys.exit(7)
"""


def test_unbuilt_codec_fails_with_build_instructions() -> None:
    r = subprocess.run([sys.executable, "-c", BLOCK], cwd=REPO, capture_output=True, text=True)
    assert r.returncode == 7, r.stdout + r.stderr
    assert "not built" in r.stdout and "make test" in r.stdout
