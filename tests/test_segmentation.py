"""Sentence segmentation: each Arabic and English pitfall, SRX loading, the gold set and `tmkit segment`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import run_cli
from tmkit.errors import InputError
from tmkit.text.segmentation import default_rules, load_srx, parse_srx, split_paragraph, split_sentences

GOLD = Path(__file__).parent / "data" / "segmentation"


def ar(text: str) -> list[str]:
    return split_paragraph(text, lang="ar")


def en(text: str) -> list[str]:
    return split_paragraph(text, lang="en")


def test_arabic_abbreviation_does_not_end_a_sentence() -> None:
    assert ar("قال د. أحمد إن الوضع مستقر. ثم غادر.") == ["قال د. أحمد إن الوضع مستقر.", "ثم غادر."]
    assert ar("وصل أ.د. محمد. انظر ص. 12 والجزء ج. 3 مع م. ريم.") == [
        "وصل أ.د. محمد.",
        "انظر ص. 12 والجزء ج. 3 مع م. ريم.",
    ]


def test_year_with_era_letter_may_end_a_sentence() -> None:
    assert ar("ولد عام 1950 م. وفي العام التالي انتقل.") == ["ولد عام 1950 م.", "وفي العام التالي انتقل."]


def test_arabic_comma_and_semicolon_never_end_a_sentence() -> None:
    text = "استقبل الرئيس الوفد، وتناول اللقاء العلاقات؛ ثم عقد مؤتمرا صحفيا. وانتهت الزيارة."
    assert ar(text) == ["استقبل الرئيس الوفد، وتناول اللقاء العلاقات؛ ثم عقد مؤتمرا صحفيا.", "وانتهت الزيارة."]


@pytest.mark.parametrize("number", ["3.5", "٣٫٥", "22.06.2021", "2.4"])
def test_decimals_and_dates_do_not_break(number: str) -> None:
    assert ar(f"بلغ النمو {number} في المئة. وهذا جيد.") == [f"بلغ النمو {number} في المئة.", "وهذا جيد."]
    assert en(f"Growth was {number} percent. That is good.") == [f"Growth was {number} percent.", "That is good."]


def test_arabic_terminators() -> None:
    assert ar("هل جاء؟ نعم! قال: «انتظرنا…» ثم رحل۔ وانتهى.") == [
        "هل جاء؟",
        "نعم!",
        "قال: «انتظرنا…»",
        "ثم رحل۔",
        "وانتهى.",
    ]


def test_closing_quotes_and_brackets_stay_with_their_sentence() -> None:
    assert ar("قال: «لن نتراجع.» وأضاف أنه متفائل.") == ["قال: «لن نتراجع.»", "وأضاف أنه متفائل."]
    assert en('He said "We agree." (The talks ended.) Then he left.') == [
        'He said "We agree."',
        "(The talks ended.)",
        "Then he left.",
    ]


def test_missing_space_after_an_arabic_full_stop() -> None:
    assert ar("انتهى الاجتماع.وبدأ المؤتمر.") == ["انتهى الاجتماع.", "وبدأ المؤتمر."]


def test_english_abbreviations() -> None:
    assert en("Dr. Smith met U.S. President Biden. He left.") == ["Dr. Smith met U.S. President Biden.", "He left."]
    assert en("See No. 5 and p. 7, e.g. the table. It helps.") == ["See No. 5 and p. 7, e.g. the table.", "It helps."]
    assert en("We met at 10 a.m. on Tuesday. Then lunch.") == ["We met at 10 a.m. on Tuesday.", "Then lunch."]


# -- errors seen on news (issue 10) -------------------------------------------------------------


def test_a_quoted_question_then_a_lower_case_continuation_or_an_attribution() -> None:
    assert en('Why would anyone go to such a place?" saying it was unsafe. Then he left.') == [
        'Why would anyone go to such a place?" saying it was unsafe.',
        "Then he left.",
    ]
    assert en('"Enough!" shouted the crowd. It dispersed.') == ['"Enough!" shouted the crowd.', "It dispersed."]
    assert ar("«هل يعقل أن نكون خصم؟» تساءلت الوزيرة. وغادرت.") == [
        "«هل يعقل أن نكون خصم؟» تساءلت الوزيرة.",
        "وغادرت.",
    ]
    assert ar('"لن نتراجع!" هتف المتظاهرون أمام المبنى. ثم تفرقوا.') == [
        '"لن نتراجع!" هتف المتظاهرون أمام المبنى.',
        "ثم تفرقوا.",
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "The case of Roe v. Wade was cited.",
        "Sens. Warren and Sanders voted no.",
        "Det. Sgt. Jones led the inquiry.",
        "The launch is at 9 a.m. EST on Friday.",
        "It ended at 11 p.m. Tuesday night.",
    ],
)
def test_abbreviations_before_a_capital_do_not_end_a_sentence(sentence: str) -> None:
    assert en(f"{sentence} Nothing else happened.") == [sentence, "Nothing else happened."]


@pytest.mark.parametrize(
    "first",
    [
        "The treaty was signed in the U.S.",
        "The deadline passed on 1 Oct.",
        "It was built about 400 A.D.",
        "He finished sixth in the Super-G.",
        "They met at 9 a.m.",
    ],
)
def test_an_abbreviation_can_end_a_sentence(first: str) -> None:
    assert en(f"{first} The rest followed.") == [first, "The rest followed."]
    # Before a number or a proper name they still do not end one.
    assert en("Talks resumed on Oct. 5 in the U.S. Congress.") == ["Talks resumed on Oct. 5 in the U.S. Congress."]


def test_an_ellipsis_inside_an_arabic_sentence() -> None:
    assert ar("نعمل منذ أشهر على تدريب الكوادر… والنتائج مشجعة. وسنواصل.") == [
        "نعمل منذ أشهر على تدريب الكوادر… والنتائج مشجعة.",
        "وسنواصل.",
    ]
    assert ar("وصلت سرعة الرياح إلى 70 كم في الساعة... ثم هطلت الأمطار. وتوقفت.") == [
        "وصلت سرعة الرياح إلى 70 كم في الساعة... ثم هطلت الأمطار.",
        "وتوقفت.",
    ]


@pytest.mark.parametrize("abbreviation", ["بي.بي.سي", "سي.إن.إن", "إف.بي.آي", "د.ب.أ", "أ.ف.ب"])
def test_transliterated_abbreviations_in_arabic(abbreviation: str) -> None:
    assert ar(f"نقلت وكالة {abbreviation} الخبر. ثم نفته.") == [f"نقلت وكالة {abbreviation} الخبر.", "ثم نفته."]


def test_latin_initials_written_in_arabic_letters() -> None:
    text = "وقال نائب المفتش العام دي. كي. أريا إن خمسة اعتقلوا. ثم غادر."
    assert ar(text) == ["وقال نائب المفتش العام دي. كي. أريا إن خمسة اعتقلوا.", "ثم غادر."]


def test_headlines_and_paragraphs_are_boundaries() -> None:
    text = "Headline without a stop\nThe first sentence. The second\n\nNext paragraph"
    assert split_sentences(text, lang="en") == [
        ["Headline without a stop", "The first sentence.", "The second"],
        ["Next paragraph"],
    ]
    assert split_sentences("A hard-wrapped\nsentence. Next.", lang="en", join_lines=True) == [
        ["A hard-wrapped sentence.", "Next."]
    ]


def _boundary_scores(lang: str) -> tuple[float, float]:
    text = (GOLD / f"{lang}.gold.txt").read_text(encoding="utf-8")
    right = found = wanted = 0
    for block in text.strip().split("\n\n"):
        sentences = block.split("\n")
        got = split_paragraph(" ".join(sentences), lang=lang)
        want_ends = {sum(len(s) + 1 for s in sentences[: i + 1]) for i in range(len(sentences) - 1)}
        got_ends = {sum(len(s) + 1 for s in got[: i + 1]) for i in range(len(got) - 1)}
        right += len(want_ends & got_ends)
        found += len(got_ends)
        wanted += len(want_ends)
    return right / found, right / wanted


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_gold_set_precision_and_recall(lang: str) -> None:
    precision, recall = _boundary_scores(lang)
    assert precision >= 0.95 and recall >= 0.95, (precision, recall)


USER_SRX = """<?xml version="1.0"?>
<srx xmlns="http://www.lisa.org/srx20" version="2.0">
<header cascade="yes"/>
<body><languagerules>
<languagerule languagerulename="mine">
<rule break="no"><beforebreak>\\bwt\\.</beforebreak><afterbreak>\\s</afterbreak></rule>
<rule break="yes"><beforebreak>:</beforebreak><afterbreak>\\s</afterbreak></rule>
</languagerule></languagerules>
<maprules><languagemap languagepattern="en.*" languagerulename="mine"/></maprules>
</body></srx>"""


def test_user_srx_extends_or_replaces_the_rules(tmp_path: Path) -> None:
    path = tmp_path / "mine.srx"
    path.write_text(USER_SRX, encoding="utf-8")
    user = load_srx(path)
    extended = default_rules().extended_by(user)
    assert split_paragraph("Net wt. 5 kg: fine. Dr. No.", lang="en", rules=extended) == [
        "Net wt. 5 kg:",
        "fine.",
        "Dr. No.",
    ]
    # Alone, the user's rules know no full stop.
    assert split_paragraph("One. Two: three.", lang="en", rules=user) == ["One. Two:", "three."]


_UPPER_CASE_MAP_SRX = rb"""<?xml version="1.0"?>
<srx xmlns="http://www.lisa.org/srx20" version="2.0"><header cascade="no" segmentsubflows="yes"/><body>
<languagerules>
<languagerule languagerulename="English"><rule break="yes"><beforebreak>;</beforebreak><afterbreak>\s</afterbreak></rule></languagerule>
<languagerule languagerulename="Default"><rule break="yes"><beforebreak>\.</beforebreak><afterbreak>\s</afterbreak></rule></languagerule>
</languagerules>
<maprules><languagemap languagepattern="EN.*" languagerulename="English"/><languagemap languagepattern=".*" languagerulename="Default"/></maprules>
</body></srx>"""


@pytest.mark.parametrize("lang", ["en", "EN", "en-GB", "En_us"])
def test_language_patterns_match_codes_in_any_case(lang: str) -> None:
    # OmegaT's rule files map `EN.*`; a job in `en` must get the English rules, not only the catch-all.
    rules = parse_srx(_UPPER_CASE_MAP_SRX, path="omegat-like.srx")
    assert split_paragraph("One; two. Three", lang=lang, rules=rules) == ["One;", "two. Three"]
    assert split_paragraph("One; two. Three", lang="ar", rules=rules) == ["One; two.", "Three"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<srx><body>", "not usable SRX"),
        (b"<notsrx/>", "not <srx>"),
        (
            b'<srx><body><languagerules><languagerule languagerulename="x"><rule><beforebreak>(</beforebreak>'
            b"</rule></languagerule></languagerules></body></srx>",
            "bad regular expression",
        ),
        (b'<!DOCTYPE srx [<!ENTITY e SYSTEM "file:///etc/passwd">]><srx>&e;</srx>', "not usable SRX"),
    ],
)
def test_bad_srx_is_one_input_error(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_srx(data, path="bad.srx")


def test_segment_command(tmp_path: Path) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text("عنوان\n\nقال د. أحمد: «نعم.» ثم غادر، وعاد.\n", encoding="utf-8")
    out = tmp_path / "out.txt"
    result = run_cli("segment", str(doc), "-o", str(out))
    assert result.code == 0, result.stderr
    assert out.read_text(encoding="utf-8") == "عنوان\n\nقال د. أحمد: «نعم.»\nثم غادر، وعاد.\n"
    result = run_cli("segment", "--json", "--lang", "ar", str(doc))
    assert json.loads(result.stdout)["paragraphs"][1] == ["قال د. أحمد: «نعم.»", "ثم غادر، وعاد."]


def test_segment_command_bad_input(tmp_path: Path) -> None:
    cp1256 = tmp_path / "cp1256.txt"
    cp1256.write_bytes("سطر أول\nسطر ثان".encode("cp1256"))
    result = run_cli("segment", str(cp1256))
    assert result.code == 2 and "cp1256.txt:1: not UTF-8" in result.stderr and "Traceback" not in result.stderr
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    result = run_cli("segment", str(empty))
    assert result.code == 2 and "empty" in result.stderr
    bad_srx = tmp_path / "bad.srx"
    bad_srx.write_text("<srx>", encoding="utf-8")
    result = run_cli("segment", "--srx", str(bad_srx), str(empty))
    assert result.code == 2 and "bad.srx:1" in result.stderr
