"""Termbase commands: `tmkit term lookup/add/import/export/convert/extract`."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from tmkit.cli.common import EXIT_OK, print_json, refuse_overwriting_inputs, warn
from tmkit.errors import InputError

TERM_EXAMPLES = """examples:
  tmkit term lookup samples/terms.tbx "وبحث الجانبان التحضيرات لعقد الدورة الـ 13 للجنة المشتركة"
  tmkit term lookup samples/terms.tbx "the joint commission's session" --json
  tmkit term add my.tbx "اللجنة المشتركة" "Joint Commission" --pos noun --forbidden "joint committee"
  tmkit term convert glossary.txt -o terms.tbx --src ar --tgt en
  tmkit term import terms.tbx more.csv
  tmkit term remove my.tbx "internet cafeve" --lang en
  tmkit term export terms.tbx -o omegat/glossary/glossary.txt --src ar --tgt en
  tmkit term extract samples/news-memory.tmx --min-count 4 -o candidates.tbx
"""


def register(commands: Any) -> None:
    term = commands.add_parser(
        "term",
        help="termbases: look up terms in a text (Arabic with clitics), add, import, export, convert, extract",
        description="Termbases in TBX (v2 martif, v3 tbx), CSV/TSV with a language header, and OmegaT glossaries "
        "(source<TAB>target<TAB>comment; .txt, .utf8, .tab). The format is the file name's; --format overrides.",
        epilog=TERM_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = term.add_subparsers(dest="term_command", metavar="ACTION")

    p = sub.add_parser(
        "lookup",
        help="the termbase's terms found in a text, with positions, translations and status",
        description="Find every term of TERMBASE in TEXT: Arabic words compared without harakat, with any hamza "
        "form, with their proclitics (و ف ب ك ل) and article (ال) and dual/plural endings; English without case, "
        "plural or possessive endings. Terms are matched as whole words, multi-word terms word by word.",
    )
    p.add_argument("termbase", metavar="TERMBASE")
    p.add_argument("text", metavar="TEXT", help="the text (a segment) to look terms up in")
    _languages(p)
    p.add_argument("--longest", action="store_true", help="leave out terms inside a longer term found there")
    p.add_argument("--json", action="store_true", help="print the hits as JSON")
    p.set_defaults(handler=cmd_lookup)

    p = sub.add_parser("add", help="add a term pair to a termbase (created if missing)")
    p.add_argument("termbase", metavar="TERMBASE")
    p.add_argument("source", metavar="SOURCE_TERM")
    p.add_argument("target", metavar="TARGET_TERM")
    _languages(p)
    p.add_argument(
        "--status",
        choices=["preferred", "admitted"],
        help="of both new terms (default preferred); also set on a target term the concept has already",
    )
    p.add_argument("--pos", help="part of speech (noun, verb, adjective, properNoun…)")
    p.add_argument("--note", help="a note on the concept")
    p.add_argument("--definition", help="the concept's definition")
    p.add_argument("--subject", help="the concept's subject field")
    p.add_argument(
        "--forbidden", action="append", default=[], metavar="TERM", help="a target term not to use (repeatable)"
    )
    p.add_argument("--json", action="store_true", help="print the concept as JSON")
    p.set_defaults(handler=cmd_add)

    p = sub.add_parser(
        "remove",
        help="take a term (every term so written) or a whole concept (--concept ID) out of a termbase",
        description="Take out of TERMBASE every term written TERM exactly (in --lang only, if given), and the "
        "concepts left without a term; or, with --concept, the concept of that id. Nothing found is an error.",
    )
    p.add_argument("termbase", metavar="TERMBASE")
    p.add_argument("term", metavar="TERM", nargs="?", help="the term, written as in the termbase")
    p.add_argument("--concept", metavar="ID", help="the id of a concept to take out whole (term lookup shows ids)")
    p.add_argument("--lang", help="only the terms of this language (ar takes ar-SA)")
    _languages(p)
    p.add_argument("--json", action="store_true", help="print what was removed as JSON")
    p.set_defaults(handler=cmd_remove)

    p = sub.add_parser("import", help="add the concepts of other termbases to a termbase (created if missing)")
    p.add_argument("termbase", metavar="TERMBASE")
    p.add_argument("inputs", nargs="+", metavar="INPUT")
    _languages(p)
    p.add_argument("--json", action="store_true", help="print a summary as JSON")
    p.set_defaults(handler=cmd_import)

    for name, help_text in (
        ("convert", "write a termbase in another format"),
        ("export", "write a termbase for a CAT tool, only the languages --src and --tgt"),
    ):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("input", metavar="TERMBASE")
        p.add_argument("-o", "--output", required=True, metavar="OUT")
        p.add_argument("--format", dest="out_format", help="the output format (tbx, tbx3, csv, tsv, omegat)")
        _languages(p)
        p.add_argument("--json", action="store_true", help="print a summary as JSON")
        p.set_defaults(handler=cmd_convert if name == "convert" else cmd_export)

    p = sub.add_parser(
        "extract",
        help="propose term pairs from a memory (frequent n-grams paired by co-occurrence, with counts)",
        description="Count the word n-grams of each side of MEMORY's aligned units (Arabic without clitics), and "
        "pair each frequent source n-gram with the target n-gram it shares the most units with (Dice "
        "coefficient). Candidates to review, not terms.",
    )
    p.add_argument("memory", metavar="MEMORY.tmx")
    _languages(p)
    p.add_argument("--min-count", type=int, default=None, help="units a candidate must occur in (default 3)")
    p.add_argument("--limit", type=int, default=None, help="candidates at most (default 200)")
    p.add_argument("-o", "--output", metavar="TERMBASE", help="also write the candidates as a termbase")
    p.add_argument("--json", action="store_true", help="print the candidates as JSON")
    p.set_defaults(handler=cmd_extract)

    term.set_defaults(handler=lambda args: _usage(term))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _languages(p: argparse.ArgumentParser) -> None:
    p.add_argument("--src", help="source language (default: from the text's script, or ar)")
    p.add_argument("--tgt", help="target language (default: en for an Arabic source, else ar)")
    p.add_argument("--in-format", dest="in_format", help="the termbase's format when its name does not say")


def _pair(args: argparse.Namespace, text: str = "") -> tuple[str, str]:
    """--src and --tgt, or the source guessed from the text's script (ar else) and the other language of the pair."""
    from tmkit.memory.langtags import is_arabic_language
    from tmkit.text.scripts import has_arabic

    source: str = args.src
    if not source:
        if text:
            source = "ar" if has_arabic(text) else "en"
        else:
            source = "en" if args.tgt and is_arabic_language(args.tgt) else "ar"
    target: str = args.tgt or ("en" if is_arabic_language(source) else "ar")
    return source, target


def _load(path: str, args: argparse.Namespace, source: str, target: str, *, missing_ok: bool = False) -> Any:
    from tmkit.terms.files import load_termbase
    from tmkit.terms.model import Termbase

    if missing_ok and not os.path.exists(path):
        return Termbase(lang=source)
    loaded = load_termbase(path, file_format=args.in_format, source_lang=source, target_lang=target)
    for note in loaded.notes:
        warn(note)
    return loaded.termbase


def _save(path: str, termbase: Any, source: str, target: str, file_format: str | None = None) -> None:
    from tmkit.terms.files import save_termbase

    for note in save_termbase(path, termbase, file_format=file_format, source_lang=source, target_lang=target):
        warn(f"{path}: {note}")


def cmd_lookup(args: argparse.Namespace) -> int:
    from tmkit.terms.files import language_gap

    source, target = _pair(args, args.text)
    termbase = _load(args.termbase, args, source, target)
    gap = language_gap(args.termbase, termbase, source_lang=source, target_lang=target)
    if gap is not None:  # else "no term found" or "(no translation)" reads as the text's doing, not the termbase's
        warn(gap)
    hits = termbase.recognizer(source, target).recognize(args.text, overlapping=not args.longest)
    if args.json:
        print_json({"source_lang": source, "target_lang": target, "hits": [h.as_dict() for h in hits]})
        return EXIT_OK
    for hit in hits:
        translations = "; ".join(
            f"{t.text}" + (f" [{t.effective_status.value}]" if t.status else "") for t in hit.translations
        )
        flag = f" [{hit.status.value}]" if hit.forbidden else ""
        print(f"{hit.start}-{hit.end}\t{hit.text}{flag}\t→ {translations or '(no translation)'}\t({hit.concept.id})")
    if not hits:
        print(f"no term of {args.termbase} found", file=sys.stderr)
    return EXIT_OK


def cmd_add(args: argparse.Namespace) -> int:
    from tmkit.terms.model import Concept, Term, TermStatus
    from tmkit.terms.recognize import normalizer_for

    source, target = _pair(args, args.source)
    if not args.source.strip() or not args.target.strip():
        raise InputError("a term cannot be empty")
    if args.target in args.forbidden:
        raise InputError(f"{args.target!r} is given as the translation and as a term not to use (--forbidden)")
    termbase = _load(args.termbase, args, source, target, missing_ok=True)
    status = TermStatus(args.status or TermStatus.PREFERRED)
    key = normalizer_for(source)
    concept = next(
        (c for c in termbase if any(key(t.text) == key(args.source) for t in c.terms_in(source))),
        None,
    )
    # (term, whether its status is the user's word): a target the concept has keeps its status unless --status says
    # otherwise; --forbidden always says.
    new_terms = [(Term(args.target, target, status=status, part_of_speech=args.pos), args.status is not None)] + [
        (Term(f, target, status=TermStatus.FORBIDDEN, part_of_speech=args.pos), True) for f in args.forbidden
    ]
    if concept is None:
        concept = Concept(
            termbase.new_id(),
            [Term(args.source, source, status=status, part_of_speech=args.pos)],
            subject=args.subject,
            definition=args.definition,
            note=args.note,
        )
        for term, _ in new_terms:
            concept.merge_term(term)
        termbase.add(concept)
        what = "added concept"
    else:
        # The concept's own tag for the target (en-US for en) and no term twice: added as en beside en-US, QA and
        # lookup named 'police' twice.
        held = len(concept.terms)
        changed = [concept.merge_term(term, set_status=given) for term, given in new_terms]
        if len(concept.terms) > held:
            what = "added to concept"
        else:
            what = "updated concept" if any(changed) else "already in concept"
        if any(changed):
            termbase.changed()
    if what != "already in concept":
        _save(args.termbase, termbase, source, target)
    if args.json:
        print_json({"concept": concept.id, "action": what, "terms": [[t.lang, t.text] for t in concept.terms]})
    else:
        print(
            f"{what} {concept.id}: "
            + " | ".join(f"{t.lang}: {t.text}" + (f" [{t.status.value}]" if t.status else "") for t in concept.terms)
        )
    return EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    if (args.term is None) == (args.concept is None):
        raise InputError("name a TERM to remove, or a concept with --concept ID (not both)")
    if args.concept is not None and args.lang is not None:
        raise InputError("--lang chooses terms: a concept (--concept) is removed with all its languages")
    source, target = _pair(args)  # (not guessed from the term: it may be on either side)
    termbase = _load(args.termbase, args, source, target)
    if args.concept is not None:
        concept = termbase.remove_concept(args.concept)
        if concept is None:
            raise InputError(f"no concept {args.concept!r}", path=args.termbase)
        removed = [(concept, term) for term in concept.terms]
    else:
        removed = termbase.remove_term(args.term, args.lang)
        if not removed:
            where = f" in {args.lang}" if args.lang else ""
            raise InputError(f"no term written {args.term!r}{where}", path=args.termbase)
    _save(args.termbase, termbase, source, target)
    gone_concepts = sorted({c.id for c, _ in removed if c not in termbase.concepts})
    if args.json:
        print_json(
            {
                "termbase": args.termbase,
                "removed": [{"concept": c.id, "lang": t.lang, "text": t.text} for c, t in removed],
                "concepts_removed": gone_concepts,
                "concepts": len(termbase),
            }
        )
    else:
        for concept, term in removed:
            print(f"removed {term.lang}: {term.text} ({concept.id})")
        if args.concept is not None:
            print(f"removed concept {args.concept}")
        elif gone_concepts:
            print(f"removed concept(s) left without terms: {', '.join(gone_concepts)}")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    source, target = _pair(args)
    termbase = _load(args.termbase, args, source, target, missing_ok=True)
    added = held = 0
    for path in args.inputs:
        imported = _load(path, argparse.Namespace(in_format=None), source, target)
        added_now = termbase.extend(imported)
        added, held = added + added_now, held + len(imported) - added_now
    _save(args.termbase, termbase, source, target)
    if args.json:
        print_json({"termbase": args.termbase, "added": added, "already_held": held, "concepts": len(termbase)})
    else:
        already = f", {held} already held" if held else ""
        print(f"{args.termbase}: {added} concepts added{already}, {len(termbase)} in all")
    return EXIT_OK


def cmd_convert(args: argparse.Namespace) -> int:
    source, target = _pair(args)
    refuse_overwriting_inputs(args.output, [args.input])
    termbase = _load(args.input, args, source, target)
    _save(args.output, termbase, source, target, args.out_format)
    return _written(args, termbase)


def cmd_export(args: argparse.Namespace) -> int:
    from tmkit.memory.langtags import lang_matches

    source, target = _pair(args)
    refuse_overwriting_inputs(args.output, [args.input])
    termbase = _load(args.input, args, source, target)
    for concept in termbase:
        concept.terms = [
            t
            for t in concept.terms
            if any(lang_matches(t.lang, wanted, region_fallback=True) for wanted in (source, target))
        ]
        concept.language_definitions = {
            lang: text
            for lang, text in concept.language_definitions.items()
            if any(lang_matches(lang, wanted, region_fallback=True) for wanted in (source, target))
        }
    termbase.concepts = [c for c in termbase if c.terms]
    termbase.changed()
    _save(args.output, termbase, source, target, args.out_format)
    return _written(args, termbase)


def _written(args: argparse.Namespace, termbase: Any) -> int:
    terms = sum(len(c.terms) for c in termbase)
    if args.json:
        print_json({"output": args.output, "concepts": len(termbase), "terms": terms})
    else:
        print(f"{args.output}: {len(termbase)} concepts, {terms} terms", file=sys.stderr)
    return EXIT_OK


def cmd_extract(args: argparse.Namespace) -> int:
    from tmkit.formats.tmx_reader import load_tmx
    from tmkit.terms import extract
    from tmkit.terms.model import Concept, Term, Termbase

    source, target = _pair(args)
    options: dict[str, int] = {}
    # Refused, not taken as 1: `--limit -1` gave one candidate, unsaid.
    for name, flag in (("min_count", "--min-count"), ("limit", "--limit")):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise InputError(f"{flag} must be at least 1")
        if value is not None:
            options[name] = value
    refuse_overwriting_inputs(args.output, [args.memory])
    memory = load_tmx(args.memory)
    found = extract.extract_candidates(
        ((s.text, t.text) for _, s, t in memory.pairs(source, target)),
        source_lang=source,
        target_lang=target,
        **options,
    )
    if args.output:
        termbase = Termbase(lang=source, description=f"term candidates extracted from {args.memory} by tmkit")
        for candidate in found:
            termbase.add(
                Concept(
                    "",
                    [Term(candidate.source, source), Term(candidate.target, target)],
                    note=f"extracted: {candidate.together} units together; {candidate.source_count} source, "
                    f"{candidate.target_count} target; Dice {candidate.dice:.2f}",
                )
            )
        _save(args.output, termbase, source, target)
    if args.json:
        print_json({"source_lang": source, "target_lang": target, "candidates": [c.as_dict() for c in found]})
        return EXIT_OK
    for c in found:
        print(f"{c.together}\t{c.source_count}\t{c.target_count}\t{c.dice:.2f}\t{c.source}\t{c.target}")
    if not found:
        print(f"no candidates in {args.memory} (try a lower --min-count)", file=sys.stderr)
    return EXIT_OK
