"""tmkit reproduces sacrebleu's and Hugging Face evaluate's published test vectors, every option, library and CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
from sacrebleu.tokenizers.tokenizer_ter import TercomTokenizer

from tests.helpers import SAMPLES, run_cli
from tests.sacrebleu_vectors import (
    BLEU_STATISTICS,
    NOT_REPRODUCIBLE,
    SCORE_VECTORS,
    TER_TOKENIZER_VECTORS,
    Vector,
)
from tmkit.errors import ParameterError
from tmkit.quality.defaults import MetricOptions
from tmkit.quality.scoring import ScoringError, score_corpus, segment_score


def _options(vector_options: dict[str, Any]) -> MetricOptions:
    return MetricOptions(**vector_options)


def _matches(vector: Vector, score: float) -> bool:
    """Whether ``score`` is the vector's expected value, compared as its source compares it."""
    expected = vector.expected * vector.scale
    if vector.compare == "round2":
        return f"{score:.2f}" == f"{expected:.2f}"
    if vector.compare == "round1":
        return round(score, 1) == expected
    return abs(score - expected) < vector.tolerance


def _library_score(vector: Vector) -> float:
    result = score_corpus(
        vector.hypotheses,
        vector.references,
        metrics=[vector.metric],
        target_lang="en",
        tokenize=vector.tokenize,
        options=_options(vector.options),
    )
    if vector.level == "segment":
        return result[vector.metric].segment_scores[0]
    return result[vector.metric].score


@pytest.mark.parametrize("vector", SCORE_VECTORS, ids=[v.id for v in SCORE_VECTORS])
def test_library_reproduces_the_published_vector(vector: Vector) -> None:
    assert _matches(vector, _library_score(vector)), vector.source
    if vector.level == "segment":
        one = segment_score(
            vector.hypotheses[0],
            [stream[0] for stream in vector.references],
            metric=vector.metric,
            target_lang="en",
            tokenize=vector.tokenize,
            options=_options(vector.options),
        )
        assert _matches(vector, one), vector.source


def test_the_vectors_exercise_every_option_away_from_its_default() -> None:
    """Each sacrebleu option is set to a value other than its default by some vector that checks it."""
    default = MetricOptions()
    changed = {
        name for vector in SCORE_VECTORS for name, value in vector.options.items() if value != getattr(default, name)
    }
    changed |= {name for _, options, _, _ in TER_TOKENIZER_VECTORS for name in options}
    # No published vector varies chrF's character order: tests/test_scoring.py compares every
    # option, this one included, with sacrebleu's own API.
    assert changed == {f.name for f in fields(MetricOptions)} - {"chrf_char_order"}
    tokenizers = {v.tokenize for v in SCORE_VECTORS if v.tokenize}
    assert tokenizers == {"13a", "intl", "char", "none"}


def test_bleu_statistics_vector_through_precisions_and_lengths() -> None:
    stats = BLEU_STATISTICS
    # The counts do not depend on smoothing; without it the precisions tmkit reports show them as they are.
    result = score_corpus(
        stats["hypotheses"],
        stats["references"],
        metrics=["bleu"],
        tokenize=stats["tokenize"],
        options=_options({**stats["options"], "smooth_method": "none", "smooth_value": None}),
    )
    precisions = "/".join(f"{100 * c / t:.1f}" for c, t in zip(stats["counts"], stats["totals"], strict=True))
    assert result["bleu"].verbose.startswith(f"{precisions} (")
    assert f"hyp_len = {stats['totals'][0]} " in result["bleu"].verbose


@pytest.mark.parametrize(
    ("source", "options", "text", "expected"), TER_TOKENIZER_VECTORS, ids=[v[0] for v in TER_TOKENIZER_VECTORS]
)
def test_ter_tokenizer_vectors_through_ter(source: str, options: dict[str, Any], text: str, expected: str) -> None:
    keywords = {name.removeprefix("ter_"): value for name, value in options.items()}
    # The equivalence holds because the expected text is what the same tokenizer makes of itself.
    assert TercomTokenizer(**keywords)(expected) == expected
    result = score_corpus([text], [[expected]], metrics=["ter"], options=_options(options))
    assert result["ter"].score == 0.0, source


def test_the_count_of_published_vectors() -> None:
    # 91 reproduced of 98 published: 7 call BLEU.compute_bleu on hand-written statistics (no text).
    # test_case_offset is one published vector checked three ways (three entries), hence the - 2;
    # + 1 for the statistics vector.
    reproduced = len(SCORE_VECTORS) - 2 + 1 + len(TER_TOKENIZER_VECTORS)
    assert (reproduced, reproduced + len(NOT_REPRODUCIBLE)) == (91, 98)


# -- the command line: a sample of the vectors, one per option group ---------------------------

_FLAGS = {
    "smooth_method": "--smooth-method",
    "smooth_value": "--smooth-value",
    "lowercase": "--lowercase",
    "max_ngram_order": "--max-ngram-order",
    "effective_order": "--effective-order",
    "chrf_char_order": "--chrf-char-order",
    "chrf_word_order": "--chrf-word-order",
    "chrf_beta": "--chrf-beta",
    "chrf_whitespace": "--chrf-whitespace",
    "chrf_lowercase": "--chrf-lowercase",
    "chrf_eps_smoothing": "--chrf-eps-smoothing",
    "ter_case_sensitive": "--ter-case-sensitive",
    "ter_normalized": "--ter-normalized",
    "ter_no_punct": "--ter-no-punct",
    "ter_asian_support": "--ter-asian-support",
}
CLI_SAMPLE = [
    "corpus-bleu-tok-intl",
    "max-ngram-order-6",
    "offset-0",
    "test_cases-4",  # floor 0.5, one segment: corpus BLEU with effective order is sentence BLEU
    "test_cases-7",  # add-k 2
    "test_cases-11",  # lowercase, char tokenizer
    "chrf-sentence-0",  # eps smoothing
    "chrf-whitespace-1",
    "hf-chrf-3",  # word order 2, lowercase
    "hf-ter-3",  # normalized, case-sensitive
    "hf-ter-5",  # no punctuation, several references
]


def _cli_arguments(vector: Vector) -> list[str]:
    arguments = ["--tgt", "en", "--metrics", vector.metric]
    if vector.tokenize:
        arguments += ["--tokenize", vector.tokenize]
    for name, value in vector.options.items():
        if value is None or value is False:
            continue
        arguments += [_FLAGS[name]] if value is True else [_FLAGS[name], str(value)]
    return arguments


@pytest.mark.parametrize("vector_id", CLI_SAMPLE)
def test_cli_reproduces_the_published_vector(tmp_path: Path, vector_id: str) -> None:
    vector = next(v for v in SCORE_VECTORS if v.id == vector_id)
    hyp = tmp_path / "hyp.txt"
    hyp.write_text("".join(line + "\n" for line in vector.hypotheses), encoding="utf-8")
    refs = []
    for number, stream in enumerate(vector.references):
        ref = tmp_path / f"ref{number}.txt"
        ref.write_text("".join(line + "\n" for line in stream), encoding="utf-8")
        refs += ["--ref", str(ref)]
    code, out, err = run_cli("score", *refs, "--hyp", str(hyp), *_cli_arguments(vector), "--format", "json")
    assert code == 0, err
    metric = json.loads(out)["metrics"][0]
    assert _matches(vector, metric["score"]), (vector.source, metric["score"])


# -- the options reach the signature -----------------------------------------------------------


def test_every_option_is_in_the_signature() -> None:
    hyps, refs = ["The cat sat on the mat."], [["The cat is on the mat."]]
    default = score_corpus(hyps, refs, metrics=["chrf", "bleu", "ter"])
    changed = score_corpus(
        hyps,
        refs,
        metrics=["chrf", "bleu", "ter"],
        tokenize="char",
        options=MetricOptions(
            smooth_method="add-k",
            smooth_value=2,
            lowercase=True,
            max_ngram_order=5,
            effective_order=True,
            chrf_char_order=4,
            chrf_word_order=1,
            chrf_beta=3,
            chrf_whitespace=True,
            chrf_lowercase=True,
            chrf_eps_smoothing=True,
            ter_case_sensitive=True,
            ter_normalized=True,
            ter_no_punct=True,
            ter_asian_support=True,
        ),
    )
    assert "|case:mixed|eff:no|tok:13a|smooth:exp|" in default["bleu"].signature
    assert "|tmkit-ngram:4|" in default["bleu"].signature
    assert "|case:lc|eff:yes|tok:char|smooth:add-k[2.00]|" in changed["bleu"].signature
    assert "|tmkit-ngram:5|" in changed["bleu"].signature
    assert "|case:mixed|eff:yes|nc:6|nw:0|space:no|" in default["chrf"].signature
    assert "|tmkit-beta:2|" in default["chrf"].signature
    assert "|case:lc|eff:no|nc:4|nw:1|space:yes|" in changed["chrf"].signature
    assert "|tmkit-beta:3|" in changed["chrf"].signature
    assert changed["chrf"].name == "chrF3+"
    assert "|case:lc|tok:tercom|norm:no|punct:yes|asian:no|" in default["ter"].signature
    assert "|case:mixed|tok:tercom|norm:yes|punct:no|asian:yes|" in changed["ter"].signature


def test_chrf_plus_plus_keeps_word_order_two_and_takes_the_other_chrf_options() -> None:
    hyps, refs = ["The Cat sat on the mat."], [["the cat is on the mat."]]
    result = score_corpus(
        hyps, refs, metrics=["chrf", "chrf++"], options=MetricOptions(chrf_word_order=1, chrf_lowercase=True)
    )
    assert result["chrf"].name == "chrF2+"
    assert result["chrf++"].name == "chrF2++"
    assert "|case:lc|" in result["chrf++"].signature
    same = score_corpus(hyps, refs, metrics=["chrf"], options=MetricOptions(chrf_word_order=2, chrf_lowercase=True))
    assert result["chrf++"].score == same["chrf"].score


# -- refused options -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "names"),
    [
        ({"smooth_method": "linear"}, "smooth_method"),
        ({"smooth_value": 0.5}, "smooth_value"),  # exp takes no value: sacrebleu would ignore it
        ({"smooth_method": "floor", "smooth_value": -1.0}, "smooth_value"),
        ({"smooth_method": "add-k", "smooth_value": float("nan")}, "smooth_value"),
        ({"max_ngram_order": 0}, "max_ngram_order"),
        ({"chrf_beta": -1}, "chrf_beta"),
        ({"chrf_char_order": 0, "chrf_word_order": 0}, "chrf_char_order"),
        ({"chrf_word_order": True}, "chrf_word_order"),
    ],
)
def test_options_sacrebleu_cannot_use_are_refused_naming_them(options: dict[str, Any], names: str) -> None:
    with pytest.raises(ParameterError) as caught:
        MetricOptions(**options)
    assert names in caught.value.parameters


def test_cli_names_the_flag_of_a_refused_option(tmp_path: Path) -> None:
    ref, hyp = tmp_path / "ref.txt", tmp_path / "hyp.txt"
    ref.write_text("a b c\n", encoding="utf-8")
    hyp.write_text("a b c\n", encoding="utf-8")
    code, _, err = run_cli("score", "--ref", str(ref), "--hyp", str(hyp), "--smooth-value", "0.5")
    assert code == 2
    assert err.strip().splitlines() == [
        "tmkit: error: --smooth-value applies to the floor and add-k smoothing methods, not to exp"
    ]


def test_tokenizers_that_download_a_model_are_refused() -> None:
    with pytest.raises(ScoringError, match="download a SentencePiece model"):
        score_corpus(["a"], [["a"]], metrics=["bleu"], tokenize="flores200")


def test_mecab_tokenizers_say_which_extra_they_need() -> None:
    try:
        import MeCab  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        with pytest.raises(ScoringError, match=r"pip install 'sacrebleu\[ja\]'"):
            score_corpus(["a"], [["a"]], metrics=["bleu"], tokenize="ja-mecab")
    else:
        assert score_corpus(["テスト"], [["テスト"]], metrics=["bleu"], tokenize="ja-mecab")["bleu"].score == 100.0


# -- the byte order mark ---------------------------------------------------------------------


def test_a_bom_is_stripped_and_the_signature_says_so_where_sacrebleu_keeps_it(tmp_path: Path) -> None:
    ref, hyp = tmp_path / "ref.txt", tmp_path / "hyp.txt"
    ref.write_text("The cat is on the mat.\nIt rains today.\n", encoding="utf-8")
    hyp.write_bytes("\ufeffThe cat sat on the mat.\nIt rains today.\n".encode())
    code, out, err = run_cli("score", "--ref", str(ref), "--hyp", str(hyp), "--metrics", "bleu", "--format", "json")
    assert code == 0, err
    ours = json.loads(out)["metrics"][0]
    assert ours["signature"].endswith("|tmkit-bom:stripped")
    sacre = subprocess.run(
        [sys.executable, "-m", "sacrebleu", str(ref), "-i", str(hyp), "-m", "bleu", "-f", "json", "-w", "4"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    theirs = json.loads(sacre.stdout)
    # sacrebleu reads "\ufeffThe" as the first word, which the reference lacks; tmkit reads "The".
    assert theirs["score"] < round(ours["score"], 4)
    clean = tmp_path / "clean.txt"
    clean.write_text("The cat sat on the mat.\nIt rains today.\n", encoding="utf-8")
    code, out, _ = run_cli("score", "--ref", str(ref), "--hyp", str(clean), "--metrics", "bleu", "--format", "json")
    without = json.loads(out)["metrics"][0]
    assert without["score"] == ours["score"]
    assert "tmkit-bom" not in without["signature"]


# -- the same flags as sacrebleu's command line give its numbers and its signatures -------------


def test_cli_options_equal_the_sacrebleu_cli_on_the_same_files() -> None:
    ref, hyp = str(SAMPLES / "article.ref.en.txt"), str(SAMPLES / "article.mt.en.txt")
    shared = ["-tok", "intl", "-s", "add-k", "-sv", "2", "-lc", "-cc", "5", "-cw", "2", "--chrf-beta", "3"]
    shared += ["--chrf-whitespace", "--chrf-lowercase", "--chrf-eps-smoothing"]
    shared += ["--ter-case-sensitive", "--ter-normalized", "--ter-no-punct", "--ter-asian-support"]
    sacre = subprocess.run(
        [
            sys.executable,
            "-m",
            "sacrebleu",
            ref,
            "-i",
            hyp,
            "-m",
            "bleu",
            "chrf",
            "ter",
            *shared,
            "-f",
            "json",
            "-w",
            "4",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    expected = {entry["name"]: entry for entry in json.loads(sacre.stdout)}
    code, out, err = run_cli(
        "score", "--ref", ref, "--hyp", hyp, "--metrics", "bleu,chrf,ter", *shared, "--format", "json"
    )
    assert code == 0, err
    metrics = json.loads(out)["metrics"]
    assert {m["name"] for m in metrics} == set(expected) == {"BLEU", "chrF3++", "TER"}
    for metric in metrics:
        assert round(metric["score"], 4) == expected[metric["name"]]["score"]  # sacrebleu's JSON: -w 4 decimals
        assert metric["sacrebleu_signature"] == expected[metric["name"]]["signature"]
