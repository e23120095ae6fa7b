"""Benchmark of `tmkit score` against sacrebleu alone on the same synthetic 100k-segment corpus, in one run."""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

# tmkit and sacrebleu are imported inside the functions that need them, so that each measuring
# child process loads only what its own case uses, before its clock starts.

#: Bump when the generated content changes, so cached files are made anew.
GENERATOR_VERSION = 1
DEFAULT_SEGMENTS = 100_000
DEFAULT_SEED = 20_241_128
DEFAULT_METRICS = "chrf,bleu"
DEFAULT_DATA_DIR = Path(__file__).resolve().parent / ".data"
SAMPLES = Path(__file__).resolve().parents[1] / "samples"
#: The goal: tmkit score costs at most this many times what sacrebleu alone costs.
GOAL_RATIO = 1.2
CASES = ("sacrebleu api", "tmkit api", "sacrebleu cli", "tmkit cli")

_HARAKAT = "\u064e\u064f\u0650\u0652\u0651\u064b"
_ALEF_FORMS = {"ا": "أ", "أ": "ا", "إ": "ا", "آ": "ا"}


# -- data ---------------------------------------------------------------------------------------


def _vocabulary(lang: str) -> list[str]:
    """Words of the bundled news memory (so the text looks like real news), in a fixed order."""
    from tmkit.formats.tmx_reader import load_tmx

    words: dict[str, None] = {}
    for unit in load_tmx(SAMPLES / "news-memory.tmx"):
        variant = unit.variant(lang)
        if variant is not None:
            words.update(dict.fromkeys(variant.text.split()))
    return list(words)


def _noisy(rng: random.Random, words: list[str], vocab: list[str], arabic: bool) -> list[str]:
    """An MT-like hypothesis: substituted, dropped, inserted and swapped words; for Arabic, spelling noise."""
    out: list[str] = []
    for word in words:
        roll = rng.random()
        if roll < 0.10:
            out.append(rng.choice(vocab))
        elif roll < 0.15:
            continue
        elif roll < 0.20:
            out += [word, rng.choice(vocab)]
        elif arabic and roll < 0.24:
            # Alef written another way, or harakat added: what BLEU punishes and chrF barely sees.
            if word[:1] in _ALEF_FORMS:
                out.append(_ALEF_FORMS[word[0]] + word[1:])
            else:
                out.append("".join(c + (rng.choice(_HARAKAT) if rng.random() < 0.5 else "") for c in word))
        else:
            out.append(word)
    if len(out) > 3 and rng.random() < 0.2:
        i = rng.randrange(len(out) - 1)
        out[i], out[i + 1] = out[i + 1], out[i]
    return out


def generate(count: int, seed: int, lang: str) -> tuple[list[str], list[str]]:
    """``count`` reference sentences and their hypotheses, the same for the same seed."""
    rng = random.Random(seed)
    vocab = _vocabulary(lang)
    arabic = lang == "ar"
    refs, hyps = [], []
    for _ in range(count):
        length = int(rng.triangular(4, 45, 18))
        words = rng.choices(vocab, k=length)
        refs.append(" ".join(words))
        hyps.append("" if rng.random() < 0.005 else " ".join(_noisy(rng, words, vocab, arabic)))
    return refs, hyps


def ensure_data(data_dir: Path, count: int, seed: int, lang: str) -> tuple[Path, Path, float | None]:
    stem = f"score-{lang}-{count}-v{GENERATOR_VERSION}-s{seed}"
    ref, hyp = data_dir / f"{stem}.ref.txt", data_dir / f"{stem}.hyp.txt"
    if ref.exists() and hyp.exists():
        return ref, hyp, None
    started = time.perf_counter()
    refs, hyps = generate(count, seed, lang)
    data_dir.mkdir(parents=True, exist_ok=True)
    ref.write_text("\n".join(refs) + "\n", encoding="utf-8")
    hyp.write_text("\n".join(hyps) + "\n", encoding="utf-8")
    return ref, hyp, time.perf_counter() - started


# -- cases --------------------------------------------------------------------------------------


def _read_like_sacrebleu(path: Path) -> list[str]:
    # sacrebleu's CLI: lines split at LF, each rstripped.
    with open(path, encoding="utf-8", newline="\n") as handle:
        return [line.rstrip() for line in handle]


def run_child(
    case: str, ref: Path, hyp: Path, metrics: list[str], tokenize: str, *, gc_off: bool = False
) -> dict[str, Any]:
    """One library case in this (fresh) process: the clock covers reading the files and scoring."""
    if gc_off:
        # CPython's full collections walk every live object; how many run depends on how many
        # long-lived objects a program holds, which can favour either side. Off, only the work counts.
        gc.disable()
    if case == "sacrebleu api":
        from sacrebleu.metrics.bleu import BLEU
        from sacrebleu.metrics.chrf import CHRF
        from sacrebleu.metrics.ter import TER

        makers = {
            "chrf": CHRF,
            "chrf++": lambda: CHRF(word_order=2),
            "bleu": lambda: BLEU(tokenize=tokenize),
            "ter": TER,
        }
        started, cpu_started = time.perf_counter(), time.process_time()
        refs, hyps = _read_like_sacrebleu(ref), _read_like_sacrebleu(hyp)
        scores = {key: makers[key]().corpus_score(hyps, [refs]).score for key in metrics}
    elif case == "tmkit api":
        from tmkit.quality.scoring import score_corpus
        from tmkit.quality.testsets import load_eval_set

        started, cpu_started = time.perf_counter(), time.process_time()
        evalset = load_eval_set(references=[str(ref)], hypothesis=str(hyp)).complete()
        result = score_corpus(
            evalset.hypotheses(),
            evalset.reference_streams(),
            metrics=metrics,
            target_lang=evalset.target_lang,
            tokenize=tokenize,
            alignment=evalset.alignment,
        )
        scores = {m.key: m.score for m in result}
        assert all(len(m.segment_scores) == len(evalset) for m in result)
    else:
        raise SystemExit(f"unknown case {case!r}")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_rss_mb": peak_mb, "scores": scores}


def _command(case: str, ref: Path, hyp: Path, metrics: list[str], tokenize: str, out_dir: Path) -> list[str]:
    if case == "sacrebleu cli":
        names = {"chrf": "chrf", "chrf++": "chrf", "bleu": "bleu", "ter": "ter"}
        command = [sys.executable, "-m", "sacrebleu", str(ref), "-i", str(hyp), "-m"]
        command += list(dict.fromkeys(names[m] for m in metrics))
        command += ["-tok", tokenize, "-f", "json"]
        if "chrf++" in metrics:
            command += ["--chrf-word-order", "2"]
        return command
    return [
        sys.executable,
        "-m",
        "tmkit",
        "score",
        "--ref",
        str(ref),
        "--hyp",
        str(hyp),
        "--metrics",
        ",".join(metrics),
        "--tokenize",
        tokenize,
        "--report",
        f"json:{out_dir / 'tmkit-score.json'}",
    ]


def measure(
    case: str, ref: Path, hyp: Path, metrics: list[str], tokenize: str, out_dir: Path, *, gc_off: bool = False
) -> dict[str, Any]:
    if case.endswith("cli"):
        # The whole command as a CI runs it: interpreter start, imports, reading, scoring, output.
        command = _command(case, ref, hyp, metrics, tokenize, out_dir)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            raise SystemExit(f"{case} failed ({done.returncode}): {done.stderr.strip()}")
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return {"seconds": seconds, "cpu_seconds": cpu, "peak_rss_mb": None}
    command = [sys.executable, __file__, "--child", case, "--child-ref", str(ref), "--child-hyp", str(hyp)]
    command += ["--metrics", ",".join(metrics), "--tokenize", tokenize] + (["--no-gc"] if gc_off else [])
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{case} failed: {done.stderr.strip()}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


# -- main ---------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    import sacrebleu

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            cpu = next(line.split(":", 1)[1].strip() for line in handle if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sacrebleu": sacrebleu.__version__,
        "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--segments", type=int, default=DEFAULT_SEGMENTS, help="corpus size (default: %(default)s)")
    parser.add_argument("--lang", choices=("ar", "en"), default="ar", help="target language (default: %(default)s)")
    parser.add_argument(
        "--metrics", default=DEFAULT_METRICS, help="metrics, as tmkit names them (default: %(default)s)"
    )
    parser.add_argument("--tokenize", help="BLEU tokenizer (default: intl for ar, 13a for en)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per case; the one with the least CPU time is kept")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--cases", default=",".join(CASES), help="comma-separated subset of: " + ", ".join(CASES))
    parser.add_argument("--json", type=Path, metavar="OUT", help="also save the results as JSON")
    parser.add_argument(
        "--no-gc",
        action="store_true",
        help="disable Python's garbage collector in the api cases (the cli ones keep it)",
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-ref", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-hyp", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    metrics = [m.strip() for m in args.metrics.split(",") if m.strip()]
    tokenize = args.tokenize or ("intl" if args.lang == "ar" else "13a")
    if args.child:
        print(json.dumps(run_child(args.child, args.child_ref, args.child_hyp, metrics, tokenize, gc_off=args.no_gc)))
        return 0

    cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    info = machine()
    print(
        f"# {info['cpu']}, {info['cores']} cores, {info['system']}, Python {info['python']}, sacrebleu {info['sacrebleu']}"
    )
    print(f"# load average at start: {info['load_average']} (other work on the machine skews the times)")
    ref, hyp, took = ensure_data(args.data_dir, args.segments, args.seed, args.lang)
    state = f"generated in {took:.1f} s" if took is not None else "cached"
    print(f"# corpus: {args.segments:,} segments, target {args.lang}, {ref.name} / {hyp.name} ({state})")
    gc_note = "; garbage collector off in the api cases" if args.no_gc else ""
    print(f"# metrics: {', '.join(metrics)}; BLEU tokenizer {tokenize}; best of {args.repeat}{gc_note}", flush=True)
    # Warm the page cache so no case pays for the first read.
    ref.read_bytes()
    hyp.read_bytes()
    results: dict[str, dict[str, Any]] = {}
    for round_number in range(args.repeat):
        for case in cases:  # interleaved, so a slow spell of the machine hits every case
            result = measure(case, ref, hyp, metrics, tokenize, args.data_dir, gc_off=args.no_gc)
            print(
                f"#   run {round_number + 1}: {case:<14} {result['seconds']:8.2f} s wall {result['cpu_seconds']:8.2f} s CPU",
                flush=True,
            )
            best = results.get(case)
            if best is None or result["cpu_seconds"] < best["cpu_seconds"]:
                results[case] = result
    print()
    print(f"{'case':<16}{'CPU s':>10}{'wall s':>10}{'segments/s':>13}{'peak RSS MB':>13}")
    for case in cases:
        r = results[case]
        rss = f"{r['peak_rss_mb']:.0f}" if r.get("peak_rss_mb") else "-"
        rate = args.segments / r["cpu_seconds"]
        print(f"{case:<16}{r['cpu_seconds']:>10.2f}{r['seconds']:>10.2f}{rate:>13,.0f}{rss:>13}")
    if "scores" in results.get("tmkit api", {}) and "scores" in results.get("sacrebleu api", {}):
        same = results["tmkit api"]["scores"] == results["sacrebleu api"]["scores"]
        print(f"\nscores identical: {'yes' if same else 'NO'} {results['tmkit api']['scores']}")
    print()
    verdicts = []
    # Cost is CPU time: on a shared machine wall time also measures the other jobs.
    for ours, theirs in (("tmkit api", "sacrebleu api"), ("tmkit cli", "sacrebleu cli")):
        if ours in results and theirs in results:
            ratio = results[ours]["cpu_seconds"] / results[theirs]["cpu_seconds"]
            wall = results[ours]["seconds"] / results[theirs]["seconds"]
            verdict = "PASS" if ratio <= GOAL_RATIO else "FAIL"
            verdicts.append({"case": ours, "baseline": theirs, "ratio": ratio, "wall_ratio": wall, "verdict": verdict})
            print(f"{verdict}  {ours} / {theirs} = {ratio:.3f}x CPU, {wall:.3f}x wall  (goal <= {GOAL_RATIO}x)")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "machine": info,
                    "segments": args.segments,
                    "lang": args.lang,
                    "metrics": metrics,
                    "tokenize": tokenize,
                    "repeat": args.repeat,
                    "results": results,
                    "ratios": verdicts,
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
