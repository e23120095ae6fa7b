"""Each QA check finds what it is for, and keeps quiet on what is right (Arabic digits, separators, bidi marks)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tmkit.memory.model import Inline, Segment
from tmkit.quality.defaults import Severity
from tmkit.quality.qa import (
    CHECK_IDS,
    CHECKS,
    QaError,
    QaPair,
    check_pair,
    check_pairs,
    extract_numbers,
    select_checks,
    spelled_numbers,
    tag_tokens,
)


def found(source: str, target: str | None, *, src: str = "en", tgt: str = "ar", **segments: Segment) -> set[str]:
    return {check for check, _ in check_pair(source, target, source_lang=src, target_lang=tgt, **segments)}


def messages(source: str, target: str, *, src: str = "en", tgt: str = "ar") -> dict[str, str]:
    return dict(check_pair(source, target, source_lang=src, target_lang=tgt))


# -- one triggering case per per-segment check: (check, source, target, source lang, target lang) --
TRIGGERS = [
    ("number-mismatch", "The visit lasted 3 days.", "استمرت الزيارة ٤ أيام.", "en", "ar"),
    ("empty-target", "The meeting ended.", "   ", "en", "ar"),
    ("same-as-source", "Press Enter to continue.", "Press Enter to continue.", "en", "ar"),
    ("untranslated-latin", "The committee met.", "اجتمعت the committee أمس.", "en", "ar"),
    ("untranslated-arabic", "استقبل الرئيس منصور عزام.", "The president received منصور عزام.", "ar", "en"),
    ("end-punctuation", "Did the talks succeed?", "هل نجحت المحادثات.", "en", "ar"),
    ("double-space", "The two sides met.", "التقى  الجانبان.", "en", "ar"),
    ("edge-whitespace", "The two sides met.", "التقى الجانبان. ", "en", "ar"),
    ("tag-missing", "Read <b>the report</b>.", "اقرأ التقرير.", "en", "ar"),
    ("tag-extra", "Read the report.", "اقرأ <i>التقرير</i>.", "en", "ar"),
    ("tag-order", "Click {1}Save{/1} then {2/}.", "انقر {2/} ثم {1}حفظ{/1}.", "en", "ar"),
    ("bidi-control", "The ministry (MoE) said.", "قالت الوزارة \u202b(MoE).", "en", "ar"),
    ("tatweel", "The minister said.", "قال الوزيـــر.", "en", "ar"),
]


@pytest.mark.parametrize(("check", "source", "target", "src", "tgt"), TRIGGERS, ids=[t[0] for t in TRIGGERS])
def test_each_check_finds_its_problem_and_only_it_reports_it(
    check: str, source: str, target: str, src: str, tgt: str
) -> None:
    assert check in found(source, target, src=src, tgt=tgt)
    # Without this check nothing else reports the problem: the test fails if the check goes.
    others = [c for c in CHECKS if c.id != check]
    assert check not in {c for c, _ in check_pair(source, target, source_lang=src, target_lang=tgt, checks=others)}


def test_every_check_has_a_trigger_test() -> None:
    covered = {t[0] for t in TRIGGERS} | {"inconsistent-target", "inconsistent-source"}
    assert covered == set(CHECK_IDS)


# -- numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("You have 3 files.", "لديك ٣ ملفات."),  # Translate Toolkit's false positive
        ("It cost 3,000 pounds.", "كلفت ٣٬٠٠٠ ليرة."),
        ("It cost 3000 pounds.", "كلفت ٣٬٠٠٠ ليرة."),
        ("It cost 3,000 pounds.", "كلفت 3000 ليرة."),
        ("Growth was 3.5 percent.", "بلغ النمو ٣٫٥ بالمئة."),
        ("Growth was 3.5%.", "بلغ النمو 3.5٪."),
        ("Persian digits: 1944.", "الأرقام الفارسية: ۱۹۴۴."),
        ("The batch holds 150,000 doses.", "تضم الدفعة ١٥٠ ألف جرعة."),
        ("About 5,000 tonnes arrived.", "وصل نحو ٥ آلاف طن."),
        ("About 1.2 million tonnes.", "بنحو مليون و200 ألف طن."),
        ("the 13th session", "الدورة الثالثة عشرة"),
        ("on the 16th of this month", "في السادس عشر من الشهر الجاري"),
        ("the twenty-fifth meeting", "الاجتماع 25"),
        ("The 2020-2021 season.", "موسم ٢٠٢٠-٢٠٢١."),
    ],
)
def test_equal_numbers_in_any_script_or_spelling_are_equal(source: str, target: str) -> None:
    assert "number-mismatch" not in found(source, target)
    assert "number-mismatch" not in found(target, source, src="ar", tgt="en")


def test_arabic_indic_digit_of_another_value_is_a_mismatch() -> None:
    message = messages("The visit lasted 3 days.", "استمرت الزيارة ٤ أيام.")["number-mismatch"]
    assert message == ("1 number of the source not in the target: 3; 1 number in the target not in the source: ٤")
    assert "number-mismatch" in found("It cost 3,000 pounds.", "كلفت ٣٠٠ ليرة.")
    assert "number-mismatch" in found("Growth was 3.5 percent.", "بلغ النمو ٣٥ بالمئة.")
    assert "number-mismatch" in found("on 22 June", "في 23 حزيران", src="en", tgt="ar")


def test_number_values() -> None:
    values = [v for _, v in extract_numbers("٣٬٠٠٠ و3,000 و٣٫٥ و 1,2 و۱۲ و١٥٠ ألف")]
    assert values == [Decimal(3000), Decimal(3000), Decimal("3.5"), 1, 2, 12, Decimal(150000)]
    assert spelled_numbers("الدورة الثالثة عشرة") >= {3, 10, 13}
    assert spelled_numbers("خمسة وعشرون") >= {5, 25}
    assert 16 in spelled_numbers("the sixteenth") and 42 in spelled_numbers("forty-two")


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=10**9))
def test_a_number_in_western_or_arabic_indic_digits_with_separators_is_its_value(a: int, b: int) -> None:
    arabic = f"{a:,}".replace(",", "٬").translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert "number-mismatch" not in found(f"The total was {a:,} units", f"بلغ المجموع {arabic} وحدة")
    assert "number-mismatch" not in found(f"The total was {a} units", f"بلغ المجموع {arabic} وحدة")
    if a != b:
        assert "number-mismatch" in found(f"The total was {a} units", f"بلغ المجموع {b} وحدة")


# -- untranslated, punctuation, whitespace ------------------------------------------------------


def test_latin_names_and_code_from_the_source_are_not_untranslated() -> None:
    assert "untranslated-latin" not in found("UNESCO and Yury Borisov met.", "التقى يوري بوريسوف بـ UNESCO.")
    assert "untranslated-latin" not in found(
        "See the site.", "انظر https://example.org/report_2021.pdf أو info@example.org"
    )
    assert "untranslated-latin" not in found("The Joint Commission met.", "اجتمعت Joint Commission أمس.")
    message = messages("The commission met.", "اجتمعت Joint Commission أمس.")["untranslated-latin"]
    assert message == "Latin text the source does not have as a name: 'Joint Commission'"
    # Ordinary words copied from the source are untranslated, sentence-initial capitals are no names.
    assert messages("The committee met.", "اجتمعت The committee.")["untranslated-latin"].endswith("'The committee'")


def test_end_punctuation_maps_between_scripts() -> None:
    assert "end-punctuation" not in found("Did it work?", "هل نجح؟")
    assert "end-punctuation" not in found("هل نجح؟", "Did it work?", src="ar", tgt="en")
    assert "end-punctuation" not in found("First, then;", "أولا، ثم؛")
    assert "end-punctuation" not in found('He said: "We will remain."', "وقال: «سنبقى».")
    assert messages("Did it work?", "هل نجح?")["end-punctuation"] == (
        "the Arabic target ends with a Latin ?; Arabic uses ؟"
    )
    assert messages("هل نجح؟", "Did it work؟", src="ar", tgt="en")["end-punctuation"] == (
        "the target ends with an Arabic ؟; use ?"
    )
    assert "end-punctuation" in found("The meeting ended", "انتهى الاجتماع.")


def test_whitespace_checks_compare_with_the_source() -> None:
    assert "double-space" not in found("Name:  value", "الاسم:  القيمة")
    assert "edge-whitespace" not in found(" indented", " مزاح")
    assert (
        messages("text", "\tنص")["edge-whitespace"]
        == "the target has leading whitespace (tab) that the source does not"
    )


# -- tags ---------------------------------------------------------------------------------------


def _bold(text: str, i: str = "1") -> Segment:
    return Segment((Inline("bpt", (("i", i), ("type", "bold")), ("<b>",)), text, Inline("ept", (("i", i),), ("</b>",))))


def test_tmx_codes_are_compared_when_both_sides_have_them() -> None:
    source = _bold("President al-Assad receives")
    assert tag_tokens(source.plain, source) == ["{1}", "{/1}"]
    plain_target = Segment.from_text("الرئيس الأسد يستقبل")
    assert "tag-missing" in found(source.plain, plain_target.plain, source_segment=source, target_segment=plain_target)
    assert not found(
        source.plain, "الرئيس الأسد يستقبل", source_segment=source, target_segment=_bold("الرئيس الأسد يستقبل")
    )
    # A plain-text hypothesis has no codes by its format: not a missing tag.
    assert "tag-missing" not in found(source.plain, "الرئيس الأسد يستقبل", source_segment=source)


def test_tag_messages_name_the_tags_in_order() -> None:
    assert messages("A <b>bold</b> and <br/> word.", "كلمة.")["tag-missing"] == "missing in the target: <b> </b> <br/>"
    assert messages("%s files", "ملفات")["tag-missing"] == "missing in the target: %s"
    assert "tag-order" not in found("{1}a{/1} {2}b{/2}", "{1}أ{/1} {2}ب{/2}")


# -- bidi and tatweel ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "قال \u2067(MoE)\u2069 اليوم.",  # a closed isolate
        "العدد \u200e3\u200e فقط.",  # LRM around a number, between words
        "\u202bنص مضمن\u202c.",  # a closed embedding
    ],
)
def test_balanced_bidi_controls_in_arabic_are_fine(target: str) -> None:
    assert "bidi-control" not in found("The text.", target)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("قالت الوزارة \u2067(MoE).", "left open: RLI"),
        ("قالت الوزارة (MoE)\u202c.", "PDF without an open embedding"),
        ("قالت الوز\u200fارة.", "RLM inside a word"),
        ("The ministry\u200f said.", "RLM in a text without right-to-left script"),
        ("نص \u2069.", "PDI without an open isolate"),
    ],
)
def test_stray_bidi_controls_are_named(target: str, expected: str) -> None:
    tgt = "en" if target.startswith("The") else "ar"
    source = "قالت الوزارة." if tgt == "en" else "The ministry said."
    assert expected in messages(source, target, src="ar" if tgt == "en" else "en", tgt=tgt)["bidi-control"]


def test_tatweel_stretching_a_word_is_counted_but_join_marks_stay() -> None:
    assert messages("The minister.", "الوزيـــر.")["tatweel"].startswith("3 tatweels (ـ) inside words")
    assert "tatweel" not in found("the 13th session", "الدورة الـ 13")
    assert "tatweel" not in found("met UNESCO", "التقى بـ UNESCO")


# -- consistency --------------------------------------------------------------------------------


def _pairs(*rows: tuple[str, str, str]) -> list[QaPair]:
    return [QaPair(id=i, source=s, target=t, path="m.tmx", line=n) for n, (i, s, t) in enumerate(rows, 1)]


def test_same_source_translated_differently() -> None:
    result = check_pairs(
        _pairs(
            ("u1", "تبادل الجانبان وجهات النظر.", "The two sides exchanged views."),
            ("u2", "تبادلَ الجانبانِ وجهاتِ النظرِ.", "The two sides exchanged views."),  # vocalised: same source
            ("u3", "تبادل الجانبان وجهات النظر.", "Both sides swapped opinions."),
        ),
        source_lang="ar",
        target_lang="en",
    )
    [finding] = [f for f in result.findings if f.check == "inconsistent-target"]
    assert (finding.id, finding.line, finding.severity) == ("u3", 3, Severity.WARNING)
    assert "same source as unit u1 (line 1)" in finding.message
    assert not [f for f in result.findings if f.check == "inconsistent-source"]


def test_different_sources_translated_identically() -> None:
    result = check_pairs(
        _pairs(
            ("u1", "وصل الوفد إلى دمشق.", "The delegation arrived in Damascus."),
            ("u2", "غادر الوفد دمشق.", "The delegation arrived in Damascus."),
            ("u3", "ووصل الوفد إلى دمشق.", "The delegation arrived in Damascus."),  # wa- only: same source
            ("u4", "العدد ٥", "5"),
            ("u5", "خمسة", "5"),  # a number stands for many sources
        ),
        source_lang="ar",
        target_lang="en",
    )
    flagged = [(f.id, f.check) for f in result.findings if f.check.startswith("inconsistent")]
    assert flagged == [("u2", "inconsistent-source")]


def test_a_leading_wa_does_not_make_arabic_translations_differ() -> None:
    result = check_pairs(
        _pairs(
            ("u1", "The two sides stressed cooperation.", "أكد الجانبان أهمية التعاون."),
            ("u2", "The two sides stressed cooperation.", "وأكد الجانبان أهمية التعاون."),
        ),
        source_lang="en",
        target_lang="ar",
    )
    assert not result.findings


# -- selection and results ----------------------------------------------------------------------


def test_select_and_ignore_by_id_and_pattern() -> None:
    assert [c.id for c in select_checks(["tag-*"])] == ["tag-missing", "tag-extra", "tag-order"]
    assert "tatweel" not in {c.id for c in select_checks(None, ["tatweel,bidi-control"])}
    assert len(select_checks()) == len(CHECKS)
    with pytest.raises(QaError, match="unknown QA check 'tags'"):
        select_checks(["tags"])


def test_result_counts_and_failure_by_severity() -> None:
    result = check_pairs(
        _pairs(("a", "3 days", "٤ أيام"), ("b", "The minister.", "الوزيـر."), ("c", "Fine.", "جيد.")),
        source_lang="en",
        target_lang="ar",
    )
    assert [(f.id, f.check) for f in result.findings] == [("a", "number-mismatch"), ("b", "tatweel")]
    assert result.count(severity=Severity.ERROR) == 1
    assert [c.id for c in result.failing_checks()] == ["number-mismatch"]
    assert not result.passed()
    assert [c.id for c in result.failing_checks(Severity.WARNING)] == ["number-mismatch", "tatweel"]
    assert result.findings[0].format() == (
        "m.tmx:1: error: [number-mismatch] 1 number of the source not in the target: 3; "
        "1 number in the target not in the source: ٤ (unit a)"
    )


def test_missing_translation_and_empty_source() -> None:
    assert found("Hello.", None) == {"empty-target"}
    assert found("   ", "") == set()
