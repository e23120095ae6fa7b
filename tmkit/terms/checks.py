"""The termbase's QA checks on one translation: `term-missing` and `term-forbidden`."""

from __future__ import annotations

from tmkit.terms.model import Term, Termbase

TERM_MISSING = "term-missing"
TERM_FORBIDDEN = "term-forbidden"
#: Translations a finding names at most.
NAMED_TRANSLATIONS = 3


def _named(terms: list[Term] | tuple[Term, ...]) -> str:
    shown = " or ".join(repr(t.text) for t in terms[:NAMED_TRANSLATIONS])
    return shown + (" …" if len(terms) > NAMED_TRANSLATIONS else "")


def idle_term_checks(termbase: Termbase, *, source_lang: str, target_lang: str) -> tuple[str, ...]:
    """The term checks that can find nothing with ``termbase`` for the pair: both when it has no target term (no
    translation to miss, no term to avoid), `term-missing` when it has no source term. Run anyway, they were counted
    as passed ("checks: 2/2 ok") over a termbase of other languages."""
    missing = termbase.without_terms_in([source_lang, target_lang])
    if target_lang in missing:
        return (TERM_MISSING, TERM_FORBIDDEN)
    return (TERM_MISSING,) if source_lang in missing else ()


def term_problems(
    termbase: Termbase, source: str, target: str, *, source_lang: str, target_lang: str
) -> list[tuple[str, str]]:
    """(check id, message) for each source term whose approved translation the target lacks, and each term to avoid
    the target uses; both sides recognized as `TermRecognizer` does (Arabic with clitics, harakat, hamza forms)."""
    found: list[tuple[str, str]] = []
    source_hits = termbase.recognizer(source_lang, target_lang).recognize(source, overlapping=False)
    target_recognizer = termbase.recognizer(target_lang, source_lang)
    # Presence counts any hit, a nested one too: a translation inside a longer term of the target is there.
    present = {id(hit.concept) for hit in target_recognizer.recognize(target) if not hit.forbidden}
    reported: set[int] = set()
    for hit in source_hits:
        if not hit.translations or id(hit.concept) in present or id(hit.concept) in reported:
            continue
        reported.add(id(hit.concept))
        found.append(
            (
                TERM_MISSING,
                f"source term {hit.text!r} ({hit.term.text}, concept {hit.concept.id}) is not translated as "
                f"{_named(hit.translations)}",
            )
        )
    for hit in target_recognizer.recognize(target, overlapping=False):
        if hit.forbidden:
            usable = hit.concept.translations(target_lang)
            advice = f"; use {_named(usable)}" if usable else ""
            found.append(
                (
                    TERM_FORBIDDEN,
                    f"{hit.status.value} term {hit.text!r} ({hit.term.text}, concept {hit.concept.id}) "
                    f"in the target{advice}",
                )
            )
    return found
