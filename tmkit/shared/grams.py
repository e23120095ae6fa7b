"""The trigrams a shared memory stores for each segment's key: hashed to int4 the same way in Python and in SQL."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

#: The database function (migration 4) that computes `key_grams` on the server, for rows written by hand.
SQL_FUNCTION = "key_grams"
#: Trigram hashes are taken modulo this prime, so they fit a PostgreSQL int4 and are never negative.
GRAM_MODULUS = 2_147_483_647
#: Bits of each code point in a trigram's packed value (every code point is below 2**21).
_POINT_BITS = 21
#: Bits kept apart for a gram beside the number of the key it came from, while a batch is made unique at once.
_GRAM_BITS = 32

GramArray = npt.NDArray[np.int32]


def key_grams(key: str) -> GramArray:
    """The distinct trigram hashes of a normalized key, ascending: see `key_grams_many`."""
    return key_grams_many([key])[0]


def word_grams(key: str) -> list[GramArray]:
    """The trigram hashes of each space-separated word of a key: together, `key_grams` of the key."""
    return key_grams_many(key.split(" "))


#: Grams a word keeps for picking when it has more than this many: the two holding its first letter go.
_MIN_INNER_GRAMS = 2


def inner_word_grams(key: str) -> list[GramArray]:
    """Each word's trigram hashes less the two that hold its first letter, when it has more than two others.

    Arabic proclitics (و ف ب ك ل, the article) change only a word's first grams: `وتفعيل` and
    `تفعيل` share every other one, so a lookup picks among those (a rare first gram is often
    rare only for its clitic).
    """
    out = []
    for word, grams in zip(key.split(" "), word_grams(key), strict=True):
        if len(grams) > _MIN_INNER_GRAMS + 2:  # a word of 5 letters or more (as many grams as letters)
            opening = np.array([_gram(" ", word[0], word[1]), _gram(word[0], word[1], word[2])], dtype=np.int32)
            out.append(grams[~np.isin(grams, opening)])
        else:
            out.append(grams)
    return out


def _gram(a: str, b: str, c: str) -> int:
    return ((ord(a) << (2 * _POINT_BITS)) | (ord(b) << _POINT_BITS) | ord(c)) % GRAM_MODULUS


def key_grams_many(keys: list[str]) -> list[GramArray]:
    """Each key's distinct trigram hashes, ascending, computed for the whole batch at once.

    The trigrams of a key are those of each of its words padded with a space at each end (so a
    word's first and last letters make grams of their own, as in pg_trgm; no gram runs across two
    words, so a word's grams are the same wherever it stands). Three code points a, b, c give the
    gram ``((a << 42) | (b << 21) | c) mod GRAM_MODULUS``. SQL computes the same with ``ascii()``
    and int8 arithmetic (`sql_function`), so rows written by hand or migrated are numbered alike.
    """
    if not keys:
        return []
    # Each space doubled: every word is then padded on its own; the grams holding two spaces are left out.
    padded_keys = [key.replace(" ", "  ") for key in keys]
    lengths = np.fromiter((len(key) + 2 for key in padded_keys), dtype=np.int64, count=len(keys))
    text = "".join(f" {key} " for key in padded_keys)
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
    if len(points) < 3:
        return [np.zeros(0, dtype=np.int32) for _ in keys]
    shift = np.uint64(_POINT_BITS)
    packed = (points[:-2] << (shift + shift)) | (points[1:-1] << shift) | points[2:]
    codes = packed % np.uint64(GRAM_MODULUS)
    starts = np.cumsum(lengths) - lengths
    owner = np.repeat(np.arange(len(keys), dtype=np.int64), lengths)[: len(codes)]
    # A gram starting in the last two places of a padded key would run into the next key.
    inside = np.arange(len(codes), dtype=np.int64) - starts[owner] <= lengths[owner] - 3
    space = np.uint64(ord(" "))
    inside &= ~(((points[:-2] == space) & (points[1:-1] == space)) | ((points[1:-1] == space) & (points[2:] == space)))
    combined = np.sort((owner[inside].astype(np.uint64) << np.uint64(_GRAM_BITS)) | codes[inside])
    # Sorted, then each value unlike the one before it: np.unique hashes first, which took 5x longer here.
    unique = combined[np.concatenate(([True], combined[1:] != combined[:-1]))] if len(combined) else combined
    owners = (unique >> np.uint64(_GRAM_BITS)).astype(np.int64)
    grams = (unique & np.uint64(2**_GRAM_BITS - 1)).astype(np.int32)
    bounds = np.searchsorted(owners, np.arange(len(keys) + 1, dtype=np.int64))
    return [grams[bounds[number] : bounds[number + 1]] for number in range(len(keys))]


def array_literal(grams: GramArray) -> str:
    """An int4[] as COPY's text format writes it (far faster than letting the driver adapt a list)."""
    return "{" + ",".join(map(str, grams.tolist())) + "}"


def count_grams(batches: list[tuple[GramArray, npt.NDArray[np.int64]]]) -> tuple[GramArray, npt.NDArray[np.int64]]:
    """Distinct grams and their summed counts from several (grams, counts) pairs, grams ascending."""
    if not batches:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int64)
    grams = np.concatenate([g for g, _ in batches])
    counts = np.concatenate([c for _, c in batches])
    distinct, positions = np.unique(grams, return_inverse=True)
    return distinct.astype(np.int32), np.bincount(positions, weights=counts, minlength=len(distinct)).astype(np.int64)


def sql_function(schema: str) -> str:
    """The SQL of `key_grams` in ``schema``: the same grams as the Python function, for one key."""
    return f"""
        CREATE OR REPLACE FUNCTION {schema}.{SQL_FUNCTION}(key text) RETURNS int4[]
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
            SELECT coalesce(array_agg(DISTINCT gram ORDER BY gram), '{{}}') FROM (
                -- Parenthesized: SQL gives << and | one precedence, left to right.
                SELECT (((ascii(substr(padded, i, 1))::int8 << 42) | (ascii(substr(padded, i + 1, 1))::int8 << 21)
                         | ascii(substr(padded, i + 2, 1))::int8) % {GRAM_MODULUS})::int4 AS gram
                FROM (SELECT ' ' || replace(key, ' ', '  ') || ' ' AS padded) AS p,
                    generate_series(1, length(padded) - 2) AS i
                WHERE substr(padded, i, 2) <> '  ' AND substr(padded, i + 1, 2) <> '  '
            ) AS grams
        $$;
    """


__all__ = [
    "GRAM_MODULUS",
    "GramArray",
    "array_literal",
    "count_grams",
    "inner_word_grams",
    "key_grams",
    "key_grams_many",
    "sql_function",
    "word_grams",
]
