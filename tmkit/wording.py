"""How tmkit words what it tells people: counts with their nouns."""

from __future__ import annotations


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``count`` and its noun as a reader says them: `1 unit`, `2 units`, `1,500 entries` (``many``: the plural)."""
    return f"{count:,} {noun if count == 1 else many or noun + 's'}"


def first_few(names: list[str], limit: int) -> str:
    """The first ``limit`` of ``names``, comma-separated, and how many more: `a, b, c and 4 more`."""
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more
