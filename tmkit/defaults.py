"""Defaults and choices of library options that --help shows, for owners that import numpy, rapidfuzz or lxml.

Each value here is the one definition: the library module that owns the option imports it from here,
so `tmkit --help` can show it without loading the owner. (Owners that import only the standard
library, such as tmkit.memory.merge, keep their defaults.) Keep this module stdlib-only:
tests/test_startup.py checks what `import tmkit.cli` loads. It sits at the top of the package, not in
tmkit/matching/, because importing any module of tmkit.matching runs that package's __init__, which
loads the matcher.
"""

from __future__ import annotations

from enum import StrEnum

# -- matching (tmkit.matching) ----------------------------------------------------------------

#: Default lowest score offered (Trados' default minimum match).
MATCH_THRESHOLD = 70.0
#: Default number of matches returned (what CAT tools show).
MATCH_LIMIT = 5
#: Default number of concordance hits returned.
CONCORDANCE_LIMIT = 20


class Side(StrEnum):
    """Where a concordance search looks."""

    SOURCE = "source"
    TARGET = "target"
    BOTH = "both"
    AUTO = "auto"  # the side whose language the phrase is written in


# -- jobs (tmkit.jobs.pretranslate) -----------------------------------------------------------

#: The lowest score pre-translation inserts, by default the matcher's own threshold.
PRETRANSLATE_THRESHOLD = MATCH_THRESHOLD

# -- formats (tmkit.formats.xliff) ------------------------------------------------------------

#: The XLIFF versions `write_xliff` can write.
XLIFF_VERSIONS = ("1.2", "2.0", "2.1")
DEFAULT_XLIFF_VERSION = "1.2"
