"""Spelling with Hunspell: golden words in Arabic and English, spans for the editor, allow-lists, `tmkit qa`'s check."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import run_cli, tmx_doc
from tmkit.quality import spelling
from tmkit.quality.qa import CHECKS, QaPair, check_pair, check_pairs
from tmkit.quality.spelling import SpellChecker, arabic_stems, find_dictionary

HUNSPELL = shutil.which(spelling.HUNSPELL_COMMAND) is not None
needs_hunspell = pytest.mark.skipif(
    not HUNSPELL, reason="the hunspell program is not installed (.ci/run installs Debian's hunspell)"
)
needs_ar = pytest.mark.skipif(
    not HUNSPELL or find_dictionary("ar") is None,
    reason="Debian's hunspell and hunspell-ar are not installed (.ci/run installs them)",
)
needs_en = pytest.mark.skipif(
    not HUNSPELL or find_dictionary("en") is None,
    reason="Debian's hunspell and hunspell-en-us are not installed (.ci/run installs them)",
)
#: A language no dictionary folder has.
NO_SUCH_LANG = "zz"

# (word, correct): Arabic with its proclitics (و ف ب ل ك س, the article), ة/ه and hamza slips.
ARABIC_GOLDEN = [
    ("الكتاب", True),
    ("والكتاب", True),
    ("وبالكتاب", True),
    ("فالمدرسة", True),
    ("للمدرسة", True),
    ("سيكتبون", True),
    ("كتابهم", True),
    ("بالهاتف", True),
    ("مدرسه", True),  # مدرس + ه, "his teacher"
    ("المدرسه", False),  # ة written ه: the article cannot take a pronoun, so no stem saves it
    ("والمدرسه", False),
    ("الساعه", False),
    ("الكتاپ", False),  # Persian پ
    ("وبالكتابب", False),
    ("كتابب", False),
]
# (word, correct): English, with what hunspell's en_US dictionary says.
ENGLISH_GOLDEN = [
    ("committee", True),
    ("comittee", False),
    ("receive", True),
    ("recieve", False),
    ("don't", True),
    ("don’t", True),  # a curly apostrophe is the same word
    ("Tuesday", True),
    ("tuesday", False),
    ("accomodation", False),
]


@needs_ar
@pytest.mark.parametrize(("word", "correct"), ARABIC_GOLDEN)
def test_arabic_golden_words(word: str, correct: bool) -> None:
    with SpellChecker("ar") as checker:
        assert checker.is_correct(word) is correct


@needs_en
@pytest.mark.parametrize(("word", "correct"), ENGLISH_GOLDEN)
def test_english_golden_words(word: str, correct: bool) -> None:
    with SpellChecker("en") as checker:
        assert checker.is_correct(word) is correct


@pytest.mark.parametrize(
    ("word", "stems"),
    [
        ("وبالكتاب", ["بالكتاب", "الكتاب", "كتاب"]),
        ("وللمدرسة", ["للمدرسة", "المدرسة", "مدرسة"]),
        ("سيكتبون", ["يكتبون"]),
        ("المدرسه", []),  # the article before a pronoun ending is not cut
        ("بيت", []),  # nothing of four letters would be left
        ("كتاب", []),
    ],
)
def test_arabic_stems(word: str, stems: list[str]) -> None:
    assert arabic_stems(word) == stems


@needs_ar
def test_a_stem_in_the_dictionary_saves_its_word_with_clitics() -> None:
    # Hunspell's own affix rules reject these loanwords with the article or a preposition (its -l
    # flags البقشيش, كبقشيش, الفلاش); their stems بقشيش (a tip) and فلاش are in the dictionary.
    with SpellChecker("ar") as checker:
        assert checker.is_correct("البقشيش") and checker.is_correct("كبقشيش") and checker.is_correct("الفلاش")
        assert not checker.is_correct("البقشيشش")


@needs_ar
def test_arabic_spans_skip_numbers_urls_placeholders_and_latin_names() -> None:
    text = "ذهبت إلى المدرسه في الساعه 9 مع John و{1}كتابب{/1} https://x.org/الكتاپ ٣كتابب وبالكتاب الـ 13"
    with SpellChecker("ar") as checker:
        found = checker.check(text)
        assert [(m.word, text[m.start : m.end]) for m in found] == [
            ("المدرسه", "المدرسه"),
            ("الساعه", "الساعه"),
            ("كتابب", "كتابب"),
        ]
        assert all(m.suggestions == () for m in found)  # suggestions only on demand
        with_suggestions = checker.check(text, with_suggestions=True)
        assert with_suggestions[0].suggestions[0] == "المدرسة"
        assert len(with_suggestions[0].suggestions) <= spelling.MAX_SUGGESTIONS


@needs_ar
def test_harakat_and_tatweel_do_not_make_a_word_misspelled() -> None:
    with SpellChecker("ar") as checker:
        assert checker.check("ذَهَبْتُ إلى المدرســة") == []


@needs_en
def test_english_spans_skip_acronyms_names_inside_sentences_and_codes() -> None:
    text = "The comittee met NATO and eBay in Borisov's office at www.example.org; {name} %s recieve."
    with SpellChecker("en-US") as checker:
        assert [m.word for m in checker.check(text)] == ["comittee", "recieve"]
    with SpellChecker("en-US", check_names=True) as checker:
        assert [m.word for m in checker.check(text)] == ["comittee", "Borisov's", "recieve"]


@needs_en
def test_suggestions() -> None:
    with SpellChecker("en") as checker:
        assert "receive" in checker.suggest("recieve")
        assert checker.suggest("receive") == ()


@needs_ar
def test_suggestions_for_a_stem_keep_the_clitics() -> None:
    with SpellChecker("ar") as checker:
        assert checker.suggest("المدرسه")[0] == "المدرسة"
        assert checker.suggest("بيروت") == ()  # correct: nothing from the stem يروت either


@needs_ar
def test_allowed_words_pass_with_clitics_harakat_and_in_phrases() -> None:
    with SpellChecker("ar", allowed=["شركة بوريسوف"]) as checker:
        assert checker.check("التقى وبوريسوف و بوريسوفُ") == []
        assert [m.word for m in checker.check("التقى يفيموف")] == ["يفيموف"]
        checker.allow_words(["يفيموف"])
        assert checker.check("التقى يفيموف") == []


@needs_en
def test_names_capitalized_inside_sentences_pass_at_the_start_of_others() -> None:
    result = check_pairs(
        [
            QaPair("1", "قال الوزير بوريسوف", "Minister Borisov said so."),
            QaPair("2", "قال بوريسوف", "Borisov said so."),
        ],
        checks=CHECKS,
        spelling=SpellChecker("en"),
    )
    assert result.count("spelling") == 0
    # Without the first sentence, Borisov at a sentence's start is a word to check.
    with SpellChecker("en") as checker:
        alone = check_pairs([QaPair("2", "قال بوريسوف", "Borisov said so.")], checks=CHECKS, spelling=checker)
    assert alone.count("spelling") == 1


@needs_hunspell
def test_a_dictionary_from_the_environment_folder(tmp_path: Path) -> None:
    (tmp_path / "xx_YY.aff").write_text("SET UTF-8\nTRY esianrtolcdugmphbyfvkwz\n", encoding="utf-8")
    (tmp_path / "xx_YY.dic").write_text("2\nhello\nworld\n", encoding="utf-8")
    environ = {spelling.DICTIONARY_PATH_ENV: str(tmp_path)}
    assert find_dictionary("xx", environ=environ) == tmp_path / "xx_YY.dic"
    assert find_dictionary("xx-YY", environ=environ) == tmp_path / "xx_YY.dic"
    with SpellChecker("xx", environ=environ) as checker:
        found = checker.check("hello wrold")
        assert [(m.start, m.end, m.word) for m in found] == [(6, 11, "wrold")]
        assert "world" in checker.suggest("wrold")


@needs_hunspell
def test_without_stdbuf_checking_goes_through_hunspell_a(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "xx.aff").write_text("SET UTF-8\n", encoding="utf-8")
    (tmp_path / "xx.dic").write_text("2\nhello\nworld\n", encoding="utf-8")
    monkeypatch.setattr(spelling, "STDBUF_COMMAND", "tmkit-no-such-stdbuf")
    with SpellChecker("xx", dictionary_dirs=[tmp_path]) as checker:
        assert [m.word for m in checker.check("hello wrold world")] == ["wrold"]
        assert "world" in checker.suggest("wrold")


def test_without_a_dictionary_one_notice_and_nothing_flagged() -> None:
    notices: list[str] = []
    checker = SpellChecker(NO_SUCH_LANG, on_notice=notices.append)
    assert not checker.enabled
    assert checker.check("anything at all, qwzxv") == [] and checker.suggest("qwzxv") == ()
    assert checker.is_correct("qwzxv")
    assert len(notices) == 1 and notices[0] == checker.notice
    assert f"no Hunspell dictionary for '{NO_SUCH_LANG}'" in notices[0] and spelling.DICTIONARY_PATH_ENV in notices[0]


@needs_hunspell
def test_a_hunspell_that_dies_turns_the_checker_off_without_failing(tmp_path: Path) -> None:
    (tmp_path / "xx.aff").write_text("SET UTF-8\n", encoding="utf-8")
    (tmp_path / "xx.dic").write_text("1\nhello\n", encoding="utf-8")
    with SpellChecker("xx", dictionary_dirs=[tmp_path]) as checker:
        assert [m.word for m in checker.check("hello wrold")] == ["wrold"]
        assert checker._lister is not None
        checker._lister.process.kill()  # fault injection: the real process gone mid-session
        checker._lister.process.wait()
        assert checker.check("hello another") == []
        assert not checker.enabled and checker.notice is not None and "hunspell failed" in checker.notice


# -- tmkit qa -----------------------------------------------------------------------------------


def _pair_files(tmp_path: Path, source: str, target: str) -> tuple[Path, Path]:
    src, tgt = tmp_path / "src.txt", tmp_path / "tgt.txt"
    src.write_text(source + "\n", encoding="utf-8")
    tgt.write_text(target + "\n", encoding="utf-8")
    return src, tgt


@needs_en
def test_qa_spelling_check_finds_a_misspelled_target_word(tmp_path: Path) -> None:
    src, tgt = _pair_files(tmp_path, "اجتمعت اللجنة أمس.", "The comittee met yesterday.")
    code, out, err = run_cli("qa", src, tgt, "--src", "ar", "--tgt", "en", "--fail-on", "warning")
    assert code == 1, err
    assert "warning: [spelling] not in the en_US dictionary: 'comittee'" in out
    assert "spelling" in run_cli("qa", "--list-checks").stdout


@needs_ar
def test_qa_spelling_in_arabic_targets(tmp_path: Path) -> None:
    src, tgt = _pair_files(tmp_path, "He went to school.", "ذهب إلى المدرسه.")
    code, out, _ = run_cli("qa", src, tgt, "--src", "en", "--tgt", "ar", "--select", "spelling")
    assert code == 0  # a warning does not fail the default --fail-on error
    assert "[spelling] not in the ar dictionary: 'المدرسه'" in out


@needs_ar
def test_qa_allows_the_words_of_tm_memories_and_termbases(tmp_path: Path) -> None:
    src, tgt = _pair_files(tmp_path, "Borisov met Yefimov.", "التقى بوريسوف ويفيموف.")
    code, out, _ = run_cli("qa", src, tgt, "--src", "en", "--tgt", "ar", "--select", "spelling")
    assert "'بوريسوف', 'ويفيموف'" in out
    memory = tmp_path / "memory.tmx"
    memory.write_text(
        tmx_doc(
            '<tu><tuv xml:lang="en"><seg>Borisov said.</seg></tuv><tuv xml:lang="ar-SA"><seg>قال بوريسوف.</seg></tuv></tu>'
        ),
        encoding="utf-8",
    )
    terms = tmp_path / "terms.csv"
    terms.write_text("en,ar\nYefimov,يفيموف\n", encoding="utf-8")
    code, out, _ = run_cli("qa", src, tgt, "--src", "en", "--tgt", "ar", "--select", "spelling", "--tm", memory)
    assert "'ويفيموف'" in out and "بوريسوف" not in out
    code, out, _ = run_cli(
        "qa", src, tgt, "--src", "en", "--tgt", "ar", "--select", "spelling", "--tm", memory, "--terms", terms
    )
    assert code == 0 and "[spelling]" not in out and "0 warnings" in out


def test_qa_without_a_dictionary_says_so_once_and_runs_the_other_checks(tmp_path: Path) -> None:
    src, tgt = _pair_files(tmp_path, "It costs 3 pounds.\nqwzxv.", "Es kostet 4 Pfund.\nqwzxvv qwzxv.")
    code, out, err = run_cli("qa", src, tgt, "--src", "en", "--tgt", NO_SUCH_LANG)
    assert code == 1  # the number check still runs and fails the job; spelling never does
    assert "[number-mismatch]" in out and "[spelling]" not in out
    assert err.count("spelling is off") == 1
    code, out, err = run_cli("qa", src, tgt, "--src", "en", "--tgt", NO_SUCH_LANG, "--select", "spelling")
    assert code == 0 and err.count("spelling is off") == 1


@needs_en
def test_check_pair_without_a_checker_finds_no_spelling_problem() -> None:
    # The editor's confirm path passes no checker: no hunspell is started per segment.
    assert check_pair("اجتمعت اللجنة", "The comittee met.", checks=CHECKS) == []
    with SpellChecker("en") as checker:
        found = check_pair("اجتمعت اللجنة", "The comittee met.", checks=CHECKS, spelling=checker)
    assert found == [("spelling", "not in the en_US dictionary: 'comittee'")]
