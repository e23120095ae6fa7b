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
    select_checks,
    tag_tokens,
)
from tmkit.text.numbers import extract_numbers, spelled_numbers


def found(source: str, target: str | None, *, src: str = "en", tgt: str = "ar", **segments: Segment) -> set[str]:
    return {check for check, _ in check_pair(source, target, source_lang=src, target_lang=tgt, **segments)}


def messages(source: str, target: str, *, src: str = "en", tgt: str = "ar") -> dict[str, str]:
    return dict(check_pair(source, target, source_lang=src, target_lang=tgt))


# -- one triggering case per per-segment check: (check, source, target, source lang, target lang) --
TRIGGERS = [
    ("number-mismatch", "The visit lasted 3 days.", "استمرت الزيارة ٤ أيام.", "en", "ar"),
    ("empty-target", "The meeting ended.", "   ", "en", "ar"),
    ("same-as-source", "Visual Studio Code", "Visual Studio Code", "en", "ar"),
    ("untranslated", "Press Enter to continue.", "Press Enter to continue.", "en", "ar"),
    ("untranslated-latin", "The committee met.", "اجتمعت the committee أمس.", "en", "ar"),
    ("untranslated-arabic", "استقبل الرئيس منصور عزام.", "The president received منصور عزام.", "ar", "en"),
    ("number-ambiguous", "Growth was 2.5 percent.", "بلغ النمو 2.500 بالمئة.", "en", "ar"),
    ("end-punctuation", "The talks succeeded.", "هل نجحت المحادثات؟", "en", "ar"),
    ("double-space", "The two sides met.", "التقى  الجانبان.", "en", "ar"),
    ("edge-whitespace", "The two sides met.", "التقى الجانبان. ", "en", "ar"),
    ("tag-missing", "Read <b>the report</b>.", "اقرأ التقرير.", "en", "ar"),
    ("tag-extra", "Read the report.", "اقرأ <i>التقرير</i>.", "en", "ar"),
    ("tag-order", "Copied %s of %d files.", "نُسخ %d ملفات من %s.", "en", "ar"),
    ("bidi-control", "The ministry (MoE) said.", "قالت الوزارة \u202b(MoE).", "en", "ar"),
    ("tatweel", "The minister said.", "قال الوزيـــر.", "en", "ar"),
]


@pytest.mark.parametrize(("check", "source", "target", "src", "tgt"), TRIGGERS, ids=[t[0] for t in TRIGGERS])
def test_each_check_finds_its_problem_and_only_it_reports_it(
    check: str, source: str, target: str, src: str, tgt: str
) -> None:
    assert check in found(source, target, src=src, tgt=tgt)
    # Without this check nothing else reports the problem (but its milder fallback): the test fails if the check goes.
    others = [c for c in CHECKS if c.id != check]
    reported = {c for c, _ in check_pair(source, target, source_lang=src, target_lang=tgt, checks=others)}
    assert check not in reported
    if check in FALLBACKS:
        assert FALLBACKS[check] in reported


#: Checks whose problem a milder check reports when they are left out (--ignore, --select).
FALLBACKS = {"untranslated": "same-as-source"}


@pytest.mark.parametrize(
    ("text", "check"),
    [
        ("Press Enter to continue.", "untranslated"),
        ("Click here to download the latest version", "untranslated"),
        ("Visual Studio Code", "same-as-source"),
        ("Microsoft Windows Server Datacenter", "same-as-source"),
        ("https://www.example.com/docs/index.html", "same-as-source"),
        ("C:\\Program Files\\Common Files\\Microsoft Shared", "same-as-source"),
        ("import numpy as np", "same-as-source"),
        ("The Lord of the Rings", "same-as-source"),
    ],
)
def test_an_english_sentence_copied_is_untranslated_a_name_path_or_code_is_not(text: str, check: str) -> None:
    # Names, products, URLs, paths and code are kept as they are in Arabic text: only a warning to look at.
    assert found(text, text, src="en", tgt="ar") == {check}


def test_every_check_has_a_trigger_test() -> None:
    # The term checks need a termbase: their trigger tests are in tests/test_terms_qa.py; spelling
    # needs a checker and Hunspell's dictionaries: tests/test_spelling.py.
    covered = {t[0] for t in TRIGGERS} | {
        "inconsistent-target",
        "inconsistent-source",
        "term-missing",
        "term-forbidden",
        "spelling",
    }
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
    assert message == (
        "1 number of the source not in the target: 3; 1 number in the target not in the source: ٤ "
        "(compared by value: 1 number in the source (3), 1 in the target (٤), numbers in words counted)"
    )
    assert "number-mismatch" in found("It cost 3,000 pounds.", "كلفت ٣٠٠ ليرة.")
    assert "number-mismatch" in found("Growth was 3.5 percent.", "بلغ النمو ٣٥ بالمئة.")
    assert "number-mismatch" in found("on 22 June", "في 23 حزيران", src="en", tgt="ar")


def test_a_placeholder_index_is_no_number_of_the_text() -> None:
    # A wrong placeholder was two errors, the second a number 0 "in the target not in the source".
    assert found("You have {0} new messages.", "لديك {1} رسائل جديدة.") == {"tag-missing", "tag-extra"}
    assert found("Press %1$s to go on.", "اضغط %2$s للمتابعة.") == {"tag-missing", "tag-extra"}
    assert found("Save {0} files and 3 folders.", "احفظ {0} ملفات و٣ مجلدات.") == set()
    message = messages("Save {0} files and 3 folders.", "احفظ {0} ملفات و4 مجلدات.")["number-mismatch"]
    assert message.startswith(
        "1 number of the source not in the target: 3; 1 number in the target not in the source: 4"
    )
    assert "(3)" in message and "(4)" in message


def test_number_values() -> None:
    # One reader with the matcher: `1,2` is 1.2 (a decimal comma), as `1,5 مليون` is 1.5 million.
    values = [v for _, v in extract_numbers("٣٬٠٠٠ و3,000 و٣٫٥ و 1,2 و۱۲ و١٥٠ ألف و1,5 مليون")]
    assert values == [3000, 3000, Decimal("3.5"), Decimal("1.2"), 12, 150000, 1500000]
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
    assert message == (
        "Latin text in the Arabic target that is not a name, acronym or quoted title of the source "
        "(compared with the source's words in any case): 'Joint Commission'"
    )
    # Ordinary words copied from the source are untranslated, sentence-initial capitals are no names.
    assert messages("The committee met.", "اجتمعت The committee.")["untranslated-latin"].endswith("'The committee'")


def test_end_punctuation_maps_between_scripts() -> None:
    assert "end-punctuation" not in found("Did it work?", "هل نجح؟")
    assert "end-punctuation" not in found("هل نجح؟", "Did it work?", src="ar", tgt="en")
    assert "end-punctuation" not in found("First, then;", "أولا، ثم؛")
    assert "end-punctuation" not in found('He said: "We will remain."', "وقال: «سنبقى».")
    assert messages("Did it work?", "هل نجح?")["end-punctuation"] == (
        "the Arabic target ends with a Latin ?; Arabic uses ؟ (compared the last marks after quotes, brackets "
        "and tags: source question mark (?), target question mark (?))"
    )
    assert messages("هل نجح؟", "Did it work؟", src="ar", tgt="en")["end-punctuation"].startswith(
        "the target ends with an Arabic ؟; use ? (compared the last marks"
    )
    long_source = "The meeting of the two delegations ended late in the evening without a statement"
    assert "end-punctuation" in found(long_source, "انتهى اجتماع الوفدين في وقت متأخر من المساء دون بيان.")


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


@pytest.mark.parametrize(
    ("source", "target", "wrong"),
    [
        # Moved with their words, as Arabic word order moves them: no error (each was a tag-order warning).
        ("Click {1}Save{/1} then {2/}.", "انقر {2/} ثم {1}حفظ{/1}.", False),
        ("{0} sent {1} files.", "أُرسلت {1} ملفات من {0}.", False),
        ("%1$s sent %2$s files.", "أُرسلت %2$s ملفات من %1$s.", False),
        ("Hello {name}, you have {count} messages.", "لديك {count} رسائل يا {name}.", False),
        ("A <b>red</b> <i>car</i>.", "<i>سيارة</i> <b>حمراء</b>.", False),
        ("<b>A <i>red</i> car</b>", "<b>سيارة <i>حمراء</i></b>", False),
        # A value given by its place, moved: it shows another's value.
        ("Copied %s of %d files.", "نُسخ %d ملفات من %s.", True),
        # A pair closed before it is opened, or crossing another the source nests.
        ("Read {1}the report{/1}.", "اقرأ {/1}التقرير{1}.", True),
        ("<b>A <i>red</i> car</b>", "<b>سيارة <i>حمراء</b></i>", True),
    ],
)
def test_tags_moved_with_their_words_are_no_error_but_crossed_or_swapped_unnumbered_ones_are(
    source: str, target: str, wrong: bool
) -> None:
    """A localization trial: reordering positional placeholders, which is what their numbers are for, was a
    tag-order warning on every such string in an Arabic UI, and a --fail-on warning gate failed on them."""
    assert ("tag-order" in found(source, target)) is wrong


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
        "1 number in the target not in the source: ٤ (compared by value: 1 number in the source (3), "
        "1 in the target (٤), numbers in words counted) (unit a)"
    )


def test_missing_translation_and_empty_source() -> None:
    assert found("Hello.", None) == {"empty-target"}
    assert found("   ", "") == set()


# -- false alarms seen on professional translations (issue 17): each class, both directions ---------

# (class, English, Arabic): the same numbers written as professional translators write them.
SAME_NUMBERS = [
    ("arabic full-stop thousands", "The camp holds 76,000 people.", "يضم المخيم 76.000 شخص."),
    ("arabic full-stop thousands", "About 150,000 doses arrived.", "وصلت نحو 150.000 جرعة."),
    ("scale abbreviation bn", "The deal is worth £2.8bn.", "تبلغ قيمة الصفقة 2.8 مليار جنيه."),
    ("scale abbreviation m", "It raised £125m last year.", "جمعت 125 مليون جنيه العام الماضي."),
    ("scale word", "Some 1.5 million people voted.", "صوّت نحو 1,5 مليون شخص."),
    ("scale word spelled", "Over four million people went to Rome.", "ذهب أكثر من 4 ملايين شخص إلى روما."),
    ("compound scale", "About 1.2 million tonnes.", "بنحو مليون و200 ألف طن."),
    ("two scaled numbers", "From 340 million to 500 million speakers.", "بين 340 مليون و500 مليون متحدث."),
    ("decade and century", "He worked there in the 1980s.", "عمل هناك في ثمانينيات القرن العشرين."),
    ("decade alone", "During the 1920s, pacifism prevailed.", "خلال العشرينيات سادت المسالمة."),
    ("decade of the 19th century", "It was founded in the 1850s.", "تأسست في خمسينيات القرن التاسع عشر."),
    ("early 2000s", "It grew in the early 2000s.", "نمت في بداية القرن الواحد والعشرين."),
    ("1800s as a century", "No problems since the 1800s.", "لا مشاكل منذ القرن التاسع عشر."),
    ("decade of an age", "He was in his 20s.", "كان في العشرينيات من عمره."),
    ("abbreviated year range", "The war of 1950-53 ended.", "انتهت حرب 1950 وحتى 1953."),
    ("time with hour only", "The curfew starts at 04:00.", "يبدأ حظر التجول الساعة 4."),
    ("time with pm", "The doors open at 5.30pm.", "تفتح الأبواب عند 5:30 مساءً."),
    ("time as four digits", "It was removed at 1200 GMT.", "أُبعدت في الساعة 12:00 بتوقيت جرينتش."),
    ("time with full stop", "The report came at 12.00 GMT.", "جاء التقرير في الساعة ١٢:٠٠ بتوقيت جرينتش."),
    ("phone number grouped by a space", "Call 116 123 for help.", "اتصل على 116123 للمساعدة."),
    ("thousands grouped by a space", "Some 30,000 people marched.", "سار نحو 30 000 شخص."),
    ("arabic comma thousands", "It covers 783,562 square kilometres.", "تحتل 783،562 كيلومتر مربع."),
    ("arabic decimal comma", "Rain reached 6.34 inches.", "وصل المطر إلى 6,34 بوصات."),
    ("twice", "Prices rose twice.", "ارتفعت الأسعار 2 مرات."),
    ("a dozen", "A dozen people were hurt.", "أصيب 12 شخصاً."),
    ("two dozen", "It won more than two-dozen Emmy awards.", "حصل على أكثر من 24 جائزة إيمي."),
    ("four dozen", "Some four dozen bases.", "حوالي 48 قاعدة."),
    ("half", "Whistler is a 1.5 hour drive away.", "تقع ويسلر على بعد ساعة ونصف بالسيارة."),
    ("dual", "During his 2 hour speech he spoke.", "وخلال خطابه الذي استمر ساعتين تحدث."),
    ("ordinal", "The 11th, 12th and 13th centuries.", "القرن الحادي عشر والثاني عشر والثالث عشر."),
    ("fraction sign", "Add ½ cup.", "أضف نصف كوب."),
    (
        "relational adjective",
        "A 4x4 is advised; many places need a 4x4.",
        "ينصح بسيارة 4x4 وبعض الأماكن تحتاج الدفع الرباعي.",
    ),
    ("code", "It was due to COVID-19.", "وذلك بسبب مخاوف تتعلق بكوفيد-19."),
    ("unit exponent", "It spans 2.2 million km2 of ocean.", "يمتد على 2.2 مليون كيلومتر مربع من المحيط."),
    ("rugby sevens", "A perfect day for 7's rugby.", "يوم مثالي لسباعيات الرجبي."),
]


@pytest.mark.parametrize(("case", "english", "arabic"), SAME_NUMBERS, ids=[c[0] for c in SAME_NUMBERS])
def test_professional_renderings_of_a_number_are_no_error(case: str, english: str, arabic: str) -> None:
    assert not {"number-mismatch", "number-ambiguous"} & found(english, arabic), case
    assert not {"number-mismatch", "number-ambiguous"} & found(arabic, english, src="ar", tgt="en"), case


# (class, English, Arabic with the error): each is a number-mismatch in both directions.
WRONG_NUMBERS = [
    ("scale misplaced", "Some 30,000 people marched.", "سار نحو 300 ألف شخص."),
    ("digits swapped", "The toll rose to 1,127.", "ارتفعت الحصيلة إلى 1197."),
    ("decimal garbled", "It costs 2.25 billion dollars.", "يكلف 25,2 مليار دولار."),
    ("arabic-indic digit changed", "The visit lasted 3 days.", "استمرت الزيارة ٤ أيام."),
    ("persian digit changed", "In 1944 it ended.", "انتهت في ۱۹۵۴."),
    ("decade changed", "He worked there in the 1980s.", "عمل هناك في سبعينيات القرن العشرين."),
    ("time changed", "The doors open at 5.30pm.", "تفتح الأبواب عند 6:30 مساءً."),
    ("range end changed", "The war of 1950-53 ended.", "انتهت حرب 1950 وحتى 1954."),
    ("number dropped", "Some 40 people died and 12 were hurt.", "قتل 40 شخصاً."),
    ("scale abbreviation changed", "The deal is worth £2.8bn.", "تبلغ قيمة الصفقة 2.8 مليون جنيه."),
    ("code changed", "He flew an F-16.", "قاد طائرة F-15."),
    ("dozen is not thirteen", "A dozen people were hurt.", "أصيب 13 شخصاً."),
]


@pytest.mark.parametrize(("case", "english", "arabic"), WRONG_NUMBERS, ids=[c[0] for c in WRONG_NUMBERS])
def test_wrong_numbers_are_errors_in_both_directions(case: str, english: str, arabic: str) -> None:
    assert "number-mismatch" in found(english, arabic), case
    assert "number-mismatch" in found(arabic, english, src="ar", tgt="en"), case


def test_an_ambiguous_full_stop_is_explained_not_guessed() -> None:
    # 2.500 in Arabic is usually 2,500; agreeing with 2.5 only as a decimal is not decided by guessing.
    message = messages("Growth was 2.5 percent.", "بلغ النمو 2.500 بالمئة.")["number-ambiguous"]
    assert message == (
        "2.500 reads as 2,500 (a full stop grouping thousands, as Arabic translators often write) or as "
        "2.500 (a decimal point); the source's 2.5 agrees only with the second reading, and which is meant "
        "cannot be told from the text"
    )
    assert "number-ambiguous" in found("بلغ النمو 2.500 بالمئة.", "Growth was 2.5 percent.", src="ar", tgt="en")
    assert not found("It weighs 2.500 kg.", "يزن 2.500 كغ.") & {"number-mismatch", "number-ambiguous"}
    # In English text a full stop is a decimal point: 76.000 is 76, not 76,000.
    assert "number-mismatch" in found("It cost 76.000 dollars.", "كلف 76 ألف دولار.")


# -- end punctuation: ordinary differences are quiet, wrong marks are not ---------------------------

ORDINARY_ENDINGS = [
    ("question rendered as a statement", "Is there a bank near here?", "هل يوجد مصرف بالقرب من هنا."),
    ("headline without a stop", "Floods hit the north", "فيضانات تضرب الشمال."),
    ("quote closing after the stop", 'He said: "We will remain."', "وقال: «سنبقى»."),
    (
        "attribution moved before the quote",
        'I lost my sister and her friend, and people jumped over them," Armand Versace said.',
        'قال أرماند فرساتشي: "لقد فقدت أختي وصديقتها، وكان الناس يقفزون فوقهم،"',
    ),
    ("emphasis", "Thank you very much!", "شكراً جزيلاً."),
]


@pytest.mark.parametrize(("case", "english", "arabic"), ORDINARY_ENDINGS, ids=[c[0] for c in ORDINARY_ENDINGS])
def test_ordinary_end_punctuation_differences_are_quiet(case: str, english: str, arabic: str) -> None:
    assert "end-punctuation" not in found(english, arabic), case
    if case != "question rendered as a statement":  # the other way it is a statement made a question
        assert "end-punctuation" not in found(arabic, english, src="ar", tgt="en"), case


WRONG_ENDINGS = [
    ("statement made a question", "I'd like an oval one.", "أريد واحدة بيضاوية الشكل؟"),
    ("clause left hanging", "The two delegations met in Damascus today.", "التقى الوفدان في دمشق اليوم،"),
    (
        "sentence lost its stop",
        "The jail became notorious after prisoner abuse was discovered there after US forces took over.",
        "بعد سيطرة القوات الأمريكية، أصبح السجن ذا سمعة سيئة بعد اكتشاف إساءة معاملة السجناء به",
    ),
]


@pytest.mark.parametrize(("case", "english", "arabic"), WRONG_ENDINGS, ids=[c[0] for c in WRONG_ENDINGS])
def test_wrong_end_marks_are_found(case: str, english: str, arabic: str) -> None:
    message = messages(english, arabic)["end-punctuation"]
    assert "compared the last marks after quotes, brackets and tags" in message, case
    if case != "statement made a question":  # the other way it is a question rendered as a statement
        assert "end-punctuation" in found(arabic, english, src="ar", tgt="en"), case


# -- untranslated Latin: names, acronyms and quoted titles stay -------------------------------------

KEPT_LATIN = [
    ("quoted term", 'It comes from the Latin word "cella".', 'مشتقة من الكلمة اللاتينية "cella".'),
    ("bracketed title", "The song Audition (The Fools Who Dream) was nominated.", "رُشحت أغنية (The Fools Who Dream)."),
    ("title with small words", "Songs such as City of Stars won.", "فازت أغانٍ مثل City of Stars."),
    (
        "name after a colon",
        "The Canal District (Dutch: Grachtengordel) is famous.",
        "حي القناة (بالهولندية: Grachtengordel) شهير.",
    ),
    ("mixed-case brand", "Sites such as eBay sell tickets.", "تبيع مواقع مثل eBay التذاكر."),
    ("sentence-initial name", "Couchsurfing was founded in 2004.", "تأسست منصة Couchsurfing عام 2004."),
    ("possessive in the source", "Ring's CEO spoke.", "تحدث الرئيس التنفيذي لشركة Ring."),
    ("acronym", "The ministry (MoE) said.", "قالت الوزارة (MoE)."),
    ("name in another case", "A trek up the Sea to Sky corridor.", "رحلة إلى ممر SEA TO SKY."),
    # Placeholders and markup are copied as they are, never translated: tag-* checks compare them.
    ("named placeholders", "Welcome, {username}! You have {count} items.", "مرحبا، {username}! لديك {count} عناصر."),
    ("template placeholder", "Hello {{name}}, welcome.", "مرحبا {{name}}، أهلا بك."),
    ("inline markup", 'Click <span class="note">here</span>.', 'انقر <span class="note">هنا</span>.'),
]


@pytest.mark.parametrize(("case", "english", "arabic"), KEPT_LATIN, ids=[c[0] for c in KEPT_LATIN])
def test_names_acronyms_and_quoted_titles_kept_in_latin_are_fine(case: str, english: str, arabic: str) -> None:
    assert "untranslated-latin" not in found(english, arabic), case


def test_latin_the_source_does_not_have_is_untranslated_even_capitalized() -> None:
    # A misspelt name is not the source's: a reviewer should see it.
    assert messages("Sites such as eBay or Craigslist.", "مواقع مثل eBay أو Craiglist.")["untranslated-latin"].endswith(
        "'Craiglist'"
    )
    # Quoted Latin the source does not have is no citation of it.
    assert "untranslated-latin" in found("The report was published.", 'نُشر "the paper".')
    assert "untranslated-latin" in found("The committee met.", "اجتمعت اللجنة (committee meeting).")
    # Words between tags are text, not markup.
    assert messages("The <b>committee</b> met.", "اجتمعت <b>the committee</b>.")["untranslated-latin"].endswith(
        "'the committee'"
    )
