"""Scores equal sacrebleu's (corpus, segment, intervals, paired test); gates and baselines decide as documented."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sacrebleu.metrics.bleu import BLEU
from sacrebleu.metrics.chrf import CHRF
from sacrebleu.metrics.ter import TER
from sacrebleu.significance import PairedTest

from tmkit.errors import InputError, ParameterError, TmkitError
from tmkit.quality.defaults import DEFAULT_METRICS, MetricOptions
from tmkit.quality.gates import (
    Gate,
    GateKind,
    check_baseline,
    evaluate_gates,
    gate_line,
    load_baseline,
    parse_gate,
    parse_gates,
)
from tmkit.quality.scoring import (
    ScoringError,
    _index_rows,
    compare_systems,
    metric_key,
    score_corpus,
    segment_score,
    tokenizer_for,
)
from tmkit.text.normalize import Normalizer


@pytest.fixture(autouse=True)
def _small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Statistics are extracted in blocks; tiny blocks make every test cross block boundaries."""
    monkeypatch.setattr("tmkit.quality.scoring.STATISTICS_BLOCK", 2)


# -- the table: (name, hypotheses, reference streams, target language, tokenizer or None) ------
# Expected values are computed in each test through sacrebleu's public API, never by tmkit.
CASES: list[tuple[str, list[str], list[list[str]], str, str | None]] = [
    (
        "arabic-punctuation",
        ["الكتاب، جيد؟ نعم.", "ذهب الولد إلى المدرسة"],
        [["الكتاب ، جيد ؟ نعم .", "ذهب الولد الى المدرسة"]],
        "ar",
        None,
    ),
    (
        "arabic-vocalised-and-tatweel",
        ["ذهبَ الولدُ إلى المدرسةِ", "قال الوزيـــر إن الاتفاق مهم"],
        [["ذهب الولد إلى المدرسة", "قال الوزير إن الاتفاق مهم جدا"]],
        "ar",
        None,
    ),
    (
        "arabic-indic-digits",
        ["وصل ٥ آلاف طن في ٢٠٢١", "يضم ١٥٠ ألف جرعة"],
        [["وصل 5 آلاف طن في 2021", "يضم ١٥٠ ألف جرعة"]],
        "ar",
        None,
    ),
    (
        "english-13a",
        ["The cat sat on the mat.", "It is raining today!", "Borisov met al-Assad in Damascus."],
        [["The cat is on the mat.", "Today it rains!", "Borisov met President al-Assad in Damascus."]],
        "en",
        None,
    ),
    (
        "two-references",
        ["the two sides discussed trade", "a number of projects"],
        [
            ["the two sides discussed trade issues", "several projects"],
            ["both sides talked about trade", "a number of projects"],
        ],
        "en",
        None,
    ),
    ("exact-two-tokens", ["hello world"], [["hello world"]], "en", None),
    (
        "empty-hypothesis-segment",
        ["", "some words here", "and more"],
        [["a reference", "some words here", "and more words"]],
        "en",
        None,
    ),
    ("long-hypothesis-ter-above-100", ["a b c d e f g h i j"], [["x y"]], "en", None),
    ("overridden-tokenizer", ["الكتاب، جيد؟"], [["الكتاب ، جيد ؟"]], "ar", "13a"),
    ("char-tokenizer", ["قال الوزير"], [["قال وزير"]], "ar", "char"),
    ("unicode-line-separator-inside", ["one\u2028two three"], [["one two three"]], "en", None),
]
CASE_IDS = [case[0] for case in CASES]


def _sacrebleu_metric(key: str, tokenize: str, *, effective_order: bool = False) -> Any:
    if key == "chrf":
        return CHRF()
    if key == "chrf++":
        return CHRF(word_order=2)
    if key == "bleu":
        return BLEU(tokenize=tokenize, effective_order=effective_order)
    return TER()


@pytest.mark.parametrize(("name", "hyps", "refs", "lang", "tokenize"), CASES, ids=CASE_IDS)
def test_corpus_and_segment_scores_equal_sacrebleu(
    name: str, hyps: list[str], refs: list[list[str]], lang: str, tokenize: str | None
) -> None:
    result = score_corpus(hyps, refs, metrics=["chrf", "chrf++", "bleu", "ter"], target_lang=lang, tokenize=tokenize)
    tok = tokenize or ("intl" if lang == "ar" else "13a")
    for key in ("chrf", "chrf++", "bleu", "ter"):
        expected_metric = _sacrebleu_metric(key, tok)
        expected = expected_metric.corpus_score(hyps, refs)
        got = result[key]
        assert got.score == expected.score, (name, key)
        assert got.name == expected.name
        assert got.sacrebleu_signature == expected_metric.get_signature().format()
        # The options sacrebleu's signature leaves out come first: BLEU's n-gram order, chrF's beta.
        options = {"bleu": "tmkit-ngram:4|", "chrf": "tmkit-beta:2|", "chrf++": "tmkit-beta:2|"}.get(key, "")
        assert got.signature == f"{got.sacrebleu_signature}|{options}tmkit-norm:none|tmkit-align:position"
        # Per segment: sacrebleu's sentence_score (BLEU with effective order, as sentence BLEU needs).
        sentence_metric = _sacrebleu_metric(key, tok, effective_order=True)
        for index, hyp in enumerate(hyps):
            segment_refs = [stream[index] for stream in refs]
            assert got.segment_scores[index] == sentence_metric.sentence_score(hyp, segment_refs).score, (name, key)
        if key == "bleu":
            assert got.verbose == expected._verbose
            assert "eff:yes" in got.segment_signature


def test_arabic_target_gets_intl_and_english_13a() -> None:
    assert tokenizer_for("ar") == "intl"
    assert tokenizer_for("AR_sa") == "intl"
    assert tokenizer_for("en-GB") == "13a"
    assert "tok:intl" in score_corpus(["نعم؟"], [["نعم ؟"]], target_lang="ar")["bleu"].signature
    assert "tok:13a" in score_corpus(["yes?"], [["yes ?"]], target_lang="en")["bleu"].signature


def test_normalization_is_applied_to_both_sides_and_recorded() -> None:
    hyps, refs = ["ذهبَ الولدُ إلى المدرسة؟"], [["ذهب الولد الى المدرسة?"]]
    plain = score_corpus(hyps, refs, target_lang="ar")
    normalizer = Normalizer("ar")
    normalized = score_corpus(hyps, refs, target_lang="ar", normalizer=normalizer)
    expected = CHRF().corpus_score([normalizer(h) for h in hyps], [[normalizer(r) for r in refs[0]]]).score
    assert normalized["chrf"].score == expected == 100.0
    assert plain["chrf"].score < 100.0
    assert "tmkit-norm:ar-v1" in normalized["chrf"].signature
    assert "tmkit-norm:none" in plain["chrf"].signature


def test_confidence_interval_equals_sacrebleu_bootstrap(monkeypatch: pytest.MonkeyPatch) -> None:
    hyps = [f"the meeting number {i} dealt with trade" for i in range(40)]
    refs = [[f"meeting {i} dealt with trade and energy" for i in range(40)]]
    for seed in ("12345", "7"):
        monkeypatch.setenv("SACREBLEU_SEED", seed)
        result = score_corpus(hyps, refs, metrics=["chrf", "bleu", "ter"], confidence=150)
        for key in ("chrf", "bleu", "ter"):
            metric = _sacrebleu_metric(key, "13a")
            expected = metric.corpus_score(hyps, refs, n_bootstrap=150)
            interval = result[key].ci
            assert interval is not None
            assert (interval.mean, interval.half_width) == (expected._mean, expected._ci)
            assert interval.low <= interval.mean <= interval.high
            assert result[key].sacrebleu_signature == metric.get_signature().format()
            assert f"bs:150|seed:{seed}" in result[key].signature


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(min_value=1, max_value=400), st.integers(min_value=1, max_value=30), st.integers(0, 2**31))
def test_resampling_row_by_row_draws_sacrebleus_matrix(n: int, samples: int, seed: int) -> None:
    # tmkit draws one index row at a time to keep memory flat; the numbers must be sacrebleu's.
    matrix = np.random.default_rng(seed).choice(n, size=(samples, n), replace=True)
    rows = np.stack(list(_index_rows(n, samples, seed)))
    assert (matrix == rows).all()


def test_paired_bootstrap_equals_sacrebleu_paired_test() -> None:
    refs = [f"the two sides discussed trade item {i} and energy" for i in range(60)]
    good = [r.replace("discussed", "talked about") if i % 3 else r for i, r in enumerate(refs)]
    bad = [" ".join(r.split()[:4]) for r in refs]
    comparison = compare_systems(good, bad, [refs], metrics=["chrf", "bleu", "ter"], samples=200)
    signatures, expected = PairedTest(
        [("baseline", bad), ("system", good)],
        {"chrf": CHRF(), "bleu": BLEU(), "ter": TER()},
        [refs],
        test_type="bs",
        n_samples=200,
    )()
    for result in comparison.results:
        baseline, system = expected[result.name]
        assert result.score == system.score
        assert result.baseline_score == baseline.score
        assert result.p_value == system.p_value
        assert (result.mean, result.ci) == (system.mean, system.ci)
        assert (result.baseline_mean, result.baseline_ci) == (baseline.mean, baseline.ci)
        assert result.signature.startswith(signatures[result.name].format() + "|")
        assert result.significant
        assert result.better
        assert result.verdict == "significantly better"


def test_paired_bootstrap_of_a_system_against_itself_is_not_significant() -> None:
    refs = [f"segment {i} of the test set" for i in range(20)]
    hyps = [f"segment {i} of a test set" for i in range(20)]
    result = compare_systems(hyps, hyps, [refs], samples=50)["chrf"]
    assert result.delta == 0
    assert not result.significant
    assert result.verdict == "no significant difference"


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(
            st.text(alphabet="abc ،؟كتبس.", max_size=25),
            st.text(alphabet="abc ،؟كتبس.", min_size=1, max_size=25),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_any_corpus_scores_as_sacrebleu(pairs: list[tuple[str, str]]) -> None:
    hyps = [h for h, _ in pairs]
    refs = [[r for _, r in pairs]]
    result = score_corpus(hyps, refs, metrics=["chrf", "bleu"], target_lang="ar")
    assert result["chrf"].score == CHRF().corpus_score(hyps, refs).score
    assert result["bleu"].score == BLEU(tokenize="intl").corpus_score(hyps, refs).score
    sentence = CHRF()
    assert list(result["chrf"].segment_scores) == [sentence.sentence_score(h, [r]).score for h, r in pairs]


# -- sacrebleu's options: each set alone, then all at once; expected from sacrebleu's own objects --
OPTION_CASES: list[tuple[str, dict[str, Any], str, dict[str, Any]]] = [
    # (tmkit metric key, tmkit options, BLEU tokenizer, sacrebleu keyword arguments)
    ("bleu", {"smooth_method": "floor"}, "13a", {"smooth_method": "floor"}),
    ("bleu", {"smooth_method": "floor", "smooth_value": 0.3}, "13a", {"smooth_method": "floor", "smooth_value": 0.3}),
    ("bleu", {"smooth_method": "add-k", "smooth_value": 2}, "13a", {"smooth_method": "add-k", "smooth_value": 2}),
    ("bleu", {"smooth_method": "none"}, "13a", {"smooth_method": "none"}),
    ("bleu", {"lowercase": True}, "13a", {"lowercase": True}),
    ("bleu", {"max_ngram_order": 2}, "intl", {"max_ngram_order": 2}),
    ("bleu", {"max_ngram_order": 7}, "char", {"max_ngram_order": 7}),
    ("bleu", {"effective_order": True}, "13a", {"effective_order": True}),
    ("bleu", {}, "zh", {}),
    ("bleu", {}, "none", {}),
    ("chrf", {"chrf_char_order": 3}, "13a", {"char_order": 3}),
    ("chrf", {"chrf_char_order": 0, "chrf_word_order": 3}, "13a", {"char_order": 0, "word_order": 3}),
    ("chrf", {"chrf_word_order": 1}, "13a", {"word_order": 1}),
    ("chrf", {"chrf_beta": 1}, "13a", {"beta": 1}),
    ("chrf", {"chrf_beta": 0}, "13a", {"beta": 0}),
    ("chrf", {"chrf_whitespace": True}, "13a", {"whitespace": True}),
    ("chrf", {"chrf_lowercase": True}, "13a", {"lowercase": True}),
    ("chrf", {"chrf_eps_smoothing": True}, "13a", {"eps_smoothing": True}),
    ("chrf++", {"chrf_beta": 3, "chrf_char_order": 4}, "13a", {"beta": 3, "char_order": 4, "word_order": 2}),
    ("ter", {"ter_case_sensitive": True}, "13a", {"case_sensitive": True}),
    ("ter", {"ter_normalized": True}, "13a", {"normalized": True}),
    ("ter", {"ter_no_punct": True}, "13a", {"no_punct": True}),
    ("ter", {"ter_normalized": True, "ter_asian_support": True}, "13a", {"normalized": True, "asian_support": True}),
    ("ter", {"ter_no_punct": True, "ter_asian_support": True}, "13a", {"no_punct": True, "asian_support": True}),
]
OPTION_HYPS = [
    "The Cat sat on the mat (again).",
    "وقال الوزير، إن الاتفاق مهم؟",
    "美众院公布对特朗普",
    "It's 4.2 percent!",
    "",
]
OPTION_REFS = [
    ["the cat is on the mat again.", "قال الوزير إن الاتفاق مهم جدا", "美众院公布对特", "it is 4.2 per cent", "empty"],
    ["A cat sat on a mat.", "وأكد الوزير أهمية الاتفاق", "众院公布", "It's 4.2%!", "nothing"],
]


def _sacrebleu_with(key: str, tokenize: str, keywords: dict[str, Any], *, effective_order: bool = False) -> Any:
    if key in ("chrf", "chrf++"):
        return CHRF(**keywords)
    if key == "bleu":
        return BLEU(tokenize=tokenize, **{"effective_order": effective_order, **keywords})
    return TER(**keywords)


@pytest.mark.parametrize(("key", "options", "tokenize", "keywords"), OPTION_CASES, ids=str)
def test_every_sacrebleu_option_scores_as_sacrebleu(
    key: str, options: dict[str, Any], tokenize: str, keywords: dict[str, Any]
) -> None:
    chosen = MetricOptions(**options)
    result = score_corpus(OPTION_HYPS, OPTION_REFS, metrics=[key], tokenize=tokenize, options=chosen)[key]
    expected_metric = _sacrebleu_with(key, tokenize, keywords)
    expected = expected_metric.corpus_score(OPTION_HYPS, OPTION_REFS)
    assert result.score == expected.score
    assert result.name == expected.name
    assert result.sacrebleu_signature == expected_metric.get_signature().format()
    sentence_metric = _sacrebleu_with(key, tokenize, keywords, effective_order=True)
    for index, hyp in enumerate(OPTION_HYPS):
        refs = [stream[index] for stream in OPTION_REFS]
        assert result.segment_scores[index] == sentence_metric.sentence_score(hyp, refs).score
        assert segment_score(hyp, refs, metric=key, tokenize=tokenize, options=chosen) == result.segment_scores[index]
    # The paired test scores with the same options.
    baseline = [" ".join(h.split()[:2]) for h in OPTION_HYPS]
    paired = compare_systems(OPTION_HYPS, baseline, OPTION_REFS, metrics=[key], tokenize=tokenize, samples=20)
    with_options = compare_systems(
        OPTION_HYPS, baseline, OPTION_REFS, metrics=[key], tokenize=tokenize, samples=20, options=chosen
    )
    assert with_options[key].score == expected.score
    assert with_options[key].name == expected.name
    assert with_options[key].baseline_score == expected_metric.corpus_score(baseline, OPTION_REFS).score
    # Every option reaches the signature (sacrebleu's fields, or tmkit-ngram and tmkit-beta).
    assert (with_options[key].signature != paired[key].signature) == bool(options)


def test_segment_score_is_sentence_score() -> None:
    bleu = BLEU(tokenize="13a", effective_order=True)
    assert segment_score("the cat", ["the cat"], metric="bleu") == bleu.sentence_score("the cat", ["the cat"]).score
    assert segment_score("الكتاب، جيد", ["الكتاب ، جيد"], metric="chrf", target_lang="ar") == pytest.approx(
        CHRF().sentence_score("الكتاب، جيد", ["الكتاب ، جيد"]).score
    )
    with pytest.raises(ScoringError):
        segment_score("x", "x")


def test_tokenized_period_warning_is_given_once_for_the_corpus(caplog: pytest.LogCaptureFixture) -> None:
    score_corpus(["a b ."] * 150, [["a b ."] * 150], metrics=["bleu"])
    assert [r.getMessage() for r in caplog.records].count("That's 100 lines that end in a tokenized period ('.')") == 1
    caplog.clear()
    score_corpus(["a b ."] * 99, [["a b ."] * 99], metrics=["bleu"])
    assert not caplog.records


def test_misuse_is_refused_clearly() -> None:
    with pytest.raises(ScoringError, match="no segments"):
        score_corpus([], [[]])
    with pytest.raises(ScoringError, match="reference stream 1 has 1 segments but there are 2"):
        score_corpus(["a", "b"], [["a"]])
    with pytest.raises(ScoringError, match="list of reference streams"):
        score_corpus(["a"], ["a"])  # type: ignore[list-item]
    with pytest.raises(ScoringError, match="unknown metric"):
        score_corpus(["a"], [["a"]], metrics=["meteor"])
    with pytest.raises(ScoringError, match="unknown BLEU tokenizer"):
        score_corpus(["a"], [["a"]], tokenize="moses")


def test_metric_names_and_primary() -> None:
    assert [metric_key(n) for n in ("chrF2", "CHRF", "chrF2++", "chrf++", "BLEU", "ter")] == [
        "chrf",
        "chrf",
        "chrf++",
        "chrf++",
        "bleu",
        "ter",
    ]
    result = score_corpus(["a b c"], [["a b d"]], metrics=["bleu"], primary="chrf")
    assert [m.key for m in result] == ["chrf", "bleu"]
    assert result.primary_metric.key == "chrf"
    assert DEFAULT_METRICS[0] == "chrf"


# -- gates --------------------------------------------------------------------------------------


def _scores() -> Any:
    return score_corpus(
        ["the cat sat on the mat", "a dog barked"],
        [["the cat sat on a mat", "the dog barked loudly"]],
        metrics=["chrf", "bleu", "ter"],
    )


def test_gate_specs() -> None:
    assert parse_gate("chrf=55", "min") == Gate(GateKind.MIN, "chrf", 55.0)
    assert parse_gate("chrF2++ >= 40.5", GateKind.MIN) == Gate(GateKind.MIN, "chrf++", 40.5)
    assert parse_gate("TER:60", "max") == Gate(GateKind.MAX, "ter", 60.0)
    assert parse_gate("chrf=55", "min").label == "chrF2 >= 55"
    assert parse_gate("ter=60", "max").label == "TER <= 60"
    assert parse_gate("bleu=1.5", "max-drop").label == "BLEU drop <= 1.5 from baseline"
    for bad in ("chrf", "chrf=", "=5", "chrf=fifty", "meteor=3", "chrf=150"):
        with pytest.raises(InputError):
            parse_gate(bad, "min")
    with pytest.raises(InputError, match="positive"):
        parse_gate("chrf=-1", "max-drop")
    with pytest.raises(ParameterError, match="two minimum gates for chrF2") as raised:
        parse_gates(minimum=["chrf=50", "chrF2=60"])
    assert raised.value.parameters == ("minimum",)
    assert raised.value.spelled({"minimum": "--min"}) == "two --min gates for chrF2"


def test_min_and_max_gates_at_their_boundaries() -> None:
    scores = _scores()
    chrf, ter = scores["chrf"].score, scores["ter"].score
    results = evaluate_gates(
        [Gate(GateKind.MIN, "chrf", chrf), Gate(GateKind.MIN, "chrf++", 0), Gate(GateKind.MAX, "ter", ter)],
        score_corpus(
            ["the cat sat on the mat", "a dog barked"],
            [["the cat sat on a mat", "the dog barked loudly"]],
            metrics=["chrf", "chrf++", "ter"],
        ),
    )
    assert [r.passed for r in results] == [True, True, True]
    failing = evaluate_gates([Gate(GateKind.MIN, "chrf", chrf + 0.01), Gate(GateKind.MAX, "ter", ter - 0.01)], scores)
    assert [r.passed for r in failing] == [False, False]
    assert failing[0].message.startswith(f"chrF2 = {chrf:.2f} < ")
    assert "(maximum)" in failing[1].message


def test_max_drop_gate_knows_ter_is_better_when_lower(tmp_path: Path) -> None:
    scores = _scores()
    report = {
        "tool": "tmkit",
        "command": "score",
        "n_segments": 2,
        "metrics": [
            {"name": "chrF2", "score": scores["chrf"].score + 2.0, "signature": scores["chrf"].signature},
            {"name": "TER", "score": scores["ter"].score - 2.0, "signature": scores["ter"].signature},
        ],
    }
    path = tmp_path / "old.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    baseline = load_baseline(str(path))
    assert check_baseline(baseline, scores, ["chrf", "ter"]) == []
    tight = evaluate_gates(
        [Gate(GateKind.MAX_DROP, "chrf", 1.0), Gate(GateKind.MAX_DROP, "ter", 1.0)], scores, baseline=baseline
    )
    assert [r.passed for r in tight] == [False, False]
    assert tight[0].value == pytest.approx(2.0) and tight[1].value == pytest.approx(2.0)
    loose = evaluate_gates(
        [Gate(GateKind.MAX_DROP, "chrf", 2.5), Gate(GateKind.MAX_DROP, "ter", 2.0)], scores, baseline=baseline
    )
    assert [r.passed for r in loose] == [True, True]
    assert "dropped 2.00 points" in loose[0].message


def test_baselines_from_sacrebleu_json_both_shapes(tmp_path: Path) -> None:
    scores = _scores()
    single = tmp_path / "one.json"
    single.write_text(json.dumps({"name": "BLEU", "score": 30.1, "signature": scores["bleu"].sacrebleu_signature}))
    assert load_baseline(str(single)).scores == {"bleu": 30.1}
    many = tmp_path / "many.json"
    many.write_text(
        json.dumps(
            [
                {"name": "BLEU", "score": 30.1, "signature": scores["bleu"].sacrebleu_signature},
                {"name": "chrF2", "score": 50.0, "signature": scores["chrf"].sacrebleu_signature},
            ]
        )
    )
    baseline = load_baseline(str(many))
    assert baseline.scores == {"bleu": 30.1, "chrf": 50.0}
    assert check_baseline(baseline, scores, ["bleu", "chrf"]) == []


def test_baseline_scored_differently_is_refused(tmp_path: Path) -> None:
    scores = _scores()
    path = tmp_path / "old.json"
    signature = scores["bleu"].signature.replace("tok:13a", "tok:intl")
    path.write_text(json.dumps([{"name": "BLEU", "score": 20.0, "signature": signature}]))
    with pytest.raises(InputError, match="tok:intl there, tok:13a here"):
        check_baseline(load_baseline(str(path)), scores, ["bleu"])
    normalized = scores["chrf"].signature.replace("tmkit-norm:none", "tmkit-norm:ar-v1")
    path.write_text(json.dumps([{"name": "chrF2", "score": 20.0, "signature": normalized}]))
    with pytest.raises(InputError, match="normalization ar-v1 there, none here"):
        check_baseline(load_baseline(str(path)), scores, ["chrf"])
    with pytest.raises(InputError, match="no BLEU score"):
        check_baseline(load_baseline(str(path)), scores, ["bleu"])


def test_baseline_warnings_for_other_version_and_size(tmp_path: Path) -> None:
    scores = _scores()
    path = tmp_path / "old.json"
    signature = scores["chrf"].signature.replace("version:2.6.0", "version:2.4.0")
    report = {
        "tool": "tmkit",
        "command": "score",
        "n_segments": 99,
        "metrics": [{"name": "chrF2", "score": 1.0, "signature": signature}],
    }
    path.write_text(json.dumps(report))
    warnings = check_baseline(load_baseline(str(path)), scores, ["chrf"])
    assert any("sacrebleu 2.4.0" in w for w in warnings)
    assert any("99 segments" in w for w in warnings)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not a JSON score report"),
        ('{"tool": "tmkit", "command": "qa", "findings": []}', "tmkit qa report"),
        ('{"tool": "tmkit", "command": "score", "metrics": []}', "no metrics"),
        ('[{"score": 3}]', "lacks name or score"),
        ("42", "no metrics"),
    ],
)
def test_unreadable_baselines(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "old.json"
    path.write_text(content)
    with pytest.raises(InputError, match=message):
        load_baseline(str(path))
    with pytest.raises(InputError, match="no such file"):
        load_baseline(str(tmp_path / "missing.json"))


def test_not_worse_gate_follows_the_paired_test() -> None:
    refs = [f"the two sides discussed trade item {i} and energy" for i in range(40)]
    good = list(refs)
    bad = [" ".join(r.split()[:3]) for r in refs]
    scores_bad = score_corpus(bad, [refs])
    worse = compare_systems(bad, good, [refs], samples=100)
    [result] = evaluate_gates([Gate(GateKind.NOT_WORSE, "chrf")], scores_bad, comparison=worse, compared_with="old")
    assert not result.passed
    assert "significantly worse than old" in result.message
    better = compare_systems(good, bad, [refs], samples=100)
    [result] = evaluate_gates([Gate(GateKind.NOT_WORSE, "chrf")], score_corpus(good, [refs]), comparison=better)
    assert result.passed
    with pytest.raises(TmkitError):
        evaluate_gates([Gate(GateKind.NOT_WORSE, "chrf")], scores_bad)


def test_gate_line_is_not_a_test_runner_tally() -> None:
    scores = _scores()
    ok = evaluate_gates([Gate(GateKind.MIN, "chrf", 0), Gate(GateKind.MAX, "ter", 1000)], scores)
    assert gate_line(ok) == "gates: 2/2 ok"
    mixed = evaluate_gates([Gate(GateKind.MIN, "chrf", 0), Gate(GateKind.MIN, "bleu", 99)], scores)
    line = gate_line(mixed)
    assert line.startswith("gates: 1/2 ok; not met: BLEU = ")
    assert gate_line([]) == "gates: none set"
    for text in (gate_line(ok), line):
        assert " passed" not in text and " failed" not in text
