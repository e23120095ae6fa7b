"""Opening a started document: how long `tmkit edit DOCUMENT` takes to tell whether its working file is of the
document as it is now, with the document's version recorded in the file and, as the baseline, cutting the document
again and comparing every segment (what a working file made before the record gets).

The document is the FLORES dev and devtest Arabic sentences (../shared/corpora), five to a paragraph, repeated to
``--sentences``; without the corpora, samples/article.ar.txt repeated. Both ways run on the same working file (the
baseline a copy without the record) and take turns; CPU time, least of ``--runs``; both must give the same answer.

    python bench/greeting.py
    python bench/greeting.py --sentences 50000
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from tmkit.formats.tmx_reader import load_tmx
from tmkit.formats.tmx_writer import write_tmx
from tmkit.jobs.source_text import DOCUMENT_PROP
from tmkit.jobs.workfile import prepare_job

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO.parent / "shared" / "corpora"


def sentences(count: int) -> list[str]:
    files = [CORPORA / "flores-dev.ar", CORPORA / "flores-devtest.ar"]
    if all(path.is_file() for path in files):
        pool = [line for path in files for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    else:
        print("(no ../shared/corpora: samples/article.ar.txt repeated)", file=sys.stderr)
        text = (REPO / "samples" / "article.ar.txt").read_text(encoding="utf-8")
        pool = [line for line in text.splitlines() if line.strip()]
    return [pool[number % len(pool)] for number in range(count)]


def timed(document: Path, job: Path, runs: int) -> tuple[float, int | None]:
    best, answer = float("inf"), None
    for _run in range(runs):
        started = time.process_time()
        answer = prepare_job(document, [], output=job).changed_from
        best = min(best, time.process_time() - started)
    return best, answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=10_000, help="sentences in the document")
    parser.add_argument("--runs", type=int, default=5, help="checks timed each way (the least is kept)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        document = Path(folder) / "big.ar.txt"
        lines = sentences(args.sentences)
        document.write_text("\n\n".join(" ".join(lines[at : at + 5]) for at in range(0, len(lines), 5)) + "\n")
        recorded = Path(folder) / "recorded.tmx"
        made = prepare_job(document, [], output=recorded)
        baseline = Path(folder) / "baseline.tmx"
        shutil.copy(recorded, baseline)
        memory = load_tmx(baseline)
        memory.header.props = [prop for prop in memory.header.props if prop.type != DOCUMENT_PROP]
        write_tmx(baseline, memory)
        fast, slow = (float("inf"), None), (float("inf"), None)
        for _turn in range(2):  # (taking turns: a machine busier part-way hits both alike)
            fast = min(fast, timed(document, recorded, args.runs), key=lambda pair: pair[0])
            slow = min(slow, timed(document, baseline, args.runs), key=lambda pair: pair[0])
    same = "yes" if fast[1] == slow[1] else "NO"
    print(f"{made.segments:,} segments: the check on opening, CPU s, least of {2 * args.runs}")
    print(f"{'version recorded':<28}{fast[0]:>8.3f}")
    print(f"{'cut again and compared':<28}{slow[0]:>8.3f}")
    print(f"{'ratio':<28}{slow[0] / fast[0]:>7.1f}×   same answer: {same}")


if __name__ == "__main__":
    main()
