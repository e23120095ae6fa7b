"""The core (everything but the TUI) must never import Textual: a UI-free library for pipelines."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import tmkit

UI_PACKAGES = ("tmkit.tui",)


def test_core_modules_do_not_import_textual() -> None:
    modules = [
        info.name
        for info in pkgutil.walk_packages(tmkit.__path__, "tmkit.")
        if not info.name.startswith(UI_PACKAGES) and info.name != "tmkit.__main__"
    ]
    assert "tmkit.formats.tmx_reader" in modules  # the walk really found the core
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, f"core imported Textual: {result.stdout} {result.stderr}"
