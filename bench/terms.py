"""Term recognition benchmark: precision and recall against plain exact matching, and speed with 50,000 terms.

Quality: the sample termbase (`samples/terms.tbx`) on sentences written for this benchmark, each
annotated by hand with the concepts it holds (the terms as written there: with clitics, harakat or
none, hamza or none, ه for ة, duals and plurals, English plurals and possessives) and with
distractors (words that contain a term or share its letters). A hit is a (sentence, concept) pair;
every system keeps its leftmost longest hits, as `tmkit qa` does. Baselines in the same run:
exact substring lookup of each term (what most CAT tools do) and exact whole-word lookup.

Speed: a termbase of 50,000 synthetic terms (one to four words drawn from the words of the sample
memories, plus the sample termbase) per language; the time to build the recognizer, and the time
to recognize each sentence of the sample article (Arabic, then English), median / p95 / max.

    python bench/terms.py [--terms 50000] [--rounds 20]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tmkit.formats.tmx_reader import load_tmx  # noqa: E402
from tmkit.terms.model import Concept, Term, Termbase  # noqa: E402
from tmkit.terms.recognize import TermRecognizer  # noqa: E402
from tmkit.terms.tbx import read_tbx  # noqa: E402

SAMPLES = ROOT / "samples"
DEFAULT_TERMS = 50_000
DEFAULT_ROUNDS = 20
SEED = 11

# (sentence, the terms it holds as the termbase writes them): one term per concept, leftmost longest.
ARABIC = [
    (
        "وأكد الرئيسُ الأسدُ أهميةَ تعزيزِ العلاقاتِ الثنائيةِ مع روسيا الاتحادية.",
        ["الرئيس الأسد", "العلاقات الثنائية", "روسيا الاتحادية"],
    ),
    (
        "وبحث الوفدان سبل تطوير التعاون الاقتصادي والاستثمار في قطاع الكهرباء.",
        ["الوفد", "التعاون الاقتصادي", "الاستثمار", "قطاع الكهرباء"],
    ),
    ("ولفت إلى أن العقوباتِ الاقتصاديةَ الجائرةَ والحصارَ يستهدفان الشعبَ السوري.", ["العقوبات الاقتصادية", "الحصار"]),
    (
        "وتناولت المباحثاتُ الرسميةُ مشاريعَ إعادةِ الإعمارِ وتأهيلِ البنيةِ التحتيةِ.",
        ["المباحثات الرسمية", "إعادة الإعمار", "البنية التحتية"],
    ),
    (
        "وقال وزير الاقتصاد والتجارة الخارجية إن الصادرات السورية إلى روسيا ارتفعت.",
        ["وزير الاقتصاد والتجارة الخارجية", "الصادرات"],
    ),
    (
        "وتم الاتفاق على خفض تكاليف الشحن وزيادة حجم التبادل التجاري بين البلدين.",
        ["تكاليف الشحن", "حجم التبادل التجاري"],
    ),
    (
        "وأشار السفير الروسي في دمشق إلى أهمية النقل البحري بين الموانئ السورية والروسية.",
        ["السفير", "النقل البحري", "الموانئ"],
    ),
    ("وستعقد الدوره المقبله للجنه المشتركه في موسكو.", ["الدورة", "اللجنة المشتركة"]),
    ("وأعرب عن تقديره لوقوف روسيا إلى جانب سوريا في مواجهة الإرهاب.", ["الإرهاب"]),
    ("وأكد المسؤولون أن المستثمرين الروس مرحب بهم في السوقِ السوريةِ.", ["المستثمر", "السوق السورية"]),
    (
        "وتشمل الاتفاقيات قطاعات الاتصالات والتقنية الرقمية والمنتجات الطبية.",
        ["الاتصالات", "التقانة الرقمية", "المنتجات الطبية"],
    ),
    ("وشدد على ضرورة حماية القطاعاتِ الحيويةِ من آثار الجائحة.", ["القطاعات الحيوية", "الجائحة"]),
    ("ووصلت إلى مطار دمشق دفعة جديدة من لقاحات فيروس كورونا.", ["اللقاح", "فيروس كورونا"]),
    (
        "وتم بحث التعاونِ في مجالات الطاقةِ والزراعةِ والصناعةِ والجمارك.",
        ["التعاون", "الطاقة", "الزراعة", "الصناعة", "الجمارك"],
    ),
    ("وتبادل الجانبان وجهاتِ النظرِ حول نتائج القمةِ الأخيرة.", ["وجهات النظر", "القمة"]),
    (
        "وهنأ نائبُ رئيسِ الوزراءِ الروسي يوري بوريسوف الرئيسَ بإعادةِ انتخابه.",
        ["نائب رئيس الوزراء", "يوري بوريسوف", "الرئيس", "إعادة انتخاب"],
    ),
    (
        "وأكد وزير شؤون رئاسة الجمهورية أن الشراكة الاقتصادية مع روسيا استراتيجية.",
        ["وزير شؤون رئاسة الجمهورية", "الشراكة الاقتصادية"],
    ),
    ("كما استقبل السفراء المعتمدين لدى الجمهورية العربية السورية.", ["السفير", "الجمهورية العربية السورية"]),
    (
        "وناقشت فرقُ العملِ الفنيةُ مشروعاتِ الحمضياتِ والمنتجاتِ الزراعيةِ.",
        ["فرق العمل الفنية", "الحمضيات", "المنتجات الزراعية"],
    ),
    ("وأشاد بالمشاريع المشتركة وبالاستثمارات المشتركة بين البلدين.", ["المشاريع المشتركة", "الاستثمارات المشتركة"]),
    ("وتعمل الحكومة على تحديث السكك الحديدية ومرافئ الساحل.", ["السكك الحديدية", "الموانئ"]),
    ("وأكد الجانبان الاحترامَ المتبادلَ واحترامَ السيادةِ الوطنية.", ["الاحترام المتبادل", "السيادة"]),
    ("وقال مدير الدورات التدريبية إن الكتابة الرئيسية للتقرير جاهزة.", []),
    ("وبدوره، أشار المسؤول الحكومي إلى أهمية الطاقات الشبابية.", []),
    ("ودعا إلى رفع الحصار الجائر وإنهاء العقوبات.", ["الحصار"]),
    (
        "وفي لقائه مع الوفدِ الحكوميِّ، أكد الرئيس بشار الأسد أهمية إعادة الإعمار.",
        ["الوفد الحكومي", "الرئيس", "إعادة الإعمار"],
    ),
    (
        "وأوضح أن اعادة الاعمار تحتاج الى استثمارات كبيرة في البنيه التحتيه.",
        ["إعادة الإعمار", "الاستثمار", "البنية التحتية"],
    ),
    ("والتقى رئيس الوزراء السوري بالسفير الروسي ألكسندر يفيموف.", ["رئيس الوزراء", "السفير", "ألكسندر يفيموف"]),
    ("وأكد أن للتعاون الاقتصادي آفاقاً واسعة.", ["التعاون الاقتصادي"]),
    ("وتركزت المحادثات على متابعة تنفيذ الاتفاقيات الموقعة.", []),
]
ENGLISH = [
    ("The Joint Commission's 13th session will be held in Moscow.", ["joint commission", "session"]),
    ("Both sides discussed economic sanctions and the blockade imposed on Syria.", ["economic sanctions", "blockade"]),
    (
        "Investors praised the joint projects in the electricity sector.",
        ["investor", "joint projects", "electricity sector"],
    ),
    ("Shipments of vaccines against the coronavirus arrived at Syrian ports.", ["vaccine", "coronavirus", "ports"]),
    (
        "The Minister of Economy and Foreign Trade met Russian investors.",
        ["Minister of Economy and Foreign Trade", "investor"],
    ),
    ("Officials stressed the importance of infrastructure and reconstruction.", ["infrastructure", "reconstruction"]),
    ("The subsectors of the economy recovered; sessional staff were hired.", []),
    (
        "The pandemic hit exports, customs revenue and maritime shipping.",
        ["pandemic", "exports", "customs", "maritime shipping"],
    ),
    (
        "Deputy Prime Minister Yury Borisov headed the government delegation.",
        ["Deputy Prime Minister", "Yury Borisov", "government delegation"],
    ),
    ("The delegations exchanged views on regional security and energy.", ["delegation", "views", "energy"]),
    ("Railways and telecommunications were on the summit's agenda.", ["railways", "telecommunications", "summit"]),
    (
        "Citrus fruit and agricultural products top the list of exports to the Russian Federation.",
        ["citrus fruit", "agricultural products", "exports", "Russian Federation"],
    ),
    (
        "Syria's sovereignty and mutual respect were affirmed in bilateral relations.",
        ["sovereignty", "mutual respect", "bilateral relations"],
    ),
    ("President al-Assad thanked Russia for its stance against terrorism.", ["President al-Assad", "terrorism"]),
    (
        "The volume of trade and freight costs were discussed by technical working groups.",
        ["volume of trade", "freight costs", "technical working groups"],
    ),
    ("Energetic presidential advisers spoke.", []),
]


def _concept_of(termbase: Termbase, lang: str) -> dict[str, str]:
    return {t.text.casefold(): c.id for c in termbase for t in c.terms if t.lang.startswith(lang)}


def _longest(spans: list[tuple[int, int, str]]) -> set[str]:
    kept: set[str] = set()
    reach = -1
    for start, end, concept in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if start >= reach:
            kept.add(concept)
            reach = end
    return kept


def _exact(text: str, terms: list[tuple[str, str]], *, whole_words: bool) -> set[str]:
    spans = []
    for term, concept in terms:
        pattern = (r"(?<!\w)" + re.escape(term) + r"(?!\w)") if whole_words else re.escape(term)
        spans += [(m.start(), m.end(), concept) for m in re.finditer(pattern, text)]
    return _longest(spans)


def quality(termbase: Termbase) -> None:
    print("Recognition of the sample termbase's terms (sentences annotated by hand; (sentence, concept) pairs):")
    print(f"{'side':<8}{'system':<26}{'precision':>10}{'recall':>8}{'F1':>7}   found / right / annotated")
    for lang, other, sentences in (("ar", "en", ARABIC), ("en", "ar", ENGLISH)):
        ids = _concept_of(termbase, lang)
        terms = [(t.text, c.id) for c in termbase for t in c.terms if t.lang.startswith(lang)]
        recognizer = termbase.recognizer(lang, other)
        systems: dict[str, Callable[[str], set[str]]] = {
            "tmkit": lambda s, r=recognizer: {h.concept.id for h in r.recognize(s, overlapping=False)},
            "exact substring": lambda s, t=terms: _exact(s, t, whole_words=False),
            "exact whole word": lambda s, t=terms: _exact(s, t, whole_words=True),
        }
        gold = [{ids[g.casefold()] for g in expected} for _, expected in sentences]
        for name, find in systems.items():
            found = [find(s) for s, _ in sentences]
            right = sum(len(f & g) for f, g in zip(found, gold, strict=True))
            n_found, n_gold = sum(map(len, found)), sum(map(len, gold))
            precision, recall = right / max(n_found, 1), right / max(n_gold, 1)
            f1 = 2 * precision * recall / max(precision + recall, 1e-9)
            print(f"{lang:<8}{name:<26}{precision:>10.3f}{recall:>8.3f}{f1:>7.3f}   {n_found} / {right} / {n_gold}")
            if name == "tmkit":
                for (sentence, _), f, g in zip(sentences, found, gold, strict=True):
                    for concept in sorted(f - g):
                        print(f"          extra {concept}: {sentence}")
                    for concept in sorted(g - f):
                        print(f"          missed {concept}: {sentence}")


#: The most frequent words of the memories, left out of synthetic terms: a termbase has no terms "في" or "the".
COMMON_WORDS = 300


def _vocabulary(lang: str) -> list[str]:
    counts: Counter[str] = Counter()
    for name in ("news-memory.tmx", "earlier-visits.tmx", "article.tmx"):
        for _, ar, en in load_tmx(SAMPLES / name).pairs("ar", "en"):
            counts.update(re.findall(r"\w+", (ar if lang == "ar" else en).text))
    common = {w for w, _ in counts.most_common(COMMON_WORDS)}
    return sorted(w for w in counts if not w.isdigit() and w not in common)


def _percentiles(times: list[float]) -> str:
    times = sorted(times)
    return f"{statistics.median(times):>8.3f}{times[int(len(times) * 0.95)]:>8.3f}{times[-1]:>8.3f}"


def speed(sample: Termbase, size: int, rounds: int) -> None:
    rng = random.Random(SEED)
    article = load_tmx(SAMPLES / "article.tmx")
    texts = {
        "ar": [ar.text for _, ar, _ in article.pairs("ar", "en")],
        "en": [en.text for _, _, en in article.pairs("ar", "en")],
    }
    print(
        f"\nSpeed: a termbase of {size:,} terms per language, the article's {len(texts['ar'])} sentences × {rounds} rounds"
        f" (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores: CPU time is the cost, wall time what was felt)"
    )
    print(f"{'':<6}{'CPU s':>8}{'':>28}{'CPU ms per segment':>24}{'wall ms per segment':>24}")
    print(
        f"{'lang':<6}{'build':>8}{'terms':>8}{'words/seg':>10}{'hits/seg':>10}"
        f"{'median':>8}{'p95':>8}{'max':>8}{'median':>8}{'p95':>8}{'max':>8}"
    )
    for lang, other in (("ar", "en"), ("en", "ar")):
        vocabulary = _vocabulary(lang)
        big = Termbase(concepts=[Concept(c.id, list(c.terms)) for c in sample])
        for number in range(size - len(sample)):
            words = rng.choices(vocabulary, k=rng.choice((1, 2, 2, 3, 3, 4)))
            big.concepts.append(Concept(f"s{number}", [Term(" ".join(words), lang), Term(f"t{number}", other)]))
        started = time.thread_time()
        recognizer = TermRecognizer(big, source_lang=lang, target_lang=other)
        build = time.thread_time() - started
        cpu: list[float] = []
        wall: list[float] = []
        hits = 0
        for _ in range(rounds):
            for text in texts[lang]:
                started_cpu, started = time.thread_time(), time.perf_counter()
                found = recognizer.recognize(text)
                wall.append((time.perf_counter() - started) * 1000)
                cpu.append((time.thread_time() - started_cpu) * 1000)
                hits += len(found)
        words = statistics.mean(len(re.findall(r"\w+", t)) for t in texts[lang])
        print(
            f"{lang:<6}{build:>8.2f}{len(recognizer):>8,}{words:>10.1f}{hits / len(wall):>10.1f}"
            f"{_percentiles(cpu)}{_percentiles(wall)}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--terms", type=int, default=DEFAULT_TERMS, help="terms in the speed termbase")
    parser.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS, help="passes over the article for speed")
    args = parser.parse_args()
    sample = read_tbx(SAMPLES / "terms.tbx").termbase
    quality(sample)
    speed(sample, args.terms, args.rounds)


if __name__ == "__main__":
    main()
