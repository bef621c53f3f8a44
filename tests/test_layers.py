"""core never imports Qt or desktop (STYLE: data flows one way)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

FORBIDDEN = ("PySide6", "pyqtgraph", "desktop", "shiboken6")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_sources_import_no_gui() -> None:
    files = [*REPO.glob("core/**/*.py"), *REPO.glob("core_ext/**/*.py"),
             *REPO.glob("core_ext/**/*.pyx")]
    assert files
    offenders = {str(f.relative_to(REPO)): sorted(_imports(f) & set(FORBIDDEN))
                 for f in files if f.suffix == ".py" and _imports(f) & set(FORBIDDEN)}
    offenders.update({str(f.relative_to(REPO)): ["Qt"] for f in files
                      if f.suffix == ".pyx" and any(x in f.read_text() for x in FORBIDDEN[:2])})
    assert not offenders


def test_importing_core_and_the_cli_loads_no_qt() -> None:
    code = (
        "import sys, pkgutil, importlib, core, core.store\n"
        "for m in pkgutil.walk_packages(core.__path__, 'core.'):\n"
        "    importlib.import_module(m.name)\n"
        "import core_ext.event_codec, desktop.cli\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)
