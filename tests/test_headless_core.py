"""The layers stay apart: the core imports no UI toolkit and no display library, and only the CLI uses the UI.

The core is every package but `tmkit.cli` (the command line) and `tmkit.tui` (the editor). It is a UI-free
library for pipelines: it must not import Textual or rich (display belongs to the editor and the command
line), nor reach up into the CLI or the editor. The editor may not import the CLI.
"""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import tmkit

CLI, TUI = "tmkit.cli", "tmkit.tui"
#: Third-party packages only the editor and the command line may import.
DISPLAY_PACKAGES = ("textual", "rich")
PACKAGE_ROOT = Path(tmkit.__file__).parent


def _module_name(path: Path, package_root: Path) -> str:
    parts = path.relative_to(package_root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module a file imports, at any depth (function-level imports count too), with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            if node.module == "tmkit":  # `from tmkit import cli` names a package
                found.extend((node.lineno, f"tmkit.{alias.name}") for alias in node.names)
    return found


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def layer_violations(package_root: Path) -> list[str]:
    """Each import that crosses a layer the wrong way, as `file:line: module imports name`."""
    problems = []
    for path in sorted(package_root.rglob("*.py")):
        module = _module_name(path, package_root)
        # `python -m tmkit` is the command line's entry point
        in_cli, in_tui = _within(module, CLI) or module == "tmkit.__main__", _within(module, TUI)
        for line, name in _imports(path):
            where = f"{path.relative_to(package_root.parent)}:{line}: {module} imports {name}"
            if not (in_cli or in_tui) and (_within(name, CLI) or _within(name, TUI)):
                problems.append(where + " (the core may not use the CLI or the editor)")
            elif not (in_cli or in_tui) and any(_within(name, p) for p in DISPLAY_PACKAGES):
                problems.append(where + " (display belongs to the editor and the command line)")
            elif in_tui and _within(name, CLI):
                problems.append(where + " (the editor may not use the CLI)")
    return problems


def test_no_import_crosses_a_layer() -> None:
    assert layer_violations(PACKAGE_ROOT) == []


@pytest.mark.parametrize(
    ("relative", "source", "expected"),
    [
        ("memory/bad.py", "from tmkit.tui.app import EditorApp\n", "the core may not use the CLI or the editor"),
        ("text/bad.py", "def f():\n    import rich.text\n", "display belongs to the editor and the command line"),
        ("quality/bad.py", "from tmkit import cli\n", "the core may not use the CLI or the editor"),
        ("tui/bad.py", "from tmkit.cli.common import error\n", "the editor may not use the CLI"),
    ],
)
def test_the_layer_check_finds_a_forbidden_import(tmp_path: Path, relative: str, source: str, expected: str) -> None:
    root = tmp_path / "tmkit"
    (root / relative).parent.mkdir(parents=True)
    (root / relative).write_text(source, encoding="utf-8")
    (root / "cli").mkdir(exist_ok=True)
    (root / "cli" / "fine.py").write_text("import rich\nfrom tmkit.tui.app import EditorApp\n", encoding="utf-8")
    problems = layer_violations(root)
    assert len(problems) == 1 and expected in problems[0] and relative.split("/", maxsplit=1)[0] in problems[0]


def test_core_modules_do_not_load_a_display_library() -> None:
    # The static check above sees what the code says; this one sees what importing really loads.
    modules = [
        info.name
        for info in pkgutil.walk_packages(tmkit.__path__, "tmkit.")
        if not _within(info.name, CLI) and not _within(info.name, TUI) and info.name != "tmkit.__main__"
    ]
    assert "tmkit.formats.tmx_reader" in modules  # the walk really found the core
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {DISPLAY_PACKAGES!r})\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, f"the core loaded a display library: {result.stdout} {result.stderr}"
