"""Textual's private parts are reached only through `tmkit.tui.textual_adapter`, and pyproject bounds Textual to the
major version that adapter was written against."""

from __future__ import annotations

import inspect
import re
import tomllib
from pathlib import Path
from types import ModuleType

import textual
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from tmkit.tui import app, editor_screen, loading, screens
from tmkit.tui.widgets import bidi_editor, panels, segment_list

ROOT = Path(__file__).resolve().parent.parent
TUI = ROOT / "tmkit" / "tui"
ADAPTER = TUI / "textual_adapter.py"
#: A private attribute read off anything but `self` (`node._bindings`, `super()._render_line`, `wrapped._x`).
FOREIGN_PRIVATE = re.compile(r"(?:\b(?!self\b|cls\b)[A-Za-z_]\w*|\))\.(_[a-z]\w*)")


def test_textual_is_bounded_to_the_adapters_major_version() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    line = next(d for d in project["dependencies"] if re.match(r"textual\b", d))
    specifier = SpecifierSet(line.removeprefix("textual"))
    installed = Version(textual.__version__)
    assert installed in specifier
    assert Version(f"{installed.major + 1}.0") not in specifier  # the next major may move the private parts
    assert Version(f"{installed.major}.0") not in specifier or installed.major == 0


def test_no_private_textual_attribute_is_read_outside_the_adapter() -> None:
    found = []
    for path in sorted(TUI.rglob("*.py")):
        if path == ADAPTER:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#")[0]
            for match in FOREIGN_PRIVATE.finditer(code):
                found.append(f"{path.relative_to(ROOT)}:{number}: {match.group(0)}")
    assert found == []


def _tmkit_classes(module: ModuleType) -> list[type]:
    return [c for c in vars(module).values() if inspect.isclass(c) and c.__module__ == module.__name__]


def test_no_tmkit_widget_uses_or_overrides_a_private_name_of_its_textual_base() -> None:
    """`self._driver`, `self._theme` or an override of `_render_line` is Textual's private API under another name."""
    clashes = []
    for module in (app, editor_screen, loading, screens, bidi_editor, panels, segment_list):
        for cls in _tmkit_classes(module):
            base = next((b for b in cls.__mro__ if b.__module__.startswith("textual.")), None)
            if base is None:
                continue
            names = set(dir(base)) | set(vars(base()))  # instance attributes too (`_driver`, `_theme`)
            source = inspect.getsource(cls)
            used = set(re.findall(r"self\.(_[a-z]\w*)", source)) | set(re.findall(r"def (_[a-z]\w*)", source))
            clashes += [f"{cls.__name__}.{name} ({base.__name__})" for name in sorted(used & names)]
    assert clashes == []
