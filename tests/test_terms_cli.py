"""`tmkit term`: lookup, add, import, export, convert and extract, with --json and the usual exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import SAMPLES, run_cli
from tmkit.terms.extract import extract_candidates
from tmkit.terms.files import load_termbase
from tmkit.terms.model import Concept, Term, TermStatus

TERMS = str(SAMPLES / "terms.tbx")


def test_lookup_lists_hits_with_positions_translations_and_status() -> None:
    text = "وبحث الجانبان التحضيرات لعقد الدورة الـ 13 للجنة السورية الروسية المشتركة"
    code, out, _ = run_cli("term", "lookup", TERMS, text, "--longest")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "29-35\tالدورة\t→ session [preferred]\t(c35)"
    assert lines[1] == "43-73\tللجنة السورية الروسية المشتركة\t→ Syrian-Russian Joint Commission [preferred]\t(c33)"
    assert text[43:73] == "للجنة السورية الروسية المشتركة"


def test_lookup_json_english_source_guessed_from_the_script_and_forbidden_terms_flagged() -> None:
    code, out, _ = run_cli("term", "lookup", TERMS, "The Syrian-Russian joint committee's session", "--json")
    assert code == 0
    data = json.loads(out)
    assert (data["source_lang"], data["target_lang"]) == ("en", "ar")
    hit = data["hits"][0]
    assert (hit["text"], hit["status"], hit["concept"]) == ("Syrian-Russian joint committee's", "forbidden", "c33")
    assert hit["translations"] == [{"text": "اللجنة السورية الروسية المشتركة", "lang": "ar", "status": "preferred"}]


def test_lookup_without_hits_says_so_and_exits_0() -> None:
    code, out, err = run_cli("term", "lookup", TERMS, "لا شيء هنا")
    assert (code, out) == (0, "") and "no term" in err


def test_lookup_finds_a_two_letter_arabic_term_after_the_article(tmp_path: Path) -> None:
    table = tmp_path / "tb.csv"
    table.write_text("en,ar\npump station,محطة ضخ\nblood,دم\npipeline,خط أنابيب\n", encoding="utf-8")
    for text, found in (("نقل الدم", "4-8\tالدم\t→ blood"), ("نقل دم", "4-6\tدم\t→ blood")):
        code, out, _ = run_cli("term", "lookup", str(table), text, "--src", "ar")
        assert code == 0 and found in out, (text, out)
    code, out, err = run_cli("term", "lookup", str(table), "زار دمشق", "--src", "ar")
    assert code == 0 and "blood" not in out and "no term" in err


def test_lookup_in_a_termbase_without_the_pairs_target_language_says_so(tmp_path: Path) -> None:
    """`(no translation)` read as the termbase's word on the term, when it holds only Arabic and French."""
    arfr = tmp_path / "arfr.csv"
    arfr.write_text("Arabic,French\nالمطار,aéroport\n", encoding="utf-8")
    code, out, err = run_cli("term", "lookup", str(arfr), "وصل الوفد إلى المطار")
    assert (code, out) == (0, "14-20\tالمطار\t→ (no translation)\t(c1)\n")
    assert err == (
        f"tmkit: warning: {arfr}: no en terms (its terms are in ar, fr): it gives no en translation and no en term "
        "to avoid\n"
    )
    code, out, err = run_cli("term", "lookup", str(arfr), "وصل الوفد إلى المطار", "--tgt", "fr")
    assert (code, out, err) == (0, "14-20\tالمطار\t→ aéroport\t(c1)\n", "")


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("glossary.csv", "ara,eng\nاللجنة المشتركة,joint committee\n"),
        ("glossary.tsv", "ara-SY\teng-GB\nاللجنة المشتركة\tjoint committee\n"),
        (
            "glossary.tbx",
            '<?xml version="1.0"?><martif type="TBX" xml:lang="eng"><text><body><termEntry id="c1">'
            '<langSet xml:lang="ara"><tig><term>اللجنة المشتركة</term></tig></langSet>'
            '<langSet xml:lang="eng"><tig><term>joint committee</term></tig></langSet>'
            "</termEntry></body></text></martif>",
        ),
    ],
)
def test_a_termbase_naming_its_languages_by_their_three_letter_codes_is_the_jobs(
    tmp_path: Path, name: str, text: str
) -> None:
    """The README says a header may name a language by its ISO 639-2 code: a glossary headed `ara,eng` (or a TBX
    with xml:lang="ara") was read, and every lookup said its terms were in ara and eng, none in ar or en."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = run_cli("term", "lookup", path, "اجتمعت اللجنة المشتركة أمس.")
    assert result.code == 0, result.stderr
    assert "اللجنة المشتركة\t→ joint committee" in result.stdout, result.stdout + result.stderr


def test_add_creates_the_termbase_then_adds_to_the_concept_of_the_same_source_term(tmp_path: Path) -> None:
    path = tmp_path / "mine.tbx"
    code, out, _ = run_cli(
        "term",
        "add",
        str(path),
        "اللجنة المشتركة",
        "joint commission",
        "--pos",
        "noun",
        "--forbidden",
        "joint committee",
    )
    assert code == 0 and out.startswith("added concept c1: ")
    code, out, _ = run_cli(
        "term", "add", str(path), "اللَّجْنَة المُشْتَرَكة", "Joint Commission", "--status", "admitted", "--json"
    )
    assert code == 0 and json.loads(out)["action"] == "added to concept"
    (concept,) = load_termbase(path).termbase.concepts
    assert [(t.lang, t.text, t.status) for t in concept.terms] == [
        ("ar", "اللجنة المشتركة", TermStatus.PREFERRED),
        ("en", "joint commission", TermStatus.PREFERRED),
        ("en", "joint committee", TermStatus.FORBIDDEN),
        ("en", "Joint Commission", TermStatus.ADMITTED),
    ]
    code, out, _ = run_cli("term", "lookup", str(path), "the joint committee met")
    assert "[forbidden]" in out


def test_lookup_names_a_term_held_under_two_tags_of_the_language_once(tmp_path: Path) -> None:
    """A termbase an older `term add` left with `police` in `en-US` and in `en`: "→ police [preferred]; police"."""
    table = tmp_path / "tb.csv"
    table.write_text("id,ar,en-US,en-US:status,en\nc1,الشرطة,police,preferred,police\n", encoding="utf-8")
    code, out, _ = run_cli("term", "lookup", str(table), "طلبت الشرطة")
    assert (code, out) == (0, "5-11\tالشرطة\t→ police [preferred]\t(c1)\n")


def test_add_puts_terms_in_the_concepts_regional_language_and_never_twice(tmp_path: Path) -> None:
    """Added to a concept imported from "English (United States)", `police` went into a new `en` langSet beside the
    `en-US` one: `ar: الشرطة | en-US: police | en: police | en: cops`, and QA said "use 'police' or 'police'"."""
    table, path = tmp_path / "tb.csv", tmp_path / "tb.tbx"
    table.write_text("Arabic,English (United States)\nالشرطة,police\n", encoding="utf-8")
    assert run_cli("term", "import", str(path), str(table)).code == 0
    code, out, _ = run_cli("term", "add", str(path), "الشرطة", "police", "--forbidden", "cops")
    assert (code, out) == (0, "added to concept c1: ar: الشرطة | en-US: police | en-US: cops [forbidden]\n")
    code, out, _ = run_cli("term", "add", str(path), "الشرطة", "police", "--forbidden", "cops")
    assert (code, out) == (0, "already in concept c1: ar: الشرطة | en-US: police | en-US: cops [forbidden]\n")
    # A status given is set on the term the concept has; the source term's own is left as it is.
    code, out, _ = run_cli("term", "add", str(path), "الشرطة", "police", "--status", "admitted", "--json")
    assert code == 0 and json.loads(out) == {
        "concept": "c1",
        "action": "updated concept",
        "terms": [["ar", "الشرطة"], ["en-US", "police"], ["en-US", "cops"]],
    }
    (concept,) = load_termbase(path).termbase.concepts
    assert [(t.lang, t.text, t.status) for t in concept.terms] == [
        ("ar", "الشرطة", None),
        ("en-US", "police", TermStatus.ADMITTED),
        ("en-US", "cops", TermStatus.FORBIDDEN),
    ]
    source, translation = tmp_path / "s.ar", tmp_path / "s.en"
    source.write_text("طلبت الشرطة من الناس العودة.\n", encoding="utf-8")
    translation.write_text("The cops asked people to go back.\n", encoding="utf-8")
    code, out, _ = run_cli("qa", str(source), str(translation), "--terms", str(path), "--select", "term-*")
    assert code == 1 and "in the target; use 'police' (unit 1)" in out and "'police' or" not in out
    code, _, err = run_cli("term", "add", str(path), "الشرطة", "police", "--forbidden", "police")
    assert code == 2 and err.count("\n") == 1 and "as the translation and as a term not to use" in err


@pytest.mark.parametrize(
    ("held", "asked", "tag"),
    [
        (["ar", "en-US"], "en", "en-US"),  # the concept's one region of the language
        (["en-US", "ar"], "en", "en-US"),
        (["ar", "en-US", "en"], "en", "en"),  # the bare language it has
        (["ar", "en-US", "en-GB"], "en", "en"),  # two regions: none to choose
        (["ar", "en"], "en-GB", "en-GB"),  # a region asked for is kept
        (["ar", "EN_gb"], "en-GB", "EN_gb"),  # in the concept's spelling
        (["ar"], "en", "en"),
    ],
)
def test_a_new_term_goes_under_the_concepts_tag_for_its_language(held: list[str], asked: str, tag: str) -> None:
    concept = Concept("c1", [Term(f"t{at}", lang) for at, lang in enumerate(held)])
    assert concept.tag_for(asked) == tag
    added = concept.merge_term(Term("new", asked))
    assert added is not None and added.lang == tag
    # Beside the terms of its tag, as every format groups a concept's terms by language.
    where = [at for at, term in enumerate(concept.terms) if term.lang == tag]
    assert where == list(range(where[0], where[-1] + 1)) and concept.terms[where[-1]] is added


def test_convert_between_every_format_and_back(tmp_path: Path) -> None:
    original = load_termbase(TERMS).termbase
    for name in ("t.tbx3", "t.csv", "t.tsv"):
        out_path = tmp_path / name.replace(".tbx3", ".tbx")
        extra = ["--format", "tbx3"] if name.endswith("tbx3") else []
        code, _, err = run_cli("term", "convert", TERMS, "-o", str(out_path), *extra)
        assert (
            code == 0 and err == f"{out_path}: {len(original)} concepts, {sum(len(c.terms) for c in original)} terms\n"
        )
        back = load_termbase(out_path).termbase
        assert [[t.text for t in c.terms] for c in back] == [[t.text for t in c.terms] for c in original]
        assert [[t.status for t in c.terms] for c in back] == [[t.status for t in c.terms] for c in original]
    glossary = tmp_path / "glossary.txt"
    code, _, err = run_cli("term", "export", TERMS, "-o", str(glossary), "--src", "ar", "--tgt", "en")
    assert code == 0 and "forbidden target term(s): the glossary cannot mark them" in err
    lines = [line for line in glossary.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert "اللجنة المشتركة\tjoint commission" in lines and not any("joint committee" in line for line in lines)


def test_import_adds_concepts_with_fresh_ids(tmp_path: Path) -> None:
    target = tmp_path / "all.tbx"
    table = tmp_path / "more.csv"
    table.write_text("id,ar,en\nc1,الوزارة,ministry\n", encoding="utf-8")
    code, out, _ = run_cli("term", "import", str(target), TERMS, str(table), "--json")
    assert code == 0
    concepts = load_termbase(target).termbase.concepts
    assert json.loads(out)["added"] == len(concepts) >= 41
    assert len({c.id for c in concepts}) == len(concepts)


def test_importing_the_same_concepts_again_adds_none_and_keeps_their_ids(tmp_path: Path) -> None:
    # A second import of a termbase, or of one sharing concepts, listed every shared term twice in lookups, the
    # copies under new ids (c42 for the file's own id).
    target = tmp_path / "all.tbx"
    assert run_cli("term", "import", str(target), TERMS).code == 0
    first = load_termbase(target).termbase.concepts
    table = tmp_path / "more.csv"
    table.write_text("id,ar,en\nx9,الوزارة,ministry\n", encoding="utf-8")
    code, out, _ = run_cli("term", "import", str(target), TERMS, str(table), "--json")
    assert code == 0, out
    assert json.loads(out) == {
        "termbase": str(target),
        "added": 1,
        "already_held": len(first),
        "concepts": len(first) + 1,
    }
    again = load_termbase(target).termbase.concepts
    assert [c.id for c in again] == [c.id for c in first] + ["x9"]
    code, text, _ = run_cli("term", "import", str(target), str(table))
    assert code == 0 and text.strip() == f"{target}: 0 concepts added, 1 already held, {len(first) + 1} in all"
    hits = run_cli("term", "lookup", str(target), "قرار الوزارة", "--json")
    assert hits.code == 0
    assert [hit["concept"] for hit in json.loads(hits.stdout)["hits"]].count("x9") == 1


def test_remove_takes_out_a_mistyped_term_or_a_whole_concept(tmp_path: Path) -> None:
    # A translator added "internet cafeve an interne" from the editor and had no way to take it out again.
    target = tmp_path / "t.tbx"
    target.write_bytes(Path(TERMS).read_bytes())
    before = load_termbase(target).termbase
    assert run_cli("term", "add", str(target), "مقهى إنترنت", "internet cafeve an interne").code == 0
    code, out, _ = run_cli("term", "remove", str(target), "internet cafeve an interne", "--lang", "en", "--json")
    assert code == 0, out
    data = json.loads(out)
    added = data["removed"][0]["concept"]
    assert data["removed"] == [{"concept": added, "lang": "en", "text": "internet cafeve an interne"}]
    assert data["concepts_removed"] == [] and data["concepts"] == len(before) + 1
    after = load_termbase(target).termbase
    (kept,) = [c for c in after if c.id == added]
    assert [(t.lang, t.text) for t in kept.terms] == [("ar", "مقهى إنترنت")]
    code, out, _ = run_cli("term", "remove", str(target), "مقهى إنترنت")
    assert code == 0 and f"removed concept(s) left without terms: {added}" in out
    assert [c.content() for c in load_termbase(target).termbase] == [c.content() for c in before]
    first = before.concepts[0]
    code, out, _ = run_cli("term", "remove", str(target), "--concept", first.id)
    lines = out.splitlines()
    assert code == 0 and lines[-1] == f"removed concept {first.id}"
    assert len(lines) == len(first.terms) + 1 and all(f"({first.id})" in line for line in lines[:-1])
    assert [c.id for c in load_termbase(target).termbase] == [c.id for c in before.concepts[1:]]
    for wrong, message in (
        ([str(target), "no such term"], "no term written 'no such term'"),
        ([str(target), "--concept", first.id], f"no concept {first.id!r}"),
        ([str(target)], "name a TERM to remove, or a concept with --concept ID"),
    ):
        unchanged = target.read_bytes()
        result = run_cli("term", "remove", *wrong)
        assert result.code == 2 and message in result.stderr and result.stderr.count("\n") == 1
        assert target.read_bytes() == unchanged


def test_remove_reads_a_glossary_in_its_languages_whichever_side_the_term_is_on(tmp_path: Path) -> None:
    # An English term made English the source: the glossary's columns were read swapped, and --lang en found nothing.
    glossary = tmp_path / "glossary.txt"
    glossary.write_text("الوزارة\tministry\nاللجنة\tcommittee\n", encoding="utf-8")
    code, out, err = run_cli("term", "remove", str(glossary), "ministry", "--lang", "en")
    assert code == 0, err
    assert out.strip().splitlines()[0].startswith("removed en: ministry")
    assert glossary.read_text(encoding="utf-8").splitlines()[-1] == "اللجنة\tcommittee"


def test_extract_proposes_pairs_with_counts(tmp_path: Path) -> None:
    code, out, _ = run_cli("term", "extract", str(SAMPLES / "news-memory.tmx"), "--json", "--limit", "30")
    assert code == 0
    candidates = json.loads(out)["candidates"]
    pairs = {(c["source"], c["target"]) for c in candidates}
    assert ("التعاون", "cooperation") in pairs and ("دمشق", "Damascus") in pairs
    first = candidates[0]
    assert first["together"] <= min(first["source_count"], first["target_count"]) and first["dice"] > 0.3
    out_path = tmp_path / "candidates.tbx"
    code, out, _ = run_cli("term", "extract", str(SAMPLES / "earlier-visits.tmx"), "-o", str(out_path))
    assert code == 0 and "\tالتعاون\tcooperation" in out
    assert load_termbase(out_path).termbase.concepts[0].note.startswith("extracted: ")


@pytest.mark.parametrize(("flag", "value"), [("--limit", "-1"), ("--limit", "0"), ("--min-count", "-1")])
def test_extract_refuses_counts_below_one(tmp_path: Path, flag: str, value: str) -> None:
    # Each was taken as 1: `--limit -1` printed one candidate, unsaid.
    out = tmp_path / "candidates.tbx"
    result = run_cli("term", "extract", SAMPLES / "news-memory.tmx", flag, value, "-o", out)
    assert (result.code, result.stdout, result.stderr) == (2, "", f"tmkit: error: {flag} must be at least 1\n")
    assert not out.exists()


def test_extract_reads_two_letters_after_the_article_as_no_word_of_their_own() -> None:
    """After recognition learnt to find a two-letter term after the article, extraction counted للاس (for Las) as اس,
    a reading confirmed only by unrelated words (الأس, بالاس), and «Las Vegas» lost a unit."""
    pairs = [("I'll send it to Las Vegas.", "سأرسلها إلى لاس فيجاس.")] * 3 + [("For Las Vegas?", "للاس فيجاس ؟")]
    pairs += [("The exponent is two.", "الأس اثنان."), ("Raise it to the power.", "ارفعه إلى الاس.")] * 3
    (candidate,) = [c for c in extract_candidates(pairs, source_lang="en", target_lang="ar") if c.source == "Las Vegas"]
    assert (candidate.target, candidate.together) == ("لاس فيجاس", 4)


def test_extract_proposes_terms_without_the_conjunction_preposition_or_possessive_that_preceded_them() -> None:
    """From FLORES: والإفطار (and breakfast), وفيروس (and a virus) and Italy's were proposed as written, and the
    first two, taken into a termbase, were found in no text without the و. A word whose first letter only looks like
    a proclitic keeps it (فرنسا is not ف + رنسا)."""
    pairs = [("المبيت والإفطار", "bed and breakfast"), ("الإفطار", "breakfast"), ("إيطاليا", "Italy's")] * 2
    pairs += [("الفيروس وفرنسا", "the virus and France"), ("بفيروس في فرنسا", "by a virus in France")]
    pairs += [("لفيروس", "for a virus"), ("وفيروس في فرنسا", "and a virus in France")] * 2
    found = {c.target: c.source for c in extract_candidates(pairs, source_lang="ar", target_lang="en", min_count=2)}
    assert (found["breakfast"], found["virus"], found["France"], found["Italy"]) == (
        "الإفطار",
        "فيروس",
        "فرنسا",
        "إيطاليا",
    )


def test_extract_proposes_no_adverb_or_conjunction_as_a_term() -> None:
    """On FLORES dev 12 of the 200 candidates were such words (عندما → when, إذا → if, عادة → usually, العديد →
    many, بالقرب → near…), each in a termbase a term every QA run then checked; a term still may hold them inside."""
    pairs = [
        ("عندما وصل القطار توقف المطر.", "When the train arrived, the rain stopped."),
        ("إذا تأخر القطار عادة ننتظر.", "If the train is late, we usually wait."),
        ("العديد من الركاب بالقرب من القطار.", "Many passengers are near the train."),
        ("عندما يصل القطار عادة نركب.", "When the train arrives, we usually board."),
    ] * 2
    found = {(c.source, c.target) for c in extract_candidates(pairs, source_lang="ar", target_lang="en", min_count=2)}
    assert ("القطار", "train") in found
    proposed = {word for pair in found for word in pair}
    assert not proposed & {"عندما", "إذا", "عادة", "العديد", "بالقرب", "When", "If", "usually", "Many", "near"}, found


def test_extract_proposes_an_english_term_as_written_inside_a_sentence() -> None:
    """From FLORES: Scientists, Drivers and Travellers were proposed capitalized, as the first word of the sentences
    they open; a name keeps its capital (it has it inside a sentence too)."""
    pairs = [
        ("العلماء يعملون.", "Scientists work."),
        ("العلماء يدرسون.", "Scientists study."),
        ("يعمل العلماء هنا.", "The scientists work here."),
        ("زرت باريس.", "I visited Paris."),
        ("باريس جميلة.", "Paris is beautiful."),
        ("أحب باريس.", "I love Paris."),
    ]
    found = {c.source: c.target for c in extract_candidates(pairs, source_lang="ar", target_lang="en", min_count=3)}
    assert (found["العلماء"], found["باريس"]) == ("scientists", "Paris")


def test_errors_are_one_line_with_exit_2(tmp_path: Path) -> None:
    code, _, err = run_cli("term", "lookup", str(tmp_path / "missing.tbx"), "نص")
    assert code == 2 and err.startswith("tmkit: error: ") and err.count("\n") == 1
    code, _, err = run_cli("term", "lookup", str(tmp_path / "terms.json"), "نص")
    assert code == 2 and "cannot tell the termbase format" in err
    code, _, err = run_cli("term", "convert", TERMS, "-o", str(tmp_path / "x.csv"), "--format", "yaml")
    assert code == 2 and "unknown termbase format 'yaml'" in err
    code, _, err = run_cli("term")
    assert code == 2 and "lookup" in err


def test_a_table_with_a_quote_left_open_is_one_error_and_nothing_is_written(tmp_path: Path) -> None:
    """`term convert` wrote a TBX whose one term was `المطار,airport` with a line break, and `lookup` found nothing,
    both exiting 0."""
    table = tmp_path / "quote.csv"
    table.write_text('ar,en\n"المطار,airport\n', encoding="utf-8")
    out_path = tmp_path / "q.tbx"
    code, _, err = run_cli("term", "convert", str(table), "-o", str(out_path))
    expected = (
        f"tmkit: error: {table}:2: malformed CSV: unexpected end of data (a quoted cell from line 2 is never closed)\n"
    )
    assert (code, err) == (2, expected) and not out_path.exists()
    code, _, err = run_cli("term", "lookup", str(table), "وصل الوفد إلى المطار")
    assert (code, err) == (2, expected)


def test_a_table_without_its_header_row_is_one_error_naming_the_cell(tmp_path: Path) -> None:
    """`foo,bar` over `المطار,airport` was converted to langSets `foo` and `bar`, exit 0, and `lookup` found nothing."""
    table = tmp_path / "nohdr.csv"
    table.write_text("foo,bar\nالمطار,airport\n", encoding="utf-8")
    out_path = tmp_path / "n.tbx"
    for command in (["convert", str(table), "-o", str(out_path)], ["lookup", str(table), "وصل الوفد إلى المطار"]):
        code, out, err = run_cli("term", *command)
        assert code == 2 and out == "" and err.count("\n") == 1
        assert err.startswith(f"tmkit: error: {table}:1: column 'foo' is neither a language tag")
    assert not out_path.exists()


def test_a_folder_given_as_the_termbase_is_named_a_folder(tmp_path: Path) -> None:
    # A folder without a termbase suffix was "cannot tell the termbase format from the name: use .tbx …".
    (tmp_path / "glossary").mkdir()
    for command in (["lookup", str(tmp_path / "glossary"), "نص"], ["add", str(tmp_path / "glossary"), "أ", "a"]):
        code, _, err = run_cli("term", *command)
        assert (code, err) == (2, f"tmkit: error: {tmp_path / 'glossary'}: is a folder, not a termbase file\n")
