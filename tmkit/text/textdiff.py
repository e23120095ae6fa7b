"""Word-level difference between a stored source and a new one, as rich Text (for `tmkit match` and the editor)."""

from __future__ import annotations

import difflib
import re

from rich.text import Text

# White space, a run of word characters (letters with their harakat and tatweel, digits), or one other character.
_TOKEN_RE = re.compile(r"\s+|[\w\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]+|.")


def diff_text(stored: str, new: str, *, color: bool) -> Text:
    """The stored source with what the new segment changes: removed words struck, added ones underlined.

    Without colour the changes read as ``[-removed-]{+added+}`` (the wdiff convention).
    """
    old_tokens, new_tokens = _TOKEN_RE.findall(stored), _TOKEN_RE.findall(new)
    text = Text()
    matcher = difflib.SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        old, added = "".join(old_tokens[a0:a1]), "".join(new_tokens[b0:b1])
        if op == "equal":
            text.append(old)
            continue
        if old.strip():
            text.append(old if color else f"[-{old}-]", style="strike red" if color else "")
        if added.strip():
            text.append(added if color else f"{{+{added}+}}", style="underline green" if color else "")
        elif not old.strip():
            text.append(added or old)
    return text
