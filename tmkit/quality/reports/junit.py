"""JUnit XML as GitLab, Jenkins and Azure Pipelines read it: one test suite, one test case per gate or check."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from lxml import etree


@dataclass(frozen=True, slots=True)
class TestCase:
    """A test case: passed unless ``failure`` holds the reason."""

    __test__ = False  # not a pytest test class, despite the name

    name: str
    classname: str
    failure: str | None = None
    details: str = ""
    output: str = ""
    failure_type: str = "quality-gate"


def render_junit(
    suite: str,
    cases: Sequence[TestCase],
    *,
    time: float = 0.0,
    properties: Mapping[str, str] | None = None,
    output: str = "",
) -> str:
    """A `<testsuites>` document with one `<testsuite>` holding ``cases``."""
    failures = sum(c.failure is not None for c in cases)
    counts = {"tests": str(len(cases)), "failures": str(failures), "errors": "0"}
    # `skipped` only on the suite: JUnit's schema (Jenkins' xUnit plugin validates against it) refuses it on the root.
    root = etree.Element("testsuites", name=suite, time=f"{time:.3f}", **counts)
    node = etree.SubElement(root, "testsuite", name=suite, time=f"{time:.3f}", **counts, skipped="0")
    if properties:
        props = etree.SubElement(node, "properties")
        for key, value in properties.items():
            etree.SubElement(props, "property", name=key, value=_clean(value))
    for case in cases:
        element = etree.SubElement(node, "testcase", name=_clean(case.name), classname=case.classname, time="0")
        if case.failure is not None:
            failure = etree.SubElement(element, "failure", message=_clean(case.failure), type=case.failure_type)
            failure.text = _clean(case.details or case.failure)
        if case.output:
            etree.SubElement(element, "system-out").text = _clean(case.output)
    if output:
        etree.SubElement(node, "system-out").text = _clean(output)
    body = etree.tostring(root, encoding="unicode", pretty_print=True)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + str(body)


def _clean(text: str) -> str:
    """Drop characters XML 1.0 cannot hold (control characters pasted into a segment)."""
    return "".join(
        c for c in text if c in "\t\n\r" or ("\x20" <= c <= "\ud7ff") or ("\ue000" <= c <= "\ufffd") or c > "\uffff"
    )
