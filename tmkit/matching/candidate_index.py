"""The candidate index: finds, among a million stored keys, the few hundred worth scoring exactly.

Two structures, chosen per lookup by the length of the new segment's key:

* **Short keys by their characters, exactly** (where words cannot decide: no ``word_lift``, a cutoff
  of 60 or less, a query without words). A key of length m can reach character similarity s (fuzz.ratio, in
  0–1) only with keys of length n where 2·min(m, n)/(m + n) ≥ s, and only if the two share at
  least s·(m + n)/2 characters counted as multisets (every insertion or deletion changes one
  character count). When every key that could qualify is short (≤ `SHORT_KEY`), the lookup
  counts shared characters for all short entries at once (posting lists of "the k-th `ا`", "the
  k-th space"… over entries sorted by length, so the length window is one slice) and returns
  every entry whose bound reaches s. No entry that reaches s is ever missed. A short key whose
  window reaches past `SHORT_KEY` gets both: every short key that can reach s, exactly, and the
  best longer keys by estimate (below).
* **Longer keys, by estimate.** Keys are cut into grams (with start and end marks): short keys into 3-grams
  (`GRAM`), all of them indexed; longer ones into 5-grams (`LONG_GRAM`), of which a fixed quarter of the gram
  space is indexed (chosen by a hash of the gram, the same for every key). That keeps the index small while
  near-duplicates of a long sentence still share dozens of sampled grams, and a 5-gram's list holds a
  fifteenth of the entries a 3-gram's does, so a lookup's postings count more of them. A query is cut both
  ways, and each kind of entry is estimated from its own kind of gram. A lookup counts shared grams per entry
  (over the posting lists of the query's grams, each word's rarest first, as many as the budgets
  of `grams_to_read` allow), estimates the Dice coefficient, keeps entries inside the length window,
  and returns the best `limit` by estimate (with every entry tied with the last of them; more when
  the estimate counts few grams), estimating only the entries that can place (`_sharing_most`). The
  cost of a lookup is the budgets', not the memory's: at 10M a long query's sampled 5-grams hold some 4M
  postings in its window (its 3-grams 2.6M more among the short entries), and it reads ~330,000 of them
  (median; by 3-grams it read ~1M).
  This is not lossless; ``bench/match.py`` measures its recall against an exhaustive scan.
* **Keys a short query can match, by their words, exactly.** When the caller says how much shared
  words can add to a key's character similarity (``word_lift``: a key sharing s of the max(query's,
  key's) words can reach the cutoff with C ≥ min_similarity + word_lift·(1 − s/max)), and that is
  more than a key sharing no word can reach, a short query reads only the posting lists of its own
  words (each word without its proclitics, as the matcher's bound reads them, numbered by its
  occurrence so counts are multisets) among the keys of its window up to `WORDED_KEY` long (all of
  it at a cutoff of 70), and of its near-equal forms (the key with its spaces, final stop and
  spelling variants left out, and with its numbers masked: such keys score 95–99 whatever their
  words). The words' lists hold a few postings a key where the characters' hold one a letter, and
  most keys share no word with a given query. Each key needs a number of shared words its length
  and word count set; the j-th commonest word's list is counted only over the lengths whose keys
  need at most j (near the query's), and looked up for the keys found elsewhere. The keys left are
  then held to their characters, first as counted in buckets (`CHAR_BUCKETS`), then compared. No
  key that the bound lets reach the cutoff is missed. Keys past `WORDED_KEY` in the window (at
  lower cutoffs) are estimated by grams only at lengths where a key with the fewest words of that
  length could still reach the cutoff.

Either way the caller rescores the candidates exactly.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from tmkit.matching.columns import StringColumn
from tmkit.matching.match_percent import _EDGE_PUNCTUATION, clitic_blind_words, squeezed_key, squeezed_length_bounds
from tmkit.text.numbers import NUMBER_RE, mask_numbers

if TYPE_CHECKING:  # the spill module builds on this one
    from tmkit.matching.spill import BuildSpill, RunSpill

#: A worded key's characters are counted in this many buckets (by a hash of the code point), 4 bits a bucket (15
#: meaning 15 or more), one 64-bit word a key: two keys share at most the sum over buckets of the smaller count, so
#: 200 × that / (m + n) bounds their C (`fuzz.ratio`). A short query's keys found by common words (`في`, `على`) need
#: a C of 83–95 that their lengths allow but their letters do not: at 1M the bound keeps 696 of the 23,557 keys the
#: words left for 60 short queries (134 reach), and in the MADAR phrasebook 298 of 6,531 from Arabic, 596 of 7,326
#: from English: the characters of the rest are never compared.
CHAR_BUCKETS = 16
_BUCKET_BITS = 4
_BUCKET_FULL = (1 << _BUCKET_BITS) - 1
_BUCKET_SHIFTS = np.arange(CHAR_BUCKETS, dtype=np.uint64) * np.uint64(_BUCKET_BITS)
#: From how many keys `shared_char_bound` looks their bytes up in a table (below, building it costs more).
_BUCKET_TABLE_ROWS = 256
#: Up to this many keys, a lookup reads their lengths one by one (`CandidateIndex._lengths_at`).
GATHERED_LENGTHS = 4096
#: From this many keys on, `shared_char_bound` adds the bytes' looked-up shares byte by byte (faster past ~800).
_BYTE_BY_BYTE_ROWS = 800
_NIBBLES = np.arange(_BUCKET_FULL + 1, dtype=np.int64)
_LOW_NIBBLE = np.arange(256) & _BUCKET_FULL
_HIGH_NIBBLE = np.arange(256) >> _BUCKET_BITS
_BYTE_ROWS = np.arange(8, dtype=np.intp) * 256
#: Characters per gram of short keys (all of them indexed).
GRAM = 3
#: Characters per gram of longer keys (a quarter of them indexed): in the bench's memory of 1M (a sample of 172,000
#: keys past `SHORT_KEY`) a long query's sampled 3-grams hold 1.29M postings (median), its sampled 4-grams 298,000, its
#: 5-grams 82,000, so the same postings read count three times as many of its grams, and those rarer, which rank a
#: near-duplicate among far fewer entries; a word replaced takes 2 more 5-grams than 3-grams out of a twin.
LONG_GRAM = 5
SHORT_KEY = 48
#: Keys up to this long have their words filed as terms (short ones also their characters). At a cutoff of 70 a
#: key needs C ≥ 50 (`matcher.minimum_char_similarity`), so a short query's length window ends at 3 × its length:
#: every key a short query can match is then found by its words, exactly, and none by estimate. Read by grams, a
#: short query's longer keys cost what their lists hold in the window, ten times as much at 1M as at 100k.
WORDED_KEY = 3 * SHORT_KEY
SAMPLE_SHARE = 0.25
MIN_DICE = 0.3
#: Postings a long lookup reads at most from the grams longer entries are indexed with (their sampled 5-grams), in
#: the order of `grams_to_read`: this many, or `SAMPLED_POSTINGS_PER_ENTRY` for each longer entry of the length
#: window if that is more (and as much again, by the same rule, from short entries' 3-grams). The same grams' lists
#: grow with the memory. Indexed by 3-grams, 10M copies of a 1M memory needed 0.1 a window entry, with 5 grams to
#: resolve at 0.25, for recall@5 1.000 (p95 17.5 ms on this machine), reading ~1M postings a long lookup. By
#: 5-grams (index format 16), 0.03 with 5 grams to resolve at 0.1 gave the same top five as the 3-gram
#: index for the bench's 300 queries, and as 0.3 / 0.5 for 200 other queries (`synthetic.queries`, seed 11), at
#: p95 10.7 and 9.1 ms (0.1 / 0.25: 14.2 and 12.5; 0.02 lost nothing either). Each word's rarest gram is read
#: first: read rarest first, the grams of the word a near-duplicate lacks took the budget. At 1M and 100k the
#: budget is the 100,000 floor. (Grams were once left out above 8% of the entries instead: a query of common words
#: then kept 3 of its 16 sampled grams, none of them in its 97%-similar twin, which was lost.)
SAMPLED_POSTINGS_BUDGET = 100_000
SAMPLED_POSTINGS_PER_ENTRY = 0.03
#: ...but at least this many grams of a kind are read, as long as their postings stay within
#: `RESOLVING_POSTINGS_CAP`, or `RESOLVING_POSTINGS_PER_ENTRY` for each entry of the kind in the window if that is
#: more: an estimate from one gram ties every entry holding it (at 10M an exact copy's near-copies at 94% were lost
#: among the 1,024 entries kept of the 126,000 sharing its one 3-gram read), and a query of common words (its
#: rarest sampled 3-gram held by 76,000 entries at 10M) could afford only 4 grams, 2 of them the ones its twin lacks.
RESOLVING_SAMPLED_GRAMS = 5
RESOLVING_POSTINGS_CAP = 800_000
RESOLVING_POSTINGS_PER_ENTRY = 0.1
#: Postings read at most from the grams short entries are indexed with (their 3-grams), the rarest first: this
#: many, or `SAMPLED_POSTINGS_PER_ENTRY` for each short entry of the window if that is more.
UNSAMPLED_POSTINGS_BUDGET = 100_000
#: Postings of a short query's words counted whole, every list over the whole window, when they are no more: in a
#: memory's 11,000-unit delta the bench's 60 short queries have 332 (median; 5,267 at most), and counting them whole
#: took 0.08 ms a query where narrowing them first took 0.13.
WORDED_WHOLE_POSTINGS = 4096
#: From how many keys found by a short query's words its lookup first drops those their marks and letters rule out,
#: before searching the lists not read for them; with fewer, the cut costs more than it spares. (A cost threshold:
#: the answers are the same either side of it.)
CUT_FIRST_KEYS = 1024
#: Postings the exact path reads before it starts leaving out the commonest characters (each one
#: left out loosens the bound, so more candidates reach the exact check: keep this generous).
SHORT_POSTINGS_BUDGET = 1_500_000
#: A lookup counts the postings it read by sorting them when the length window holds more than this
#: many entries per posting read, and through an array over the window otherwise (`count_postings`).
SPARSE_COUNT_RATIO = 8
#: ...where the window holds more than `BYTE_COUNT_WINDOW` entries, more than this many. Over the 300 calls of
#: the 1M query set at 10M (`bench/count_postings.py`), sorting 1/16-1/8 of the window took 1.10-1.22x the byte
#: array's time (four runs), which notes each entry as its count reaches what is needed: a sort of ~1M uint32 costs
#: ~6 ns a posting on a processor without AVX-512, a byte gathered and scattered ~3.
WIDE_SPARSE_COUNT_RATIO = 16
#: ...and through an array of a byte an entry (as many as the lists need), list by list, when the window holds more
#: than this many entries; of 8 bytes, all lists at once (``bincount``), otherwise. At 10M a long query's window
#: holds ~9.3M entries, which took 72 MB to clear and scan in 8 bytes: its 2.3M postings took 20-27 ms to count
#: that way, 7-9 ms a byte an entry. At 100k a query reads ~60 lists of ~1,500 postings, and the byte array's
#: cost of a step a list (0.26 ms a count, against 0.17) is more than the 8 bytes' for 90,000 entries.
BYTE_COUNT_WINDOW = 1 << 20
#: A long lookup cuts the window out of all its grams' lists at once (`_all_in_window`) when they hold no more
#: postings than this, and than every budget (so every gram is read): a memory's delta, a small memory.
CUT_AT_ONCE_POSTINGS = 100_000
#: Hits `_sharing_most` estimates all at once, without looking for those that cannot place: in a memory's delta
#: of 11,000 entries a long query has ~3,700, and the search by shared grams cost more than estimating them.
ESTIMATED_AT_ONCE = 8_192
#: Candidates the gram path returns by default.
CANDIDATE_LIMIT = 128
#: Candidates the gram path returns at most when entries tie with the limit-th by estimate (see `best_estimated`).
TIED_CANDIDATE_LIMIT = 1024
#: Sampled grams an estimate of long keys must count for `limit` candidates to suffice. An estimate
#: from fewer takes fewer values and ranks near-duplicates among many more entries (at 1M, a query
#: left with 4 grams once the common ones are set aside had a top-5 match 125th), so it returns
#: proportionally more: 256 candidates for 4 grams, 512 for 2 (at most `TIED_CANDIDATE_LIMIT`).
RESOLUTION_GRAMS = 8
#: Entries a build indexes at a time: each chunk's grams and characters are cut, packed and sorted on
#: their own, so a build holds one chunk's intermediate arrays (a few MB) beside the packed postings,
#: not arrays of every gram of the memory at once (at 1M entries those took 2 GB).
BUILD_CHUNK_ENTRIES = 16_384
#: Bits of the entry number, counted from its chunk's first entry, packed below a gram's hash (or a
#: character's token, or a word's number) to sort postings: so a chunk holds at most 2**24 entries.
LOCAL_BITS = 24
MAX_CHUNK_ENTRIES = 2**LOCAL_BITS
#: Entries one index holds at most: postings and the length order are 32-bit (the entry number is
#: never packed beside a hash whole, only its offset in a chunk).
MAX_ENTRIES = 2**32 - 1
_START, _END, _SEPARATOR = "\x02", "\x03", "\x01"
_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
_SAMPLE_LIMIT = np.uint64(int(SAMPLE_SHARE * 2**64))
_HASH_SHIFT = np.uint64(24)  # 40 bits of gram hash are kept (packed above `LOCAL_BITS` while building)
#: Tokens packed above `LOCAL_BITS` must fit the 40 bits left: gram hashes, character tokens, word numbers.
MAX_TOKEN = 2 ** (64 - LOCAL_BITS) - 1
_LOCAL_MASK = np.uint64(2**LOCAL_BITS - 1)
_MAX_RANK = 255  # the 255th and later copies of one character in a key count as the 255th
# Bits per code point in a gram's code: 21 for 3-grams, all of Unicode, so distinct grams get distinct codes.
_CODE_BITS = np.uint64(64 // GRAM)
# Characters each key adds to the joined text the grams are cut from: the key, its marks, a separator.
_FRAMING = len(_START) + len(_END) + len(_SEPARATOR)

IntArray = npt.NDArray[np.int64]
_ARRAY_FIELDS = (
    "key_lengths",
    "length_order",
    "length_starts",
    "gram_hashes",
    "gram_starts",
    "gram_postings",
    "gram_counts",
    "char_tokens",
    "char_starts",
    "char_postings",
    "term_hashes",
    "term_starts",
    "term_postings",
    "term_word_counts",
    "fewest_words",
    "char_buckets",
    "term_marks",
)
#: The arrays a build for the cache merges from its runs on disk straight into their files.
_MERGED_POSTINGS = frozenset({"gram_postings", "char_postings", "term_postings"})
#: Bytes of a term's hash (40 bits: what `PostingRun` packs above an entry's offset). Two terms sharing
#: a hash only make a key look as if it shared one more word: more candidates, never fewer.
_TERM_HASH_BYTES = 5
#: What marks a term that is a near-equal form, not a word (words begin with the ``"\x00"`` that
#: `clitic_blind_words` puts in place of their proclitics), so the two never meet.
_SQUEEZED_MARK, _MASKED_MARK = "\x1e", "\x1d"
#: Similarity (0–100) a word bound may be short by: the caller compares float32 similarities with a
#: margin of 1e-4 points of the score, which is 1.7e-4 of C; a candidate too many costs nothing.
_BOUND_SLACK = 1e-3
#: The fewest words of a key length no key has (`CandidateIndex.fewest_words`).
_NO_KEYS = np.iinfo(np.int32).max
#: Code points that split words (``str.split``'s whitespace: none lies past U+3000) and those
#: `clitic_blind_words` strips from a word's edges (a word of nothing else is no word).
_SPACE_POINTS = np.array([c for c in range(0x3001) if chr(c).isspace()], dtype=np.uint64)
_EDGE_POINTS = np.array(sorted(map(ord, _EDGE_PUNCTUATION)), dtype=np.uint64)


def _codepoints(text: str) -> npt.NDArray[np.uint64]:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


def _gram_codes(points: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """The code of every run of `GRAM` code points: the code points side by side in one integer."""
    count = max(len(points) - GRAM + 1, 0)
    codes = points[:count].copy()
    for offset in range(1, GRAM):
        codes <<= _CODE_BITS
        codes |= points[offset : offset + count]
    return codes


def _char_bucket(points: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """The bucket each code point is counted in (a multiplicative hash: fixed, whatever the memory)."""
    with np.errstate(over="ignore"):
        return ((points * np.uint64(0x9E3779B1)) >> np.uint64(16)) & np.uint64(CHAR_BUCKETS - 1)


def char_bucket_counts(key: str) -> IntArray:
    """How many of a key's characters fall in each bucket (exact, not capped)."""
    return np.bincount(_char_bucket(_codepoints(key)).astype(np.int64), minlength=CHAR_BUCKETS)


def packed_char_buckets(keys: list[str], lengths: npt.NDArray[np.int32]) -> npt.NDArray[np.uint64]:
    """Each key's bucket counts, capped at 15, packed 4 bits a bucket into one word."""
    if not keys:
        return np.empty(0, dtype=np.uint64)
    points = _codepoints("".join(keys))
    owner = np.repeat(np.arange(len(keys), dtype=np.int64), lengths.astype(np.int64))
    slots = owner * CHAR_BUCKETS + _char_bucket(points).astype(np.int64)
    counts = np.bincount(slots, minlength=len(keys) * CHAR_BUCKETS)
    capped = np.minimum(counts, _BUCKET_FULL).astype(np.uint64).reshape(len(keys), CHAR_BUCKETS)
    packed: npt.NDArray[np.uint64] = np.bitwise_or.reduce(capped << _BUCKET_SHIFTS, axis=1)
    return packed


def shared_char_bound(query_counts: IntArray, packed: npt.NDArray[np.uint64]) -> IntArray:
    """The most characters (as multisets) a key can share with the query, from its packed bucket counts: the
    smaller count in each bucket, the query's where the key's is capped (it may hold more)."""
    if len(packed) < _BUCKET_TABLE_ROWS:
        counts = ((packed[:, None] >> _BUCKET_SHIFTS) & np.uint64(_BUCKET_FULL)).astype(np.int64)
        shared = np.where(counts == _BUCKET_FULL, query_counts, np.minimum(counts, query_counts))
        bound: IntArray = shared.sum(axis=1)
        return bound
    # Many keys: what each byte (two buckets) adds, worked out once for its 256 values, then looked up. Unpacked
    # into 16 columns, 5,000 keys took 0.65-0.9 ms (arrays past the cache); looked up, 0.12 ms.
    by_count = np.minimum(_NIBBLES, query_counts[:, None])  # bucket x its count in a key
    by_count[:, _BUCKET_FULL] = query_counts
    by_byte = by_count[0::2][:, _LOW_NIBBLE] + by_count[1::2][:, _HIGH_NIBBLE]  # byte x its value
    # Bucket 2j is the low nibble of byte j, little-endian.
    values = packed.astype("<u8", copy=False).view(np.uint8).reshape(-1, 8)
    if len(packed) < _BYTE_BY_BYTE_ROWS:
        table_bound: IntArray = by_byte.ravel()[values + _BYTE_ROWS].sum(axis=1)
        return table_bound
    # Byte by byte, each looked up in its own row: no index array of 8 a key, no sum along rows. 3,000 keys took
    # 38 µs where the one gather took 77, 30,000 keys 0.17 ms where it took 2.0 (a one-off timing loop).
    rows = by_byte.astype(np.int32)
    added: IntArray = np.take(rows[0], values[:, 0])
    for byte in range(1, 8):
        added += np.take(rows[byte], values[:, byte])
    return added


def word_marks(hashes: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """The bit each term hash sets in a key's word marks (`CandidateIndex.term_marks`)."""
    return np.uint64(1) << (hashes & np.uint64(63))


def _words_needed(
    length: int,
    lengths: npt.NDArray[Any],
    words: int,
    key_words: npt.NDArray[Any],
    min_similarity: float,
    word_lift: float,
) -> npt.NDArray[np.float64]:
    """The fewest of a query's ``words`` (its key ``length`` long) that keys of ``lengths`` with ``key_words`` words
    must share to reach the matcher's bound (at least 1; more than ``words`` where none can): a key sharing s words
    needs C ≥ min_similarity + word_lift·(1 − s/max(words, its words)), and the two lengths cap C at
    200·min(m, n)/(m + n). Worked out with `_BOUND_SLACK` in the key's favour."""
    cap = 200.0 * np.minimum(length, lengths) / (length + lengths)
    most = np.maximum(words, key_words).astype(np.float64)
    needed: npt.NDArray[np.float64] = np.maximum(
        np.ceil(most * (1.0 - (cap - min_similarity + _BOUND_SLACK) / word_lift) - 1e-9), 1.0
    )
    return needed


def _long_gram_hashes(points: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """The hash of every run of `LONG_GRAM` code points: a 3-gram's hash with the next code points mixed in."""
    count = max(len(points) - LONG_GRAM + 1, 0)
    hashed = _hash(_gram_codes(points[: count + GRAM - 1])) if count else np.empty(0, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(GRAM, LONG_GRAM):
            hashed ^= points[offset : offset + count]
            hashed *= _MULTIPLIER
    return hashed


@dataclass(frozen=True)
class QueryGrams:
    """A query key's grams as both kinds of entry are indexed: its 3-grams (all of them, as short keys have them) and
    its sampled 5-grams (as longer keys have them), distinct, ascending by hash; each gram's kind (``long``) and the
    code point in its middle (``middle``, among ``points``, the key's framed code points)."""

    points: npt.NDArray[np.uint64]
    hashed: npt.NDArray[np.uint64]
    long: npt.NDArray[np.bool_]
    middle: IntArray


@functools.lru_cache(maxsize=16)
def _query_grams(key: str) -> QueryGrams:
    """A query key's grams (`QueryGrams`): kept for the few last keys, which each layer of a layered index looks up
    in turn. Read-only."""
    points = _codepoints(_START + key + _END)
    short = _hash(_gram_codes(points))
    long = _long_gram_hashes(points)
    sampled = np.flatnonzero(long < _SAMPLE_LIMIT)
    hashed, at = np.unique(np.concatenate((short, long[sampled])), return_index=True)
    middle = np.concatenate((np.arange(len(short)) + GRAM // 2, sampled + LONG_GRAM // 2))[at]
    kinds = at >= len(short)
    for array in (points, hashed, kinds, middle):
        array.flags.writeable = False
    return QueryGrams(points, hashed, kinds, middle)


def _objects(strings: list[str]) -> npt.NDArray[np.object_]:
    """The strings as a one-dimensional array of objects."""
    array = np.empty(len(strings), dtype=object)
    array[:] = strings
    return array


def _hash(codes: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    with np.errstate(over="ignore"):
        return codes * _MULTIPLIER


def sorted_unique(values: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """The distinct values, sorted (in place); much faster than ``np.unique``'s hashing on big arrays."""
    values.sort()
    if len(values) < 2:
        return values
    keep = np.empty(len(values), dtype=np.bool_)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def _ranked(words: list[str]) -> list[str]:
    """Each word as a term numbered by its occurrence (the second `في` is another term than the first),
    so the terms two keys share count their words' common multiset."""
    if len(set(words)) == len(words):  # most keys repeat no word
        return words
    seen: dict[str, int] = {}
    terms = []
    for word in words:
        rank = seen[word] = seen.get(word, 0) + 1
        terms.append(word if rank == 1 else f"{word}\x1f{rank}")
    return terms


def _near_forms(key: str, *, longest: int | None = None) -> list[str]:
    """The terms of a key's near-equal forms: squeezed, and with its numbers masked when it has any; with
    ``longest``, only forms that long or shorter (a key is near-equal to a query only if their forms are equal)."""
    forms = []
    if longest is None or squeezed_length_bounds(key)[0] <= longest:  # (most keys past it need not be squeezed)
        squeezed = squeezed_key(key)
        if longest is None or len(squeezed) <= longest:
            forms.append(_SQUEEZED_MARK + squeezed)
    if NUMBER_RE.search(key):
        masked = mask_numbers(key)
        if longest is None or len(masked) <= longest:
            forms.append(_MASKED_MARK + masked)
    return forms


def _near_form_lengths(key: str) -> tuple[int, int]:
    """The shortest and longest a key equal to ``key`` but for form or spelling can be: its squeezed key, and any
    length past it (form marks may be added, each with its spaces). (Numbers masked change lengths: the window rules
    those.)"""
    return len(squeezed_key(key)), _NO_KEYS


def _term_hashes(terms: list[str], known: dict[str, int] | None = None) -> npt.NDArray[np.uint64]:
    """The 40-bit hashes of terms (``known`` keeps those of terms met before: a memory's words recur)."""
    distinct: dict[str, int] = dict.fromkeys(terms, 0)  # each term hashed once (a chunk's words recur)
    for term in distinct:
        value = known.get(term) if known is not None else None
        if value is None:
            digest = hashlib.blake2b(term.encode("utf-8", "surrogatepass"), digest_size=_TERM_HASH_BYTES).digest()
            value = int.from_bytes(digest, "little")
            if known is not None and not term.startswith((_SQUEEZED_MARK, _MASKED_MARK)):
                known[term] = value
        distinct[term] = value
    return np.fromiter(map(distinct.__getitem__, terms), dtype=np.uint64, count=len(terms))


def blind_word_counts(keys: list[str], lengths: npt.NDArray[np.int32]) -> IntArray:
    """How many words `clitic_blind_words` reads in each key (``lengths``: theirs), for many keys at once:
    whitespace-separated pieces holding a character that is not edge punctuation."""
    if not keys:
        return np.empty(0, dtype=np.int64)
    points = _codepoints(" ".join(keys))
    space = np.isin(points, _SPACE_POINTS)
    word = np.flatnonzero(~space & ~np.isin(points, _EDGE_POINTS))
    piece = np.cumsum(space)[word]
    first_of_piece = np.ones(len(word), dtype=np.bool_)
    first_of_piece[1:] = piece[1:] != piece[:-1]
    key_of = np.repeat(np.arange(len(keys), dtype=np.int64), lengths.astype(np.int64) + 1)[: len(points)]
    return np.bincount(key_of[word[first_of_piece]], minlength=len(keys)).astype(np.int64)


def length_window(length: int, min_similarity: float) -> tuple[float, float]:
    """Key lengths that can reach ``min_similarity`` (0–100) with a key of ``length``."""
    share = min(max(min_similarity, 1e-6), 100.0) / 100.0
    return length * share / (2 - share), length * (2 - share) / share


@dataclass(frozen=True, slots=True)
class PostingRun:
    """The postings of one chunk of entries, kept until every chunk is done: its distinct tokens (sorted),
    how many entries each has, and those entries as offsets in the chunk (ascending per token).

    Two bytes a posting (four in chunks past 65,536 entries) and twelve a distinct token, where the
    packed ``token << LOCAL_BITS | offset`` values it is made from take eight a posting.
    """

    first: int
    tokens: npt.NDArray[np.uint64]
    counts: npt.NDArray[np.uint32]
    offsets: npt.NDArray[np.unsignedinteger[Any]]  # uint16, or uint32 in chunks past 65,536 entries

    @classmethod
    def of(cls, tokens: npt.NDArray[np.uint64], offsets: npt.NDArray[np.uint64], *, first: int) -> PostingRun:
        """The run of (token, offset) pairs (repeats count once) of the chunk whose first entry is ``first``;
        tokens must not exceed `MAX_TOKEN`, offsets must be below `MAX_CHUNK_ENTRIES`."""
        if len(tokens) and int(tokens.max()) > MAX_TOKEN:
            raise ValueError(f"a token above {MAX_TOKEN:,} cannot be packed")
        if len(offsets) and int(offsets.max()) >= MAX_CHUNK_ENTRIES:
            raise ValueError(f"a chunk holds at most {MAX_CHUNK_ENTRIES:,} entries")
        packed = sorted_unique((tokens << np.uint64(LOCAL_BITS)) | offsets)
        small = not len(packed) or int(offsets.max()) <= np.iinfo(np.uint16).max
        run_offsets: npt.NDArray[np.unsignedinteger[Any]] = (packed & _LOCAL_MASK).astype(
            np.uint16 if small else np.uint32
        )
        packed >>= np.uint64(LOCAL_BITS)
        if len(packed) == 0:
            return cls(first, packed, np.empty(0, dtype=np.uint32), run_offsets)
        boundaries = np.flatnonzero(np.concatenate(([True], packed[1:] != packed[:-1])))
        counts = np.diff(np.append(boundaries, len(packed))).astype(np.uint32)
        return cls(first, packed[boundaries], counts, run_offsets)


def merge_runs(
    runs: list[PostingRun], *, token_count: int | None = None
) -> tuple[npt.NDArray[np.uint64], IntArray, npt.NDArray[np.uint32]]:
    """Posting lists from the runs of every chunk, in entry order.

    Returns the distinct tokens (sorted; with ``token_count``, all of ``0 … token_count - 1``), where
    each one's postings start (plus the end), and the postings: absolute entry numbers, ascending per
    token, exactly what sorting every (token, entry) pair of all chunks at once gives. Each run is
    counted, then scattered into the one postings array, and dropped from ``runs`` (which is emptied)
    as soon as it is in, so the merge holds the postings and what is left of the runs, no more.
    """
    if token_count is not None:
        tokens = np.arange(token_count, dtype=np.uint64)
    elif runs:
        tokens = sorted_unique(np.concatenate([run.tokens for run in runs]))
    else:
        tokens = np.empty(0, dtype=np.uint64)

    def rows_of(run: PostingRun) -> IntArray:
        return run.tokens.astype(np.int64) if token_count is not None else np.searchsorted(tokens, run.tokens)

    totals = np.zeros(len(tokens), dtype=np.int64)
    for run in runs:
        totals[rows_of(run)] += run.counts
    starts = np.zeros(len(tokens) + 1, dtype=np.int64)
    np.cumsum(totals, out=starts[1:])
    del totals
    postings = np.empty(int(starts[-1]), dtype=np.uint32)
    cursor = starts[:-1].copy()
    while runs:
        run = runs.pop(0)
        rows, counts = rows_of(run), run.counts.astype(np.int64)
        # Posting i of the run goes to its token's cursor plus its rank among that token's postings in the run.
        within = np.arange(len(run.offsets), dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
        postings[np.repeat(cursor[rows], counts) + within] = run.offsets.astype(np.uint32) + np.uint32(run.first)
        cursor[rows] += counts
    return tokens, starts, postings


def _merged(
    runs: list[PostingRun] | RunSpill, spill: BuildSpill | None, name: str
) -> tuple[npt.NDArray[np.uint64], IntArray, npt.NDArray[np.uint32]]:
    """`merge_runs` of runs held, or of runs spilled (``spill``'s, its postings saved as ``name`` and read back)."""
    if isinstance(runs, list):
        return merge_runs(runs)
    if spill is None:
        raise ValueError("spilled runs are merged by their spill")
    tokens, starts, postings = spill.merged(name, runs)
    return tokens, starts, postings


def _take(keys: Sequence[str] | StringColumn, entries: npt.NDArray[np.uint32]) -> list[str]:
    """The keys of these entries, in this order."""
    if isinstance(keys, StringColumn):
        return keys.take(entries.astype(np.int64))
    return [keys[i] for i in entries.tolist()]


def count_postings(
    pieces: list[npt.NDArray[np.uint32]], first: int, last: int, *, at_least: int = 1
) -> tuple[IntArray, IntArray]:
    """The internal positions in [first, last) that at least ``at_least`` of the posting lists read hold
    (ascending, relative to ``first``), and how many of the lists hold each.

    A lookup's cost should be what it reads, not the size of the memory: counting through an array
    over the whole length window (then finding the entries counted enough) touches
    every entry of the window, some 900,000 at 1M where a short query's longer keys are estimated
    from 15,000-200,000 postings; sorting those costs 0.1-0.7 ms against ~2 ms. Where the postings
    read are more than an eighth of the window (a sixteenth of a window past `BYTE_COUNT_WINDOW`), an
    array is the cheaper: of 8 bytes an entry for all lists at once in a small window, of a byte list by
    list in a wide one. Between a sixteenth and an eighth, where entries need two lists or more, each is
    noted as the list that brings its count to ``at_least`` is added, and only those noted are sorted, not
    the window scanned: at 10M a long query's ~1M postings hit ~60,000-150,000 entries twice in ~9.3M.
    """
    total = sum(len(piece) for piece in pieces)
    if total == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    window = last - first
    wide = window > BYTE_COUNT_WINDOW
    if total * (WIDE_SPARSE_COUNT_RATIO if wide else SPARSE_COUNT_RATIO) < window:
        gathered = np.concatenate(pieces) if len(pieces) != 1 else pieces[0].copy()
        gathered.sort()
        if at_least == 1:
            starts = np.flatnonzero(np.concatenate(([True], gathered[1:] != gathered[:-1])))
            counts = np.diff(np.append(starts, len(gathered)))
            return gathered[starts].astype(np.int64) - first, counts.astype(np.int64)
        # Most entries are read once: only the places where a value repeats are listed (i where the
        # i-th equals the next), a run of r consecutive places being one entry read r + 1 times.
        repeats = np.flatnonzero(gathered[1:] == gathered[:-1])
        runs = np.flatnonzero(np.concatenate(([True], np.diff(repeats) != 1))) if len(repeats) else repeats
        counts = np.diff(np.append(runs, len(repeats))) + 1
        kept = runs[counts >= at_least]
        return gathered[repeats[kept]].astype(np.int64) - first, counts[counts >= at_least].astype(np.int64)
    if not wide:
        gathered = np.concatenate(pieces) if len(pieces) != 1 else pieces[0].copy()
        gathered -= np.uint32(first)  # in place: at 1M a short query's character postings are ~1.4M
        every = np.bincount(gathered, minlength=window)
        hit = np.flatnonzero(every >= at_least)
        return hit, every[hit].astype(np.int64)
    every = np.zeros(window, dtype=np.min_scalar_type(len(pieces)))
    # Where the postings are few for the window and entries need two lists or more, the entries counted enough
    # are few: noted as they get there, they cost less to sort than the window to scan.
    noted = at_least > 1 and total * SPARSE_COUNT_RATIO < window
    reached: list[npt.NDArray[np.uint32]] = []
    for piece in pieces:
        at = piece.astype(np.intp)  # scattering by intp costs a third of scattering by uint32
        at -= first
        counted = every[at]
        counted += 1  # one list holds an entry once, so no increment is lost to a repeated index
        every[at] = counted
        if noted:
            reached.append(piece[counted == at_least])  # as stored: uint32 sorts in half the time of intp
    if noted:
        found = np.concatenate(reached)
        found.sort()
        hit = found.astype(np.int64)
        hit -= first
    else:
        hit = np.flatnonzero(every >= at_least)
    return hit.astype(np.int64, copy=False), every[hit].astype(np.int64)


def _gather(
    table: npt.NDArray[np.uint64], starts: IntArray, wanted: npt.NDArray[np.uint64]
) -> tuple[IntArray, npt.NDArray[np.bool_]]:
    """Rows of ``wanted`` tokens in a sorted token table, and which were found."""
    if len(table) == 0:
        return np.zeros(len(wanted), dtype=np.int64), np.zeros(len(wanted), dtype=np.bool_)
    where = np.searchsorted(table, wanted)
    where[where >= len(table)] = 0
    return where.astype(np.int64), table[where] == wanted


def _held(postings: npt.NDArray[np.uint32], wanted: IntArray, first: int, last: int) -> npt.NDArray[np.bool_]:
    """Which of the positions ``wanted`` (sorted, in [first, last)) a posting list of that range holds.

    Few positions are searched for one by one; many are looked up in a mark of the list's positions,
    which costs the list's length once: at 10M a short query's common word (190,000 postings) was
    searched for 100,000 positions, 2 ms a lookup, where marking it takes a sixth of that (3.4 ms a query, was 7.5).
    """
    if len(wanted) * 16 < len(postings):
        at = np.minimum(_searched(postings, wanted), len(postings) - 1)
        return postings[at] == wanted  # type: ignore[no-any-return]
    marked = np.zeros(last - first, dtype=np.bool_)
    marked[postings - np.uint32(first)] = True
    return marked[wanted - first]


def grams_to_read(
    sizes: IntArray,
    sampled: npt.NDArray[np.bool_],
    words: IntArray | None = None,
    *,
    window: int,
    short_window: int = 0,
) -> IntArray:
    """Which of a query's grams a long lookup reads (positions in ``sizes``, each gram's postings in the
    windows; ``sampled``, the grams of longer entries, the sampled 5-grams, the others the 3-grams of short
    entries; ``words``, the word of the query each gram is in; ascending), for a window of ``window`` longer
    entries and ``short_window`` short ones.

    Of each kind, each word's rarest gram comes first (the rarest of those first), then the others, rarest
    first; a gram is read while its kind's postings stay within that kind's budget (one that grows with the
    kind's entries in the window), with at least `RESOLVING_SAMPLED_GRAMS` of the kind within its resolving
    cap, and at least one gram. A near-duplicate differs from the query in a word or two, and the grams of a
    replaced or inserted word (and of its new neighbours) are the rarest of the query: read rarest first,
    they took the budget, and at 10M a twin at 94% that held 17 of the query's 22 sampled grams held none
    of the 4 read (`bench/match.py`). Each kind of entry is indexed with its own grams, so each kind has a
    budget of its own: a short entry holds no 5-gram, a longer one no 3-gram. Grams with no postings in the
    window are never read: they would come first by rarity and take the place of the gram always read,
    leaving a lookup with nothing counted.
    """
    in_words = np.zeros(len(sizes), dtype=np.int64) if words is None else words
    chosen: list[int] = []
    for kind, budget, resolving, cap in (
        (
            sampled,
            max(SAMPLED_POSTINGS_BUDGET, int(SAMPLED_POSTINGS_PER_ENTRY * window)),
            RESOLVING_SAMPLED_GRAMS,
            max(RESOLVING_POSTINGS_CAP, int(RESOLVING_POSTINGS_PER_ENTRY * window)),
        ),
        (
            ~sampled,
            max(UNSAMPLED_POSTINGS_BUDGET, int(SAMPLED_POSTINGS_PER_ENTRY * short_window)),
            RESOLVING_SAMPLED_GRAMS,
            max(UNSAMPLED_POSTINGS_BUDGET, int(RESOLVING_POSTINGS_PER_ENTRY * short_window)),
        ),
    ):
        of_kind = np.flatnonzero(kind & (sizes > 0))
        of_kind = of_kind[np.argsort(sizes[of_kind], kind="stable")]
        leading = np.zeros(len(of_kind), dtype=np.bool_)
        leading[np.unique(in_words[of_kind], return_index=True)[1]] = True
        total, picked = 0, 0
        for gram in np.concatenate((of_kind[leading], of_kind[~leading])).tolist():
            size = int(sizes[gram])
            if total + size <= budget or (picked < resolving and total + size <= cap):
                chosen.append(gram)
                total, picked = total + size, picked + 1
    if chosen or not (sizes > 0).any():
        return np.sort(np.array(chosen, dtype=np.int64))
    return np.array([np.flatnonzero(sizes > 0)[np.argmin(sizes[sizes > 0])]], dtype=np.int64)


def best_estimated(estimates: npt.NDArray[np.float64], limit: int) -> IntArray:
    """Which of these estimates are the best ``limit``, and every one tied with the last of them, best first.

    Ties are kept because an estimate counts a few sampled grams: dozens of entries tie at the cut, and
    which of them a partition kept was arbitrary (a near-duplicate at 92% characters was dropped that
    way at 1M). Ties past `TIED_CANDIDATE_LIMIT`, only in memories of many near-copies, are cut by position.
    """
    best = np.arange(len(estimates))
    if len(estimates) > limit:
        floor = np.partition(estimates, len(estimates) - limit)[len(estimates) - limit]
        above = np.flatnonzero(estimates > floor + 1e-9)
        tied = np.flatnonzero(np.abs(estimates - floor) <= 1e-9)
        best = np.concatenate((above, tied[: max(TIED_CANDIDATE_LIMIT - len(above), limit - len(above))]))
    ordered: IntArray = best[np.argsort(-estimates[best], kind="stable")]
    return ordered


def _searched(postings: npt.NDArray[np.uint32], values: Any) -> Any:
    """``np.searchsorted(postings, values)`` for internal positions (0 … `MAX_ENTRIES`), cast to the postings'
    dtype first: given values of another dtype (Python ints are int64), numpy converts the whole sorted
    array before searching it, which made each search cost the list's length (0.3 ms for 2M postings)."""
    return postings.searchsorted(np.asarray(values).astype(postings.dtype, copy=False))


@dataclass(slots=True)
class CandidateIndex:
    """Both lookup structures over the keys of one memory.

    Entries are numbered internally in order of key length (``length_order`` maps back to the
    caller's entry numbers), so that the keys of any length window are one contiguous slice of
    every posting list.
    """

    key_lengths: npt.NDArray[np.int32]  # by internal position
    length_order: npt.NDArray[np.uint32]  # internal position -> entry number
    length_starts: IntArray  # first internal position of each key length (0 … longest + 1)
    # Grams: sorted gram hashes, run starts, internal positions; grams indexed per position.
    gram_hashes: npt.NDArray[np.uint64]
    gram_starts: IntArray
    gram_postings: npt.NDArray[np.uint32]
    gram_counts: npt.NDArray[np.int32]
    # Characters of short keys: sorted (char, rank) tokens, run starts, internal positions.
    char_tokens: npt.NDArray[np.uint64]
    char_starts: IntArray
    char_postings: npt.NDArray[np.uint32]
    # Terms of the keys up to `WORDED_KEY` long (their words numbered by occurrence; their near-equal forms where
    # no longer than `SHORT_KEY`): sorted 40-bit hashes, run starts, internal positions; and each such key's word
    # count, by internal position.
    term_hashes: npt.NDArray[np.uint64]
    term_starts: IntArray
    term_postings: npt.NDArray[np.uint32]
    term_word_counts: npt.NDArray[np.uint16]
    #: The fewest words (as `clitic_blind_words` reads them) of the keys of each length (0 … longest + 1;
    #: `_NO_KEYS` where there are none): a short query's longer keys need words it has to reach the
    #: cutoff, and a length whose keys all have many more words than the query cannot.
    fewest_words: npt.NDArray[np.int32]
    #: Each worded key's characters counted in `CHAR_BUCKETS` buckets, packed (`packed_char_buckets`), by position.
    char_buckets: npt.NDArray[np.uint64]
    #: Each worded key's words (as filed: numbered by occurrence) marked in one 64-bit word, a bit a term (its
    #: hash's lowest six bits; `word_marks`), by position: a key whose bit for a query's word is clear lacks it.
    term_marks: npt.NDArray[np.uint64]
    #: The short keys themselves, by internal position: exact lookups return thousands of
    #: candidates, and reading them from here is far cheaper than decoding them one by one (an
    #: array of objects: a short query in 1M entries takes ~20,000 of them, 4x faster than a list).
    short_keys: npt.NDArray[np.object_] = field(default_factory=lambda: _objects([]))
    #: Every key, in entry order: a worded lookup checks the characters of the longer keys it finds from here.
    keys: Sequence[str] | StringColumn = ()
    #: The last key whose near-equal forms were looked up, with their rows' postings (a lookup weighs whether to probe
    #: by them, then finds them): replaced whole, so threads sharing the index see one or the other.
    _near_memo: tuple[str, list[tuple[int, int]]] = field(default=("", []), init=False, repr=False, compare=False)

    @property
    def size(self) -> int:
        return len(self.key_lengths)

    def arrays(self) -> dict[str, npt.NDArray[np.generic]]:
        return {name: getattr(self, name) for name in _ARRAY_FIELDS}

    @classmethod
    def from_arrays(
        cls, arrays: dict[str, npt.NDArray[np.generic]], keys: Sequence[str] | StringColumn
    ) -> CandidateIndex:
        """An index from saved arrays and the keys it was built from (entry order)."""
        index = cls(**{name: arrays[name] for name in _ARRAY_FIELDS})  # type: ignore[arg-type]
        index.short_keys = _objects(_take(keys, index.length_order[: index.short_count]))  # a column's in bulk
        index.keys = keys
        return index

    @property
    def short_count(self) -> int:
        """How many keys are short (they come first in internal order)."""
        return int(self.length_starts[min(SHORT_KEY + 1, len(self.length_starts) - 1)])

    @property
    def worded_count(self) -> int:
        """How many keys have their words filed (up to `WORDED_KEY` long; they come first in internal order)."""
        return int(self.length_starts[min(WORDED_KEY + 1, len(self.length_starts) - 1)])

    # -- building -------------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        keys: Sequence[str] | StringColumn,
        *,
        key_lengths: npt.NDArray[np.int32] | None = None,
        chunk_entries: int = BUILD_CHUNK_ENTRIES,
        spill: BuildSpill | None = None,
        lookup_keys: Sequence[str] | StringColumn | None = None,
    ) -> CandidateIndex:
        """The index of ``keys`` (a list, or a column of them read a chunk at a time).

        ``key_lengths``, when the caller knows them, spares reading every key for its length. Keys
        are taken ``chunk_entries`` at a time in length order, and the result is the same whatever
        the chunk size. With ``spill`` (a build for the cache), each chunk's postings go to disk as
        they are made and the posting lists are merged from there into the files ``spill`` saves
        them to, read back from those: the same index, without holding its postings. ``lookup_keys`` are the
        keys lookups read (by default ``keys``: a build from a paged column gives the column that stays).
        """
        count = len(keys)
        if count > MAX_ENTRIES:
            raise ValueError(f"one index holds at most {MAX_ENTRIES:,} entries")
        if not 0 < chunk_entries <= MAX_CHUNK_ENTRIES:
            raise ValueError(f"chunk_entries must be 1 … {MAX_CHUNK_ENTRIES:,}")
        if key_lengths is None:
            every = np.arange(count, dtype=np.uint32)
            key_lengths = np.fromiter(map(len, _take(keys, every)), dtype=np.int32, count=count)
        elif len(key_lengths) != count:
            raise ValueError(f"{len(key_lengths):,} key lengths for {count:,} keys")
        order = np.argsort(key_lengths, kind="stable").astype(np.uint32)
        ordered_lengths = key_lengths[order].astype(np.int32)
        del key_lengths  # (the caller may have let go of it too: a build for the cache does)
        longest = int(ordered_lengths[-1]) if count else 0
        length_starts = np.searchsorted(ordered_lengths, np.arange(longest + 2)).astype(np.int64)
        short = int(length_starts[min(SHORT_KEY + 1, longest + 1)])
        worded = int(length_starts[min(WORDED_KEY + 1, longest + 1)])
        gram_runs: list[PostingRun] | RunSpill = spill.runs() if spill is not None else []
        char_runs: list[PostingRun] | RunSpill = spill.runs() if spill is not None else []
        term_runs: list[PostingRun] | RunSpill = spill.runs() if spill is not None else []
        gram_counts: list[npt.NDArray[np.int32]] = []
        word_counts: list[npt.NDArray[np.uint16]] = []
        char_buckets: list[npt.NDArray[np.uint64]] = []
        term_marks: list[npt.NDArray[np.uint64]] = []
        known_words: dict[str, int] = {}
        fewest_words = np.full(longest + 2, _NO_KEYS, dtype=np.int32)
        short_keys: list[str] = []
        for first in range(0, count, chunk_entries):
            last = min(first + chunk_entries, count)
            chunk = _take(keys, order[first:last])
            lengths = ordered_lengths[first:last]
            run = cls._gram_run(chunk, lengths, first=first)
            gram_counts.append(np.bincount(run.offsets, minlength=last - first).astype(np.int32))
            gram_runs.append(run)
            np.minimum.at(fewest_words, lengths, blind_word_counts(chunk, lengths).astype(np.int32))
            if first < short:
                within = min(last, short) - first
                if spill is None:  # else read again at the end, not held while the postings are merged
                    short_keys.extend(chunk[:within])
                char_runs.append(cls._char_run(chunk[:within], lengths[:within], first=first))
            if first < worded:
                worded_chunk = chunk[: min(last, worded) - first]
                term_run, counts, marks = cls._term_run(worded_chunk, first=first, known_words=known_words)
                term_runs.append(term_run)
                word_counts.append(counts)
                term_marks.append(marks)
                char_buckets.append(packed_char_buckets(worded_chunk, lengths[: len(worded_chunk)]))
            del chunk
        known_words.clear()
        gram_hashes, gram_starts, gram_postings = _merged(gram_runs, spill, "gram_postings")
        char_tokens, char_starts, char_postings = _merged(char_runs, spill, "char_postings")
        term_hashes, term_starts, term_postings = _merged(term_runs, spill, "term_postings")
        if spill is not None:  # a chunk at a time, so a paged column can give back the pages read between takes
            short_keys = [
                key
                for at in range(0, short, chunk_entries)
                for key in _take(keys, order[at : min(at + chunk_entries, short)])
            ]
        index = cls(
            ordered_lengths,
            order,
            length_starts,
            gram_hashes,
            gram_starts,
            gram_postings,
            np.concatenate(gram_counts) if gram_counts else np.empty(0, np.int32),
            char_tokens,
            char_starts,
            char_postings,
            term_hashes,
            term_starts,
            term_postings,
            np.concatenate(word_counts) if word_counts else np.empty(0, np.uint16),
            fewest_words,
            np.concatenate(char_buckets) if char_buckets else np.empty(0, np.uint64),
            np.concatenate(term_marks) if term_marks else np.empty(0, np.uint64),
            _objects(short_keys),
            keys if lookup_keys is None else lookup_keys,
        )
        if spill is not None:  # the rest of the arrays saved too, and read back mapped: none held by the build
            del ordered_lengths, order, gram_counts, word_counts, char_buckets, term_marks
            for name in _ARRAY_FIELDS:
                if name not in _MERGED_POSTINGS:  # (those went from their runs to their files)
                    array = getattr(index, name)
                    setattr(index, name, spill.save_array(name, array.dtype, [array]))
        return index

    @staticmethod
    def _gram_run(keys: list[str], lengths: npt.NDArray[np.int32], *, first: int) -> PostingRun:
        """The run of (gram hash, offset) of a chunk of keys (a short key's 3-grams, a longer one's sampled 5-grams)."""
        if not keys:
            return PostingRun.of(np.empty(0, np.uint64), np.empty(0, np.uint64), first=first)
        short = lengths <= SHORT_KEY
        separator = np.uint64(ord(_SEPARATOR))
        tokens, offsets = [np.empty(0, np.uint64)], [np.empty(0, np.uint64)]
        for size, members in ((GRAM, np.flatnonzero(short)), (LONG_GRAM, np.flatnonzero(~short))):
            if len(members) == 0:
                continue
            part = keys if len(members) == len(keys) else [keys[member] for member in members.tolist()]
            points = _codepoints(_SEPARATOR.join(_START + k + _END for k in part))
            hashed = _hash(_gram_codes(points)) if size == GRAM else _long_gram_hashes(points)
            grams = len(hashed)
            owner = np.repeat(members, lengths[members].astype(np.int64) + _FRAMING)[:grams]
            keep = np.ones(grams, dtype=np.bool_)  # grams that do not cross from one key into the next
            for offset in range(size):
                keep &= points[offset : offset + grams] != separator
            if size == LONG_GRAM:
                keep &= hashed < _SAMPLE_LIMIT
            tokens.append(hashed[keep] >> _HASH_SHIFT)
            offsets.append(owner[keep].astype(np.uint64))
        return PostingRun.of(np.concatenate(tokens), np.concatenate(offsets), first=first)

    @staticmethod
    def _char_run(keys: list[str], lengths: npt.NDArray[np.int32], *, first: int) -> PostingRun:
        """The run of ((character, rank) token, offset) of a chunk of short keys."""
        if len(keys) == 0 or int(lengths.sum()) == 0:
            return PostingRun.of(np.empty(0, np.uint64), np.empty(0, np.uint64), first=first)
        points = _codepoints("".join(keys))
        position = np.repeat(np.arange(len(keys), dtype=np.int64), lengths.astype(np.int64))
        by_char = np.lexsort((points, position))  # group each key's copies of a character
        points, position = points[by_char], position[by_char]
        index = np.arange(len(points))
        new_run = np.ones(len(points), dtype=np.bool_)
        new_run[1:] = (points[1:] != points[:-1]) | (position[1:] != position[:-1])
        rank = index - np.maximum.accumulate(np.where(new_run, index, 0)) + 1
        tokens = (points << np.uint64(8)) | np.minimum(rank, _MAX_RANK).astype(np.uint64)
        return PostingRun.of(tokens, position.astype(np.uint64), first=first)

    @staticmethod
    def _term_run(
        keys: list[str], *, first: int, known_words: dict[str, int]
    ) -> tuple[PostingRun, npt.NDArray[np.uint16], npt.NDArray[np.uint64]]:
        """The run of (term hash, offset) of a chunk of keys (up to `WORDED_KEY` long), and each key's word count
        and word marks.

        Words are read as the matcher's bound reads them (`clitic_blind_words`), Arabic proclitics
        always set aside: in another language that only makes more words equal, so more candidates.
        """
        blind = clitic_blind_words(keys, arabic=True) if keys else []
        worded = [_ranked(words) for words in blind]
        # Only a short query's forms can equal a key's: longer keys' forms are never looked up.
        per_key = [terms + _near_forms(key, longest=SHORT_KEY) for key, terms in zip(keys, worded, strict=True)]
        terms = list(itertools.chain.from_iterable(per_key))
        filed = np.fromiter(map(len, per_key), dtype=np.int64, count=len(per_key))
        offsets = np.repeat(np.arange(len(keys), dtype=np.uint64), filed)
        counts = np.fromiter(map(len, blind), dtype=np.int64, count=len(blind))
        if len(counts) and int(counts.max()) > np.iinfo(np.uint16).max:
            raise ValueError("a key of more words than a count holds")
        hashes = _term_hashes(terms, known_words)
        # Each key's terms come first, its forms after them.
        starts = np.cumsum(filed) - filed
        is_word = np.arange(len(terms)) - np.repeat(starts, filed) < np.repeat(counts, filed)
        marks = np.zeros(len(keys), dtype=np.uint64)
        np.bitwise_or.at(marks, offsets[is_word].astype(np.intp), word_marks(hashes[is_word]))
        return PostingRun.of(hashes, offsets, first=first), counts.astype(np.uint16), marks

    # -- lookup ---------------------------------------------------------------------------------

    def exact_for(self, length: int, min_similarity: float) -> bool:
        """Whether a lookup of a key this long is answered exactly (every qualifying key short)."""
        return length_window(length, min_similarity)[1] <= SHORT_KEY

    def _window(self, length: int, min_similarity: float) -> tuple[int, int]:
        """Internal positions [first, last) of the keys whose length fits the window."""
        # With the bounds' slack: at a C of exactly 2·min(m, n)/(m + n) (`a??` and `a` at a cutoff of 70, C 50 and
        # W 100) the window's edge is a float a hair past its integer, and the key on it was left out.
        low, high = length_window(length, min_similarity - _BOUND_SLACK)
        top = len(self.length_starts) - 1
        first = int(self.length_starts[min(max(int(np.ceil(low)), 0), top)])
        last = int(self.length_starts[min(int(np.floor(high)) + 1, top)])
        return first, last

    def candidates(
        self, key: str, *, min_similarity: float, limit: int = CANDIDATE_LIMIT, word_lift: float | None = None
    ) -> IntArray:
        """Entry numbers worth scoring for ``key`` at character similarity ``min_similarity`` (0–100)."""
        return self.candidates_with_keys(key, min_similarity=min_similarity, limit=limit, word_lift=word_lift)[0]

    def candidates_with_keys(
        self,
        key: str,
        *,
        min_similarity: float,
        limit: int = CANDIDATE_LIMIT,
        budget: int | None = None,
        fallback_similarity: float | None = None,
        word_lift: float | None = None,
    ) -> tuple[IntArray, list[str]]:
        """The candidates, and the keys of the first of them that the index holds (the short ones found exactly).

        The keys list may be shorter than the entries: the keys of the rest are the caller's to read.
        With ``word_lift``, the similarity points that shared words can add (see the module
        docstring), a short query whose keys need a shared word to reach ``min_similarity`` gets
        the keys up to `WORDED_KEY` long that reach it by their words and characters, and those equal to
        it but for form, spelling or numbers, whatever the memory's size (the budget is not needed then).
        Otherwise, when the length window of ``min_similarity`` holds more than ``budget`` short keys, only
        those whose bound reaches ``fallback_similarity`` are returned (still exact at that
        similarity), counted in that similarity's narrower window: in a big memory most keys of the
        window reach the lower similarity (at 1M some 79,000 of a short query's 135,000), so the
        lookup would keep to the fallback anyway, and counting for it alone costs ~15% less (and
        leaves fewer candidates, the bounds being tighter) than counting for both and filtering.
        """
        plan = self.lookup_plan(
            key,
            min_similarity=min_similarity,
            budget=budget,
            fallback_similarity=fallback_similarity,
            word_lift=word_lift,
        )
        held = self.grams_in_window(key, plan.ranges) if plan.ranges else None
        if held is None:
            return plan.exact, plan.keys
        ((positions, estimates),), limit = estimated_together([held], key, limit)
        estimated = self.length_order[positions[best_estimated(estimates, limit)]].astype(np.int64)
        return np.concatenate((plan.exact, estimated)), plan.keys

    def lookup_plan(
        self,
        key: str,
        *,
        min_similarity: float,
        budget: int | None = None,
        fallback_similarity: float | None = None,
        word_lift: float | None = None,
    ) -> LookupPlan:
        """The entries a lookup finds exactly, with their keys, and the internal positions where it estimates."""
        none = np.empty(0, dtype=np.int64)
        if self.size == 0 or not key:
            return LookupPlan(none, [], [])
        first, last = self._window(len(key), min_similarity)
        if len(key) > SHORT_KEY:
            # Only the window: a key equal to a long query but for punctuation marks that change its length past the
            # window (at a cutoff of 95, by more than ~15%) is not found, where `ExhaustiveMatcher` scores it 95-99.
            # (Filing such keys' forms, as short ones are, would find them: an index change, not made yet.)
            return LookupPlan(none, [], [(first, last)] if last > first else [])
        # A short key: every key whose words are filed that can qualify, exactly; longer ones (if the window
        # reaches them) by estimate.
        words = clitic_blind_words([key], arabic=True)[0] if word_lift is not None else []
        worded = word_lift is not None and bool(words) and min_similarity + word_lift > 100.0 + _BOUND_SLACK
        if last <= first and not worded:
            return LookupPlan(none, [], [])
        if word_lift is not None and worded:
            # (Keys equal to it but for form score 95-99 whatever their length: they are found even when no key of
            # the index has a length in the window, as `نعم.` for `نعم` at a cutoff of 95 in a delta of a few units.)
            last = max(first, last)
            split = min(max(first, self.worded_count), last)
            exact = self._worded_candidates(key, words, min_similarity, word_lift, first, split)
            ranges = self._worded_ranges(
                len(key), len(words), min_similarity, word_lift, split, last, near=_near_form_lengths(key)
            )
        else:
            split = min(max(first, self.short_count), last)
            exact_first, exact_split, similarity = first, split, min_similarity
            if budget is not None and fallback_similarity is not None and split - first > budget:
                similarity = max(min_similarity, fallback_similarity)
                exact_first, exact_last = self._window(len(key), similarity)
                exact_split = min(max(exact_first, self.short_count), exact_last)
            exact = (
                self._short_candidates(key, similarity, exact_first, exact_split) if exact_split > exact_first else none
            )
            ranges = [(split, last)] if split < last else []
        return LookupPlan(self.length_order[exact].astype(np.int64), self._keys_at(exact), ranges)

    def near_equal_count(self, key: str) -> int:
        """How many postings ``key``'s near-equal forms have (as filed: forms no longer than `SHORT_KEY`): the entries
        equal to it but for form, spelling or numbers, one filed under two forms counted twice, and now and then
        another (hashes may collide). What a lookup weighs whether to probe by, without reading a key."""
        return sum(end - start for start, end in self._near_rows(key))

    def _near_rows(self, key: str) -> list[tuple[int, int]]:
        """Where the postings of ``key``'s near-equal forms start and end."""
        known, rows = self._near_memo
        if known != key or not key:
            rows = self._term_rows(_near_forms(key))
            self._near_memo = (key, rows)
        return rows

    def _near_positions(self, key: str) -> IntArray:
        """Internal positions (ascending) of the keys filed under one of ``key``'s near-equal forms."""
        forms = self._near_rows(key)
        if not forms:
            return np.empty(0, dtype=np.int64)
        return np.unique(np.concatenate([self.term_postings[start:end] for start, end in forms]).astype(np.int64))

    def _keys_at(self, positions: IntArray) -> list[str]:
        """The keys at these internal positions (ascending): the short ones held, the rest read from `keys`."""
        split = int(np.searchsorted(positions, self.short_count))
        held: list[str] = self.short_keys[positions[:split]].tolist()
        if split == len(positions):
            return held
        return held + _take(self.keys, self.length_order[positions[split:]])

    @staticmethod
    def _slices(
        postings: npt.NDArray[np.uint32],
        starts: IntArray,
        rows: IntArray,
        first: int,
        last: int,
        *,
        keep_empty: bool = False,
    ) -> list[npt.NDArray[np.uint32]]:
        """The window's part of each posting list (lists are sorted by position), the empty ones too if asked."""
        pieces = []
        for start, end in zip(starts[rows].tolist(), starts[rows + 1].tolist(), strict=True):
            posting = postings[start:end]
            if len(posting) and (posting[0] < first or posting[-1] >= last):
                low, high = _searched(posting, (first, last)).tolist()
                posting = posting[low:high]
            if len(posting) or keep_empty:
                pieces.append(posting)
        return pieces

    def _all_in_window(
        self, begin: IntArray, end: IntArray, ranges: list[tuple[int, int]]
    ) -> tuple[IntArray, npt.NDArray[np.uint32]]:
        """How many postings of each gram's list (rows from ``begin`` to ``end``) lie in the position ranges, and
        those postings, all lists' in one array, list after list (`GramsInWindow.pieces` cuts it for counting)."""
        lengths = end - begin
        # Every list's rows in one gather (a slice a list cost ~0.5 µs each, 70 lists a long query's delta layer).
        offsets = np.cumsum(lengths) - lengths
        rows = np.arange(int(lengths.sum()), dtype=np.int64) + np.repeat(begin - offsets, lengths)
        gathered = self.gram_postings[rows]
        inside = (gathered >= ranges[0][0]) & (gathered < ranges[0][1])
        for low, high in ranges[1:]:
            inside |= (gathered >= low) & (gathered < high)
        sizes: IntArray = np.zeros(len(lengths), dtype=np.int64)
        held = lengths > 0  # (every gram the index holds has postings; the check costs little)
        if held.any():
            sizes[held] = np.add.reduceat(inside, offsets[held], dtype=np.int64)
        kept: npt.NDArray[np.uint32] = gathered[inside]
        return sizes, kept

    def _worded_candidates(
        self, key: str, words: list[str], min_similarity: float, word_lift: float, first: int, last: int
    ) -> IntArray:
        """Internal positions (ascending) of the keys in [first, last) (all up to `WORDED_KEY` long) that share s of
        ``words`` (the query's, as `clitic_blind_words` reads them) with C ≥ min_similarity + word_lift·(1 −
        s/max(words, theirs)), and of every key equal to the query but for form, spelling or numbers.

        Keys sharing no word are never read: the caller asks only when they cannot reach the bound.
        """
        near = self._near_positions(key)
        m = len(key)
        hashes = _term_hashes(_ranked(words))
        rows, found = _gather(self.term_hashes, self.term_starts, hashes)
        marked = [
            (piece, mark)
            for piece, mark in zip(
                self._slices(self.term_postings, self.term_starts, rows[found], first, last, keep_empty=True),
                word_marks(hashes[found]).tolist(),
                strict=True,
            )
            if len(piece)
        ]
        if not marked:
            return near
        # The j-th commonest list is counted only over the lengths whose keys need at most j shared words (near the
        # query's), and looked up for the keys the others found elsewhere (`_hulls`).
        marked.sort(key=lambda pair: len(pair[0]), reverse=True)
        pieces = [piece for piece, _mark in marked]
        hulls, needs = self._hulls(pieces, m, len(words), min_similarity, word_lift, first, last)
        read = [
            piece[int(_searched(piece, low)) : int(_searched(piece, high))] if (low, high) != (first, last) else piece
            for piece, (low, high) in zip(pieces, hulls, strict=True)
        ]
        read = [piece for piece in read if len(piece)]
        if not read:
            return near
        hit, shared = count_postings(read, first, last)
        positions = hit + first
        narrowed = [(low, high) for low, high in hulls if (low, high) != (first, last)]
        # Past `CUT_FIRST_KEYS` keys, those the marks and letters rule out go before anything else is worked out.
        cut_first = bool(narrowed) and needs is not None and len(positions) >= CUT_FIRST_KEYS
        maybe: list[npt.NDArray[np.bool_]] = []
        if narrowed:
            # A key may hold a list not read for it only if its mark for that word is set (those outside the list's
            # hull): only those are searched for. (At 1M ~7,000 searches of a five-word query became ~1,000.)
            key_marks = self.term_marks[positions]
            for (low, high), (_piece, mark) in zip(narrowed, marked[: len(narrowed)], strict=True):
                may = (key_marks & np.uint64(mark)) != 0
                may[int(np.searchsorted(positions, low)) : int(np.searchsorted(positions, high))] = False  # (read)
                maybe.append(may)
            unread = np.sum(maybe, axis=0)
        key_lengths = self._lengths_at(positions)
        if cut_first and needs is not None:
            # Keys that cannot reach their length's fewest needed words even holding every such list: at 1M ~90% of a
            # five-word query's (11,500 of 12,500).
            kept = np.flatnonzero(shared + unread >= needs[key_lengths])
            positions, shared, unread, key_lengths = positions[kept], shared[kept], unread[kept], key_lengths[kept]
            maybe = [may[kept] for may in maybe]
        # The fewest shared words each key needs, from its length and its own word count.
        lengths = key_lengths.astype(np.float64)
        key_words = self.term_word_counts[positions]
        need = _words_needed(m, lengths, len(words), key_words, min_similarity, word_lift)
        most = np.maximum(len(words), key_words).astype(np.float64)
        letters = char_bucket_counts(key)
        hopeful = shared >= need
        if maybe:
            if cut_first:
                # The characters a key can share by its bucket counts bound its C: keys that fall short even holding
                # every word their marks allow go before any search (at 1M ~97% of a five-word query's ~1,000 left).
                possible = np.minimum(shared + unread, len(words))
                bound = min_similarity + word_lift * (1 - possible / most)
                kept = np.flatnonzero(
                    (shared + unread >= need) & self._letters_reach(letters, positions, lengths, bound)
                )
                positions, shared, unread = positions[kept], shared[kept], unread[kept]
                lengths, need, most = lengths[kept], need[kept], most[kept]
                maybe = [may[kept] for may in maybe]
            # The rarest lists are searched first, so the commonest (the costliest to search) for the fewest keys.
            hopeful = shared + unread >= need
            for piece, may in zip(reversed(pieces[: len(maybe)]), reversed(maybe), strict=True):
                look = np.flatnonzero(may & hopeful)
                if len(look):
                    shared[look] += _held(piece, positions[look], first, last)
                unread -= may
                hopeful &= shared + unread >= need
        positions, shared, most = positions[hopeful], np.minimum(shared[hopeful], len(words)), most[hopeful]
        needed = min_similarity + word_lift * (1.0 - shared / most)
        # The letters' bound with the words each key holds: most keys found by common words fall short.
        lettered = self._letters_reach(letters, positions, lengths[hopeful], needed)
        positions, needed = positions[lettered], needed[lettered]
        if len(positions):
            chars = process.cdist([key], self._keys_at(positions), scorer=fuzz.ratio, dtype=np.float32)[0]
            positions = positions[chars >= needed - _BOUND_SLACK]
        return np.union1d(positions, near) if len(near) else positions

    def _lengths_at(self, positions: IntArray) -> npt.NDArray[np.int32]:
        """The lengths of the keys at these internal positions (ascending). Past `GATHERED_LENGTHS` keys, cut from
        where each length starts (keys are in length order), not read one by one: at 10M a short query's ~20,000
        reads, out of cache, cost ~0.1 ms; below, the ~4 µs of cutting them cost more than reading them."""
        if len(positions) < GATHERED_LENGTHS:
            return self.key_lengths[positions]
        shortest, longest = int(self.key_lengths[positions[0]]), int(self.key_lengths[positions[-1]])
        starts = np.searchsorted(positions, self.length_starts[shortest : longest + 2])
        return np.repeat(np.arange(shortest, longest + 1, dtype=np.int32), np.diff(starts))

    def _letters_reach(
        self, letters: IntArray, positions: IntArray, lengths: npt.NDArray[np.float64], needed: npt.NDArray[np.float64]
    ) -> npt.NDArray[np.bool_]:
        """Which keys (at these internal positions, of these lengths) the characters they can share with the query
        (its ``letters``, `char_bucket_counts`) let reach the C they need: 200·shared/(m + n) bounds C."""
        common = shared_char_bound(letters, self.char_buckets[positions])
        reach: npt.NDArray[np.bool_] = 200.0 * common / (int(letters.sum()) + lengths) >= needed - _BOUND_SLACK
        return reach

    def _hulls(
        self,
        pieces: list[npt.NDArray[np.uint32]],
        length: int,
        words: int,
        min_similarity: float,
        word_lift: float,
        first: int,
        last: int,
    ) -> tuple[list[tuple[int, int]], IntArray | None]:
        """Where each posting list (``pieces``, commonest first) is counted: the j-th commonest over the positions
        of the lengths whose keys need at most j shared words (j ≥ 1), [first, last) for all when they are short;
        and the words each length's keys need at least (`_shared_needed`, by length), when worked out.

        A key sharing s of the lists' words misses at most L - s of them, so it holds one of any L - s + 1: where
        keys need s shared words, the s - 1 commonest lists (`في`, `من`: most of the postings) find nothing the
        others miss. Only the commonest lists are ever narrowed, so the narrowed ones come first."""
        if sum(map(len, pieces)) <= WORDED_WHOLE_POSTINGS:
            return [(first, last)] * len(pieces), None
        # Up to `WORDED_KEY` (+ 1: the range's end), not every length: a memory holding one segment of 100,000
        # characters would make every short lookup work through 100,000 lengths.
        lengths = np.arange(min(len(self.fewest_words), WORDED_KEY + 2))
        needs = self._shared_needed(length, words, min_similarity, word_lift, lengths)
        hulls = []
        for rank in range(1, len(pieces) + 1):
            fit = np.flatnonzero(needs <= rank)
            if len(fit) == 0:
                hulls.append((first, first))
                continue
            low = max(int(self.length_starts[fit[0]]), first)
            high = min(int(self.length_starts[fit[-1] + 1]), last)
            hulls.append((low, max(low, high)) if (low, high) != (first, last) else (first, last))
        return hulls, needs

    def _shared_needed(
        self, length: int, words: int, min_similarity: float, word_lift: float, lengths: IntArray
    ) -> IntArray:
        """For each of ``lengths``, the fewest of a query's ``words`` a key of that length must share to reach the
        bound (`_words_needed`, given the fewest words of the keys of that length), ``words + 1`` where none can or
        there are no keys."""
        fewest = self.fewest_words[lengths]
        needed = _words_needed(length, lengths, words, fewest, min_similarity, word_lift)
        needed[(needed > words) | (fewest == _NO_KEYS)] = words + 1
        return needed.astype(np.int64)

    def _worded_ranges(
        self,
        length: int,
        words: int,
        min_similarity: float,
        word_lift: float,
        first: int,
        last: int,
        *,
        near: tuple[int, int] = (1, 0),
    ) -> list[tuple[int, int]]:
        """The internal positions, as ranges within [first, last), of the keys whose length can reach
        ``min_similarity`` with a query of ``length`` and ``words`` words, given the fewest words of
        keys of that length: sharing at most the query's words of their max(words, theirs), they need
        C ≥ min_similarity + word_lift·(1 − words/max), and C ≤ 200·min(m, n)/(m + n). (Measured when these were
        the keys past `SHORT_KEY`: at 1M a short query's went from 100,000–850,000 to 0–160,000; past
        `WORDED_KEY` there are none at a cutoff of 70.)"""
        if last <= first:
            return []
        lengths = np.arange(int(self.key_lengths[first]), int(self.key_lengths[last - 1]) + 1)
        reach = self._shared_needed(length, words, min_similarity, word_lift, lengths) <= words
        reach |= self.fewest_words[lengths] == _NO_KEYS  # no keys: nothing to read, and the ranges stay whole
        # Keys equal to the query but for form score 95-99 whatever their words: spaces around punctuation
        # join or split words (`a،b` is one word, `a ، b` two), so their lengths (``near``) are kept whole.
        reach |= (lengths >= near[0]) & (lengths <= near[1])
        if not reach.any():
            return []
        # Runs of lengths that can reach, as runs of internal positions (keys are in length order).
        edges = np.flatnonzero(np.diff(np.concatenate(([False], reach, [False])).astype(np.int8)))
        ranges = []
        for start, end in zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True):
            low = max(int(self.length_starts[lengths[start]]), first)
            high = min(int(self.length_starts[lengths[end - 1] + 1]), last)
            if high > low:
                ranges.append((low, high))
        return ranges

    def _term_rows_array(self, terms: list[str]) -> IntArray:
        """Rows of the terms the index holds (of ``terms``) in its term table."""
        rows, found = _gather(self.term_hashes, self.term_starts, _term_hashes(terms))
        return rows[found]

    def _term_rows(self, terms: list[str]) -> list[tuple[int, int]]:
        """Where the postings of each of ``terms`` that the index holds start and end."""
        rows = self._term_rows_array(terms)
        return list(zip(self.term_starts[rows].tolist(), self.term_starts[rows + 1].tolist(), strict=True))

    def _short_candidates(self, key: str, min_similarity: float, first: int, last: int) -> IntArray:
        """Internal positions of the short keys in [first, last) whose bound reaches ``min_similarity``."""
        wanted = np.array(
            [(ord(ch) << 8) | rank for ch, n in Counter(key).items() for rank in range(1, min(n, _MAX_RANK) + 1)],
            dtype=np.uint64,
        )
        rows, found = _gather(self.char_tokens, self.char_starts, wanted)
        pieces = self._slices(self.char_postings, self.char_starts, rows[found], first, last)
        if not pieces:
            return np.empty(0, dtype=np.int64)
        # Leave out the longest posting lists (the commonest letters) while that stays exact: an
        # entry can share at most one character per list left out, so counting the rest and
        # adding `skipped` is still an upper bound; and as long as `skipped` is below the fewest
        # shared characters any entry in the window needs, an entry missing from every list
        # read cannot qualify.
        m = len(key)
        needed = int(np.ceil(min_similarity * (m + self.key_lengths[first]) / 200 - 1e-9))
        pieces.sort(key=len)
        total = sum(len(p) for p in pieces)
        skipped = 0
        while pieces and total > SHORT_POSTINGS_BUDGET and skipped + 1 < needed:
            total -= len(pieces.pop())
            skipped += 1
        if not pieces:
            return np.empty(0, dtype=np.int64)
        # No entry of the window is shorter than its first, so none that shares fewer than `needed`
        # characters, `skipped` included, can qualify: the bounds are worked out for the others only
        # (at 1M a short query's window holds ~135,000 entries, a few thousand of them that many).
        hit, shared = count_postings(pieces, first, last, at_least=max(1, needed - skipped))
        bound = 200.0 * (shared + skipped) / (m + self.key_lengths[hit + first])
        return hit[bound >= min_similarity - 1e-9] + first

    @staticmethod
    def _sharing_most(
        positions: IntArray,
        counts: IntArray,
        limit: int,
        estimates: Callable[[IntArray, IntArray], npt.NDArray[np.float64]],
        scales: list[tuple[float, int]],
        *,
        complete: bool = True,
    ) -> tuple[IntArray, npt.NDArray[np.float64]] | None:
        """The hits that can still be among the best ``limit`` by estimate (and every entry tied with the
        last of them), with their estimates, found without estimating the others: most hits share one or
        two of the grams read (at 10M, ~600,000 of them), and estimating each cost more than counting them.

        An entry sharing c grams read, scaled by s to a count x = c·s against a query of Q grams, has an
        estimate of at most 2·x/(Q + x) (reached when it has x grams itself), which grows with c. So once
        the ``limit``-th best estimate among the entries sharing at least c0 is above what c0 − 1 allows
        for either kind of entry (``scales``: (s, Q) of each), no entry sharing fewer can place or tie.
        The entries sharing the most are tried first, then more, one count at a time, each entry estimated
        once, among those sharing two or more (most hits share one: they are set aside in one pass). Up to
        `ESTIMATED_AT_ONCE` hits, every hit is estimated: the search would cost more than it saves.
        Hits are ascending, and so are those returned. Without ``complete`` the hits are only those sharing
        two or more: None then says that the entries sharing fewer could place, and must be counted too.
        """
        if len(positions) <= limit:
            return (positions, estimates(positions, counts)) if complete else None
        if complete and len(positions) <= ESTIMATED_AT_ONCE:
            return positions, estimates(positions, counts)  # the steps below cost more than they would save
        sharing = np.cumsum(np.bincount(counts)[::-1])[::-1]  # sharing[c]: hits sharing c or more
        fewest = int(np.flatnonzero(sharing >= limit)[-1])
        if fewest < 2:
            return (positions, estimates(positions, counts)) if complete else None
        if complete:
            several = np.flatnonzero(counts >= 2)
            near, shares = positions[several], counts[several]
        else:
            near, shares = positions, counts
        estimate = np.empty(len(near), dtype=np.float64)
        best = np.empty(0, dtype=np.float64)  # the best `limit` estimates so far
        for least in range(fewest, 1, -1):
            group = np.flatnonzero(shares >= least) if least == fewest else np.flatnonzero(shares == least)
            estimate[group] = estimates(near[group], shares[group])
            best = np.concatenate((best, estimate[group]))
            best = np.partition(best, len(best) - limit)[len(best) - limit :]
            reach = max(2.0 * (least - 1) * scale / (grams + (least - 1) * scale + 1e-9) for scale, grams in scales)
            if reach < float(best[0]) - 1e-9:
                kept = np.flatnonzero(shares >= least) if least > 2 else np.arange(len(shares))
                return near[kept], estimate[kept]
        return (positions, estimates(positions, counts)) if complete else None

    def grams_in_window(
        self, key: str, ranges: list[tuple[int, int]], *, stacked: bool = False
    ) -> GramsInWindow | None:
        """Which of ``key``'s grams this index holds, and their postings in the internal positions ``ranges``
        (ascending, disjoint): what `estimated_together` chooses the grams to read from. None: it holds none.

        A small index ``stacked`` on a larger one (a memory's delta) gives its lists' whole lengths instead,
        and cuts the window out of those chosen only: beside the main index's, its few postings outside the
        window change nothing of the choice, and cutting every list cost as much as the rest of its lookup.
        """
        first, last = ranges[0][0], ranges[-1][1]
        query = _query_grams(key)
        rows, found = _gather(self.gram_hashes, self.gram_starts, query.hashed >> _HASH_SHIFT)
        grams = np.flatnonzero(found)
        rows = rows[grams]
        if first >= self.short_count or last <= self.short_count:
            kind = query.long[grams] == (first >= self.short_count)  # one kind of entry: its kind of gram only
            rows, grams = rows[kind], grams[kind]
        if len(rows) == 0:
            return None
        begin, end = self.gram_starts[rows], self.gram_starts[rows + 1]
        if int((end - begin).sum()) <= min(CUT_AT_ONCE_POSTINGS, SAMPLED_POSTINGS_BUDGET, UNSAMPLED_POSTINGS_BUDGET):
            # Every posting of every gram fits every budget (a small index, such as a memory's delta): the window
            # is cut out of them all at once, not list by list (~5 µs a gram, 70 grams).
            if stacked:
                return GramsInWindow(self, ranges, grams, end - begin, None, None, (begin, end))
            sizes, kept = self._all_in_window(begin, end, ranges)
            return GramsInWindow(self, ranges, grams, sizes, None, kept, (begin, end))
        per_gram = [
            [
                piece
                for low, high in ranges
                for piece in self._slices(self.gram_postings, self.gram_starts, row, low, high)
            ]
            for row in rows.reshape(-1, 1)
        ]
        sizes = np.fromiter((sum(map(len, pieces)) for pieces in per_gram), dtype=np.int64, count=len(per_gram))
        return GramsInWindow(self, ranges, grams, sizes, per_gram, None)

    def estimator(
        self, scale_short: float, scale_long: float, query_short: int, query_long: int, *, gone: IntArray | None = None
    ) -> Callable[[IntArray, IntArray], npt.NDArray[np.float64]]:
        """Each entry's estimated Dice coefficient with the query, from the grams it shares among those read.

        Shared grams counted among those read are scaled to all the query's grams of the entry's kind
        (``query_short`` for short entries, ``query_long`` sampled ones for longer ones), and no more than
        either key has: at 10M a short entry holding the few rare grams read was otherwise scaled past an
        exact copy of the query (an estimate of 1.3 against 1.0), and the copy was lost. Entries ``gone`` (internal
        positions, ascending: superseded by a layer above) are estimated at -1, below any live one, and take no
        place among the best (128 superseded copies of a query hid the one live near match behind them).
        """

        def estimates(positions: IntArray, counts: IntArray) -> npt.NDArray[np.float64]:
            # Positions are ascending, and short entries come first: each kind is one slice, its figures scalars
            # (at 10M up to 800,000 entries are estimated, and arrays of per-entry kinds took half the time).
            split = int(np.searchsorted(positions, self.short_count))
            parts = []
            for kind, query_grams, scale in (
                (slice(0, split), query_short, scale_short),
                (slice(split, None), query_long, scale_long),
            ):
                entry_grams = self.gram_counts[positions[kind]].astype(np.float64)
                shared = np.minimum(counts[kind] * scale, np.minimum(query_grams, entry_grams))
                parts.append(2.0 * shared / (query_grams + entry_grams + 1e-9))
            found = np.concatenate(parts)
            if gone is not None and len(gone) and len(positions):
                at = np.minimum(np.searchsorted(positions, gone), len(positions) - 1)  # a few gone among many
                found[at[positions[at] == gone]] = -1.0
            return found

        return estimates


@dataclass(frozen=True)
class LookupPlan:
    """What a lookup in one index finds exactly (entry numbers, with their keys) and where it estimates (internal
    positions, as ranges: none when no longer key can qualify)."""

    exact: IntArray
    keys: list[str]
    ranges: list[tuple[int, int]]


@dataclass(frozen=True)
class GramsInWindow:
    """What one index holds of a query's grams within a lookup's ranges: ``grams`` (numbers among the query's
    distinct grams, ascending), each one's postings there (``sizes``), and those postings, list by list
    (``per_gram``); a small index gives its lists' bounds (``lists``), cut when read, and all their postings in
    the window, list after list (``kept``), unless it is stacked on another (then ``sizes`` are whole lengths)."""

    index: CandidateIndex
    ranges: list[tuple[int, int]]
    grams: IntArray
    sizes: IntArray
    per_gram: list[list[npt.NDArray[np.uint32]]] | None
    kept: npt.NDArray[np.uint32] | None
    lists: tuple[IntArray, IntArray] | None = None  # where each gram's list begins and ends
    gone: IntArray | None = None  # internal positions (ascending) a layer above supersedes: never candidates

    def pieces(self, chosen: npt.NDArray[np.bool_]) -> list[npt.NDArray[np.uint32]]:
        """The postings of the grams ``chosen`` (a mask over the query's grams), as `count_postings` counts them:
        one array, or one a list where the ranges span more than `BYTE_COUNT_WINDOW` (an entry is in many lists,
        and counted in bytes there a list at a time)."""
        take = chosen[self.grams]
        if self.per_gram is not None:
            return [piece for i in np.flatnonzero(take).tolist() for piece in self.per_gram[i]]
        if self.kept is not None and take[self.sizes > 0].all():
            kept, sizes = self.kept, self.sizes  # every gram with postings in the window: all cut already
        else:
            assert self.lists is not None
            if not take.any():
                return []
            sizes, kept = self.index._all_in_window(self.lists[0][take], self.lists[1][take], self.ranges)
        if self.ranges[-1][1] - self.ranges[0][0] > BYTE_COUNT_WINDOW:
            return [piece for piece in np.split(kept, np.cumsum(sizes)[:-1].tolist()) if len(piece)]
        return [kept] if len(kept) else []


def estimated_together(
    parts: list[GramsInWindow], key: str, limit: int
) -> tuple[list[tuple[IntArray, npt.NDArray[np.float64]]], int]:
    """A gram lookup over one index or several (a memory's layers) as over one index holding them all: for each,
    the internal positions (ascending) that can be among the best ``limit`` by estimate of them all, and every
    one tied with the last of them, with their estimates; and the limit, wider when few grams were read.

    Not every gram's postings are read (`grams_to_read`, from the postings all the indexes hold): what the
    estimate counts is then a share of the query's grams (the same share for every entry of a kind), which
    it scales back to the whole. Each index reads the same grams and scales by the same shares, so the
    estimates compare across indexes: a memory's 11,000-entry delta reads the ~1,000 postings of the grams
    its 1M-entry main index reads, not the ~33,000 of all the query's grams.
    """
    query = _query_grams(key)
    if len(parts) == 1:
        grams, sizes = parts[0].grams, parts[0].sizes
    else:  # the grams any index holds, with all their postings
        grams = np.unique(np.concatenate([part.grams for part in parts]))
        sizes = np.zeros(len(grams), dtype=np.int64)
        for part in parts:
            sizes[np.searchsorted(grams, part.grams)] += part.sizes
    sampled = query.long[grams]  # the grams of longer entries
    present = sizes > 0
    if int(sizes.sum()) <= min(SAMPLED_POSTINGS_BUDGET, UNSAMPLED_POSTINGS_BUDGET):
        read = np.flatnonzero(present)  # what `grams_to_read` reads when every gram fits every budget
    else:
        spaces = np.cumsum(np.isin(query.points, _SPACE_POINTS, kind="table"), dtype=np.int64)
        short_window = sum(
            max(min(high, part.index.short_count) - low, 0) for part in parts for low, high in part.ranges
        )
        window = sum(high - low for part in parts for low, high in part.ranges)
        read = grams_to_read(
            sizes, sampled, spaces[query.middle[grams]], window=window - short_window, short_window=short_window
        )
    chosen = np.zeros(len(query.hashed), dtype=np.bool_)
    chosen[grams[read]] = True
    # The grams each kind of entry is indexed with: a short entry's 3-grams, a longer one's sampled 5-grams.
    query_short, query_long = int((~sampled).sum()), int(sampled.sum())
    read_short, read_sampled = int((~sampled[read]).sum()), int(sampled[read].sum())
    # Those with postings in the windows, which the grams read stand for (no entry has the others).
    present_short, present_sampled = int((present & ~sampled).sum()), int((present & sampled).sum())
    # An entry whose estimated Dice coefficient could reach MIN_DICE shares at least this many
    # of the grams looked up of its kind (the fewer of the two kinds').
    looked_up = min((count for count in (read_short, read_sampled) if count), default=0)
    needed = max(1, int(np.ceil(MIN_DICE * looked_up / (2 - MIN_DICE))))
    scale_short, scale_long = present_short / max(read_short, 1), present_sampled / max(read_sampled, 1)
    scales = [(scale_short, query_short), (scale_long, query_long)]
    if read_sampled < RESOLUTION_GRAMS and any(part.ranges[-1][1] > part.index.short_count for part in parts):
        wider = int(np.ceil(limit * RESOLUTION_GRAMS / max(read_sampled, 1)))
        limit = max(limit, min(wider, TIED_CANDIDATE_LIMIT))
    found = []
    for part in parts:
        none = (np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64))
        pieces = part.pieces(chosen)
        if not pieces:
            found.append(none)
            continue
        first, last = part.ranges[0][0], part.ranges[-1][1]
        # Entries sharing one gram read rarely place (at 10M a few grams read are shared once by 2M entries,
        # which cost more to list than to count): they are counted only when those sharing more do not settle it.
        hit, counts = count_postings(pieces, first, last, at_least=max(needed, 2))
        if len(hit) == 0 and needed > 1:
            found.append(none)
            continue
        estimates = part.index.estimator(scale_short, scale_long, query_short, query_long, gone=part.gone)
        settled = CandidateIndex._sharing_most(hit + first, counts, limit, estimates, scales, complete=needed > 1)
        if settled is None:
            hit, counts = count_postings(pieces, first, last, at_least=needed)
            settled = CandidateIndex._sharing_most(hit + first, counts, limit, estimates, scales)
            assert settled is not None  # every hit counted: settled
        found.append(settled)
    return found, limit
