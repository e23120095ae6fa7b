"""Concordance words: the one tokenizer for stored keys and queries, and the index of which entries hold each word."""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import numpy.typing as npt

from tmkit.matching.candidate_index import BUILD_CHUNK_ENTRIES, MAX_CHUNK_ENTRIES, PostingRun, merge_runs

if TYPE_CHECKING:  # the spill module builds on the candidate index
    from tmkit.matching.spill import BuildSpill, RunSpill

#: A word of a normalized key: letters and digits, so punctuation in either script (`room?`, `هنا؟`,
#: `ticket.`, `«`) is never part of one; digits joined by `.` or `,` stay one number (`2,500`, `10.30`),
#: so `500` is not found inside `2,500`. Apostrophes and hyphens separate words (`hotel's`, `check-in`):
#: a query is read the same way, so `check-in` still finds `check-in` as two adjacent words.
WORD_PATTERN = re.compile(r"[^\W_]+(?:(?<=\d)[.,]\d+)*")
#: What separates the entries when all keys are read in one pass.
_ENTRY_BREAK = "\x00"
#: Spelling variants a concordance search ignores: teh marbuta written as heh (`غرفه` for `غرفة`) and alef
#: maksura as yeh (`علي` for `على`), the normalizer's optional `fold_teh_marbuta` and `fold_yeh`.
_SPELLING_FOLDS = (("ة", "ه"), ("ى", "ي"))
#: Proclitics, in the order they stack before a word: a conjunction, a preposition, the article.
_CONJUNCTIONS = ("و", "ف")
_PREPOSITIONS = ("ب", "ك", "ل")
_ARTICLE = "ال"
#: The shortest stem left after removing `ك` or the article: `كان` is not `ك` + `ان`, nor `الآن`
#: `ال` + `آن`, so `أن` finds neither.
MIN_STEM = 3
#: The shortest stem left after removing a conjunction, `ب` or `ل`: `وفي` is `في`, `لأن` is `أن`.
MIN_SHORT_STEM = 2
_SHORT_STEM_PROCLITICS = frozenset({*_CONJUNCTIONS, "ب", "ل"})
#: Marks a short stem a word was read down to (`·عد` for `بعد`), filed apart from the word `عد` itself.
SHORT_STEM_MARK = "\x01"


@dataclass(frozen=True, slots=True)
class Token:
    """A word of a key: what it is filed under (see `filed_under`) and where it stands in the key."""

    forms: frozenset[str]
    start: int
    end: int


def fold_spelling(key: str) -> str:
    """A normalized key with the spelling variants concordance ignores folded (same length, position for position)."""
    for variant, letter in _SPELLING_FOLDS:  # str.replace: several times faster than str.translate here
        key = key.replace(variant, letter)
    return key


def word_forms(word: str) -> tuple[str, ...]:
    """Every reading of a (folded) word: itself, and each stem left by removing proclitics it may carry.

    The same letters can be a proclitic or part of the stem (`فندق` is a word, `ف`+`ندق` is not;
    `الفندق` is `ال`+`فندق`), so a word is read every way rather than by one guess, and two words
    are the same word when they share a reading: `فندق`, `الفندق`, `بالفندق` and `والفندق` all
    share `فندق`. A Latin word or a number has one reading, itself.
    """
    forms = [word]
    for conjunction in ("", *_CONJUNCTIONS):
        if not word.startswith(conjunction):
            continue
        after_conjunction = word[len(conjunction) :]
        if conjunction and len(after_conjunction) >= MIN_SHORT_STEM:
            forms.append(after_conjunction)
        for preposition in ("", *_PREPOSITIONS):
            if not after_conjunction.startswith(preposition):
                continue
            rest = after_conjunction[len(preposition) :]
            if preposition and len(rest) >= (MIN_SHORT_STEM if preposition in _SHORT_STEM_PROCLITICS else MIN_STEM):
                forms.append(rest)
            if rest.startswith(_ARTICLE) and len(rest) - len(_ARTICLE) >= MIN_STEM:
                forms.append(rest[len(_ARTICLE) :])
            elif preposition == "ل" and rest.startswith("ل") and len(rest) - 1 >= MIN_STEM:
                forms.append(rest[1:])  # لل = ل + ال, the article's alef dropped: للفندق
    return tuple(dict.fromkeys(forms))


@functools.lru_cache(maxsize=1 << 16)  # texts repeat their words: each is read once, not at every hit
def filed_under(word: str) -> tuple[str, ...]:
    """What a text's (folded) word is filed under: itself, its readings, a short stem marked as such.

    Two words sharing only a two-letter reading are not taken for one word: `بعد` (after) and `وعد`
    (promise) both read down to `عد`. So a short stem is filed marked (`·عد`), and only the query
    `عد` itself looks it up; the query `بعد` looks up its `عد` unmarked, finding only the word `عد`.
    """
    return tuple(form if form == word or len(form) >= MIN_STEM else SHORT_STEM_MARK + form for form in word_forms(word))


def looked_up_under(word: str, *, prefix: bool = False) -> frozenset[str]:
    """What a query's (folded) word looks for among the words texts are `filed_under`.

    With ``prefix``, what the words filed must begin with: the word as typed, or a reading of at
    least `MIN_STEM` letters (a two-letter reading would make every word beginning `في` a hit of `فيه`).
    """
    readings = word_forms(word)
    if prefix:
        return frozenset(form for form in readings if form == word or len(form) >= MIN_STEM)
    short = {SHORT_STEM_MARK + word} if len(word) < MIN_STEM else set()
    return frozenset({*readings, *short})


@functools.lru_cache(maxsize=1 << 16)
def _filed_set(word: str) -> frozenset[str]:
    return frozenset(filed_under(word))


def key_tokens(key: str) -> list[Token]:
    """The words of a normalized key with what each is filed under and its position: how the index reads a text."""
    return [Token(_filed_set(m.group()), m.start(), m.end()) for m in WORD_PATTERN.finditer(fold_spelling(key))]


def key_word_forms(key: str) -> list[frozenset[str]]:
    """What each word of a normalized key is filed under, in order: `key_tokens` without positions, faster."""
    return [_filed_set(word) for word in WORD_PATTERN.findall(fold_spelling(key))]


def query_words(key: str, *, prefix: bool = False) -> list[frozenset[str]]:
    """The words of a normalized query, each as what it looks for (`looked_up_under`)."""
    return [looked_up_under(word, prefix=prefix) for word in WORD_PATTERN.findall(fold_spelling(key))]


@dataclass(slots=True)
class WordIndex:
    """The words of the keys with their entries, and every reading they are filed under (sorted as UTF-8,
    so the readings beginning with a prefix are one range of rows) with the words filed under it.

    Reading row ``r`` is ``vocab_blob[vocab_starts[r]:vocab_starts[r + 1]]``, under which are filed the
    words ``reading_words[reading_word_starts[r]:reading_word_starts[r + 1]]``; word ``w`` stands in the
    entries ``word_postings[word_starts[w]:word_starts[w + 1]]`` (sorted, each once). Postings are kept
    per word, not per reading: an Arabic word has two or three readings, and filing its entries under
    each took two to three times the postings and the build time.
    """

    vocab_blob: npt.NDArray[np.uint8]
    vocab_starts: npt.NDArray[np.int64]
    reading_word_starts: npt.NDArray[np.int64]
    reading_words: npt.NDArray[np.uint32]
    word_starts: npt.NDArray[np.int64]
    word_postings: npt.NDArray[np.uint32]

    #: The arrays a lookup binary-searches, which the index cache loads whole; the postings are read by parts.
    LOADED_WHOLE: ClassVar[tuple[str, ...]] = (
        "vocab_blob",
        "vocab_starts",
        "reading_word_starts",
        "reading_words",
        "word_starts",
    )

    def arrays(self) -> dict[str, npt.NDArray[np.generic]]:
        """The arrays by field name, as the index cache saves them."""
        return {field.name: getattr(self, field.name) for field in fields(self)}

    @classmethod
    def from_arrays(cls, arrays: dict[str, npt.NDArray[np.generic]]) -> WordIndex:
        return cls(**{field.name: arrays[field.name] for field in fields(cls)})  # type: ignore[arg-type]

    @classmethod
    def build(cls, keys: Iterable[str], *, chunk_entries: int = BUILD_CHUNK_ENTRIES) -> WordIndex:
        """The index of normalized keys, entry ``i`` being ``keys[i]``; each word read as `key_tokens` reads it.

        Keys are read ``chunk_entries`` at a time (see `WordIndexBuilder`); any chunk size gives the same index.
        """
        if not 0 < chunk_entries <= MAX_CHUNK_ENTRIES:
            raise ValueError(f"chunk_entries must be 1 … {MAX_CHUNK_ENTRIES:,}")
        builder = WordIndexBuilder()
        stream = iter(keys)
        while chunk := list(itertools.islice(stream, chunk_entries)):
            builder.add(chunk)
        return builder.finish()

    def __len__(self) -> int:
        """How many distinct readings are filed."""
        return len(self.vocab_starts) - 1

    def word(self, row: int) -> str:
        """The reading in row ``row``."""
        return self.vocab_blob[int(self.vocab_starts[row]) : int(self.vocab_starts[row + 1])].tobytes().decode("utf-8")

    def _first_row_not_below(self, target: bytes) -> int:
        """Binary search: the first row whose reading is not below ``target`` (as UTF-8 bytes)."""
        low, high = 0, len(self)
        blob, starts = self.vocab_blob, self.vocab_starts
        while low < high:
            middle = (low + high) // 2
            if blob[int(starts[middle]) : int(starts[middle + 1])].tobytes() < target:
                low = middle + 1
            else:
                high = middle
        return low

    def rows(self, word: str, *, prefix: bool = False) -> range:
        """The row of the reading ``word`` (none or one), or with ``prefix`` of every reading that begins with it."""
        encoded = word.encode("utf-8")
        first = self._first_row_not_below(encoded)
        if prefix:
            # No UTF-8 byte is 0xFF, so every reading beginning with ``encoded`` sorts below this.
            return range(first, self._first_row_not_below(encoded + b"\xff"))
        if first < len(self) and self.word(first) == word:
            return range(first, first + 1)
        return range(first, first)

    def posting_lists(self, word: str, *, prefix: bool = False) -> list[npt.NDArray[np.uint32]]:
        """The entries of each word read as ``word`` (with ``prefix``, as anything beginning with it), each sorted."""
        found = self.rows(word, prefix=prefix)
        if not found:
            return []
        first, stop = int(self.reading_word_starts[found.start]), int(self.reading_word_starts[found.stop])
        filed = np.unique(self.reading_words[first:stop]) if len(found) > 1 else self.reading_words[first:stop]
        return [
            np.asarray(self.word_postings[int(self.word_starts[w]) : int(self.word_starts[w + 1])])
            for w in filed.tolist()
        ]

    def entries(self, word: str, *, prefix: bool = False) -> npt.NDArray[np.uint32]:
        """The entries with a word read as ``word`` (with ``prefix``, read as anything beginning with it), sorted."""
        postings = self.posting_lists(word, prefix=prefix)
        if not postings:
            return np.empty(0, np.uint32)
        return postings[0] if len(postings) == 1 else np.unique(np.concatenate(postings))


class WordIndexBuilder:
    """A `WordIndex` built from keys given a chunk at a time (as a memory is read), holding only packed postings.

    Done in bulk per chunk: the chunk's keys split at white space in one pass (no word spans it),
    each distinct piece read into words (`WORD_PATTERN`) once for the whole build, the rest in
    numpy. Word by word in Python it took three times as long, and one regular-expression pass over
    all keys twice; all keys at once held a string object for every word of the memory (at 1M
    entries, about 700 MB). Words are numbered in order of first appearance, as one pass over all
    keys would number them, so the index is the same whatever the chunks.
    """

    __slots__ = ("_entries", "_piece_words", "_runs", "_spill", "_word_number")

    def __init__(self, *, spill: BuildSpill | None = None) -> None:
        """With ``spill`` (a build for the cache), each chunk's postings go to disk as they are made, and
        `finish` merges them from there into the file ``spill`` saves them to (see `CandidateIndex.build`)."""
        self._word_number: dict[str, int] = {}
        self._piece_words: dict[str, tuple[int, ...]] = {}  # every distinct piece met so far, as word numbers
        self._spill = spill
        self._runs: list[PostingRun] | RunSpill = spill.runs() if spill is not None else []
        self._entries = 0

    def _words_of(self, piece: str) -> tuple[int, ...]:
        words = self._piece_words.get(piece)
        if words is None:
            word_number = self._word_number
            found = WORD_PATTERN.findall(fold_spelling(piece)) if piece != _ENTRY_BREAK else ()
            words = tuple(word_number.setdefault(word, len(word_number)) for word in found)
            self._piece_words[piece] = words
        return words

    def add(self, keys: list[str]) -> None:
        """Index the next entries' keys."""
        if len(keys) > MAX_CHUNK_ENTRIES:
            raise ValueError(f"at most {MAX_CHUNK_ENTRIES:,} keys at a time")
        separator = f" {_ENTRY_BREAK} "
        text = separator.join(keys)
        if text.count(_ENTRY_BREAK) != max(len(keys) - 1, 0):  # a key held the break itself: make it a space
            text = separator.join(key.replace(_ENTRY_BREAK, " ") for key in keys)
        pieces = text.split()
        del text
        distinct = list(dict.fromkeys(pieces))
        number_of = {piece: number for number, piece in enumerate(distinct)}
        piece_numbers = np.fromiter(map(number_of.__getitem__, pieces), dtype=np.int64, count=len(pieces))
        del pieces
        # Which entry each piece is in: the count of entry breaks before it.
        breaks = piece_numbers == number_of.get(_ENTRY_BREAK, -1)
        piece_entries = np.cumsum(breaks) - breaks
        piece_numbers, piece_entries = piece_numbers[~breaks], piece_entries[~breaks].astype(np.uint64)
        words_of_piece = [self._words_of(piece) for piece in distinct]
        piece_words = np.fromiter((w for words in words_of_piece for w in words), dtype=np.uint64)
        word_counts = np.fromiter(map(len, words_of_piece), dtype=np.int64, count=len(words_of_piece))
        piece_firsts = np.cumsum(word_counts) - word_counts
        # Every piece expanded into its words.
        counts = word_counts[piece_numbers]
        firsts = np.repeat(piece_firsts[piece_numbers], counts)
        within = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
        words, entries = piece_words[firsts + within], np.repeat(piece_entries, counts)
        self._runs.append(PostingRun.of(words, entries, first=self._entries))
        self._entries += len(keys)

    def finish(self) -> WordIndex:
        """The index of every key added (the builder is emptied)."""
        word_number = self._word_number
        self._piece_words = {}  # not needed past the last chunk: let go of before the merge
        runs, self._runs = self._runs, []
        if isinstance(runs, list):
            _, word_starts, postings = merge_runs(runs, token_count=len(word_number))
        elif self._spill is not None:
            _, word_starts, postings = self._spill.merged("word_postings", runs, token_count=len(word_number))
        else:
            raise ValueError("spilled runs are merged by their spill")
        # The readings, sorted, each with the words filed under it.
        filed = [(form, number) for word, number in word_number.items() for form in filed_under(word)]
        filed.sort()  # code point order = UTF-8 byte order
        forms = list(dict.fromkeys(form for form, _ in filed))
        words_per_form = np.fromiter(Counter(form for form, _ in filed).values(), dtype=np.int64, count=len(forms))
        encoded = [form.encode("utf-8") for form in forms]
        lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
        self._word_number, self._entries = {}, 0
        index = WordIndex(
            vocab_blob=np.frombuffer(b"".join(encoded), dtype=np.uint8).copy(),
            vocab_starts=np.concatenate(([0], np.cumsum(lengths))).astype(np.int64),
            reading_word_starts=np.concatenate(([0], np.cumsum(words_per_form))).astype(np.int64),
            reading_words=np.fromiter((number for _, number in filed), dtype=np.uint32, count=len(filed)),
            word_starts=word_starts,
            word_postings=postings,
        )
        if self._spill is not None:  # the other arrays saved too, and read back from their files
            for name in WordIndex.LOADED_WHOLE:
                array = getattr(index, name)
                setattr(index, name, self._spill.save_array(name, array.dtype, [array]))
        return index
