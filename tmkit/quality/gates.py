"""Quality gates on scores: thresholds (`chrf=55`), regression against a stored baseline, significance; verdicts."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from tmkit.errors import InputError, ParameterError
from tmkit.memory.langtags import is_arabic_language, primary_subtag
from tmkit.quality.scoring import HIGHER_IS_BETTER, METRIC_NAMES, Comparison, CorpusScore, ScoringError, metric_key

#: Signature fields that do not change a score: a baseline may differ in them.
_NEUTRAL_FIELDS = frozenset({"version", "bs", "seed", "ar", "tmkit-align"})
_GATE_RE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+]*)\s*(?:=|:|>=|<=)\s*([-+]?\d+(?:\.\d+)?)\s*$")
#: Scores are stored with full precision; this only absorbs floating-point noise in differences.
_EPSILON = 1e-9


class GateKind(StrEnum):
    """What a gate compares: the score with a floor or a ceiling, its drop from a baseline, or significance."""

    MIN = "min"
    MAX = "max"
    MAX_DROP = "max-drop"
    NOT_WORSE = "not-worse"


#: The `parse_gates` parameter each kind of gate comes from, for messages.
_GATE_PARAMETERS = {GateKind.MIN: "minimum", GateKind.MAX: "maximum", GateKind.MAX_DROP: "max_drop"}


@dataclass(frozen=True, slots=True)
class Gate:
    """A condition one metric must meet for the run to pass."""

    kind: GateKind
    metric: str
    threshold: float = 0.0
    #: The metric's name as this run computed it (`chrF3` with beta 3); the default name until scored.
    scored_as: str | None = None

    @property
    def name(self) -> str:
        return self.scored_as or METRIC_NAMES[self.metric]

    @property
    def label(self) -> str:
        """A short readable statement of the condition, e.g. `chrF2 >= 55`."""
        value = _number(self.threshold)
        if self.kind is GateKind.MIN:
            return f"{self.name} >= {value}"
        if self.kind is GateKind.MAX:
            return f"{self.name} <= {value}"
        if self.kind is GateKind.MAX_DROP:
            return f"{self.name} drop <= {value} from baseline"
        return f"{self.name} not significantly worse"


@dataclass(frozen=True, slots=True)
class GateResult:
    """A gate and what the run measured against it."""

    gate: Gate
    passed: bool
    #: The score (min/max), the drop from the baseline (max-drop) or the p-value (not-worse).
    value: float
    message: str
    baseline: float | None = None


@dataclass(frozen=True, slots=True)
class Baseline:
    """Scores from an earlier run (a tmkit score JSON report, or sacrebleu's `-f json` output)."""

    path: str
    scores: Mapping[str, float]
    signatures: Mapping[str, str]
    n_segments: int | None = None
    warnings: tuple[str, ...] = field(default=())
    #: The language the baseline's references are in (tmkit's reports say it; sacrebleu's do not).
    target_lang: str | None = None


def _number(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.2f}".rstrip("0").rstrip(".")


def _apart(score: float, threshold: float, *, passed: bool) -> tuple[str, str]:
    """A score and the threshold it failed, with two decimals or as many more (up to six) as tell them apart, else
    every digit the score has: a chrF2 of 86.46646 under a minimum of 86.4665 read `86.47 < 86.47`."""
    if passed:
        return f"{score:.2f}", _number(threshold)
    for digits in range(2, 7):
        shown = f"{score:.{digits}f}"
        if shown != f"{threshold:.{digits}f}":
            return shown, f"{threshold:.{digits}f}".rstrip("0").rstrip(".") if digits > 2 else _number(threshold)
    return repr(score), f"{threshold:.6f}".rstrip("0").rstrip(".")


def parse_gate(spec: str, kind: GateKind | str) -> Gate:
    """A gate from `chrf=55` (also `chrF2=55`, `bleu:20`, `ter<=60`); the kind says which comparison."""
    gate_kind = GateKind(kind)
    match = _GATE_RE.match(spec)
    if match is None:
        raise InputError(f"cannot read the gate {spec!r}: write METRIC=NUMBER, e.g. chrf=55")
    try:
        key = metric_key(match.group(1))
    except ScoringError as exc:
        raise InputError(f"in the gate {spec!r}: {exc}") from None
    threshold = float(match.group(2))
    if gate_kind in (GateKind.MIN, GateKind.MAX) and not 0 <= threshold <= 100 and key != "ter":
        raise InputError(f"in the gate {spec!r}: scores run from 0 to 100")
    if gate_kind is GateKind.MAX_DROP and threshold < 0:
        raise InputError(f"in the gate {spec!r}: a drop is a positive number of points")
    return Gate(gate_kind, key, threshold)


def parse_gates(
    *, minimum: Iterable[str] = (), maximum: Iterable[str] = (), max_drop: Iterable[str] = ()
) -> list[Gate]:
    """Gates from `METRIC=N` specs of minimums, maximums and largest drops, in that order; a repeat is an error."""
    gates = [parse_gate(s, GateKind.MIN) for s in minimum]
    gates += [parse_gate(s, GateKind.MAX) for s in maximum]
    gates += [parse_gate(s, GateKind.MAX_DROP) for s in max_drop]
    seen: set[tuple[GateKind, str]] = set()
    for gate in gates:
        if (gate.kind, gate.metric) in seen:
            parameter = _GATE_PARAMETERS[gate.kind]
            raise ParameterError(f"two {{{parameter}}} gates for {{name}}", values={"name": gate.name})
        seen.add((gate.kind, gate.metric))
    return gates


# -- baselines ----------------------------------------------------------------------------------


def _signature_fields(signature: str) -> dict[str, str]:
    fields = {}
    for part in signature.split("|"):
        key, _, value = part.partition(":")
        if key:
            fields[key] = value
    fields.setdefault("tmkit-norm", "none")
    return fields


def _sacrebleu_entry(entry: Mapping[str, Any], path: str) -> tuple[str, float, str]:
    try:
        return metric_key(str(entry["name"])), float(entry["score"]), str(entry.get("signature", ""))
    except (KeyError, TypeError, ValueError, ScoringError) as exc:
        raise InputError(f"not a score report: a metric entry lacks name or score ({exc})", path=path) from None


def load_baseline(path: str) -> Baseline:
    """Read a baseline: tmkit's JSON score report, or sacrebleu's JSON (one object, or a list of them)."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except FileNotFoundError:
        raise InputError("no such file", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot open: {exc.strerror}", path=path) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise InputError(f"not a JSON score report ({exc.__class__.__name__})", path=path, line=line) from None
    if isinstance(data, dict) and data.get("tool") == "tmkit":
        if data.get("command") != "score":
            raise InputError(f"a tmkit {data.get('command')} report, not a score report", path=path)
        entries = data.get("metrics")
        n_segments = data.get("n_segments")
        inputs = data.get("inputs")
        target_lang = inputs.get("target_lang") if isinstance(inputs, dict) else None
    elif isinstance(data, dict):
        entries, n_segments, target_lang = [data], None, None
    elif isinstance(data, list):
        entries, n_segments, target_lang = data, None, None
    else:
        entries, n_segments, target_lang = None, None, None
    if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
        raise InputError("not a score report: no metrics found", path=path)
    scores, signatures = {}, {}
    for entry in entries:
        key, score, signature = _sacrebleu_entry(entry, path)
        if not math.isfinite(score):
            raise InputError(f"the {METRIC_NAMES[key]} score is not a number", path=path)
        scores[key], signatures[key] = score, signature
    return Baseline(
        path,
        scores,
        signatures,
        n_segments if isinstance(n_segments, int) else None,
        target_lang=target_lang if isinstance(target_lang, str) and target_lang else None,
    )


def _same_language(one: str, other: str) -> bool:
    """`ar` and `ar-EG` (or `arb`) are one target language; `ar` and `en` are not."""
    if is_arabic_language(one) or is_arabic_language(other):
        return is_arabic_language(one) and is_arabic_language(other)
    return primary_subtag(one) == primary_subtag(other)


def check_baseline(baseline: Baseline, corpus: CorpusScore, keys: Iterable[str]) -> list[str]:
    """Refuse a baseline scored differently for the gated metrics; return warnings for harmless differences."""
    warnings = []
    keys = list(keys)
    if keys and baseline.target_lang is not None and not _same_language(baseline.target_lang, corpus.target_lang):
        # chrF and TER have no tokenizer in their signatures: an en→ar run measured against an ar→en baseline
        # would pass or fail on another language's score.
        raise InputError(
            f"the baseline scored translations into {baseline.target_lang}, this run into {corpus.target_lang}: "
            "scores are not comparable; give the baseline of this test set",
            path=baseline.path,
        )
    for key in keys:
        name = METRIC_NAMES[key]
        if key not in baseline.scores:
            have = ", ".join(METRIC_NAMES[k] for k in baseline.scores) or "nothing"
            raise InputError(f"the baseline has no {name} score (it has {have})", path=baseline.path)
        old = _signature_fields(baseline.signatures.get(key, ""))
        new = _signature_fields(corpus[key].signature)
        differences = [
            f"{field_name}:{old.get(field_name, '?')} there, {field_name}:{value} here"
            for field_name, value in new.items()
            if field_name not in _NEUTRAL_FIELDS and field_name in old and old[field_name] != value
        ]
        if (old.get("tmkit-norm") or "none") != new.get("tmkit-norm"):
            differences.append(f"normalization {old.get('tmkit-norm')} there, {new.get('tmkit-norm')} here")
        if differences:
            raise InputError(
                f"the baseline's {name} was computed differently ({'; '.join(dict.fromkeys(differences))}): "
                "scores are not comparable; score the baseline again with the same options",
                path=baseline.path,
            )
        if "version" in old and old["version"] != new.get("version"):
            warnings.append(
                f"{baseline.path}: {name} was computed with sacrebleu {old['version']}, "
                f"this run uses {new.get('version')}"
            )
    if baseline.n_segments is not None and baseline.n_segments != corpus.n_segments:
        warnings.append(
            f"{baseline.path}: the baseline scored {baseline.n_segments} segments, this run {corpus.n_segments}: "
            "is it the same test set?"
        )
    return warnings


# -- verdicts -----------------------------------------------------------------------------------


def evaluate_gates(
    gates: Sequence[Gate],
    corpus: CorpusScore,
    *,
    baseline: Baseline | None = None,
    comparison: Comparison | None = None,
    compared_with: str = "the other system",
) -> tuple[GateResult, ...]:
    """Check every gate against the scores (and the baseline or the paired test it needs)."""
    results = []
    for unnamed in gates:
        gate = replace(unnamed, scored_as=corpus[unnamed.metric].name)
        if gate.kind is GateKind.NOT_WORSE:
            if comparison is None:
                raise ParameterError("the not-worse gate needs {comparison}: a paired test against another system")
            test = comparison[gate.metric]
            worse = test.significant and not test.better and test.delta != 0
            verdict = "significantly worse than" if worse else "not significantly worse than"
            message = (
                f"{gate.name} {test.score:.2f} vs {test.baseline_score:.2f}: {verdict} {compared_with} "
                f"(p = {test.p_value:.4f})"
            )
            results.append(GateResult(gate, not worse, test.p_value, message, test.baseline_score))
            continue
        score = corpus[gate.metric].score
        if gate.kind is GateKind.MIN:
            passed = score >= gate.threshold - _EPSILON
            relation = ">=" if passed else "<"
            shown, limit = _apart(score, gate.threshold, passed=passed)
            message = f"{gate.name} = {shown} {relation} {limit} (minimum)"
            results.append(GateResult(gate, passed, score, message))
        elif gate.kind is GateKind.MAX:
            passed = score <= gate.threshold + _EPSILON
            relation = "<=" if passed else ">"
            shown, limit = _apart(score, gate.threshold, passed=passed)
            message = f"{gate.name} = {shown} {relation} {limit} (maximum)"
            results.append(GateResult(gate, passed, score, message))
        else:
            if baseline is None:
                raise ParameterError("a maximum-drop gate needs {baseline}")
            old = baseline.scores[gate.metric]
            drop = old - score if HIGHER_IS_BETTER[gate.metric] else score - old
            passed = drop <= gate.threshold + _EPSILON
            change = "dropped" if drop > 0 else "did not drop"
            amount = f" {drop:.2f} points" if drop > 0 else f" (change {-drop:+.2f})"
            limit = "within" if passed else "more than"
            message = (
                f"{gate.name} {change}{amount}: {old:.2f} → {score:.2f}, {limit} the allowed {_number(gate.threshold)}"
            )
            results.append(GateResult(gate, passed, drop, message, old))
    return tuple(results)


def gate_line(results: Sequence[GateResult]) -> str:
    """The one-line verdict, `gates: 2/2 ok` (worded so no CI log parser takes it for a test runner's tally)."""
    if not results:
        return "gates: none set"
    ok = sum(r.passed for r in results)
    line = f"gates: {ok}/{len(results)} ok"
    unmet = [r for r in results if not r.passed]
    if unmet:
        line += "; not met: " + "; ".join(r.message for r in unmet)
    return line


def all_passed(results: Iterable[GateResult]) -> bool:
    return all(r.passed for r in results)
