"""The termbase's QA checks: term-missing and term-forbidden, in `tmkit qa --terms` and on confirm."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers import SAMPLES, run_cli
from tmkit.jobs.confirm_checks import check_segment
from tmkit.quality.defaults import Severity
from tmkit.quality.qa import CHECKS, check_pair
from tmkit.terms.model import Concept, Term, Termbase, TermStatus

TERMS = Termbase(
    concepts=[
        Concept(
            "c1",
            [
                Term("اللجنة المشتركة", "ar", TermStatus.PREFERRED),
                Term("joint commission", "en", TermStatus.PREFERRED),
                Term("joint committee", "en", TermStatus.FORBIDDEN),
            ],
        ),
        Concept(
            "c2",
            [
                Term("الحصار", "ar"),
                Term("blockade", "en", TermStatus.PREFERRED),
                Term("siege", "en", TermStatus.FORBIDDEN),
            ],
        ),
        Concept("c3", [Term("الطاقة", "ar"), Term("energy", "en")]),
    ]
)

# (check, source, target, source lang, target lang)
TRIGGERS = [
    ("term-missing", "ستجتمع اللجنة المشتركة غدا.", "The mixed body will meet tomorrow.", "ar", "en"),
    (
        "term-forbidden",
        "ستجتمع اللجنة المشتركة غدا.",
        "The joint commission, not a joint committee, meets.",
        "ar",
        "en",
    ),
    ("term-missing", "The joint commission meets.", "تجتمع الهيئة غدا.", "en", "ar"),
]


@pytest.mark.parametrize(("check", "source", "target", "src", "tgt"), TRIGGERS)
def test_each_term_check_finds_its_problem_and_only_it(
    check: str, source: str, target: str, src: str, tgt: str
) -> None:
    found = [c for c, _ in check_pair(source, target, source_lang=src, target_lang=tgt, terms=TERMS)]
    assert check in found
    others = [c for c in CHECKS if c.id != check]
    assert check not in {
        c for c, _ in check_pair(source, target, source_lang=src, target_lang=tgt, checks=others, terms=TERMS)
    }
    # Without a termbase, nothing reports it.
    assert check not in {c for c, _ in check_pair(source, target, source_lang=src, target_lang=tgt)}


@pytest.mark.parametrize(
    "target",
    [
        "The Joint Commission will meet tomorrow.",
        "The joint commission's meeting is tomorrow.",
        "Both joint commissions will meet tomorrow.",
    ],
)
def test_an_approved_translation_in_any_case_or_form_satisfies_term_missing(target: str) -> None:
    found = check_pair("ستجتمع اللجنة المشتركة غدا.", target, source_lang="ar", target_lang="en", terms=TERMS)
    assert not [c for c, _ in found if c.startswith("term-")]


@pytest.mark.parametrize(
    "target",
    [
        "ستجتمع اللجنة المشتركة غدا.",
        "ستجتمع اللَّجْنَةُ المُشْتَرَكَةُ غدا.",
        "قالت إن للجنة المشتركة دورا.",
        "واللجنتان المشتركتان ستجتمعان.",
    ],
)
def test_arabic_targets_are_matched_with_their_clitics_harakat_and_endings(target: str) -> None:
    found = check_pair("The joint commission meets.", target, source_lang="en", target_lang="ar", terms=TERMS)
    assert "term-missing" not in [c for c, _ in found]


SHORT_TERMS = Termbase(
    concepts=[
        Concept("c1", [Term("pump station", "en"), Term("محطة ضخ", "ar")]),
        Concept("c2", [Term("blood", "en"), Term("دم", "ar")]),
        Concept("c3", [Term("pipeline", "en"), Term("خط أنابيب", "ar")]),
        Concept("c4", [Term("Damascus", "en"), Term("دمشق", "ar")]),
        Concept("c5", [Term("reply", "en"), Term("جواب", "ar"), Term("رد", "ar", TermStatus.FORBIDDEN)]),
    ]
)


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("The pump station 9 was closed.", "أُغلقت محطة الضخ 9."),
        ("The blood was tested.", "تم فحص الدم."),
        ("The blood was tested.", "أُرسلت العينة للدم."),
        ("The pipeline was closed.", "أُغلق خط الأنابيب."),
    ],
)
def test_a_two_letter_arabic_term_with_the_article_satisfies_term_missing(source: str, target: str) -> None:
    """A translator's trial: محطة الضخ and الدم were reported as not translating 'pump station' and 'blood'."""
    found = check_pair(source, target, source_lang="en", target_lang="ar", terms=SHORT_TERMS)
    assert "term-missing" not in [c for c, _ in found]


@pytest.mark.parametrize(
    "target",
    [
        "زار دمشق.",  # the term inside a longer word
        "تم الدمج.",
        "ألحق الضرر بالمحطة.",
    ],
)
def test_a_two_letter_arabic_term_is_not_found_inside_other_words(target: str) -> None:
    found = check_pair("The blood was tested.", target, source_lang="en", target_lang="ar", terms=SHORT_TERMS)
    assert [c for c, _ in found if c.startswith("term-")] == ["term-missing"]


def test_a_forbidden_two_letter_term_is_caught_after_the_article_and_not_inside_another_word() -> None:
    found = check_pair("The reply came.", "جاء الرد.", source_lang="en", target_lang="ar", terms=SHORT_TERMS)
    assert sorted(c for c, _ in found if c.startswith("term-")) == ["term-forbidden", "term-missing"]
    found = check_pair("The reply came.", "جاء البرد.", source_lang="en", target_lang="ar", terms=SHORT_TERMS)
    assert [c for c, _ in found if c.startswith("term-")] == ["term-missing"]  # برد (cold) is not ب + رد


PROTESTERS = Termbase(
    concepts=[
        Concept(
            "c1",
            [
                Term("protesters", "en"),
                Term("المتظاهرون", "ar", TermStatus.PREFERRED),
                Term("المحتجون", "ar", TermStatus.FORBIDDEN),
            ],
        )
    ]
)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("تجمع المتظاهرون أمام المبنى.", []),
        ("اعتقلت الشرطة المتظاهرين.", []),  # the object: ين, as grammar asks
        ("تحدث الوزير إلى المتظاهرين.", []),  # after a preposition
        ("اعتقلت الشرطة المحتجين.", ["term-forbidden", "term-missing"]),  # the forbidden term, in its other case
        ("تجمع المحتجون أمام المبنى.", ["term-forbidden", "term-missing"]),
        ("اعتقلت الشرطة المتظاهر.", ["term-missing"]),  # one protester is not the term
    ],
)
def test_a_plural_term_in_the_case_the_sentence_asks_for(target: str, expected: list[str]) -> None:
    """A translator's trial: the term المتظاهرون did not find المتظاهرين, so term-missing asked for a nominative
    after a preposition; a forbidden plural went uncaught in its other case."""
    found = check_pair("Police arrested the protesters.", target, source_lang="en", target_lang="ar", terms=PROTESTERS)
    assert sorted(c for c, _ in found if c.startswith("term-")) == expected


def test_the_findings_say_which_term_and_what_to_use() -> None:
    found = dict(
        check_pair(
            "وقال إن الحصار يضر بالطاقة.",
            "He said the siege hurts energy.",
            source_lang="ar",
            target_lang="en",
            terms=TERMS,
        )
    )
    assert found["term-missing"] == "source term 'الحصار' (الحصار, concept c2) is not translated as 'blockade'"
    assert found["term-forbidden"] == "forbidden term 'siege' (siege, concept c2) in the target; use 'blockade'"


def test_confirm_checks_run_the_term_checks_when_given_a_termbase() -> None:
    source, target = "ستجتمع اللجنة المشتركة غدا.", "The joint committee will meet tomorrow."
    assert not [f for f in check_segment(source, target) if f.check.startswith("term-")]
    findings = check_segment(source, target, terms=TERMS)
    assert [(f.check, f.severity) for f in findings if f.check.startswith("term-")] == [
        ("term-forbidden", Severity.ERROR),
        ("term-missing", Severity.WARNING),
    ]


def test_qa_with_terms_on_the_samples(tmp_path: Path) -> None:
    tmx, terms, mt = SAMPLES / "article.tmx", SAMPLES / "terms.tbx", SAMPLES / "article.mt.en.txt"
    code, out, _ = run_cli("qa", str(tmx), "--terms", str(terms))
    assert code == 0 and _checks_run(out) == _checks_run(run_cli("qa", str(tmx)).stdout) + 2
    assert out.count("[term-missing]") == 1  # the reference splits "governmental and economic delegation"
    code, out, _ = run_cli("qa", str(tmx), "--hyp", str(mt), "--terms", str(terms), "--select", "term-*")
    assert code == 1
    assert (
        "error: [term-forbidden] forbidden term 'Yuri Borisov' (Yuri Borisov, concept c05) in the target; use 'Yury Borisov' (unit a1)"
        in out
    )
    assert "checks: 1/2 ok; failing: term-forbidden" in out
    # A glossary and a CSV termbase serve as well, together.
    glossary = tmp_path / "glossary.txt"
    glossary.write_text("# project glossary\nالسفير\tambassador\n", encoding="utf-8")
    table = tmp_path / "more.csv"
    table.write_text("ar,en,en:status\nالحصار,siege,forbidden\n", encoding="utf-8")
    code, out, _ = run_cli(
        "qa", str(tmx), "--hyp", str(mt), "--terms", str(glossary), "--terms", str(table), "--format", "json"
    )
    assert code == 1 and '"check": "term-forbidden"' in out


def test_term_checks_without_a_termbase_are_not_run_and_asking_for_them_alone_is_a_usage_error() -> None:
    code, out, _ = run_cli("qa", str(SAMPLES / "article.tmx"))
    assert code == 0 and "[term-" not in out
    assert _checks_run(out) == len([c for c in CHECKS if not c.id.startswith(("term-", "spelling"))]) or (
        _checks_run(out) == len([c for c in CHECKS if not c.id.startswith("term-")])  # with a spelling dictionary
    )
    code, _, err = run_cli("qa", str(SAMPLES / "article.tmx"), "--select", "term-*")
    assert code == 2 and err == "tmkit: error: the term checks need a termbase: give --terms\n"


def _checks_run(report: str) -> int:
    """How many checks a text report says ran ("checks: 17/17 ok")."""
    match = re.search(r"^checks: (?:\d+)/(\d+) ok", report, re.MULTILINE)
    assert match is not None, report
    return int(match.group(1))


def test_a_bad_termbase_stops_qa_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tbx"
    bad.write_text("<martif><text>\n</martif>", encoding="utf-8")
    code, _, err = run_cli("qa", str(SAMPLES / "article.tmx"), "--terms", str(bad))
    assert code == 2 and err.startswith(f"tmkit: error: {bad}:2:") and err.count("\n") == 1


def test_a_termbase_without_the_pairs_languages_is_said_and_its_checks_are_not_counted_as_passed(
    tmp_path: Path,
) -> None:
    """An Arabic-French termbase for an Arabic-English job: `qa --terms arfr.csv --select 'term-*'` said
    "checks: 2/2 ok" and exited 0, having checked nothing."""
    source, translation = tmp_path / "t.ar", tmp_path / "t.en"
    source.write_text("وصل الوفد إلى المطار.\n", encoding="utf-8")
    translation.write_text("The delegation reached the airport.\n", encoding="utf-8")
    arfr = tmp_path / "arfr.csv"
    arfr.write_text("Arabic,French\nالمطار,aéroport\n", encoding="utf-8")
    code, out, err = run_cli("qa", str(source), str(translation), "--terms", str(arfr), "--select", "term-*")
    assert (code, out) == (2, "")
    assert err == (
        f"tmkit: error: {arfr}: no en terms (its terms are in ar, fr): term-missing and term-forbidden would check "
        "nothing\n"
    )
    # With the other checks: a warning, and the term checks left out as without a termbase, not counted as passed.
    # (Followed by what QA says without a termbase: nothing, or on a machine without Hunspell's en dictionary that
    # spelling is off.)
    without_terms = run_cli("qa", str(source), str(translation))
    code, out, err = run_cli("qa", str(source), str(translation), "--terms", str(arfr))
    assert code == 0 and _checks_run(out) == _checks_run(without_terms.stdout)
    assert err == (
        f"tmkit: warning: {arfr}: no en terms (its terms are in ar, fr): term-missing and term-forbidden not run\n"
        + without_terms.stderr
    )
    # Beside a termbase that serves the pair the checks run, and the one of other languages still gets its line.
    aren = tmp_path / "aren.csv"
    aren.write_text("ar,en\nالمطار,airport\n", encoding="utf-8")
    code, out, err = run_cli("qa", str(source), str(translation), "--terms", str(arfr), "--terms", str(aren))
    assert (
        code == 0
        and "checks: 2/2 ok"
        in run_cli(
            "qa", str(source), str(translation), "--terms", str(arfr), "--terms", str(aren), "--select", "term-*"
        ).stdout
    )
    assert err == (
        f"tmkit: warning: {arfr}: no en terms (its terms are in ar, fr): it gives no en translation and no en term "
        "to avoid\n" + without_terms.stderr
    )


def test_a_list_of_terms_to_avoid_without_source_terms_still_runs_term_forbidden(tmp_path: Path) -> None:
    source, translation = tmp_path / "t.ar", tmp_path / "t.en"
    source.write_text("طلبت الشرطة من الناس العودة.\n", encoding="utf-8")
    translation.write_text("The cops asked people to go back.\n", encoding="utf-8")
    avoid = tmp_path / "avoid.csv"
    avoid.write_text("en,en:status\ncops,forbidden\n", encoding="utf-8")
    code, out, err = run_cli("qa", str(source), str(translation), "--terms", str(avoid), "--select", "term-*")
    assert code == 1 and "[term-forbidden] forbidden term 'cops'" in out and "checks: 0/1 ok" in out
    assert err == f"tmkit: warning: {avoid}: no ar terms (its terms are in en): term-missing not run\n"
    code, _, err = run_cli("qa", str(source), str(translation), "--terms", str(avoid), "--select", "term-missing")
    assert code == 2 and err.endswith(": term-missing would check nothing\n")


def test_a_term_held_under_two_tags_of_the_language_is_named_once() -> None:
    """`police` in `en-US` (imported from "English (United States)") and in `en` (added later): QA said "use 'police'
    or 'police'"."""
    terms = Termbase(
        concepts=[
            Concept(
                "c1",
                [
                    Term("الشرطة", "ar", TermStatus.PREFERRED),
                    Term("police", "en-US", TermStatus.PREFERRED),
                    Term("police", "en", TermStatus.PREFERRED),
                    Term("cops", "en", TermStatus.FORBIDDEN),
                ],
            )
        ]
    )
    findings = check_pair(
        "طلبت الشرطة من الناس العودة.",
        "The cops asked people to go back.",
        source_lang="ar",
        target_lang="en",
        terms=terms,
    )
    messages = [message for check, message in findings if check.startswith("term-")]
    assert messages == [
        "source term 'الشرطة' (الشرطة, concept c1) is not translated as 'police'",
        "forbidden term 'cops' (cops, concept c1) in the target; use 'police'",
    ]
