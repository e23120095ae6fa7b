"""QA benchmark: findings of `tmkit qa` per check per 1,000 professional translations, and recall of planted errors."""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tmkit.quality.defaults import Severity  # noqa: E402
from tmkit.quality.qa import CHECK_IDS, QaPair, QaResult, check_pair, check_pairs  # noqa: E402
from tmkit.text.numbers import ReadingKind, read_numbers  # noqa: E402

DEFAULT_CORPORA = ROOT.parent / "shared" / "corpora"
#: Planted copies per class and corpus (the corpus's own pairs that can carry the error).
DEFAULT_PLANTS = 200
DEFAULT_SEED = 17
#: The corpora: name, file stem, languages (en, ar files are line-aligned).
CORPORA = (("flores-dev", "flores-dev"), ("flores-devtest", "flores-devtest"), ("madar", "madar-travel-dev"))
DIRECTIONS = (("en", "ar"), ("ar", "en"))

_WESTERN = "0123456789"
_ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
_PERSIAN = "۰۱۲۳۴۵۶۷۸۹"


@dataclass(frozen=True, slots=True)
class Plant:
    """A planted error: its class, the checks that should find it, and how it changes a pair."""

    name: str
    expected: frozenset[str]
    apply: Callable[[str, str, str, random.Random], tuple[str, str] | None]  # (source, target, tgt lang) -> pair


def _number_readings(text: str) -> list[tuple[int, int]]:
    return [
        (r.start, r.end)
        for r in read_numbers(text)
        if r.kind is ReadingKind.NUMBER and any(c.isdigit() for c in r.text) and not r.doubtful
    ]


def _change_number(digits: str) -> Callable[[str, str, str, random.Random], tuple[str, str] | None]:
    """Change one digit of a number of the target and write the number in ``digits``."""

    def apply(source: str, target: str, tgt_lang: str, rng: random.Random) -> tuple[str, str] | None:
        spans = _number_readings(target)
        if not spans:
            return None
        start, end = rng.choice(spans)
        written = target[start:end]
        positions = [i for i, c in enumerate(written) if c.isdigit()]
        i = rng.choice(positions)
        old = int(written[i])
        new = (old + rng.randint(1, 9)) % 10
        if i == positions[0] and new == 0 and len(positions) > 1:
            new = (old + 1) % 10 or 1
        changed = written[:i] + str(new) + written[i + 1 :]
        table = str.maketrans(
            {
                **{c: digits[n] for n, c in enumerate(_WESTERN)},
                **{c: digits[n] for n, c in enumerate(_ARABIC_INDIC)},
                **{c: digits[n] for n, c in enumerate(_PERSIAN)},
            }
        )
        return source, target[:start] + changed.translate(table) + target[end:]

    return apply


# A clause ends at a comma, semicolon or end mark that is not inside a number (1.5, 3,000).
_CLAUSE_RE = re.compile(r"(?:[^,،؛;.!?؟]|(?<=\d)[.,،](?=\d))+[,،؛;.!?؟]?")


def _drop_clause(source: str, target: str, tgt_lang: str, rng: random.Random) -> tuple[str, str] | None:
    """Remove a clause of the target that holds a number the source writes in digits too.

    The target keeps at least one other clause. A number the source spells out (`القرن السادس عشر`
    against `16th century`) is left alone: QA demands numbers written in digits, and words only
    excuse them, so a clause dropped with such a number is out of its reach by design.
    """
    clauses = _CLAUSE_RE.findall(target)
    if len(clauses) < 2:
        return None
    source_keys = {key for r in read_numbers(source) if r.kind is ReadingKind.NUMBER for key in r.keys}
    with_number = [
        i
        for i, c in enumerate(clauses)
        if any(r.kind is ReadingKind.NUMBER and r.keys & source_keys for r in read_numbers(c))
    ]
    if not with_number:
        return None
    drop = rng.choice(with_number)
    kept = "".join(c for i, c in enumerate(clauses) if i != drop).strip()
    return (source, kept) if kept else None


def _remove_tag(source: str, target: str, tgt_lang: str, rng: random.Random) -> tuple[str, str] | None:
    """Mark the first word of both sides bold, then lose the markup in the target."""
    src_words, tgt_words = source.split(" ", 1), target.split(" ", 1)
    if len(src_words) < 2 or len(tgt_words) < 2:
        return None
    tagged_source = f"<b>{src_words[0]}</b> {src_words[1]}"
    kind = rng.choice(("pair", "open", "close"))
    if kind == "pair":
        planted = target
    elif kind == "open":
        planted = f"{tgt_words[0]}</b> {tgt_words[1]}"
    else:
        planted = f"<b>{tgt_words[0]} {tgt_words[1]}"
    return tagged_source, planted


def _untranslated(source: str, target: str, tgt_lang: str, rng: random.Random) -> tuple[str, str] | None:
    """Leave the source's last sentence untranslated: the target is the translation of the rest plus it."""
    sentences = re.split(r"(?<=[.!?])\s+", source.strip())
    if len(sentences) > 1 and rng.random() < 0.5:
        return source, target.rstrip() + " " + sentences[-1]
    return source, source


def _wrong_end(source: str, target: str, tgt_lang: str, rng: random.Random) -> tuple[str, str] | None:
    """Give a statement's translation a question mark or a hanging comma/colon in place of its full stop."""
    stripped = target.rstrip()
    if not stripped.endswith(".") or not source.rstrip().endswith("."):
        return None
    arabic = tgt_lang == "ar"
    mark = rng.choice(("؟", "،", ":") if arabic else ("?", ",", ":"))
    return source, stripped[:-1] + mark


PLANTS = (
    Plant("number, Western digits", frozenset({"number-mismatch"}), _change_number(_WESTERN)),
    Plant("number, Arabic-Indic digits", frozenset({"number-mismatch"}), _change_number(_ARABIC_INDIC)),
    Plant("number, Persian digits", frozenset({"number-mismatch"}), _change_number(_PERSIAN)),
    Plant("dropped clause with a number", frozenset({"number-mismatch"}), _drop_clause),
    Plant("removed tag", frozenset({"tag-missing", "tag-extra"}), _remove_tag),
    Plant(
        "untranslated sentence",
        frozenset({"untranslated", "same-as-source", "untranslated-latin", "untranslated-arabic"}),
        _untranslated,
    ),
    Plant("wrong end mark", frozenset({"end-punctuation"}), _wrong_end),
)


def read_pairs(corpora: Path, stem: str, src: str, tgt: str) -> list[QaPair]:
    def lines(lang: str) -> list[str]:
        return (corpora / f"{stem}.{lang}").read_text(encoding="utf-8").split("\n")[:-1]

    return [
        QaPair(str(n), s, t, path=f"{stem}.{tgt}", line=n)
        for n, (s, t) in enumerate(zip(lines(src), lines(tgt), strict=True), 1)
    ]


def findings_table(results: list[tuple[str, QaResult]]) -> str:
    checks = [c for c in CHECK_IDS if any(r.count(c) for _, r in results)]
    head = f"{'corpus':<22} {'segments':>8} {'errors/1k':>9}  " + "  ".join(f"{c:>{max(len(c), 6)}}" for c in checks)
    rows = [head]
    for name, result in results:
        per_k = 1000 / result.n_pairs
        cells = "  ".join(f"{result.count(c) * per_k:>{max(len(c), 6)}.1f}" for c in checks)
        rows.append(f"{name:<22} {result.n_pairs:>8} {result.count(severity=Severity.ERROR) * per_k:>9.1f}  {cells}")
    return "\n".join(rows)


def recall_row(
    pairs: list[QaPair], src: str, tgt: str, plant: Plant, count: int, rng: random.Random
) -> tuple[int, int, list[str]]:
    """(planted, found, examples missed) for one class on one corpus direction."""
    order = list(range(len(pairs)))
    rng.shuffle(order)
    planted = found = 0
    missed: list[str] = []
    for index in order:
        if planted >= count:
            break
        pair = pairs[index]
        if pair.target is None:
            continue
        before = {c for c, _ in check_pair(pair.source, pair.target, source_lang=src, target_lang=tgt)}
        if before & plant.expected:
            continue  # the unmodified pair already has it: a finding would prove nothing
        changed = plant.apply(pair.source, pair.target, tgt, rng)
        if changed is None or changed == (pair.source, pair.target):
            continue
        source, target = changed
        planted += 1
        after = {c for c, _ in check_pair(source, target, source_lang=src, target_lang=tgt)}
        if after & plant.expected:
            found += 1
        elif len(missed) < 3:
            missed.append(f"{pair.path}:{pair.line}: {target[:150]!r}")
    return planted, found, missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA, help="folder of the shared corpora")
    parser.add_argument("--plants", type=int, default=DEFAULT_PLANTS, help="planted copies per class and corpus")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--show-errors", type=int, default=10, help="error findings on unmodified pairs to print")
    parser.add_argument("--show-missed", action="store_true", help="print planted errors that were not found")
    args = parser.parse_args(argv)
    if not (args.corpora / "flores-dev.en").exists():
        print(f"no corpora in {args.corpora} (see ../shared/corpora/README.md)", file=sys.stderr)
        return 2
    results: list[tuple[str, QaResult]] = []
    loaded: dict[str, tuple[list[QaPair], str, str]] = {}
    for name, stem in CORPORA:
        for src, tgt in DIRECTIONS:
            pairs = read_pairs(args.corpora, stem, src, tgt)
            label = f"{name} {src}→{tgt}"
            loaded[label] = (pairs, src, tgt)
            results.append((label, check_pairs(pairs, source_lang=src, target_lang=tgt)))
    print("## Findings per 1,000 unmodified professional translations (error level fails a run)\n")
    print(findings_table(results))
    errors = [(label, f) for label, r in results for f in r.findings if f.severity is Severity.ERROR]
    if errors and args.show_errors:
        print(f"\nerror findings ({len(errors)}; first {args.show_errors}):")
        for label, finding in errors[: args.show_errors]:
            print(f"  {label}: {finding.format()}")
    print("\n## Recall of planted errors (a copy of a pair with one error; found = its check fires)\n")
    print(f"{'class':<30} " + " ".join(f"{label:>20}" for label in loaded) + f" {'all':>14}")
    for plant in PLANTS:
        cells, total_planted, total_found, misses = [], 0, 0, []
        for label, (pairs, src, tgt) in loaded.items():
            if plant.name.startswith("number, ") and "Western" not in plant.name and tgt != "ar":
                cells.append(f"{'-':>20}")  # Arabic-Indic and Persian digits belong in Arabic text
                continue
            rng = random.Random(f"{args.seed}:{plant.name}:{label}")
            planted, found, missed = recall_row(pairs, src, tgt, plant, args.plants, rng)
            total_planted += planted
            total_found += found
            misses += [f"{label}: {m}" for m in missed]
            cells.append(f"{found / planted:>13.3f} ({planted:>4})" if planted else f"{'n/a':>20}")
        overall = f"{total_found / total_planted:>7.3f} ({total_planted:>4})" if total_planted else "n/a"
        print(f"{plant.name:<30} " + " ".join(cells) + f" {overall:>14}")
        if args.show_missed:
            for miss in misses[:6]:
                print(f"    missed {miss}")
    print("\n## Whole sources copied as their targets: the share the error-level check (untranslated) finds\n")
    print("(the rest stay same-as-source warnings: short phrases such as `Thank you.`, kept as names would be)\n")
    for label, (pairs, src, tgt) in loaded.items():
        copies = [pair.source for pair in pairs if pair.source.strip()]
        errors_found = sum(
            any(check == "untranslated" for check, _ in check_pair(text, text, source_lang=src, target_lang=tgt))
            for text in copies
        )
        print(f"{label:<22} {errors_found:>6} of {len(copies):>5}  {errors_found / len(copies):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
