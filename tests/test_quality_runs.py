"""Scoring and QA jobs through the library: outcomes with verdicts, errors that name parameters, not flags."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.helpers import REPO, SAMPLES
from tmkit.errors import InputError, ParameterError
from tmkit.quality.defaults import Severity
from tmkit.quality.runs import run_qa, run_score
from tmkit.quality.testsets import Alignment, load_eval_set

TMX = str(SAMPLES / "article.tmx")
MT = str(SAMPLES / "article.mt.en.txt")
REF = str(SAMPLES / "article.ref.en.txt")


def test_run_score_returns_scores_and_the_verdict_of_each_gate() -> None:
    outcome = run_score(input_path=TMX, hypothesis=MT, minimum=["chrf=50"], maximum=["ter=1"])
    assert len(outcome.evalset) == 30 and outcome.evalset.alignment is Alignment.POSITION
    assert [m.name for m in outcome.scores] == ["chrF2", "BLEU", "TER"]
    assert [(r.gate.label, r.passed) for r in outcome.gates] == [("chrF2 >= 50", True), ("TER <= 1", False)]
    assert not outcome.passed
    assert run_score(references=[REF], hypothesis=MT, minimum=["chrf=50"]).passed


def test_run_qa_returns_findings_and_the_verdict() -> None:
    outcome = run_qa(input_path=TMX, hypothesis=MT)
    assert [(f.id, f.check) for f in outcome.result.findings if f.severity is Severity.ERROR] == [
        ("a2", "number-mismatch"),
        ("a4", "number-mismatch"),
    ]
    assert not outcome.passed and outcome.inputs == (TMX, MT) and outcome.target_path == MT
    assert run_qa(input_path=TMX, hypothesis=MT, ignore=["number-*"]).passed
    assert not run_qa(input_path=TMX, hypothesis=MT, ignore=["number-*"], fail_on="warning").passed
    pair = run_qa(source_path=str(SAMPLES / "article.ar.txt"), target_path=str(SAMPLES / "article.en.txt"))
    assert pair.passed and pair.result.n_pairs == 13


@pytest.mark.parametrize(
    ("call", "parameters", "message"),
    [
        (
            lambda: run_score(input_path=TMX, hypothesis=MT, max_drop=["chrf=1"]),
            ("max_drop", "baseline"),
            "max_drop compares with a baseline: give baseline (an earlier score report)",
        ),
        (
            lambda: run_score(input_path=TMX, hypothesis=MT, fail_if_worse=True),
            ("fail_if_worse", "compare_with"),
            "fail_if_worse needs compare_with (another system's output)",
        ),
        (lambda: run_score(input_path=TMX, hypothesis=MT, confidence=1), ("confidence",), "confidence must be"),
        (lambda: run_score(input_path=TMX), ("hypothesis", "hypothesis_prop"), "no hypothesis: give hypothesis"),
        (
            lambda: run_score(references=[REF], hypothesis=MT, hypothesis_prop="x-mt"),
            ("hypothesis_prop",),
            "hypothesis_prop reads the hypothesis from a prop of the input TMX",
        ),
        (lambda: run_qa(input_path=TMX, ignore=["*"]), ("select", "ignore"), "select/ignore leave no check to run"),
        (lambda: run_qa(input_path=TMX, fail_on="fatal"), ("fail_on",), "unknown fail_on 'fatal'"),
        (lambda: load_eval_set(references=[REF], align="diagonal"), ("align",), "unknown align 'diagonal'"),
    ],
)
def test_errors_name_the_parameter(call: object, parameters: tuple[str, ...], message: str) -> None:
    assert callable(call)
    with pytest.raises(ParameterError) as raised:
        call()
    assert raised.value.parameters == parameters
    assert str(raised.value).startswith(message)
    assert "--" not in str(raised.value)


def test_a_front_end_spells_the_parameters_its_way_and_user_text_stays_as_it_is(tmp_path: Path) -> None:
    error = ParameterError("{reports} {spec!r}: no such folder", values={"spec": "json:{x}/a.json"}, path="p")
    assert str(error) == "p: reports 'json:{x}/a.json': no such folder"
    assert error.spelled({"reports": "--report"}) == "--report 'json:{x}/a.json': no such folder"
    assert isinstance(error, InputError)


def _raised_messages(path: Path) -> list[str]:
    """The string pieces of every exception a module raises."""
    pieces = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Raise) and node.exc is not None:
            pieces += [c.value for c in ast.walk(node.exc) if isinstance(c, ast.Constant) and isinstance(c.value, str)]
    return pieces


def test_no_core_message_names_a_command_line_flag_or_an_issue() -> None:
    modules = sorted((REPO / "tmkit" / "quality").rglob("*.py"))
    assert len(modules) > 10
    offending = [
        (module.name, piece)
        for module in modules
        for piece in _raised_messages(module)
        if "--" in piece or "issue " in piece.lower()
    ]
    assert offending == []


def test_a_failed_gates_score_and_threshold_never_read_the_same() -> None:
    """Golden: the digits a failed gate's message shows (86.46646 under 86.4665 read `86.47 < 86.47`; a reviewer's
    second look: 59.9999999 under 60 read `60.000000 < 60`)."""
    from tmkit.quality.gates import _apart

    assert [_apart(score, threshold, passed=passed) for score, threshold, passed in [
        (86.46646, 86.4665, False),
        (59.9999999, 60.0, False),
        (50.0, 60.0, False),
        (86.47, 86.4, True),
        (60.0, 60.0, True),
    ]] == [("86.46646", "86.4665"), ("59.9999999", "60"), ("50.00", "60"), ("86.47", "86.4"), ("60.00", "60")]  # fmt: skip
