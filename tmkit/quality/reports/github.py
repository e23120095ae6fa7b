"""GitHub Actions output: workflow-command annotations (at most 10) and Markdown job summaries (under 1 MiB)."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tmkit.quality.reports import GITHUB_ANNOTATION_LIMIT

#: Random bytes of the token that pauses workflow commands around text tmkit did not write (segments, file names).
STOP_TOKEN_BYTES = 16


@dataclass(frozen=True, slots=True)
class Annotation:
    """An `::error`, `::warning` or `::notice` line, optionally pointing at a file and line."""

    level: str
    message: str
    title: str = ""
    file: str | None = None
    line: int | None = None

    def render(self) -> str:
        props = []
        if self.file:
            props.append(f"file={_escape_property(repository_path(self.file))}")
            if self.line is not None:
                props.append(f"line={self.line}")
        if self.title:
            props.append(f"title={_escape_property(self.title)}")
        head = f"::{self.level}"
        if props:
            head += " " + ",".join(props)
        return f"{head}::{_escape_data(self.message)}"


def repository_path(path: str) -> str:
    """``path`` as an annotation names a file: relative to the checkout (``$GITHUB_WORKSPACE``, with forward slashes)
    when the file lies in it, else as given.

    GitHub shows an annotation on a file only when it names the file by its path in the repository: one named
    `/home/runner/work/repo/repo/out/mt.txt` was listed in the run but shown on no file. A relative path is taken from
    the working directory, as the file was read, so that a step run below the checkout names it right too.
    """
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if not workspace:
        return path
    root, full = os.path.abspath(workspace), os.path.abspath(path)
    try:
        inside = os.path.normcase(os.path.commonpath([root, full])) == os.path.normcase(root)
    except ValueError:  # on another drive (Windows)
        return path
    if not inside or os.path.normcase(full) == os.path.normcase(root):
        return path
    return os.path.relpath(full, root).replace(os.sep, "/")


def _escape_data(text: str) -> str:
    # The toolkit's escaping (actions/toolkit command.ts): % first, then line breaks.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_annotations(annotations: Sequence[Annotation], *, limit: int = GITHUB_ANNOTATION_LIMIT) -> str:
    """The first ``limit`` annotations, errors before warnings before notices, one per line."""
    order = {"error": 0, "warning": 1, "notice": 2}
    chosen = sorted(annotations, key=lambda a: order.get(a.level, 3))[:limit]
    return "".join(a.render() + "\n" for a in chosen)


def without_commands(text: str) -> str:
    """``text`` between `::stop-commands::TOKEN` and `::TOKEN::`, so the runner takes none of its lines for a command.

    The runner reads a line as a workflow command when it starts with `::` after its leading spaces, or holds
    `##[` anywhere (actions/runner ActionCommand.TryParseV2, TryParse): a segment of the readable report wrapped
    onto an indented line `   ::error ...` raised an annotation of its own. The token is random, as GitHub's
    documentation asks, and never one the text holds (which would resume the commands inside it).
    """
    token = secrets.token_hex(STOP_TOKEN_BYTES)
    while token in text:
        token = secrets.token_hex(STOP_TOKEN_BYTES)
    if text and not text.endswith("\n"):
        text += "\n"
    return f"::stop-commands::{token}\n{text}::{token}::\n"


#: Markdown's inline syntax, backslash-escaped in a cell: a segment's `**`, `[text](url)` or backticks were rendered
#: as emphasis, links and code in a job summary (a link a translation held, made clickable by tmkit's report).
_MARKDOWN_INLINE = str.maketrans({mark: "\\" + mark for mark in "\\`*_[]~"})


def markdown_cell(text: str, *, limit: int = 200) -> str:
    """Text safe inside a Markdown table cell: one line, pipes escaped, no raw HTML, Markdown's inline syntax shown as
    written, at most ``limit`` characters."""
    text = _one_line(text, limit).translate(_MARKDOWN_INLINE)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")


def markdown_code(text: str, *, limit: int = 200) -> str:
    """Text as a Markdown code span safe inside a table cell (a file name, a signature): one line, fenced with more
    backticks than it holds in a row (a name with a backtick ended its span), pipes escaped, nothing else, as a code
    span shows backslashes and entities as written."""
    text = _one_line(text, limit)
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    padded = f" {text} " if text.startswith("`") or text.endswith("`") else text
    return fence + padded.replace("|", "\\|") + fence


def _one_line(text: str, limit: int) -> str:
    """``text`` on one line (its white space folded), cut to ``limit`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def fit_markdown(build: Callable[[int | None], str], rows: int, limit: int) -> str:
    """The largest ``build(n)`` (n detail rows, None for all) whose UTF-8 size is under ``limit`` bytes.

    ``build`` must say itself how many rows it left out; halving keeps the search short.
    """
    text = build(None)
    if len(text.encode("utf-8")) < limit:
        return text
    low, high = 0, rows
    best = build(0)
    while low <= high:
        middle = (low + high) // 2
        candidate = build(middle)
        if len(candidate.encode("utf-8")) < limit:
            best, low = candidate, middle + 1
        else:
            high = middle - 1
    if len(best.encode("utf-8")) >= limit:
        # Even without detail rows it is too big (a tiny limit left in the summary file).
        return best.encode("utf-8")[: max(0, limit - 4)].decode("utf-8", "ignore") + "\n…\n"
    return best
