"""Document commands: `segment` (and the document side of translation work)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from tmkit.atomic import write_text_atomic
from tmkit.cli.common import EXIT_OK, print_json
from tmkit.documents import guess_language, read_text_document
from tmkit.errors import InputError
from tmkit.segmentation import SrxRules, default_rules, load_srx, split_sentences


def register(commands: Any) -> None:
    p = commands.add_parser(
        "segment",
        help="split a text document into sentences (Arabic or English, SRX rules)",
        description="Split a UTF-8 text document into sentences: one sentence a line, a blank line "
        "between paragraphs. Paragraphs are separated by blank lines; a line break ends a sentence "
        "(headlines, list items) unless --join-lines.",
    )
    p.add_argument("file", help="UTF-8 text document")
    p.add_argument("--lang", help="language of the document (default: guessed from the script)")
    p.add_argument("--srx", metavar="RULES.srx", help="SRX 2.0 rules tried before tmkit's own")
    p.add_argument("--srx-only", action="store_true", help="use only the --srx rules, not tmkit's")
    p.add_argument("--join-lines", action="store_true", help="single line breaks are spaces (hard-wrapped text)")
    p.add_argument("--json", action="store_true", help="paragraphs of sentences as JSON")
    p.add_argument("-o", "--output", help="write here instead of standard output")
    p.set_defaults(handler=cmd_segment)


def rules_from_args(args: argparse.Namespace) -> SrxRules:
    """tmkit's rules, extended or replaced by the user's --srx file."""
    if not getattr(args, "srx", None):
        if getattr(args, "srx_only", False):
            raise InputError("--srx-only needs --srx RULES.srx")
        return default_rules()
    user = load_srx(args.srx)
    return user if args.srx_only else default_rules().extended_by(user)


def cmd_segment(args: argparse.Namespace) -> int:
    rules = rules_from_args(args)
    text = read_text_document(args.file)
    lang = args.lang or guess_language(text)
    paragraphs = split_sentences(text, lang=lang, rules=rules, join_lines=args.join_lines)
    if args.json:
        import json

        out = json.dumps({"lang": lang, "paragraphs": paragraphs}, ensure_ascii=False, indent=2) + "\n"
    else:
        out = "\n\n".join("\n".join(paragraph) for paragraph in paragraphs) + "\n"
    if args.output:
        write_text_atomic(args.output, out)
    elif args.json:
        print_json({"lang": lang, "paragraphs": paragraphs})
    else:
        sys.stdout.write(out)
    return EXIT_OK
