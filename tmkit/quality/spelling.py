"""Spell checking of Arabic and English targets with Hunspell dictionaries: misspelled word spans with suggestions."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from tmkit.memory.langtags import is_arabic_language, lang_key, primary_subtag
from tmkit.text.scripts import ARABIC_LETTER_CLASS, HARAKAT_CLASS, LATIN_LETTER_CLASS, TATWEEL

#: Folders of extra dictionaries (`NAME.dic` with `NAME.aff`), separated like PATH; searched first.
DICTIONARY_PATH_ENV = "TMKIT_HUNSPELL_PATH"
#: Where Debian's hunspell-* and myspell-* packages put their dictionaries.
SYSTEM_DICTIONARY_DIRS = ("/usr/share/hunspell", "/usr/share/myspell", "/usr/share/myspell/dicts")
#: The region tried when a language tag has none (`en` → en_US): the one Debian's hunspell-en-us installs.
DEFAULT_REGIONS = {"en": "US"}
#: Debian's hunspell program, driven through pipes: `-l` to check, `-a` for suggestions (bench/README.md
#: says why: no compiler, no Python package, Hunspell's own verdicts).
HUNSPELL_COMMAND = "hunspell"
#: coreutils' stdbuf, to make `hunspell -l` answer line by line through a pipe (without it, -a is used).
STDBUF_COMMAND = "stdbuf"
#: Suggestions kept per misspelled word.
MAX_SUGGESTIONS = 5
#: Words sent to hunspell before reading its answers: their lines (with the answers' lines of the
#: previous batch already read) stay far below a pipe's 64 KiB buffer, so neither side can block.
BATCH_WORDS = 200
#: Whether a capitalized English word inside a sentence is checked: such words are mostly names
#: (all 8 distinct words flagged in the sample article's English were), which no dictionary holds.
CHECK_NAMES = False
#: What ends a sentence or opens a quotation: a capitalized word after it is checked as an ordinary word.
_SENTENCE_START = ".!?:;\"'«“‘(\u061f"
#: A word longer than this is a code or garbage, not a word to check (and hunspell truncates it anyway).
MAX_WORD_CHARS = 60

# Markup is taken out first, so that the words it wraps (`{1}word{/1}`) are still checked: XML/HTML
# tags, tmkit's {1} {/1} {2/} placeholders, {name} and {{name}}, printf's %s and %1$s.
_MARKUP_RE = re.compile(r"</?[A-Za-z][^<>]*>|\{\{?/?[^{}\s]*\}?\}|%(?:\d+\$)?[sdif@]")
# Then text that is not language: URLs, e-mail addresses, paths and identifiers, anything with a digit.
_CODE_RE = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+|\S*[/\\_=#@]\S*|\S*\d\S*")
_ARABIC_WORD_RE = re.compile(f"[{ARABIC_LETTER_CLASS}][{ARABIC_LETTER_CLASS}{HARAKAT_CLASS}{TATWEEL}]*")
# A Latin word with its inner apostrophes (don't, Borisov's), as hunspell reads one; a hyphen splits words.
_LATIN_WORD_RE = re.compile(f"[{LATIN_LETTER_CLASS}]+(?:['’][{LATIN_LETTER_CLASS}]+)*")
_WORD_RE = re.compile(f"{_ARABIC_WORD_RE.pattern}|{_LATIN_WORD_RE.pattern}")
_HARAKAT_TATWEEL_RE = re.compile(f"[{HARAKAT_CLASS}{TATWEEL}]")

# Arabic proclitics, outermost first: a conjunction (و, ف), then a preposition (ب, ك, ل) or the future
# particle (س before an imperfect prefix), then the article (ال; ل + ال is written لل).
_CONJUNCTIONS = ("و", "ف")
_PREPOSITIONS = ("ب", "ك", "ل")
_IMPERFECT_PREFIXES = ("ي", "ت", "ن", "أ")
#: Attached pronouns, which a word with the article cannot have.
_PRONOUN_SUFFIXES = ("ه", "ها", "هم", "هما", "هن", "ك", "كم", "كما", "كن", "نا")
#: Letters a stem must keep after its clitics are taken off. Three-letter remains are nearly always
#: some word (a root), so they would pass misspellings: with 4, stems pass 54 of the 1,135 distinct
#: words Hunspell flags in FLORES dev + MADAR (names and loanwords, a few real slips), with 3, 80.
MIN_STEM_CHARS = 4


@dataclass(frozen=True, slots=True)
class Misspelling:
    """A misspelled word of a text: where it is (``start``..``end``, for the editor to mark), and suggestions."""

    start: int
    end: int
    word: str
    suggestions: tuple[str, ...]


def search_dirs(
    extra: Sequence[str | os.PathLike[str]] = (), *, environ: Mapping[str, str] | None = None
) -> list[Path]:
    """Folders searched for dictionaries: ``extra``, then `$TMKIT_HUNSPELL_PATH`, then Debian's."""
    env = os.environ if environ is None else environ
    from_env = [p for p in env.get(DICTIONARY_PATH_ENV, "").split(os.pathsep) if p]
    return [Path(p) for p in (*extra, *from_env, *SYSTEM_DICTIONARY_DIRS)]


def find_dictionary(
    lang: str, *, dirs: Sequence[str | os.PathLike[str]] = (), environ: Mapping[str, str] | None = None
) -> Path | None:
    """The `.dic` file (with its `.aff` beside it) for a language tag, or None.

    `ar-SA` looks for ar_SA, then ar; `en` for en, then en_US, then any en_* there is; folders are
    searched in `search_dirs` order, each for every name before the next folder.
    """
    primary = primary_subtag(lang)
    parts = lang_key(lang).split("-")
    names = []
    if len(parts) > 1:
        names.append(f"{primary}_{parts[1].upper()}")
    names.append(primary)
    if primary in DEFAULT_REGIONS:
        names.append(f"{primary}_{DEFAULT_REGIONS[primary]}")
    for folder in search_dirs(dirs, environ=environ):
        candidates = [folder / f"{name}.dic" for name in names]
        if folder.is_dir():
            candidates += sorted(folder.glob(f"{primary}_*.dic"))
        for dic in candidates:
            if dic.is_file() and dic.with_suffix(".aff").is_file():
                return dic
    return None


def words_of(text: str) -> list[str]:
    """The words of a text as the checker sees them (for allow-lists: terms, a memory's targets)."""
    return [m.group() for m in _WORD_RE.finditer(_blank_skipped(text))]


def _blank_skipped(text: str) -> str:
    """The text with markup and code blanked out by spaces, so that offsets stay those of the text."""

    def blank(match: re.Match[str]) -> str:
        return " " * len(match.group())

    return _CODE_RE.sub(blank, _MARKUP_RE.sub(blank, text))


def arabic_stems(word: str) -> list[str]:
    """An Arabic word without its proclitics, lightest cut first: `وبالكتاب` → `بالكتاب`, `الكتاب`, `كتاب`.

    The article is not cut from a word ending like an attached pronoun (ه ها هم ك كم نا…): the
    dictionary reads `مدرسه` as مدرس + ه (his teacher), which takes no article, so `المدرسه` is the
    misspelling of المدرسة it looks like, not a word with its article.
    """
    stems = []
    rest = word
    if rest[:1] in _CONJUNCTIONS and len(rest) - 1 >= MIN_STEM_CHARS:
        rest = rest[1:]
        stems.append(rest)
    if rest.startswith("لل") and len(rest) - 2 >= MIN_STEM_CHARS:
        rest = "ال" + rest[2:]  # ل + ال
        stems.append(rest)
    else:
        future = rest[:1] == "س" and rest[1:2] in _IMPERFECT_PREFIXES
        if (rest[:1] in _PREPOSITIONS or future) and len(rest) - 1 >= MIN_STEM_CHARS:
            rest = rest[1:]
            stems.append(rest)
    if rest.startswith("ال") and len(rest) - 2 >= MIN_STEM_CHARS and not rest.endswith(_PRONOUN_SUFFIXES):
        stems.append(rest[2:])
    return stems


def _key(word: str) -> str:
    """How a word is compared with allowed words: case folded, without harakat, tatweel or curly apostrophes."""
    return _HARAKAT_TATWEEL_RE.sub("", word).replace("’", "'").casefold()


class _Hunspell:
    """One hunspell process on one dictionary, fed one word a line through a pipe."""

    def __init__(self, command: list[str], dic: Path) -> None:
        self.process = subprocess.Popen(
            [*command, "-i", "UTF-8", "-d", str(dic.with_suffix(""))],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            encoding="utf-8",
            errors="replace",
            env={**os.environ, "LC_ALL": "C.UTF-8"},
        )
        self._finalizer = weakref.finalize(self, _stop, self.process)
        assert self.process.stdin is not None and self.process.stdout is not None
        self.stdin: IO[str] = self.process.stdin
        self.stdout: IO[str] = self.process.stdout

    def readline(self) -> str:
        line = self.stdout.readline()
        if not line:
            raise OSError(f"hunspell stopped (exit status {self.process.poll()})")
        return line.rstrip("\n")

    def close(self) -> None:
        self._finalizer()


class _ListPipe(_Hunspell):
    """`hunspell -l`: prints only the misspelled words, so nothing is spent on suggestions.

    It answers nothing for a correct word, so each batch ends with a word no dictionary has
    (`SENTINEL`) and the answers are read up to it; stdbuf makes hunspell write each line at once
    rather than when its output buffer fills.
    """

    SENTINEL = "qzxqzxtmkitend"

    def __init__(self, dic: Path) -> None:
        super().__init__([STDBUF_COMMAND, "-oL", HUNSPELL_COMMAND, "-l"], dic)

    def misspelled(self, words: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(words), BATCH_WORDS):
            batch = [w for w in words[start : start + BATCH_WORDS] if w != self.SENTINEL]
            self.stdin.write("".join(f"{word}\n" for word in batch) + self.SENTINEL + "\n")
            self.stdin.flush()
            while (line := self.readline()) != self.SENTINEL:
                found.add(line)
        return found


class _AskPipe(_Hunspell):
    """`hunspell -a` (ispell's pipe protocol): a verdict with suggestions for every word."""

    def __init__(self, dic: Path) -> None:
        super().__init__([HUNSPELL_COMMAND, "-a"], dic)
        banner = self.readline()
        if not banner.startswith("@(#)"):
            self.close()
            raise OSError(f"hunspell did not start on {dic} (it said {banner!r})")

    def ask(self, words: Sequence[str]) -> dict[str, tuple[str, ...] | None]:
        """None for a correct word, else hunspell's suggestions (perhaps none)."""
        answers: dict[str, tuple[str, ...] | None] = {}
        for start in range(0, len(words), BATCH_WORDS):
            batch = words[start : start + BATCH_WORDS]
            # `^` makes every line a word to check, never a command (`*word` would add the word).
            self.stdin.write("".join(f"^{word}\n" for word in batch))
            self.stdin.flush()
            for word in batch:
                answers[word] = self._answer()
        return answers

    def _answer(self) -> tuple[str, ...] | None:
        suggestions: list[str] = []
        wrong = False
        while line := self.readline():
            # * correct, + by affix rules, - a compound; & misspelled with suggestions, # without.
            if line[0] in "&#":
                wrong = True
                if line[0] == "&" and ": " in line:
                    suggestions += line.split(": ", 1)[1].split(", ")
        return tuple(suggestions) if wrong else None


def _stop(process: subprocess.Popen[str]) -> None:
    try:
        if process.stdin is not None:
            process.stdin.close()
    except OSError:
        pass  # already gone: a broken pipe
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    if process.stdout is not None:
        process.stdout.close()


class SpellChecker:
    """Checks texts in one language against its Hunspell dictionary, with an allow-list of words.

    Without a dictionary for the language, or without the hunspell program, ``enabled`` is False,
    ``notice`` says why in one line, with where it looked and what to install (also given once to ``on_notice``),
    ``summary`` says why in a few words, and every text is correct:
    spelling is an aid and never fails a job; so does a hunspell that stops working. Arabic words are
    also checked without their proclitics (و ف ب ك ل س and the article) before they are flagged.
    Numbers, URLs, e-mail addresses, paths, placeholders and markup are skipped, and so are Latin words
    in Arabic text (names, cited titles), Arabic words in English text, and in English acronyms,
    mixed-case names and (unless ``check_names``) capitalized words inside a sentence. Allowed words
    (a termbase's, a memory's target side: see `allow_words`) are never flagged, with or without
    clitics. Use it as a context manager, or `close` it, to stop hunspell.
    """

    def __init__(
        self,
        lang: str,
        *,
        dictionary_dirs: Sequence[str | os.PathLike[str]] = (),
        allowed: Iterable[str] = (),
        max_suggestions: int = MAX_SUGGESTIONS,
        check_names: bool = CHECK_NAMES,
        on_notice: Callable[[str], None] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.lang = lang
        self.arabic = is_arabic_language(lang)
        self.max_suggestions = max_suggestions
        self.check_names = check_names
        self.dictionary = find_dictionary(lang, dirs=dictionary_dirs, environ=environ)
        self.notice: str | None = None
        self.summary: str | None = None
        self._allowed: set[str] = set()
        self._verdicts: dict[str, bool] = {}
        self._suggestions: dict[str, tuple[str, ...]] = {}
        self._lister: _ListPipe | None = None
        self._asker: _AskPipe | None = None
        self._lock = threading.Lock()
        self.allow_words(allowed)
        primary = primary_subtag(lang)
        if self.dictionary is None:
            searched = ", ".join(str(d) for d in search_dirs(dictionary_dirs, environ=environ))
            package = "hunspell-en-us" if primary == "en" else f"hunspell-{primary}"
            self.summary = f"spelling is off: no Hunspell dictionary for {lang!r}"
            self.notice = (
                f"{self.summary} in {searched} "
                f"(install Debian's {package}, or name a folder of NAME.dic and NAME.aff in ${DICTIONARY_PATH_ENV})"
            )
        elif shutil.which(HUNSPELL_COMMAND) is None:
            self.summary = "spelling is off: the hunspell program is not installed"
            self.notice = f"{self.summary} (Debian's hunspell package)"
        else:
            self._start()
        if self.notice is not None and on_notice is not None:
            on_notice(self.notice)

    def _start(self) -> None:
        assert self.dictionary is not None
        try:
            if shutil.which(STDBUF_COMMAND) is not None:
                self._lister = _ListPipe(self.dictionary)
            else:  # checking through -a works too, only slower: it finds suggestions for every misspelling
                self._asker = _AskPipe(self.dictionary)
        except OSError as exc:
            self._off(exc)

    @property
    def enabled(self) -> bool:
        return self._lister is not None or self._asker is not None

    def allow_words(self, words: Iterable[str]) -> None:
        """Never flag these words (or phrases: each of their words), in any case, with or without harakat."""
        for item in words:
            for word in words_of(item):
                self._allowed.add(_key(word))

    def allow_names(self, texts: Iterable[str]) -> None:
        """Allow the names of a document: its words capitalized inside a sentence, so `Borisov said`
        at the start of one sentence passes when another says `Yury Borisov`. Only without `check_names`
        (and never in Arabic, which has no capitals)."""
        if self.check_names or self.arabic:
            return
        for text in texts:
            for match in _LATIN_WORD_RE.finditer(_blank_skipped(text)):
                if self._is_name(text, match):
                    self._allowed.add(_key(match.group()))

    def check(self, text: str, *, with_suggestions: bool = False) -> list[Misspelling]:
        """The misspelled words of ``text`` in order, with their spans (none when off).

        Suggestions cost far more than checking (tens of ms a word in Arabic): they are looked up only
        ``with_suggestions``, or later for one word by `suggest`.
        """
        if not self.enabled:
            return []
        candidates: list[tuple[re.Match[str], list[str]]] = []
        for match in _WORD_RE.finditer(_blank_skipped(text)):
            word = match.group()
            if not self._checkable(word) or self._is_name(text, match):
                continue
            forms = self._forms(word)
            if any(_key(form) in self._allowed for form in forms):
                continue
            candidates.append((match, forms))
        with self._lock:
            if not self._judge([form for _, forms in candidates for form in forms]):
                return []
            wrong = [(m, forms) for m, forms in candidates if not any(self._verdicts[f] for f in forms)]
        return [
            Misspelling(m.start(), m.end(), m.group(), self._suggest_forms(forms) if with_suggestions else ())
            for m, forms in wrong
        ]

    def is_correct(self, word: str) -> bool:
        """Whether one word passes (allowed, skipped, in the dictionary, or a stem of it is); True when off."""
        return not any(m.start == 0 and m.end == len(word) for m in self.check(word))

    def suggest(self, word: str) -> tuple[str, ...]:
        """Hunspell's suggestions for a misspelled word, best first (its stem's with the clitics put back, if none)."""
        if not self.enabled or not _WORD_RE.fullmatch(word):
            return ()
        forms = self._forms(word)
        with self._lock:
            if not self._judge(forms) or any(self._verdicts[form] for form in forms):
                return ()  # a correct word (or a stem of it) has nothing to suggest
        return self._suggest_forms(forms)

    def _checkable(self, word: str) -> bool:
        arabic_word = bool(_ARABIC_WORD_RE.fullmatch(word))
        if arabic_word != self.arabic or len(word) > MAX_WORD_CHARS:
            return False
        if arabic_word:
            # A tatweel ending a word joins it to a number or a Latin word (الـ 13, بـ UNESCO): a mark, no word.
            return not word.endswith(TATWEEL)
        # Acronyms (UN, NATO) and mixed-case names (eBay, iPhone) are not dictionary words.
        return not (len(word) > 1 and word.isupper()) and not any(c.isupper() for c in word[1:])

    def _is_name(self, text: str, match: re.Match[str]) -> bool:
        """A capitalized Latin word inside a sentence, unless names are checked (`CHECK_NAMES`)."""
        if self.check_names or self.arabic or not match.group()[0].isupper():
            return False
        before = text[: match.start()].rstrip()
        return bool(before) and before[-1] not in _SENTENCE_START

    def _forms(self, word: str) -> list[str]:
        """The forms of a word checked in turn: as written (harakat and tatweel off), then its stems."""
        bare = _HARAKAT_TATWEEL_RE.sub("", word).replace("’", "'")
        return [bare, *arabic_stems(bare)] if self.arabic else [bare]

    def _judge(self, words: list[str]) -> bool:
        """Fill the verdicts of words not judged yet; False (the checker then off) when hunspell fails."""
        todo = list(dict.fromkeys(w for w in words if w not in self._verdicts))
        if not todo:
            return True
        try:
            if self._lister is not None:
                wrong = self._lister.misspelled(todo)
                self._verdicts.update((w, w not in wrong) for w in todo)
            elif self._asker is not None:
                for w, answer in self._asker.ask(todo).items():
                    self._verdicts[w] = answer is None
                    if answer is not None:
                        self._suggestions[w] = answer
        except (OSError, ValueError) as exc:
            self._off(exc)
            return False
        return True

    def _suggest_forms(self, forms: list[str]) -> tuple[str, ...]:
        with self._lock:
            for form in forms:
                if form not in self._suggestions and not self._fetch_suggestions(form):
                    return ()
                if self._suggestions[form]:
                    clitics = forms[0][: len(forms[0]) - len(form)]  # put back what the stem lost
                    return tuple(clitics + s for s in self._suggestions[form])[: self.max_suggestions]
        return ()

    def _fetch_suggestions(self, word: str) -> bool:
        assert self.dictionary is not None
        try:
            if self._asker is None:
                self._asker = _AskPipe(self.dictionary)
            self._suggestions[word] = self._asker.ask([word])[word] or ()
        except (OSError, ValueError) as exc:
            self._off(exc)
            return False
        return True

    def _off(self, problem: Exception) -> None:
        self.summary = "spelling is off: hunspell failed"
        self.notice = f"{self.summary} on {self.dictionary} ({problem})"
        self.close()

    def close(self) -> None:
        """Stop the hunspell processes (the checker is off afterwards)."""
        for pipe in (self._lister, self._asker):
            if pipe is not None:
                pipe.close()
        self._lister = self._asker = None

    def __enter__(self) -> SpellChecker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def memory_target_texts(memories: Iterable[str | os.PathLike[str]], lang: str) -> Iterator[str]:
    """The texts of the variants in ``lang`` (any region) of TMX memories, streamed: words to allow."""
    from tmkit.formats.tmx_reader import TmxReader

    for path in memories:
        for unit in TmxReader(path):
            for variant in unit.variants_in(lang, region_fallback=True):
                yield variant.text


def spell_checker_for(
    lang: str,
    *,
    memories: Sequence[str | os.PathLike[str]] = (),
    allowed: Iterable[str] = (),
    dictionary_dirs: Sequence[str | os.PathLike[str]] = (),
    on_notice: Callable[[str], None] | None = None,
) -> SpellChecker:
    """A checker for ``lang`` that allows ``allowed`` (a termbase's terms) and the ``lang`` side of ``memories``.

    The memories are read only when the checker is on (a dictionary and hunspell were found).
    """
    checker = SpellChecker(lang, dictionary_dirs=dictionary_dirs, allowed=allowed, on_notice=on_notice)
    if checker.enabled:
        checker.allow_words(memory_target_texts(memories, lang))
    return checker
