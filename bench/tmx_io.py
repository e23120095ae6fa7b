"""Benchmark of TMX reading and writing: tmkit against raw lxml and translate-toolkit on Arabic–English TMX."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import platform
import random
import resource
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tmkit.memory.model import Content, Header, TranslationUnit

# Imports of tmkit, lxml and translate-toolkit are made inside the functions that need them, so
# that each measuring child process loads only what its own case uses (that is its peak RSS).

#: Bump when the generated content changes, so cached files are made anew.
GENERATOR_VERSION = 1
DEFAULT_SIZES = (10_000, 100_000, 1_000_000)
DEFAULT_SEED = 20_240_601
DEFAULT_DATA_DIR = Path(__file__).resolve().parent / ".data"
DEFAULT_TTK_MAX = 1_000_000
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
STATUS_PROP = "x-tmkit-status"
TTK_SKIPPED = "skipped (pip install tmkit[bench])"

#: Goals the numbers are checked against.
GOAL_READ_VS_LXML = 0.5
GOAL_READ_VS_TTK = 3.0
GOAL_RSS_1M_MB = 300.0

# -- vocabulary -----------------------------------------------------------------------------

# Modern Standard Arabic: nouns, verbs, adjectives, function words, and some fully vowelled forms.
_ARABIC = """
كتاب مدرسة جامعة طالب طالبة معلم أستاذ بيت مدينة دولة حكومة وزارة وزير رئيس شعب مجتمع اقتصاد
سياسة تعليم صحة مستشفى طبيب مريض دواء علاج ماء طعام خبز سوق تجارة شركة عمل عامل موظف مكتب مدير
مشروع برنامج خطة تقرير دراسة بحث نتيجة نتائج سؤال جواب مشكلة حل فكرة رأي قرار قانون حق حقوق حرية
أمن سلام حرب جيش منطقة بلد عالم تاريخ ثقافة لغة كلمة جملة نص ترجمة مترجم قاموس معنى رسالة خبر
أخبار صحيفة مجلة إذاعة تلفزيون شبكة حاسوب هاتف جهاز تقنية علم علوم معرفة فن أدب شعر رواية قصة
كاتب قارئ مكتبة صفحة فصل باب يوم أسبوع شهر سنة عام وقت ساعة دقيقة صباح مساء ليل نهار طريق شارع
سيارة قطار طائرة مطار سفر رحلة زيارة ضيف أسرة عائلة أب أم أخ أخت ابن بنت طفل أطفال صديق رجل امرأة
إنسان ناس حياة أرض سماء بحر نهر جبل شمس قمر مطر هواء طاقة نفط كهرباء بيئة مناخ زراعة صناعة مصنع
إنتاج سعر أسعار مال ميزانية مصرف نمو تنمية تعاون اتفاق اتفاقية مفاوضات مؤتمر اجتماع جلسة لجنة مجلس
برلمان انتخابات حزب منظمة الأمم المتحدة العربية الدولية الوطنية الحكومة الوزير الرئيس التعليم
الاقتصاد المدينة الجامعة الطلاب الشركة السوق المشروع التقرير القانون المنطقة العالم اللغة الترجمة
قال أعلن أكد أشار أضاف ذكر كتب قرأ درس تعلم عمل ذهب جاء رجع خرج دخل سافر وصل بدأ انتهى استمر قدم
طلب سأل أجاب فهم عرف رأى سمع شاهد وجد أخذ أعطى فتح أغلق بنى حقق ناقش اتفق شارك ساعد استخدم يمكن
يجب يريد يستطيع يعمل يكتب يقرأ يدرس يقول يعتبر يتضمن تهدف تسعى كبير صغير جديد قديم جميل مهم كثير
قليل أول آخر عربي دولي وطني محلي خاص اقتصادي سياسي اجتماعي ثقافي علمي صحي سريع بطيء طويل قصير
جيد سيئ صعب سهل ممكن ضروري رئيسي أساسي حديث في من إلى على عن مع بعد قبل بين حول خلال منذ حتى عند
لدى تحت فوق أمام وراء هذا هذه ذلك تلك هؤلاء الذي التي الذين ما ماذا لماذا كيف متى أين هل لا لم لن
إن أن كان كانت ليس قد كل بعض غير أي أو ثم لكن بل أيضا فقط جدا حيث إذا لأن
كِتَابٌ الْعِلْمُ مَدْرَسَةٌ يَكْتُبُ قَرَأَ الطَّالِبُ اللُّغَةُ الْعَرَبِيَّةُ السَّلَامُ عَلَيْكُمْ مُهِمٌّ جَمِيلٌ الْحَيَاةُ بَيْتٌ ذَهَبَ
الْمَدِينَةِ
"""

_ENGLISH = """
the of and to in a is that for it as with was on be by this are from at have not an or which they
but we has will their one all also were more been would there can its new other after first two
people year years time government state world country city school university student teacher book
language translation text word report study research result question answer problem solution idea
decision law right rights freedom security peace war region history culture letter news newspaper
program plan project company market trade work worker office manager water food health hospital
doctor patient medicine education economy policy society family child children friend man woman life
day week month morning evening night road street car train plane airport travel visit guest father
mother brother sister son daughter land sky sea river mountain sun moon rain air energy oil
electricity environment climate agriculture industry factory production price money budget bank
growth development cooperation agreement negotiations conference meeting session committee council
parliament elections party organization united nations international national arab local public
private economic political social cultural scientific important large small old beautiful many few
last long short good bad difficult easy possible necessary main basic modern fast slow said
announced confirmed noted added wrote read studied learned taught worked went came returned left
entered traveled arrived began ended continued presented requested asked answered understood knew
saw heard watched found took gave opened closed built achieved discussed agreed participated helped
used must should could may might very only however because when where while during before between
about under over through against within without since until each every some any both such same own
several most minister president ministry dictionary meaning message magazine radio television
network computer phone device technology science knowledge art literature poetry novel story writer
reader library page chapter door hour minute
"""

ARABIC_WORDS: tuple[str, ...] = tuple(dict.fromkeys(_ARABIC.split()))
ENGLISH_WORDS: tuple[str, ...] = tuple(dict.fromkeys(_ENGLISH.split()))
DOMAINS = ("legal", "medical", "news", "technical", "finance", "education")
STATUS_WEIGHTS = {"new": 2, "draft": 8, "translated": 60, "reviewed": 20, "final": 10}
_EPOCH = datetime(2019, 1, 1, tzinfo=UTC)
_FIVE_YEARS = 5 * 365 * 86_400


# -- generated content ----------------------------------------------------------------------


def _sentence(rng: random.Random, words: tuple[str, ...], length: int, arabic: bool) -> list[str]:
    chosen = rng.choices(words, k=length)
    if not arabic:
        chosen[0] = chosen[0].capitalize()
    if length > 12 and rng.random() < 0.5:
        at = rng.randrange(3, length - 3)
        chosen[at] += "،" if arabic else ","
    end = ("؟" if arabic else "?") if rng.random() < 0.08 else "."
    chosen[-1] += end
    return chosen


def _content(words: list[str], markup: str | None, span: tuple[int, int]) -> tuple[Content, ...]:
    from tmkit.memory.model import Inline, normalize_content

    if markup is None:
        return (" ".join(words),)
    start, end = span
    before = " ".join(words[:start])
    if markup == "ph":
        after = " ".join(words[start:])
        return normalize_content([before + " ", Inline("ph", (("x", "1"),)), " " + after])
    inner = " ".join(words[start:end])
    after = " ".join(words[end:])
    return normalize_content(
        [
            before + " ",
            Inline("bpt", (("i", "1"),), ("<b>",)),
            inner,
            Inline("ept", (("i", "1"),), ("</b>",)),
            (" " + after) if after else "",
        ]
    )


def _span(rng: random.Random, length: int) -> tuple[int, int]:
    start = rng.randrange(1, length - 1)
    return start, min(length, start + rng.randint(1, 3))


def header() -> Header:
    """The header of every generated file."""
    from tmkit.memory.model import Header, Prop

    return Header(
        srclang="ar",
        adminlang="en",
        creation_date="20240601T000000Z",
        creation_id="tmkit-bench",
        props=[Prop("x-generator", f"bench/tmx_io.py v{GENERATOR_VERSION}")],
    )


def generate_units(count: int, seed: int) -> Iterator[TranslationUnit]:
    """``count`` Arabic–English units, the same ones for the same seed."""
    from tmkit.memory.model import Prop, Segment, Status, TranslationUnit, Variant

    rng = random.Random(seed)
    statuses = [Status(name) for name in STATUS_WEIGHTS]
    weights = list(STATUS_WEIGHTS.values())
    for n in range(count):
        ar_len = int(rng.triangular(5, 40, 14))
        en_len = max(5, min(40, round(ar_len * rng.uniform(1.0, 1.5))))
        ar_words = _sentence(rng, ARABIC_WORDS, ar_len, arabic=True)
        en_words = _sentence(rng, ENGLISH_WORDS, en_len, arabic=False)
        roll = rng.random()
        markup = "bpt" if roll < 0.03 else "ph" if roll < 0.05 else None
        ar_span = _span(rng, ar_len)
        en_span = _span(rng, en_len)
        created = _EPOCH + timedelta(seconds=rng.randrange(_FIVE_YEARS))
        unit = TranslationUnit(
            tuid=f"tu-{n + 1:07d}",
            creation_date=created.strftime("%Y%m%dT%H%M%SZ"),
            creation_id=rng.choice(("amal", "omar", "sara", "yusuf")),
            status=rng.choices(statuses, weights)[0],
            props=[Prop("x-domain", rng.choice(DOMAINS))],
            variants=[
                Variant("ar", Segment(_content(ar_words, markup, ar_span))),
                Variant("en", Segment(_content(en_words, markup, en_span))),
            ],
        )
        if rng.random() < 0.3:
            changed = created + timedelta(seconds=rng.randrange(86_400 * 90))
            unit.change_date = changed.strftime("%Y%m%dT%H%M%SZ")
        yield unit


def data_file(data_dir: Path, count: int, seed: int) -> Path:
    return data_dir / f"ar-en-{count}-v{GENERATOR_VERSION}-s{seed}.tmx"


def ensure_data(data_dir: Path, count: int, seed: int) -> tuple[Path, float | None]:
    """The cached file of ``count`` units, written with tmkit's writer if missing (and the time that took)."""
    path = data_file(data_dir, count, seed)
    if path.exists():
        return path, None
    from tmkit.formats.tmx_writer import write_tmx

    data_dir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    write_tmx(path, header=header(), units=generate_units(count, seed))
    return path, time.perf_counter() - start


# -- the cases (each runs in a child process of its own) --------------------------------------


def read_tmkit(path: Path) -> tuple[int, int]:
    from tmkit.formats.tmx_reader import TmxReader

    units = chars = 0
    for unit in TmxReader(path):
        units += 1
        for variant in unit.variants:
            chars += len(variant.segment.plain)
    return units, chars


def read_lxml(path: Path) -> tuple[int, int]:
    from lxml import etree

    units = chars = 0
    with open(path, "rb") as f:
        context = etree.iterparse(
            f, events=("end",), tag="tu", resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
        )
        for _event, elem in context:
            units += 1
            texts = [
                (tuv.get(XML_LANG), "".join(seg.itertext()))
                for tuv in elem.iterfind("tuv")
                for seg in tuv.iterfind("seg")
            ]
            chars += sum(len(text) for _lang, text in texts)
            elem.clear()
            while elem.getprevious() is not None:
                del elem.getparent()[0]
    return units, chars


def read_ttk(path: Path) -> tuple[int, int]:
    from translate.storage.tmx import tmxfile

    store = tmxfile.parsefile(str(path))
    units = chars = 0
    for unit in store.units:
        units += 1
        chars += len(unit.source or "") + len(unit.target or "")
    return units, chars


def write_tmkit(path: Path, head: Header, units: list[TranslationUnit]) -> None:
    from tmkit.formats.tmx_writer import write_tmx

    write_tmx(path, header=head, units=units)


def _fill(parent: Any, content: Iterable[Content]) -> None:
    from lxml import etree

    last = None
    for part in content:
        if isinstance(part, str):
            if last is None:
                parent.text = (parent.text or "") + part
            else:
                last.tail = (last.tail or "") + part
        else:
            last = etree.SubElement(parent, part.tag, dict(part.attrs))
            _fill(last, part.content)


def write_lxml(path: Path, head: Header, units: list[TranslationUnit]) -> None:
    """The same document through lxml's incremental `xmlfile` writer, flushed to disk as tmkit does."""
    from lxml import etree

    header_attrs = {
        "creationtool": "lxml",
        "creationtoolversion": ".".join(map(str, etree.LXML_VERSION)),
        "segtype": head.segtype,
        "o-tmf": head.o_tmf,
        "adminlang": head.adminlang,
        "srclang": head.srclang,
        "datatype": head.datatype,
        "creationdate": head.creation_date or "",
    }
    with open(path, "wb") as f:
        with etree.xmlfile(f, encoding="utf-8") as xf:
            xf.write_declaration()
            with xf.element("tmx", version="1.4"):
                head_elem = etree.Element("header", header_attrs)
                for p in head.props:
                    etree.SubElement(head_elem, "prop", type=p.type).text = p.value
                xf.write(head_elem)
                with xf.element("body"):
                    for unit in units:
                        attrs = {"tuid": unit.tuid or "", "creationdate": unit.creation_date or ""}
                        if unit.creation_id:
                            attrs["creationid"] = unit.creation_id
                        if unit.change_date:
                            attrs["changedate"] = unit.change_date
                        tu = etree.Element("tu", attrs)
                        etree.SubElement(tu, "prop", type=STATUS_PROP).text = unit.status.value
                        for p in unit.props:
                            etree.SubElement(tu, "prop", type=p.type).text = p.value
                        for v in unit.variants:
                            tuv = etree.SubElement(tu, "tuv", {XML_LANG: v.lang})
                            _fill(etree.SubElement(tuv, "seg"), v.segment.content)
                        xf.write(tu)
        f.flush()
        os.fsync(f.fileno())


READ_CASES = {"tmkit read": read_tmkit, "lxml iterparse read": read_lxml, "translate-toolkit read": read_ttk}
WRITE_CASES = {"tmkit write": write_tmkit, "lxml xmlfile write": write_lxml}
CASES = [*READ_CASES, *WRITE_CASES]
#: What each case imports, done before its clock starts so that import time is not measured.
CASE_IMPORTS = {
    "tmkit read": "tmkit.formats.tmx_reader",
    "lxml iterparse read": "lxml.etree",
    "translate-toolkit read": "translate.storage.tmx",
    "tmkit write": "tmkit.formats.tmx_writer",
    "lxml xmlfile write": "lxml.etree",
}


def _rss_mb() -> float:
    # ru_maxrss is in KiB on Linux, in bytes on macOS.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def run_child(case: str, path: Path, count: int, seed: int, out_dir: Path) -> dict[str, Any]:
    """Run one case in this process and describe it; called in a fresh process for each case."""
    result: dict[str, Any] = {"case": case, "size": count}
    importlib.import_module(CASE_IMPORTS[case])
    if case in READ_CASES:
        start = time.perf_counter()
        units, chars = READ_CASES[case](path)
        result["seconds"] = time.perf_counter() - start
        result["units"], result["chars"] = units, chars
    else:
        head = header()
        units_list = list(generate_units(count, seed))
        result["rss_before_mb"] = _rss_mb()
        target = out_dir / f".write-{case.split(maxsplit=1)[0]}-{count}.tmx"
        try:
            start = time.perf_counter()
            WRITE_CASES[case](target, head, units_list)
            result["seconds"] = time.perf_counter() - start
            result["units"] = len(units_list)
            result["bytes"] = target.stat().st_size
        finally:
            target.unlink(missing_ok=True)
    result["rss_mb"] = _rss_mb()
    return result


# -- the parent: runs the cases and reports ---------------------------------------------------


def _warm(path: Path) -> None:
    """Read the file once so every reading case starts with it in the page cache."""
    with open(path, "rb") as f:
        while f.read(1 << 24):
            pass


def _spawn(case: str, path: Path, count: int, seed: int, data_dir: Path) -> dict[str, Any]:
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        case,
        "--child-path",
        str(path),
        "--child-count",
        str(count),
        "--seed",
        str(seed),
        "--data-dir",
        str(data_dir),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        lines = (proc.stderr or proc.stdout).strip().splitlines() or [f"exit status {proc.returncode}"]
        return {"case": case, "size": count, "error": f"failed: {lines[-1]}"}
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    if result["units"] != count:
        result["error"] = f"read {result['units']} units, expected {count}"
    result["tus_per_s"] = result["units"] / result["seconds"] if result["seconds"] else None
    return result


def _measure(case: str, path: Path, count: int, seed: int, data_dir: Path, *, repeat: int) -> dict[str, Any]:
    """Best time of ``repeat`` runs, each in a fresh process, with the highest peak RSS seen."""
    runs = [_spawn(case, path, count, seed, data_dir) for _ in range(repeat)]
    failed = [r for r in runs if "error" in r]
    if failed:
        return failed[0]
    best = min(runs, key=lambda r: r["seconds"])
    best["rss_mb"] = max(r["rss_mb"] for r in runs)
    best["runs"] = [round(r["seconds"], 3) for r in runs]
    return best


def _ratio(results: list[dict[str, Any]], size: int, case: str, baseline: str) -> float | None:
    """How many times faster ``case`` is than ``baseline`` at ``size`` (below 1: slower)."""
    by_case = {r["case"]: r for r in results if r["size"] == size and "seconds" in r}
    if case not in by_case or baseline not in by_case:
        return None
    return float(by_case[baseline]["seconds"] / by_case[case]["seconds"])


def _fmt_ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    info: dict[str, Any] = {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
        "system": f"{platform.system()} {platform.release()} {platform.machine()}",
        "python": platform.python_version(),
    }
    for module in ("lxml", "translate-toolkit", "tmkit"):
        try:
            from importlib.metadata import version

            info[module] = version(module)
        except Exception:  # noqa: BLE001 - a missing package is simply not listed
            info[module] = None
    return info


def report(results: list[dict[str, Any]], sizes: list[int]) -> tuple[list[str], list[dict[str, Any]]]:
    """The table, ratio and goal lines printed, and the goal verdicts."""
    lines = [f"{'size':>9}  {'case':<24} {'seconds':>9} {'TUs/s':>10} {'peak RSS MB':>12}"]
    for r in results:
        head = f"{r['size']:>9,}  {r['case']:<24}"
        if "seconds" in r:
            lines.append(f"{head} {r['seconds']:>9.2f} {r['tus_per_s']:>10,.0f} {r['rss_mb']:>12.1f}")
        else:
            lines.append(f"{head} {r.get('error') or r.get('skipped')}")
    lines += ["", f"{'size':>9}  {'tmkit/lxml read':>16} {'tmkit/ttk read':>15} {'tmkit/lxml write':>17}"]
    for size in sizes:
        lxml_r = _ratio(results, size, "tmkit read", "lxml iterparse read")
        ttk_r = _ratio(results, size, "tmkit read", "translate-toolkit read")
        write_r = _ratio(results, size, "tmkit write", "lxml xmlfile write")
        lines.append(f"{size:>9,}  {_fmt_ratio(lxml_r):>16} {_fmt_ratio(ttk_r):>15} {_fmt_ratio(write_r):>17}")
    lines.append("")
    goals: list[dict[str, Any]] = []

    def goal(name: str, values: dict[str, float | None], ok: Any) -> None:
        known = {k: v for k, v in values.items() if v is not None}
        verdict = "n/a" if not known else "PASS" if all(ok(v) for v in known.values()) else "FAIL"
        goals.append({"goal": name, "verdict": verdict, "values": known})
        shown = ", ".join(f"{k} {v:.2f}" for k, v in known.items()) or "not measured"
        lines.append(f"{verdict:<4}  {name}: {shown}")

    goal(
        f"tmkit read >= {GOAL_READ_VS_LXML}x raw lxml speed",
        {f"{s:,}": _ratio(results, s, "tmkit read", "lxml iterparse read") for s in sizes},
        lambda v: v >= GOAL_READ_VS_LXML,
    )
    goal(
        f"tmkit read >= {GOAL_READ_VS_TTK}x translate-toolkit speed",
        {f"{s:,}": _ratio(results, s, "tmkit read", "translate-toolkit read") for s in sizes},
        lambda v: v >= GOAL_READ_VS_TTK,
    )
    rss_1m = next(
        (r["rss_mb"] for r in results if r["case"] == "tmkit read" and r["size"] == 1_000_000 and "rss_mb" in r), None
    )
    goal(
        f"tmkit read peak RSS on 1,000,000 TUs < {GOAL_RSS_1M_MB:.0f} MB", {"MB": rss_1m}, lambda v: v < GOAL_RSS_1M_MB
    )
    return lines, goals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="TU counts, comma-separated")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="where generated files are cached")
    parser.add_argument("--json", type=Path, metavar="OUT", help="save the results as JSON")
    parser.add_argument("--ttk-max", type=int, default=DEFAULT_TTK_MAX, help="largest size translate-toolkit reads")
    parser.add_argument("--repeat", type=int, default=1, help="runs per case; the best time is kept")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the generated content")
    parser.add_argument("--cases", default=",".join(CASES), help="cases to run, comma-separated")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-path", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-count", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        print(json.dumps(run_child(args.child, args.child_path, args.child_count, args.seed, args.data_dir)))
        return 0

    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    unknown = [c for c in cases if c not in CASES]
    if unknown:
        parser.error(f"unknown case(s) {unknown}; known: {CASES}")
    have_ttk = importlib.util.find_spec("translate") is not None
    info = machine()
    print(f"# {info['cpu']}, {info['cores']} cores, {info['system']}, Python {info['python']}, lxml {info['lxml']}")
    print(f"# load average at start: {info['load_average']} (other work on the machine skews the times)")

    results: list[dict[str, Any]] = []
    generated: dict[int, float] = {}
    for size in sizes:
        path, took = ensure_data(args.data_dir, size, args.seed)
        mb = path.stat().st_size / 1e6
        if took is not None:
            generated[size] = took
            print(f"# generated {path.name} ({mb:.0f} MB) in {took:.1f} s, generation included", flush=True)
        else:
            print(f"# using cached {path.name} ({mb:.0f} MB)", flush=True)
        for case in cases:
            if case == "translate-toolkit read" and not have_ttk:
                result: dict[str, Any] = {"case": case, "size": size, "skipped": TTK_SKIPPED}
            elif case == "translate-toolkit read" and size > args.ttk_max:
                result = {"case": case, "size": size, "skipped": f"skipped (--ttk-max {args.ttk_max:,})"}
            else:
                if case in READ_CASES:
                    _warm(path)
                result = _measure(case, path, size, args.seed, args.data_dir, repeat=args.repeat)
            result["file_mb"] = round(mb, 1)
            results.append(result)
            shown = result.get("skipped") or result.get("error") or f"{result['seconds']:.2f} s"
            print(f"#   {size:>9,} {case:<24} {shown}", flush=True)

    print()
    lines, goals = report(results, sizes)
    print("\n".join(lines))
    if args.json:
        payload = {
            "date": datetime.now(UTC).strftime("%Y-%m-%d"),
            "command": " ".join([Path(sys.executable).name, *sys.argv]),
            "machine": info,
            "generated_seconds": generated,
            "results": results,
            "goals": goals,
        }
        args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
