"""The `tmkit` command: parses arguments and hands each subcommand to its module."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from tmkit import __version__
from tmkit.cli import (
    db_commands,
    document_commands,
    edit_command,
    finish_command,
    index_commands,
    match_commands,
    project_commands,
    quality_commands,
    term_commands,
    tm_commands,
)
from tmkit.cli.common import EXIT_USAGE, error, run_handler, stop_on_termination
from tmkit.memory.langtags import is_valid_tag

#: The options that name a language, by their destination: each must be a language tag, or a command
#: would write it into a file (`xml:lang="e n"`) that `tmkit validate` then rejects.
_LANGUAGE_OPTIONS = {"src": "--src", "tgt": "--tgt", "lang": "--lang", "to": "--to"}


class _Parser(argparse.ArgumentParser):
    """argparse that exits with tmkit's usage code (2) and a one-line message."""

    def error(self, message: str) -> None:  # type: ignore[override]
        # One line, as every other error of tmkit's (a CI log read by a person or a pattern): the usage block
        # argparse prints first buried it; --help has the usage.
        print(f"{self.prog}: error: {message} ({self.prog} --help shows the usage)", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


class _CommandParser(_Parser):
    """A subcommand's parser: options are taken before, between and after positional arguments.

    argparse fills a `nargs="+"` positional with the run of words before the first option, so
    `tmkit match MEM --src en "segment"` left the segment unrecognized. The intermixed parse takes
    every option first, then the positionals from what is left, for every subcommand alike.
    """

    _intermixing = False

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        # parse_known_intermixed_args calls parse_known_args itself (twice): those inner calls parse plainly.
        # A group of subcommands (`tmkit term …`) parses plainly too (argparse cannot intermix one); its
        # subcommands intermix.
        if self._intermixing or self._subparsers is not None:
            return super().parse_known_args(args, namespace)
        self._intermixing = True
        try:
            return super().parse_known_intermixed_args(args, namespace)
        finally:
            self._intermixing = False


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="tmkit",
        description="Arabic–English translation memory toolkit: TMX, fuzzy matching, scoring, editor.",
    )
    parser.add_argument("--version", action="version", version=f"tmkit {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_CommandParser)
    tm_commands.register(commands)
    match_commands.register(commands)
    quality_commands.register(commands)
    edit_command.register(commands)
    finish_command.register(commands)
    project_commands.register(commands)
    document_commands.register(commands)
    term_commands.register(commands)
    db_commands.register(commands)
    index_commands.register(commands)
    return parser


def _command_parser(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.ArgumentParser:
    """The parser of the (sub)command ``args`` were parsed for (`tmkit term remove`'s, not `tmkit term`'s)."""
    while parser._subparsers is not None:
        chosen = None
        for action in parser._subparsers._group_actions:
            choices = getattr(action, "choices", None)
            name = getattr(args, action.dest, None)
            if isinstance(choices, dict) and name in choices:
                chosen = choices[name]
        if chosen is None:
            break
        parser = chosen
    return parser


def _not_utf8(argv: Sequence[str]) -> str | None:
    """The first argument Python could not decode (its bytes kept as lone surrogates), shown with escapes."""
    for argument in argv:
        try:
            argument.encode("utf-8")
        except UnicodeEncodeError:
            return argument.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return None


def _bad_language(args: argparse.Namespace) -> str | None:
    """The message for the first language option that is not a language tag, if any."""
    for dest, flag in _LANGUAGE_OPTIONS.items():
        value = getattr(args, dest, None)
        if isinstance(value, str) and not is_valid_tag(value):
            return f"{flag} must be a language tag such as ar or en-GB, not {value!r}"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    # Undecodable bytes would reach the commands as lone surrogates and fail wherever text is written.
    undecodable = _not_utf8(sys.argv[1:] if argv is None else argv)
    if undecodable is not None:
        error(f"argument '{undecodable}' is not UTF-8: give file names and text in UTF-8")
        return EXIT_USAGE
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        # Said by the command's parser, which names the command and its --help (argparse leaves it to the top one).
        _command_parser(parser, args).error(f"unrecognized arguments: {' '.join(unknown)}")
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    bad_language = _bad_language(args)
    if bad_language is not None:
        error(bad_language)
        return EXIT_USAGE
    if args.command != "edit":  # (the editor's session, journal and all, is Textual's to end)
        stop_on_termination()
    return run_handler(handler, args)
