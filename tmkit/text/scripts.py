"""Writing systems: which characters are Arabic script or Latin letters, and which language a text is in."""

from __future__ import annotations

import re
from collections.abc import Iterable

#: The Unicode blocks of the Arabic script, as a regex character class body: Arabic, Supplement,
#: Extended-B and -A, and Presentation Forms-A and -B (U+FEFF, the byte order mark, is left out).
ARABIC_SCRIPT_CLASS = "\u0600-\u06ff\u0750-\u077f\u0870-\u089f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc"
#: The letters among them (Unicode category L, tatweel and the Quranic small letters left out):
#: what makes a word Arabic, where digits, punctuation and marks do not.
ARABIC_LETTER_CLASS = (
    "\u0620-\u063f\u0641-\u064a\u066e\u066f\u0671-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06fc\u06ff"
    "\u0750-\u077f\u0870-\u0887\u0889-\u088e\u08a0-\u08c9"
    "\ufb50-\ufbb1\ufbd3-\ufd3d\ufd50-\ufdc7\ufdf0-\ufdfb\ufe70-\ufefc"
)
#: Arabic-Indic and Extended Arabic-Indic (Persian) digits.
ARABIC_DIGIT_CLASS = "\u0660-\u0669\u06f0-\u06f9"
#: Harakat (short vowels, shadda, sukun, tanwin), dagger alef and the Quranic annotation marks.
HARAKAT_CLASS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
#: The Arabic lengthening stroke, kashida: a stretch of the line, not a letter.
TATWEEL = "\u0640"
#: Latin letters: ASCII and the accented letters of Latin-1 Supplement and Latin Extended-A/B.
LATIN_LETTER_CLASS = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"

_ARABIC_RE = re.compile(f"[{ARABIC_SCRIPT_CLASS}]")
# Letters only: digits, punctuation and harakat say nothing about the language of a text.
_ARABIC_LETTER_RE = re.compile(f"[{ARABIC_LETTER_CLASS}]")
_LATIN_LETTER_RE = re.compile(f"[{LATIN_LETTER_CLASS}]")

#: How much of a text `guess_language` reads: enough to decide, bounded for huge inputs.
GUESS_SAMPLE_CHARS = 20_000


def has_arabic(text: str) -> bool:
    """Whether any character of the text is in the Arabic script blocks."""
    return _ARABIC_RE.search(text) is not None


def is_arabic_char(char: str) -> bool:
    """Whether one character is in the Arabic script blocks."""
    return _ARABIC_RE.match(char) is not None


#: The script each language `guess_language` gives is written in, as messages name it.
SCRIPT_NAMES = {"ar": "Arabic", "en": "Latin"}


def guess_language(texts: str | Iterable[str], *, default: str = "en") -> str:
    """`ar` when Arabic letters outnumber Latin ones, `en` when Latin ones do, ``default`` on a tie.

    Takes one text or many (the lines of a file); reads at most `GUESS_SAMPLE_CHARS` characters.
    """
    arabic = latin = 0
    budget = GUESS_SAMPLE_CHARS
    for text in (texts,) if isinstance(texts, str) else texts:
        sample = text[:budget]
        arabic += len(_ARABIC_LETTER_RE.findall(sample))
        latin += len(_LATIN_LETTER_RE.findall(sample))
        budget -= len(sample)
        if budget <= 0:
            break
    if arabic == latin:
        return default
    return "ar" if arabic > latin else "en"
