"""Spelling benchmark: Hunspell call paths (pipe to `hunspell -a`, pyhunspell, cyhunspell, spylls) compared by speed and verdicts."""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tmkit.quality.spelling import HUNSPELL_COMMAND, SpellChecker, _AskPipe, _ListPipe, find_dictionary  # noqa: E402

DEFAULT_CORPORA = ROOT.parent / "shared" / "corpora"
#: The texts measured: name, file, language.
TEXTS = (
    ("madar ar", "madar-travel-dev.ar", "ar"),
    ("flores ar", "flores-dev.ar", "ar"),
    ("flores en", "flores-dev.en", "en"),
)
#: Distinct words checked per text (the first ones met), and misspelled ones asked for suggestions.
DEFAULT_WORDS = 3000
DEFAULT_SUGGEST = 30
#: Flagged words of tmkit's checker shown per text, to judge them by eye.
DEFAULT_SHOWN = 40
_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")

#: Arabic words with clitics, and what a checker should say (True: correct).
ARABIC_GOLDEN = (
    ("والكتاب", True),
    ("وبالكتاب", True),
    ("فالمدرسة", True),
    ("للمدرسة", True),
    ("سيكتبون", True),
    ("كتابهم", True),
    ("بالهاتف", True),
    ("المدرسه", False),
    ("الكتاپ", False),
    ("وبالكتابب", False),
)


Loaded = tuple[Callable[[list[str]], list[bool]], Callable[[str], list[str]], Callable[[], None]]


@dataclass
class Engine:
    """One call path: how to load it for a dictionary, then check words (all at once) and suggest for one."""

    name: str
    load: Callable[[Path], Loaded]
    available: str | None  # None when usable, else why not


def _one_by_one(spell: Callable[[str], bool]) -> Callable[[list[str]], list[bool]]:
    return lambda words: [bool(spell(w)) for w in words]


def _pipe_ask(dic: Path) -> Loaded:
    """`hunspell -a` as tmkit drives it: batches of words, a verdict with suggestions for each."""
    pipe = _AskPipe(dic)

    def suggest(word: str) -> list[str]:
        return list(pipe.ask([word])[word] or ())

    return (lambda words: [answer is None for answer in pipe.ask(words).values()]), suggest, pipe.close


def _pipe_list(dic: Path) -> Loaded:
    """`hunspell -l` under stdbuf as tmkit checks: batches of words, only the misspelled ones answered."""
    pipe = _ListPipe(dic)

    def check(words: list[str]) -> list[bool]:
        wrong = pipe.misspelled(words)
        return [w not in wrong for w in words]

    return check, (lambda word: []), pipe.close


def _pyhunspell(dic: Path) -> Loaded:
    import hunspell  # type: ignore[import-not-found]

    speller = hunspell.HunSpell(str(dic), str(dic.with_suffix(".aff")))
    return _one_by_one(speller.spell), speller.suggest, lambda: None


def _cyhunspell(dic: Path) -> Loaded:
    from hunspell import Hunspell  # type: ignore[import-not-found,unused-ignore]

    speller = Hunspell(dic.stem, hunspell_data_dir=str(dic.parent))
    return _one_by_one(speller.spell), lambda w: list(speller.suggest(w)), lambda: None


def _spylls(dic: Path) -> Loaded:
    from spylls.hunspell import Dictionary  # type: ignore[import-not-found]

    dictionary = Dictionary.from_files(str(dic.with_suffix("")))
    return _one_by_one(dictionary.lookup), lambda w: list(dictionary.suggest(w)), lambda: None


def _engines() -> list[Engine]:
    import shutil

    hunspell_spec = importlib.util.find_spec("hunspell")
    origin = hunspell_spec.origin or "" if hunspell_spec else ""
    # pyhunspell and cyhunspell install the same module name, `hunspell`: tell them by what they export.
    flavour = None
    if hunspell_spec is not None:
        import hunspell

        flavour = "pyhunspell" if hasattr(hunspell, "HunSpell") else "cyhunspell"
    return [
        Engine("pipe: hunspell -l", _pipe_list, None if shutil.which(HUNSPELL_COMMAND) else "hunspell not installed"),
        Engine("pipe: hunspell -a", _pipe_ask, None if shutil.which(HUNSPELL_COMMAND) else "hunspell not installed"),
        Engine(
            "pyhunspell", _pyhunspell, None if flavour == "pyhunspell" else f"not installed ({origin or 'no module'})"
        ),
        Engine("cyhunspell API (chunspell)", _cyhunspell, None if flavour == "cyhunspell" else "not installed"),
        Engine("spylls", _spylls, None if importlib.util.find_spec("spylls") else "not installed"),
    ]


def _words(path: Path, limit: int) -> list[str]:
    seen: dict[str, None] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        for match in _WORD_RE.finditer(line):
            seen.setdefault(match.group(), None)
            if len(seen) >= limit:
                return list(seen)
    return list(seen)


def _rows(corpora: Path, n_words: int, n_suggest: int, shown: int) -> Iterator[str]:
    engines = _engines()
    for name, file, lang in TEXTS:
        dic = find_dictionary(lang)
        if dic is None:
            yield f"{name}: no {lang} dictionary installed, skipped"
            continue
        words = _words(corpora / file, n_words)
        reference: list[bool] | None = None
        yield f"\n{name}: {len(words)} distinct words of {file}, dictionary {dic}"
        yield f"  {'engine':<26} {'load ms':>8} {'check µs/word':>14} {'flagged':>8} {'agrees':>7} {'suggest ms/word':>16}"
        for engine in engines:
            if engine.available is not None:
                yield f"  {engine.name:<26} skipped: {engine.available}"
                continue
            started = time.perf_counter()
            check, suggest, close = engine.load(dic)
            load_s = time.perf_counter() - started
            started = time.perf_counter()
            verdicts = check(words)
            check_s = time.perf_counter() - started
            wrong = [w for w, ok in zip(words, verdicts, strict=True) if not ok][:n_suggest]
            started = time.perf_counter()
            for word in wrong:
                suggest(word)
            suggest_s = time.perf_counter() - started
            if reference is None:
                reference = verdicts
            agree = sum(a == b for a, b in zip(reference, verdicts, strict=True)) / len(words)
            golden = ""
            if lang == "ar":
                said = check([w for w, _ in ARABIC_GOLDEN])
                right = sum(verdict == ok for verdict, (_, ok) in zip(said, ARABIC_GOLDEN, strict=True))
                golden = f"  clitics {right}/{len(ARABIC_GOLDEN)}"
            close()
            yield (
                f"  {engine.name:<26} {load_s * 1000:>8.0f} {check_s / len(words) * 1e6:>14.1f} "
                f"{len(words) - sum(verdicts):>8} {agree:>7.1%} {suggest_s / max(1, len(wrong)) * 1000:>16.1f}{golden}"
            )
    # tmkit's own checker, the way `tmkit qa` uses it: whole segments, clitic stems, skipped tokens.
    yield "\ntmkit SpellChecker (pipe), whole segments:"
    for name, file, lang in TEXTS:
        lines = (corpora / file).read_text(encoding="utf-8").splitlines()[:300]
        started = time.perf_counter()
        checker = SpellChecker(lang)
        load_s = time.perf_counter() - started
        if not checker.enabled:
            yield f"  {name}: off ({checker.notice})"
            continue
        started = time.perf_counter()
        found = [checker.check(line) for line in lines]
        check_s = time.perf_counter() - started
        n_words = sum(len(_WORD_RE.findall(line)) for line in lines)
        flagged = sum(len(f) for f in found)
        sample = list(dict.fromkeys(m.word for f in found for m in f))[:shown]
        checker.close()
        yield (
            f"  {name}: {len(lines)} segments, {n_words} words in {check_s * 1000:.0f} ms "
            f"({check_s / n_words * 1e6:.0f} µs/word, start {load_s * 1000:.0f} ms), {flagged} flagged "
            f"({flagged / n_words:.1%})"
        )
        if sample:
            yield f"    flagged: {' '.join(sample)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA, help="folder with the MADAR and FLORES files")
    parser.add_argument("--words", type=int, default=DEFAULT_WORDS, help="distinct words checked per text")
    parser.add_argument("--suggest", type=int, default=DEFAULT_SUGGEST, help="misspelled words asked for suggestions")
    parser.add_argument("--show", type=int, default=DEFAULT_SHOWN, help="flagged words shown per text")
    args = parser.parse_args(argv)
    for row in _rows(args.corpora, args.words, args.suggest, args.show):
        print(row, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
