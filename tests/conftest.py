"""Shared test helpers: paths to the samples and to the optional ../shared material."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
SHARED = REPO.parent / "shared"
TMX_DTD = SHARED / "tmx" / "tmx14.dtd"
CORPORA = SHARED / "corpora"


@pytest.fixture
def tmx_dtd() -> Path:
    """The reference TMX 1.4b DTD beside the repository; tests that need it skip without it."""
    if not TMX_DTD.is_file():
        pytest.skip("../shared/tmx/tmx14.dtd is not present")
    return TMX_DTD


def run_tmkit(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a subprocess, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "tmkit", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


TMX_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4">\n'
    '<header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" '
    'srclang="ar" datatype="plaintext"/>\n<body>\n'
)
TMX_TAIL = "</body>\n</tmx>\n"


def tmx_doc(body: str, head: str = TMX_HEAD) -> str:
    """A minimal TMX document around the given `<tu>` elements."""
    return head + body + TMX_TAIL
