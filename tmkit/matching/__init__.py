"""Fuzzy matching: the match percentage, the candidate index, lookups across memories, concordance."""

from tmkit.defaults import CONCORDANCE_LIMIT, MATCH_LIMIT, MATCH_THRESHOLD, Side
from tmkit.matching.concordance import ConcordanceHit, concordance

# The function `match_percent` stays in its module, so that `tmkit.matching.match_percent` names the module.
from tmkit.matching.match_percent import Breakdown, MatchScore, Penalty
from tmkit.matching.matcher import Match, Matcher
from tmkit.matching.memory_index import MemoryIndex, open_memory

__all__ = [
    "CONCORDANCE_LIMIT",
    "MATCH_LIMIT",
    "MATCH_THRESHOLD",
    "Breakdown",
    "ConcordanceHit",
    "Match",
    "MatchScore",
    "Matcher",
    "MemoryIndex",
    "Penalty",
    "Side",
    "concordance",
    "open_memory",
]
