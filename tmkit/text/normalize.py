"""Text normalization for matching keys, concordance, QA and optional scoring (never for storage or display).

Arabic (version ``ar-v1``), applied in this order:

1. NFKC, which folds presentation forms pasted from shaped displays (``ﻻ`` → ``لا``).
2. Bidi controls and zero-width characters removed (U+200B–U+200F, U+202A–U+202E,
   U+2066–U+2069, U+061C, U+FEFF).
3. Tatweel (U+0640) removed.
4. Harakat and Quranic marks removed (U+0610–U+061A, U+064B–U+065F, U+0670, U+06D6–U+06ED).
5. Alef forms ``أ إ آ ٱ`` → ``ا``; Persian-keyboard ``ی ک`` → Arabic ``ي ك``.
6. Optional, off by default because they merge different words: alef maksura ``ى`` → ``ي``
   (``fold_yeh``), teh marbuta ``ة`` → ``ه`` (``fold_teh_marbuta``), hamza carriers
   ``ؤ ئ`` → ``ء`` (``fold_hamza``).
7. Arabic-Indic ``٠–٩`` and Persian ``۰–۹`` digits → ASCII; Arabic decimal and thousands
   separators ``٫ ٬`` → ``. ,``.
8. With ``unify_punctuation`` (the default): ``؟ ، ؛ ٪`` → ``? , ; %``, typographic quotes → ``"``
   and ``'``, dashes → ``-``, guillemets ``« »`` → ``"``.
9. Case folded (for Latin text inside Arabic) and white space collapsed.

English (version ``en-v1``): NFKC, bidi and zero-width characters removed, punctuation unified
as in step 8, case folded, white space collapsed.

The version string names the rules; it changes whenever a rule changes, and every key, match and
score computed with a normalizer records it (`Normalizer.signature`).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from tmkit.memory.langtags import is_arabic_language
from tmkit.text.scripts import HARAKAT_CLASS, TATWEEL

NORMALIZER_VERSION = {"ar": "ar-v1", "en": "en-v1"}

_BIDI_AND_ZERO_WIDTH = (
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c\ufeff"
)
_HARAKAT_CODEPOINTS = [cp for cp in range(0x0600, 0x0700) if re.match(f"[{HARAKAT_CLASS}]", chr(cp))]
_REMOVE_TABLE = dict.fromkeys(map(ord, _BIDI_AND_ZERO_WIDTH + TATWEEL), None)
_ALEF_TABLE = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ی": "ي", "ک": "ك"})
_DIGIT_TABLE = str.maketrans(
    {**{chr(0x0660 + i): str(i) for i in range(10)}, **{chr(0x06F0 + i): str(i) for i in range(10)}, "٫": ".", "٬": ","}
)
_PUNCT_TABLE = str.maketrans(
    {
        "؟": "?",
        "،": ",",
        "؛": ";",
        "٪": "%",
        "“": '"',
        "”": '"',
        "„": '"',
        "«": '"',
        "»": '"',
        "‘": "'",
        "’": "'",
        "‚": "'",
        "–": "-",
        "—": "-",
        "‐": "-",
        "‑": "-",
        "−": "-",
        "\u06d4": ".",
    }
)


#: The optional spelling folds of step 6, letter for letter (each keeps a text's length).
YEH_FOLD = {"ى": "ي"}
TEH_MARBUTA_FOLD = {"ة": "ه"}
HAMZA_FOLD = {"ؤ": "ء", "ئ": "ء"}
#: All three at once, for `str.translate` on a key made without them.
SPELLING_FOLDS = str.maketrans({**YEH_FOLD, **TEH_MARBUTA_FOLD, **HAMZA_FOLD})


class Step(StrEnum):
    """A named step of a normalizer, in the order applied; `Normalizer.apply` can leave steps out."""

    COMPATIBILITY = "compatibility"
    INVISIBLE = "invisible"
    DIACRITICS = "diacritics"
    LETTERS = "letters"
    SPELLING = "spelling"
    DIGITS = "digits"
    PUNCTUATION = "punctuation"
    CASE = "case"
    WHITESPACE = "whitespace"


@dataclass(frozen=True, slots=True)
class Normalizer:
    """A configured normalizer for one language; `__call__` gives the key of a text."""

    lang: str = "ar"
    fold_yeh: bool = False
    fold_teh_marbuta: bool = False
    fold_hamza: bool = False
    unify_punctuation: bool = True
    casefold: bool = True

    @property
    def arabic(self) -> bool:
        return is_arabic_language(self.lang)

    @property
    def signature(self) -> str:
        """The rules applied, e.g. `ar-v1` or `ar-v1+yeh+teh`; recorded wherever a key is used."""
        base = NORMALIZER_VERSION["ar" if self.arabic else "en"]
        flags = []
        if self.arabic:
            flags += [
                name
                for name, on in (("yeh", self.fold_yeh), ("teh", self.fold_teh_marbuta), ("hamza", self.fold_hamza))
                if on
            ]
        if not self.unify_punctuation:
            flags.append("keep-punct")
        if not self.casefold:
            flags.append("keep-case")
        return "+".join([base, *flags])

    def __call__(self, text: str) -> str:
        return self.apply(text)

    def apply(self, text: str, *, skip: frozenset[str] = frozenset()) -> str:
        """The key of ``text``, leaving out the steps named in ``skip`` (`Step` values).

        Leaving steps out tells which kind of difference separates two texts whose full keys
        are equal: the match percentage charges for each kind found that way.
        """
        if Step.COMPATIBILITY not in skip and not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
        text = text.translate(
            _table(self.arabic, self.fold_yeh, self.fold_teh_marbuta, self.fold_hamza, self.unify_punctuation, skip)
        )
        if self.casefold and Step.CASE not in skip:
            text = text.casefold()
        if Step.WHITESPACE not in skip:
            text = " ".join(text.split())
        return text

    def with_offsets(self, text: str) -> tuple[str, list[int]]:
        """The key of ``text`` character by character, with the position in ``text`` each key character came from.

        Used to show where a normalized search hit lies in the original text. Equal to
        ``self(text)`` except where NFKC would join characters across positions.
        """
        table = _table(
            self.arabic, self.fold_yeh, self.fold_teh_marbuta, self.fold_hamza, self.unify_punctuation, frozenset()
        )
        chars: list[str] = []
        offsets: list[int] = []
        after_space = True
        for position, char in enumerate(text):
            piece = char if char.isascii() else unicodedata.normalize("NFKC", char)
            piece = piece.translate(table)
            if self.casefold:
                piece = piece.casefold()
            for produced in piece:
                out = produced
                if out.isspace():
                    if after_space:
                        continue
                    out, after_space = " ", True
                else:
                    after_space = False
                chars.append(out)
                offsets.append(position)
        if chars and chars[-1] == " ":
            chars.pop()
            offsets.pop()
        return "".join(chars), offsets


@functools.lru_cache(maxsize=256)
def _table(
    arabic: bool, fold_yeh: bool, fold_teh: bool, fold_hamza: bool, punctuation: bool, skip: frozenset[str]
) -> dict[int, str | None]:
    """One translation table doing every character-level step at once (the normalizer's hot path)."""
    table: dict[int, str | None] = {}
    if Step.INVISIBLE not in skip:
        table.update(_REMOVE_TABLE)
    if Step.DIACRITICS not in skip:
        table.update(dict.fromkeys(_HARAKAT_CODEPOINTS, None))
    if Step.LETTERS not in skip:
        table.update(_ALEF_TABLE)
    if arabic and Step.SPELLING not in skip:
        folds: dict[str, str | None] = {"ى": YEH_FOLD["ى"]} if fold_yeh else {}
        if fold_teh:
            folds.update(TEH_MARBUTA_FOLD)
        if fold_hamza:
            folds.update(HAMZA_FOLD)
        table.update(str.maketrans(folds))
    if Step.DIGITS not in skip:
        table.update(_DIGIT_TABLE)
    if punctuation and Step.PUNCTUATION not in skip:
        table.update(_PUNCT_TABLE)
    return table


def normalize(text: str, lang: str = "ar", **options: bool) -> str:
    """Normalize ``text`` for language ``lang`` (see the module docstring for the rules)."""
    return Normalizer(lang=lang, **options)(text)
