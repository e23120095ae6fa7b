"""tmkit: an Arabic–English translation memory toolkit (TMX, fuzzy matching, scoring, editor)."""

from tmkit.errors import InputError, TmkitError
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
