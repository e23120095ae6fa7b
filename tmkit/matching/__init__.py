"""Fuzzy matching: the match percentage, the candidate index, lookups across memories, concordance."""

from tmkit.matching.concordance import CONCORDANCE_LIMIT, ConcordanceHit, Side, concordance
from tmkit.matching.match_percent import MATCH_LIMIT, MATCH_THRESHOLD, Breakdown, MatchScore, Penalty, match_percent
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
    "match_percent",
    "open_memory",
]
