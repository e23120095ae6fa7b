"""Term checks on real translations: term-missing findings that are false because the Arabic term is there in another form.

The FLORES-200 dev and devtest and MADAR dev pairs (English original, professional Arabic), checked
en→ar as `tmkit qa --terms` checks them (`term_problems`) with two termbases of Arabic forms that
clitics and case endings hide: terms of two letters (`غد`, `خط`, `يد`, `دم`…, written after the
article in the text) and plural, dual and tens terms in the nominative (`المسافرون`, `أسبوعان`,
`ثلاثون`…, written in ين in the text after a preposition or as an object). Each termbase pairs
English words with the Arabic the corpus translates them by, chosen from co-occurrence counts in
these pairs; each is also run with its Arabic terms forbidden, to count where they are found.

A `term-missing` finding is counted as *false* when the target holds the term's word after any run of
proclitics (و ف ب ك ل, ال, لل) or, for a word in ون ين ان, with any of these endings (stems of three
letters or more): a loose reading, to review, not a recognizer. With ``--baseline DIR`` (a checkout
of tmkit, e.g. `git worktree add /tmp/tmkit-main main`) the same run is made with that code and the
findings that differ are listed.

    python bench/term_forms.py [--corpora ../shared/corpora] [--baseline DIR] [--show N]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if "--tmkit" in sys.argv:  # the code to measure, when run for a baseline
    sys.path.insert(0, sys.argv[sys.argv.index("--tmkit") + 1])
else:
    sys.path.insert(0, str(ROOT))

from tmkit.terms.checks import TERM_FORBIDDEN, TERM_MISSING, term_problems  # noqa: E402
from tmkit.terms.model import Concept, Term, Termbase, TermStatus  # noqa: E402

DEFAULT_CORPORA = ROOT.parent / "shared" / "corpora"
CORPORA = ("flores-dev", "flores-devtest", "madar-travel-dev")
DEFAULT_SHOW = 10

# English term, Arabic term: two-letter Arabic words, which the article hides from a three-letter minimum stem.
TWO_LETTER = [
    ("tomorrow", "غد"),
    ("line", "خط"),
    ("hand", "يد"),
    ("row", "صف"),
    ("yen", "ين"),
    ("blood", "دم"),
    ("text", "نص"),
    ("art", "فن"),
    ("tuberculosis", "سل"),
    ("tide", "مد"),
    ("hill", "تل"),
    ("shower", "دش"),
    ("solution", "حل"),
    ("shelf", "رف"),
    ("brother", "أخ"),
    ("luck", "حظ"),
    ("love", "حب"),
    ("medicine", "طب"),
    ("weather", "جو"),
    ("right", "حق"),
    ("mother", "أم"),
    ("limit", "حد"),
]
# Plurals, duals and tens in the nominative, as a termbase holds them; texts write ين as often.
CASE_FORMS = [
    ("travellers", "المسافرون"),
    ("travelers", "المسافرون"),
    ("others", "الآخرون"),
    ("researchers", "الباحثون"),
    ("officials", "المسؤولون"),
    ("tourists", "السائحون"),
    ("citizens", "المواطنون"),
    ("athletes", "الرياضيون"),
    ("Americans", "الأمريكيون"),
    ("adults", "البالغون"),
    ("drivers", "السائقون"),
    ("players", "اللاعبون"),
    ("beginners", "المبتدئون"),
    ("users", "المستخدمون"),
    ("employees", "الموظفون"),
    ("protesters", "المتظاهرون"),
    ("Egyptians", "المصريون"),
    ("artists", "الفنانون"),
    ("Venezuelans", "الفنزويليون"),
    ("observers", "المراقبون"),
    ("Europeans", "الأوروبيون"),
    ("smokers", "المدخنون"),
    ("participants", "المشاركون"),
    ("workers", "العاملون"),
    ("fishermen", "الصيادون"),
    ("conservatives", "المحافظون"),
    ("two weeks", "أسبوعان"),
    ("two nights", "ليلتان"),
    ("two suitcases", "حقيبتان"),
    ("thirty", "ثلاثون"),
    ("forty", "أربعون"),
    ("eighty", "ثمانون"),
    ("twenty", "عشرون"),
    ("fifty", "خمسون"),
]
TERMBASES = {"two-letter": TWO_LETTER, "case forms": CASE_FORMS}

_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u0640]")
_WORD = re.compile(r"[\w\u0610-\u061a\u064b-\u065f\u0670\u0640]+")


def _fold(text: str) -> str:
    return _MARKS.sub("", text).translate(str.maketrans("أإآى", "اااي"))


def _loose(term: str) -> list[re.Pattern[str]]:
    """A pattern per word of an Arabic term: any proclitics, then the word without its article, in any case ending."""
    patterns = []
    for word in map(_fold, term.split()):
        bare = word[2:] if word.startswith("ال") and len(word) > 4 else word
        ending = re.fullmatch(r"(.{3,}?)(ون|ين|ان)", bare)
        body = re.escape(ending.group(1)) + "(?:ون|ين|ان)" if ending else re.escape(bare)
        patterns.append(re.compile(f"(?:[وف]?[بكل]?(?:ال|ل)?){body}"))
    return patterns


def in_another_form(term: str, target: str) -> str | None:
    """The words of ``target`` that read loosely as ``term``, if any (for review: see the module's doc)."""
    words = [_fold(w) for w in _WORD.findall(target)]
    patterns = _loose(term)
    for i in range(len(words) - len(patterns) + 1):
        if all(p.fullmatch(words[i + k]) for k, p in enumerate(patterns)):
            return " ".join(words[i : i + len(patterns)])
    return None


def termbase(pairs: list[tuple[str, str]], *, forbidden: bool) -> Termbase:
    status = TermStatus.FORBIDDEN if forbidden else TermStatus.PREFERRED
    return Termbase(
        concepts=[Concept(f"c{i}", [Term(en, "en"), Term(ar, "ar", status)]) for i, (en, ar) in enumerate(pairs, 1)]
    )


def read_pairs(corpora: Path) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for stem in CORPORA:
        english = (corpora / f"{stem}.en").read_text(encoding="utf-8").split("\n")[:-1]
        arabic = (corpora / f"{stem}.ar").read_text(encoding="utf-8").split("\n")[:-1]
        pairs += zip(english, arabic, strict=True)
    return pairs


def findings(pairs: list[tuple[str, str]]) -> dict[str, list[tuple[str, int, str]]]:
    """(check, pair number, concept) of each term finding, per termbase and status."""
    found: dict[str, list[tuple[str, int, str]]] = {}
    for name, terms in TERMBASES.items():
        for forbidden in (False, True):
            base = termbase(terms, forbidden=forbidden)
            rows = []
            for number, (english, arabic) in enumerate(pairs):
                for check, message in term_problems(base, english, arabic, source_lang="en", target_lang="ar"):
                    concept = re.search(r"concept (c\d+)", message)
                    rows.append((check, number, concept.group(1) if concept else ""))
            found[f"{name}{', forbidden' if forbidden else ''}"] = rows
    return found


def summary(pairs: list[tuple[str, str]], rows: list[tuple[str, int, str]], terms: list[tuple[str, str]]) -> str:
    missing = [(n, c) for check, n, c in rows if check == TERM_MISSING]
    false = sum(1 for n, c in missing if in_another_form(terms[int(c[1:]) - 1][1], pairs[n][1]))
    forbidden = sum(1 for check, _, _ in rows if check == TERM_FORBIDDEN)
    return f"{len(missing):>12} {false:>22} {forbidden:>14}"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--baseline", type=Path, help="a checkout of tmkit to measure in the same run")
    parser.add_argument("--show", type=int, default=DEFAULT_SHOW, help="differing findings listed per termbase")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--tmkit", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not all((args.corpora / f"{stem}.{lang}").exists() for stem in CORPORA for lang in ("en", "ar")):
        sys.exit(f"no corpora in {args.corpora} (see --corpora)")
    pairs = read_pairs(args.corpora)
    found = findings(pairs)
    if args.json:
        print(json.dumps(found))
        return
    runs = {"this code": found}
    if args.baseline:
        command = [sys.executable, __file__, "--corpora", str(args.corpora), "--json", "--tmkit", str(args.baseline)]
        env = {**os.environ, "PYTHONPATH": str(args.baseline)}
        baseline = json.loads(subprocess.run(command, capture_output=True, text=True, check=True, env=env).stdout)
        runs = {"baseline": {k: [tuple(r) for r in v] for k, v in baseline.items()}, **runs}
    print(f"{len(pairs):,} en→ar pairs ({', '.join(CORPORA)})\n")
    print(f"{'termbase':<26} {'code':<10} {'term-missing':>12} {'false (term in target)':>22} {'term-forbidden':>14}")
    for key in found:
        terms = TERMBASES[key.split(",")[0]]
        for code, run in runs.items():
            print(f"{key:<26} {code:<10} {summary(pairs, run[key], terms)}")
    if args.baseline:
        for key in found:
            terms = TERMBASES[key.split(",")[0]]
            before, after = set(runs["baseline"][key]), set(found[key])
            for sign, rows in (("-", before - after), ("+", after - before)):
                print(f"\n{key}: {len(rows)} findings {'gone' if sign == '-' else 'new'}")
                for check, number, concept in sorted(rows, key=lambda r: r[1])[: args.show]:
                    term = terms[int(concept[1:]) - 1]
                    print(f"  {sign} {check} {term[0]}/{term[1]} | {pairs[number][1][:100]}")


if __name__ == "__main__":
    main()
