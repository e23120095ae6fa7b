"""tmkit: an Arabic–English translation memory toolkit (TMX, fuzzy matching, scoring, editor)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tmkit.errors import InputError, TmkitError

if TYPE_CHECKING:
    from tmkit.memory.model import (
        Header,
        Inline,
        Memory,
        Note,
        Prop,
        Segment,
        Status,
        TranslationUnit,
        Variant,
    )

__version__ = "0.1.0"

# The model's classes are loaded on first use, so that `import tmkit.cli` (every command's start)
# and `import tmkit.errors` do not pay for the model and its imports.
_MODEL_NAMES = frozenset(
    {"Header", "Inline", "Memory", "Note", "Prop", "Segment", "Status", "TranslationUnit", "Variant"}
)


def __getattr__(name: str) -> Any:
    if name in _MODEL_NAMES:
        from tmkit.memory import model

        value = getattr(model, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'tmkit' has no attribute {name!r}")


__all__ = [
    "Header",
    "Inline",
    "InputError",
    "Memory",
    "Note",
    "Prop",
    "Segment",
    "Status",
    "TmkitError",
    "TranslationUnit",
    "Variant",
    "__version__",
]
