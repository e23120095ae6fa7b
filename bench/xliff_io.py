"""Benchmark of XLIFF reading: tmkit's streaming reader against raw lxml iterparse and a whole-tree parse, time and peak RSS."""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

# tmkit and lxml are imported inside the cases, so each measuring child process loads only what its
# own case uses (that is its peak RSS).

#: Units per generated file: about 180 MB of XLIFF 1.2 and 200 MB of XLIFF 2.0.
DEFAULT_UNITS = 350_000
DEFAULT_VERSIONS = ("1.2", "2.0")
DEFAULT_SEED = 20_240_601
DEFAULT_DATA_DIR = Path(__file__).resolve().parent / ".data"
#: Bump when the generated content changes, so cached files are made anew.
GENERATOR_VERSION = 2
XLIFF12_NS = "urn:oasis:names:tc:xliff:document:1.2"
XLIFF2_NS = "urn:oasis:names:tc:xliff:document:2.0"

STREAM_CASE = "tmkit XliffReader"
MEMORY_CASE = "tmkit read_xliff"
ITERPARSE_CASE = "lxml iterparse"
TREE_CASE = "lxml whole tree"


def data_file(data_dir: Path, units: int, version: str, seed: int) -> Path:
    return data_dir / f"ar-en-{units}-v{GENERATOR_VERSION}-s{seed}.xliff{version}.xlf"


def ensure_data(data_dir: Path, units: int, version: str, seed: int) -> tuple[Path, float | None]:
    """The cached XLIFF of ``units`` generated units (bench/tmx_io.py's generator), written by tmkit if missing."""
    path = data_file(data_dir, units, version, seed)
    if path.exists():
        return path, None
    from tmx_io import generate_units, header

    from tmkit.formats.xliff import write_xliff
    from tmkit.memory.model import Memory

    data_dir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    memory = Memory(header(), list(generate_units(units, seed)))
    write_xliff(path, memory, source_lang="ar", target_lang="en", version=version)
    return path, time.perf_counter() - start


# -- the cases (each runs in a child process of its own) --------------------------------------


def read_stream(path: Path) -> tuple[int, int]:
    from tmkit.formats.xliff import XliffReader

    units = chars = 0
    for unit in XliffReader(path):
        units += 1
        chars += sum(len(variant.segment.plain) for variant in unit.variants)
    return units, chars


def read_memory(path: Path) -> tuple[int, int]:
    from tmkit.formats.xliff import read_xliff

    memory, _, _ = read_xliff(path)
    chars = sum(len(variant.segment.plain) for unit in memory.units for variant in unit.variants)
    return len(memory.units), chars


def _texts(elem: Any, ns: str) -> int:
    """Characters of a unit's sources and targets (1.2: children of the unit; 2.x: of its segments)."""
    chars = 0
    for tag in ("source", "target"):
        for found in elem.iter(f"{{{ns}}}{tag}"):
            chars += len("".join(found.itertext()))
    return chars


def read_iterparse(path: Path) -> tuple[int, int]:
    from lxml import etree

    from tmkit.formats.xml_safety import SAFE_XML_OPTIONS

    units = chars = 0
    tags = (f"{{{XLIFF12_NS}}}trans-unit", f"{{{XLIFF2_NS}}}unit")
    with open(path, "rb") as handle:
        for _event, elem in etree.iterparse(handle, events=("end",), tag=tags, **SAFE_XML_OPTIONS):
            units += 1
            chars += _texts(elem, etree.QName(elem).namespace)
            elem.clear()
            while elem.getprevious() is not None:
                del elem.getparent()[0]
    return units, chars


def read_tree(path: Path) -> tuple[int, int]:
    from lxml import etree

    from tmkit.formats.xml_safety import SAFE_XML_OPTIONS

    root = etree.parse(str(path), etree.XMLParser(**SAFE_XML_OPTIONS)).getroot()
    units = chars = 0
    for elem in root.iter(f"{{{XLIFF12_NS}}}trans-unit", f"{{{XLIFF2_NS}}}unit"):
        units += 1
        chars += _texts(elem, etree.QName(elem).namespace)
    return units, chars


READ_CASES: dict[str, Callable[[Path], tuple[int, int]]] = {
    STREAM_CASE: read_stream,
    MEMORY_CASE: read_memory,
    ITERPARSE_CASE: read_iterparse,
    TREE_CASE: read_tree,
}
CASE_IMPORTS = {
    STREAM_CASE: "tmkit.formats.xliff",
    MEMORY_CASE: "tmkit.formats.xliff",
    ITERPARSE_CASE: "tmkit.formats.xml_safety",
    TREE_CASE: "tmkit.formats.xml_safety",
}


def _rss_mb() -> float:
    """This process's peak RSS. On Linux VmHWM, which starts afresh at exec; ru_maxrss would carry the
    parent's peak over into the child (and the parent may have held a generated memory)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    # ru_maxrss is in KiB on Linux, in bytes on macOS.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def run_child(case: str, path: Path) -> dict[str, Any]:
    """Run one case in this process and describe it; called in a fresh process for each case."""
    importlib.import_module(CASE_IMPORTS[case])
    importlib.import_module("lxml.etree")
    result: dict[str, Any] = {"case": case, "rss_before_mb": _rss_mb()}
    start = time.perf_counter()
    result["units"], result["chars"] = READ_CASES[case](path)
    result["seconds"] = time.perf_counter() - start
    result["rss_mb"] = _rss_mb()
    return result


# -- the parent: runs the cases and reports ---------------------------------------------------


def _warm(path: Path) -> None:
    """Read the file once so every case starts with it in the page cache."""
    with open(path, "rb") as handle:
        while handle.read(1 << 24):
            pass


def _spawn(case: str, path: Path) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", case, "--child-path", str(path)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        lines = (proc.stderr or proc.stdout).strip().splitlines() or [f"exit status {proc.returncode}"]
        return {"case": case, "error": f"failed: {lines[-1]}"}
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _measure(case: str, path: Path, units: int, *, repeat: int) -> dict[str, Any]:
    """Best time of ``repeat`` runs, each in a fresh process, with the highest peak RSS seen."""
    runs = [_spawn(case, path) for _ in range(repeat)]
    failed = [r for r in runs if "error" in r]
    if failed:
        return failed[0]
    best = min(runs, key=lambda r: r["seconds"])
    best["rss_mb"] = max(r["rss_mb"] for r in runs)
    if best["units"] != units:
        best["error"] = f"read {best['units']} units, expected {units}"
    return best


def machine() -> dict[str, Any]:
    import lxml.etree

    return {
        "python": platform.python_version(),
        "lxml": ".".join(str(part) for part in lxml.etree.LXML_VERSION),
        "platform": platform.platform(),
        "cpus": len(__import__("os").sched_getaffinity(0)),
    }


def report(rows: list[dict[str, Any]]) -> list[str]:
    lines = [f"{'XLIFF':>5}  {'MB':>6}  {'case':<20}{'seconds':>9}{'units/s':>10}{'peak RSS MB':>13}"]
    for row in rows:
        if "error" in row:
            lines.append(f"{row['version']:>5}  {row['file_mb']:>6.1f}  {row['case']:<20}{row['error']}")
            continue
        rate = row["units"] / row["seconds"] if row["seconds"] else 0.0
        lines.append(
            f"{row['version']:>5}  {row['file_mb']:>6.1f}  {row['case']:<20}"
            f"{row['seconds']:>9.2f}{rate:>10,.0f}{row['rss_mb']:>13.1f}"
        )
    lines.append("")
    lines.append(f"{'XLIFF':>5}  {'speed vs iterparse':>19}  {'RSS vs iterparse':>17}  {'RSS vs whole tree':>18}")
    for version in dict.fromkeys(row["version"] for row in rows):
        by_case = {r["case"]: r for r in rows if r["version"] == version and "error" not in r}
        stream, lxml_stream, tree = by_case.get(STREAM_CASE), by_case.get(ITERPARSE_CASE), by_case.get(TREE_CASE)
        speed = f"{lxml_stream['seconds'] / stream['seconds']:.2f}x" if stream and lxml_stream else "n/a"
        rss = f"{stream['rss_mb'] / lxml_stream['rss_mb']:.2f}x" if stream and lxml_stream else "n/a"
        vs_tree = f"{stream['rss_mb'] / tree['rss_mb']:.2f}x" if stream and tree else "n/a"
        lines.append(f"{version:>5}  {speed:>19}  {rss:>17}  {vs_tree:>18}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=DEFAULT_UNITS, help="units per generated file")
    parser.add_argument("--versions", default=",".join(DEFAULT_VERSIONS), help="XLIFF versions, comma-separated")
    parser.add_argument("--cases", default=",".join(READ_CASES), help="cases to run, comma-separated")
    parser.add_argument("--repeat", type=int, default=1, help="runs per case; the best time is kept")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--json", type=Path, help="save the results as JSON")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-path", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(run_child(args.child, args.child_path)))
        return 0
    cases = [case.strip() for case in args.cases.split(",") if case.strip()]
    unknown = [case for case in cases if case not in READ_CASES]
    if unknown:
        parser.error(f"unknown case {unknown[0]!r}; choose from {', '.join(READ_CASES)}")
    rows: list[dict[str, Any]] = []
    for version in args.versions.split(","):
        path, took = ensure_data(args.data_dir, args.units, version, args.seed)
        if took is not None:
            print(f"generated {path.name} in {took:.1f} s", file=sys.stderr)
        file_mb = path.stat().st_size / 1e6
        for case in cases:
            _warm(path)
            row = _measure(case, path, args.units, repeat=args.repeat)
            row.update(version=version, file_mb=file_mb)
            rows.append(row)
            print(f"  {version} {case}: {row.get('seconds', row.get('error'))}", file=sys.stderr)
    print("\n".join(report(rows)))
    if args.json:
        args.json.write_text(json.dumps({"machine": machine(), "results": rows}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
