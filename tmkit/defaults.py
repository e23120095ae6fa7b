"""Defaults and choices of library options that --help shows, for owners slow to import (numpy, rapidfuzz, lxml).

Each value here is the one definition: the library module that owns the option imports it from here,
so `tmkit --help` can show it without loading the owner. (Owners that import only the standard
library and load fast keep their defaults; tmkit.memory.merge's and export's are here, the two taking
~35 ms to import, which every command paid.) Keep this module stdlib-only:
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

# -- export (tmkit.memory.export) -------------------------------------------------------------


class DateField(StrEnum):
    """Which date of a unit `since`/`until` look at."""

    #: The last change (unit or any variant), or the creation date when nothing records a change.
    CHANGED = "changed"
    #: The creation date (unit, else the earliest variant).
    CREATED = "created"


#: Units less advanced than this status are left out; rejected units are never exported.
EXPORT_MIN_STATUS = "translated"
#: TMX level 2 keeps inline codes; level 1 is plain text.
DEFAULT_LEVEL = 2
TMX_LEVELS = (1, 2)
DEFAULT_DATE_FIELD = DateField.CHANGED

# -- alignment (tmkit.text.alignment) ---------------------------------------------------------

#: Aligned pairs whose confidence is below this are marked `draft` for review.
CONFIDENCE_THRESHOLD = 0.5

# -- merge (tmkit.memory.merge) ---------------------------------------------------------------


class ConflictPolicy(StrEnum):
    """What to do when two memories give the same source different translations."""

    KEEP_ALL = "keep-all"  # keep every translation as an alternative (nothing is lost)
    FIRST = "first"  # keep the one from the memory named first
    LAST = "last"  # keep the one from the memory named last
    NEWEST = "newest"  # keep the one changed most recently (then the first)
    FAIL = "fail"  # refuse to merge and list the conflicts


DEFAULT_CONFLICT_POLICY = ConflictPolicy.KEEP_ALL
#: Conflicts a streamed merge describes in full (their units); the rest are counted.
CONFLICTS_DESCRIBED = 20
