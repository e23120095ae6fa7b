"""Term recognition: a golden table of Arabic clitic, harakat, hamza and ending variants; English folding; whole words."""

from __future__ import annotations

import pytest

from tests.helpers import SAMPLES
from tmkit.terms.model import Concept, Term, Termbase, TermStatus
from tmkit.terms.recognize import TermRecognizer, arabic_forms, english_forms, other_case_forms
from tmkit.terms.tbx import read_tbx


def _termbase(*pairs: tuple[str, str]) -> Termbase:
    base = Termbase()
    for number, (ar, en) in enumerate(pairs, 1):
        base.add(Concept(f"c{number}", [Term(ar, "ar", TermStatus.PREFERRED), Term(en, "en", TermStatus.PREFERRED)]))
    return base


ARABIC = _termbase(
    ("اللجنة", "commission"),
    ("لجنة الصداقة", "friendship committee"),
    ("اللجنة المشتركة", "joint commission"),
    ("مسؤول", "official"),
    ("إعادة الإعمار", "reconstruction"),
    ("الاستثمار", "investment"),
    ("مشروع", "project"),
    ("الحكومة", "government"),
    ("كتاب", "book"),
    ("مستشفى", "hospital"),
    ("الدورة", "session"),
)

# (text, the terms found in it, in order) — each row a way Arabic writes a term that exact lookup misses.
GOLDEN = [
    # the article and proclitics
    ("اللجنة", ["اللجنة"]),
    ("لجنة", ["اللجنة"]),
    ("باللجنة", ["اللجنة"]),
    ("واللجنة", ["اللجنة"]),
    ("فاللجنة", ["اللجنة"]),
    ("وباللجنة", ["اللجنة"]),
    ("كاللجنة", ["اللجنة"]),
    ("للجنة", ["اللجنة"]),  # ل + اللجنة, written with two lams
    ("وللجنة", ["اللجنة"]),
    ("بلجنة", ["اللجنة"]),
    ("والاستثمار", ["الاستثمار"]),
    ("للاستثمار", ["الاستثمار"]),  # لل = ل + ال
    ("استثمار", ["الاستثمار"]),
    # harakat, tatweel and invisible marks
    ("اللَّجْنَةُ", ["اللجنة"]),
    ("بِاللَّجْنَةِ", ["اللجنة"]),
    ("اللجـــنة", ["اللجنة"]),
    ("الل\u200cجنة", ["اللجنة"]),
    # hamza and alef forms, ى/ي
    ("مسئول", ["مسؤول"]),
    ("مسؤول", ["مسؤول"]),
    ("المسئول", ["مسؤول"]),
    ("اعادة الاعمار", ["إعادة الإعمار"]),
    ("وإعادة الإعمار", ["إعادة الإعمار"]),
    ("لإعادة الإعمار", ["إعادة الإعمار"]),
    ("مستشفي", ["مستشفى"]),
    # ة written ه after the article (as web copies do); not without it, where ه is a pronoun
    ("الدوره", ["الدورة"]),
    ("بالدوره", ["الدورة"]),
    ("للجنه المشتركه", ["اللجنة المشتركة", "اللجنة"]),  # لل holds the article
    ("بدوره", []),  # ب + دور + ه: "in his turn"
    # dual and sound plural endings
    ("لجنتين", ["اللجنة"]),
    ("اللجنتان", ["اللجنة"]),
    ("مشروعات", ["مشروع"]),
    ("المشروعين", ["مشروع"]),
    ("الحكومات", ["الحكومة"]),
    # multi-word terms word by word, each word in any of its forms; longest first at one place
    ("وباللجنة المشتركة", ["اللجنة المشتركة", "اللجنة"]),
    ("اللجنتين المشتركتين", ["اللجنة المشتركة", "اللجنة"]),
    ("لِلَّجْنَةِ المُشْتَرَكَةِ", ["اللجنة المشتركة", "اللجنة"]),
    ("لجنة الصداقة", ["لجنة الصداقة", "اللجنة"]),
    ("اللجنة، المشتركة", ["اللجنة"]),  # punctuation between the words: not the two-word term
    # never inside a longer word, never by eating root letters
    ("كتابة", []),
    ("مكتاب", []),
    ("مشروعية", []),
    ("حكومي", []),
    ("لجنتها", []),
]


@pytest.mark.parametrize(("text", "expected"), GOLDEN, ids=[row[0] for row in GOLDEN])
def test_arabic_golden_table(text: str, expected: list[str]) -> None:
    hits = ARABIC.recognizer("ar", "en").recognize(text)
    assert [hit.term.text for hit in hits] == expected
    for hit in hits:
        assert text[hit.start : hit.end] == hit.text  # spans are of the text as given, whole words


SHORT = _termbase(
    ("دم", "blood"),
    ("محطة ضخ", "pump station"),
    ("خط أنابيب", "pipeline"),
    ("حق", "right"),
    ("أم", "mother"),
    ("رد", "reply"),
    ("يد", "hand"),
)

# (text, the terms found in it) — terms of two letters: after the article (and what may precede it) they are
# found, since the form is looked up among the terms' words; nowhere else does a two-letter remainder count.
GOLDEN_SHORT = [
    ("دم", ["دم"]),
    ("الدم", ["دم"]),
    ("والدم", ["دم"]),
    ("فالدم", ["دم"]),
    ("بالدم", ["دم"]),
    ("وبالدم", ["دم"]),
    ("كالدم", ["دم"]),
    ("للدم", ["دم"]),  # ل + ال, written with two lams
    ("وللدم", ["دم"]),
    ("الدَّمُ", ["دم"]),
    ("نقل الدم", ["دم"]),
    ("محطة الضخ", ["محطة ضخ"]),
    ("لمحطة الضخ", ["محطة ضخ"]),
    ("خط الأنابيب", ["خط أنابيب"]),
    ("الحق في التظاهر", ["حق"]),
    ("الأم", ["أم"]),
    ("الام", ["أم"]),
    ("الرد", ["رد"]),
    ("باليد", ["يد"]),  # by hand, not بالي (worn): يد is a term
    ("واليد", ["يد"]),
    # never inside a longer word
    ("دمشق", []),
    ("الدمج", []),
    ("الحقل", []),
    # a lone proclitic before two letters is not read off: these are words of their own, not ب/و/ف + رد
    ("برد", []),
    ("ورد", []),
    ("فرد", []),
    ("بدم", []),
    # an alef written with hamza or madda is not the article's
    ("ألحق", []),  # he attached
    ("أُلحق", []),
    ("وألحق", []),
    ("آلام", []),  # pains
]


@pytest.mark.parametrize(("text", "expected"), GOLDEN_SHORT, ids=[row[0] for row in GOLDEN_SHORT])
def test_arabic_two_letter_terms_golden_table(text: str, expected: list[str]) -> None:
    hits = SHORT.recognizer("ar", "en").recognize(text)
    assert [hit.term.text for hit in hits] == expected
    for hit in hits:
        assert text[hit.start : hit.end] == hit.text


def test_a_two_letter_term_written_with_its_article_is_found_without_it_and_after_lam() -> None:
    recognizer = _termbase(("الدم", "blood")).recognizer("ar", "en")
    for text in ("دم", "الدم", "للدم", "بالدم"):
        assert [hit.term.text for hit in recognizer.recognize(text)] == ["الدم"], text
    assert not recognizer.recognize("دمشق")
    # A term written with hamza on its alef has no article to drop.
    assert not _termbase(("ألحق", "attached")).recognizer("ar", "en").recognize("حق")


CASES = _termbase(
    ("المتظاهرون", "protesters"),
    ("المتظاهرون السلميون", "peaceful protesters"),
    ("المهندسين", "engineers"),
    ("الجانبان", "both sides"),
    ("اللجنتان", "both committees"),
    ("كمين", "ambush"),
    ("عشرون", "twenty"),
)

# (text, the terms found in it) — a sound masculine plural or dual term in the case its sentence asks for:
# ون (nominative) and ين (accusative, genitive) for the plural, ان and ين for the dual.
GOLDEN_CASES = [
    ("المتظاهرون", ["المتظاهرون"]),
    ("المتظاهرين", ["المتظاهرون"]),  # اعتقلت الشرطة المتظاهرين: the object
    ("للمتظاهرين", ["المتظاهرون"]),
    ("والمتظاهرين", ["المتظاهرون"]),
    ("بالمتظاهرين", ["المتظاهرون"]),
    ("متظاهرين", ["المتظاهرون"]),  # without the article, as اللجنة finds لجنة
    ("المُتَظاهِرينَ", ["المتظاهرون"]),
    ("المتظاهرين السلميين", ["المتظاهرون السلميون", "المتظاهرون"]),
    ("المهندسون", ["المهندسين"]),  # a term stored in ين finds the nominative
    ("المهندسين", ["المهندسين"]),
    ("المهندسان", ["المهندسين"]),  # ين is the dual's too
    ("الجانبين", ["الجانبان"]),
    ("للجانبين", ["الجانبان"]),
    ("اللجنتين", ["اللجنتان"]),
    # a plural term stands for the plural, not the singular nor the feminine plural
    ("المتظاهر", []),
    ("المتظاهرات", []),
    ("الجانب", []),
    # a stem of three letters keeps its ending: كمون (cumin) is not كمين (ambush); so عشرين is not found either
    ("كمون", []),
    ("عشرين", []),
]


@pytest.mark.parametrize(("text", "expected"), GOLDEN_CASES, ids=[row[0] for row in GOLDEN_CASES])
def test_arabic_plural_and_dual_terms_in_every_case_golden_table(text: str, expected: list[str]) -> None:
    hits = CASES.recognizer("ar", "en").recognize(text)
    assert [hit.term.text for hit in hits] == expected
    assert all(not hit.exact for hit in hits if hit.text != hit.term.text)


@pytest.mark.parametrize(
    ("word", "others"),
    [
        ("متظاهرون", ["متظاهرين"]),
        ("متظاهرين", ["متظاهرون", "متظاهران"]),
        ("جانبان", ["جانبين"]),
        ("لجنتان", ["لجنتين"]),
        ("مصريون", ["مصريين"]),
        ("متظاهرات", []),  # ات is one ending in every case
        ("متظاهر", []),
        ("قانون", []),  # three letters before the ending
        ("كمين", []),
        ("عشرون", []),
    ],
)
def test_other_case_forms(word: str, others: list[str]) -> None:
    assert other_case_forms(word) == others


def test_exact_lookup_misses_most_of_the_golden_variants() -> None:
    """What the table is for: plain lookup of the term as a word finds a small part of these forms."""
    found = [row for row in GOLDEN if row[1] and f" {row[1][0]} " in f" {row[0]} "]
    assert len(found) < len([row for row in GOLDEN if row[1]]) / 3


def test_hits_carry_the_translations_status_and_whether_they_were_exact() -> None:
    base = Termbase(
        concepts=[
            Concept(
                "c1",
                [
                    Term("اللجنة المشتركة", "ar"),
                    Term("joint committee", "en", TermStatus.FORBIDDEN),
                    Term("Joint Commission", "en", TermStatus.PREFERRED),
                    Term("joint commission", "en", TermStatus.ADMITTED),
                ],
            )
        ]
    )
    (hit,) = base.recognizer("ar", "en").recognize("عقدت اللجنة المشتركة")
    assert (hit.start, hit.end, hit.exact) == (5, 20, True)
    assert [t.text for t in hit.translations] == ["Joint Commission", "joint commission"]
    (hit,) = base.recognizer("ar", "en").recognize("عقدت للجنة المشتركة")
    assert not hit.exact and hit.as_dict()["translations"][0] == {
        "text": "Joint Commission",
        "lang": "en",
        "status": "preferred",
    }
    (hit,) = base.recognizer("en", "ar").recognize("The joint committees met.")
    assert hit.forbidden and hit.status is TermStatus.FORBIDDEN and hit.text == "joint committees"


ENGLISH = _termbase(("لجنة", "Joint Commission"), ("قطاع", "sector"), ("بلد", "country"), ("حافلة", "bus"), ("ا", "us"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the joint commission", ["Joint Commission"]),
        ("THE JOINT COMMISSION'S WORK", ["Joint Commission"]),
        ("the Joint Commission’s work", ["Joint Commission"]),
        ("two joint commissions", ["Joint Commission"]),
        ("the joint-commission", ["Joint Commission"]),
        ("vital sectors", ["sector"]),
        ("many countries", ["country"]),
        ("the buses", ["bus"]),
        ("subsector", []),
        ("sectoral", []),
        ("countryside", []),
        ("joint, commission", []),
        ("use", []),
    ],
)
def test_english_case_plural_and_possessive_folding(text: str, expected: list[str]) -> None:
    assert [hit.term.text for hit in ENGLISH.recognizer("en", "ar").recognize(text)] == expected


def test_overlapping_false_keeps_the_leftmost_longest_hits() -> None:
    recognizer = ARABIC.recognizer("ar", "en")
    text = "اجتمعت اللجنة المشتركة ولجنة الصداقة"
    assert [h.term.text for h in recognizer.recognize(text)] == ["اللجنة المشتركة", "اللجنة", "لجنة الصداقة", "اللجنة"]
    assert [h.term.text for h in recognizer.recognize(text, overlapping=False)] == ["اللجنة المشتركة", "لجنة الصداقة"]


def test_the_recognizer_follows_changes_to_the_termbase() -> None:
    base = _termbase(("اللجنة", "commission"))
    assert base.recognizer("ar", "en") is base.recognizer("ar", "en")  # built once
    assert not base.recognizer("ar", "en").recognize("الوزارة")
    base.add(Concept("", [Term("الوزارة", "ar"), Term("ministry", "en")]))
    assert [h.concept.id for h in base.recognizer("ar", "en").recognize("بالوزارة")] == ["c2"]


def test_regional_tags_and_a_termbase_of_many_languages() -> None:
    base = Termbase(
        concepts=[Concept("c1", [Term("لجنة", "ar-SY"), Term("commission", "en-GB"), Term("commission", "fr")])]
    )
    (hit,) = TermRecognizer(base, source_lang="ar", target_lang="en").recognize("اللجنة")
    assert [t.lang for t in hit.translations] == ["en-GB"]


def test_forms_of_a_word() -> None:
    assert arabic_forms("وباللجنه") == ["وباللجنه", "باللجنه", "اللجنه", "لجنه", "اللجنة", "لجنة"]
    assert arabic_forms("بلد") == ["بلد"] and arabic_forms("وبلد") == ["وبلد", "بلد"]  # no stem under three letters
    assert arabic_forms("بالدم") == ["بالدم", "الدم", "دم"]  # but two letters after the article
    assert arabic_forms("الحق", written="ألحق") == ["الحق"]
    assert english_forms("countries") == ["countries", "country", "countri", "countrie"]
    assert english_forms("bus") == ["bus"]


def test_the_sample_article_meets_the_sample_termbase() -> None:
    termbase = read_tbx(SAMPLES / "terms.tbx").termbase
    recognizer = termbase.recognizer("ar", "en")
    text = (SAMPLES / "article.ar.txt").read_text(encoding="utf-8")
    found = {hit.term.text for hit in recognizer.recognize(text)}
    assert {"اللجنة السورية الروسية المشتركة", "إعادة الإعمار", "العقوبات الاقتصادية", "فيروس كورونا"} <= found
    assert len(found) >= 35
