"""A shared memory's stored trigram hashes: the same from the client and the server, kept by imports and editors' writes."""

from __future__ import annotations

import random

import pytest

from tests.helpers import SAMPLES, run_cli
from tmkit.formats.tmx_reader import load_tmx
from tmkit.matching.matcher import Matcher
from tmkit.matching.memory_index import MemoryIndex
from tmkit.memory.model import Segment, TranslationUnit, Variant
from tmkit.shared.grams import key_grams, key_grams_many

pytestmark = pytest.mark.postgres


def _pair(arabic: str, english: str, **fields: object) -> TranslationUnit:
    return TranslationUnit(
        [Variant("ar", Segment.from_text(arabic)), Variant("en", Segment.from_text(english))],
        **fields,  # type: ignore[arg-type]
    )


def _filler(count: int) -> list[TranslationUnit]:
    return [_pair(f"جملة أخرى رقم {n} عن الوفد والزيارة", f"Another sentence {n}") for n in range(count)]


def _counts(url: str) -> dict[int, int]:
    import psycopg

    with psycopg.connect(url) as conn:
        return {int(g): int(c) for g, c in conn.execute("SELECT gram, segments FROM tmkit.gram_counts").fetchall()}


def _stored_grams(url: str, key: str) -> list[list[int]]:
    import psycopg

    with psycopg.connect(url) as conn:
        return [list(row[0]) for row in conn.execute("SELECT grams FROM tmkit.segments WHERE key = %s", [key])]


def test_the_client_and_the_server_hash_trigrams_alike(postgres_url: str) -> None:
    """Rows written by hand or migrated (the SQL function) must be found by the client's hashes, and the reverse."""
    import psycopg

    assert run_cli("db", "init", postgres_url).code == 0
    texts = ["", "a", "ab", "مرحبا بكم", "the café's 3 rooms, 2.5 km.", "٣ غرف 😀", "الــمدرسة؟ نعم!", "  two  spaces "]
    rng = random.Random(3)
    texts += ["".join(chr(rng.choice([rng.randrange(32, 127), rng.randrange(0x600, 0x700)])) for _ in range(40))]
    with psycopg.connect(postgres_url) as conn:
        for text, batched in zip(texts, key_grams_many(texts), strict=True):
            row = conn.execute("SELECT tmkit.key_grams(%s)", [text]).fetchone()
            assert row is not None
            assert list(row[0]) == key_grams(text).tolist() == batched.tolist(), text
    assert len(key_grams("مرحبا بكم")) == 8  # " مر", "مرح", … "با ", " بك", "بكم", "كم ": each word's, padded


def test_a_unit_added_after_the_import_is_found_and_its_grams_counted(postgres_url: str) -> None:
    from tmkit.shared.store import SharedMemory

    assert run_cli("db", "init", postgres_url).code == 0
    with SharedMemory(postgres_url) as memory:
        memory.import_units(_filler(60))
        before = _counts(postgres_url)
        # Words no imported unit holds: their trigrams were never counted.
        added = memory.add(_pair("زرافة برتقالية تقفز فوق القمر", "An orange giraffe jumps over the moon"))
        key = "زرافة برتقالية تقفز فوق القمر"
        new_grams = key_grams(key).tolist()
        assert any(gram not in before for gram in new_grams)
        assert _stored_grams(postgres_url, key) == [new_grams]
        after_add = _counts(postgres_url)
        for gram in new_grams:
            assert after_add[gram] == before.get(gram, 0) + 1
        [match] = memory.match("زرافة برتقالية تقفز فوق الجبل", source_lang="ar", target_lang="en")
        assert match.entry == added.id and match.target.plain == "An orange giraffe jumps over the moon"

        # An update counts the old text's grams out and the new one's in, and the new text is what is found.
        replacement = "سلحفاة خضراء تسبح تحت الجسر"
        memory.update(added.id, _pair(replacement, "A green turtle swims under the bridge"), expected_version=1)
        after_update = _counts(postgres_url)
        replaced_grams = key_grams(replacement).tolist()
        assert _stored_grams(postgres_url, key) == []
        assert _stored_grams(postgres_url, replacement) == [replaced_grams]
        for gram in set(new_grams) - set(replaced_grams):
            assert after_update[gram] == before.get(gram, 0)
        for gram in set(replaced_grams) - set(new_grams):
            assert after_update[gram] == after_add.get(gram, 0) + 1
        [match] = memory.match("سلحفاة خضراء تسبح تحت النهر", source_lang="ar", target_lang="en")
        assert match.entry == added.id and match.target.plain == "A green turtle swims under the bridge"


def test_import_counts_every_segments_grams_as_the_server_would(postgres_url: str) -> None:
    """The counts an import computes on the client equal a count of the stored hashes, done by the server."""
    import psycopg

    from tmkit.shared.store import SharedMemory

    units = load_tmx(SAMPLES / "earlier-visits.tmx").units
    assert run_cli("db", "init", postgres_url).code == 0
    with SharedMemory(postgres_url) as memory:
        memory.import_units(units[:7])
        memory.import_units(units[7:])  # a second import adds to the counts
    with psycopg.connect(postgres_url) as conn:
        counted = dict(
            conn.execute("SELECT gram, count(*) FROM tmkit.segments, unnest(grams) AS g(gram) GROUP BY gram").fetchall()
        )
        mismatched = conn.execute("SELECT count(*) FROM tmkit.segments WHERE grams <> tmkit.key_grams(key)").fetchone()
    assert mismatched == (0,)
    assert _counts(postgres_url) == counted


def test_lookups_after_an_import_give_the_file_index_top_match(postgres_url: str) -> None:
    from tmkit.shared.store import SharedMemory

    units = load_tmx(SAMPLES / "news-memory.tmx").units + load_tmx(SAMPLES / "earlier-visits.tmx").units
    assert run_cli("db", "init", postgres_url).code == 0
    with SharedMemory(postgres_url) as memory:
        memory.import_units(units)
        matcher = Matcher([MemoryIndex.build(units, source_lang="ar", target_lang="en")])
        article = (SAMPLES / "article.ar.txt").read_text(encoding="utf-8")
        queries = [line for line in article.splitlines() if line.strip()]
        queries += [u.variant("ar").text[: -3 - n % 5] for n, u in enumerate(units) if u.variant("ar") is not None]  # type: ignore[union-attr]
        compared = 0
        for query in queries:
            want = matcher.match(query, score_cutoff=60)
            got = memory.match(query, source_lang="ar", target_lang="en", score_cutoff=60)
            if want:
                compared += 1
                assert got and got[0].score == want[0].score, query
                # Pairs of equal score may come in another order (the file index ranks ties by date).
                best = {(m.source.plain, m.target.plain) for m in want if m.score == want[0].score}
                assert (got[0].source.plain, got[0].target.plain) in best, query
    assert compared >= 40


def test_only_units_that_can_still_place_are_read(postgres_url: str) -> None:
    """Hundreds of near neighbours are candidates; their stored units are read only while one can make the top 5."""
    from tmkit.shared.store import SharedMemory

    who = ["الوفد", "الرئيس", "الوزير", "السفير", "المدير", "القائد", "الأمين", "النائب", "الملك", "الأمير"]
    when = ["صباح", "مساء", "ظهر", "فجر", "ليلة"]
    where = ["المدينة", "العاصمة", "القرية", "الميناء", "المطار", "الجامعة"]
    units = [
        _pair(f"وصل {w} إلى {p} {t} يوم الخميس من الشهر الماضي لحضور الاجتماع", f"Arrival {w} {p} {t}")
        for w in who
        for p in where
        for t in when
    ]
    assert run_cli("db", "init", postgres_url).code == 0
    with SharedMemory(postgres_url) as memory:
        memory.import_units(units)
        query = "وصل الوفد إلى المدينة صباح يوم الجمعة من الشهر الماضي لحضور الاجتماع"
        offered = memory.candidates(memory._normalizer("ar")(query), language="ar")
        assert len(offered) >= 200
        read: list[int] = []
        real_read = memory._read_units

        def counting_read(ids: list[int]) -> dict[int, object]:
            read.extend(ids)
            return real_read(ids)  # type: ignore[return-value]

        memory._read_units = counting_read  # type: ignore[assignment,method-assign]
        got = memory.match(query, source_lang="ar", target_lang="en")
    want = Matcher([MemoryIndex.build(units, source_lang="ar", target_lang="en")]).match(query)
    assert [m.score for m in got] == [m.score for m in want]  # ties (88.5 thrice here) may be other units
    assert got[0].source.plain == want[0].source.plain
    assert len(read) <= 40, len(read)


def test_a_lookup_picks_grams_a_proclitic_does_not_change() -> None:
    """`وتفعيل` and `تفعيل` differ only in their first grams: the grams picked from one are all the other's."""
    from tmkit.shared.grams import inner_word_grams, word_grams

    for with_clitic, bare in (("وتفعيل", "تفعيل"), ("بالمدينة", "المدينة"), ("والاتفاق", "الاتفاق")):
        inner = set(inner_word_grams(with_clitic)[0].tolist())
        assert inner and inner <= set(word_grams(bare)[0].tolist()), with_clitic
    assert [len(g) for g in inner_word_grams("في من المدينة")] == [2, 2, 5]  # short words keep every gram
