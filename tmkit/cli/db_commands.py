"""`tmkit db`: prepare a shared memory in PostgreSQL and move memories in and out of it."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from tmkit.cli.common import (
    EXIT_CHECK_FAILED,
    EXIT_OK,
    add_reader_options,
    error,
    make_reader,
    print_conflicts,
    progress_for,
    report_reader,
)
from tmkit.defaults import DEFAULT_CONFLICT_POLICY, ConflictPolicy
from tmkit.errors import InputError
from tmkit.wording import plural

if TYPE_CHECKING:
    from tmkit.memory.model import TranslationUnit
    from tmkit.shared.store import Imported

_URL_HELP = (
    "the database, as a libpq URL (postgresql://USER@HOST:PORT/DATABASE; PGHOST, PGUSER, PGPASSWORD… "
    "and ~/.pgpass fill in what it leaves out, so no password need be typed)"
)


def register(commands: Any) -> None:
    db = commands.add_parser(
        "db",
        help="a memory shared in PostgreSQL: init, import, export",
        description="A translation memory shared by a team in a PostgreSQL database. Any command that takes a "
        "memory file also takes its postgresql:// URL.",
    )
    sub = db.add_subparsers(dest="db_command", metavar="COMMAND", parser_class=type(db))

    p = sub.add_parser(
        "init",
        help="create or upgrade tmkit's tables in a database",
        description="Create tmkit's schema in the database (or bring it to this tmkit's version), with the pg_trgm "
        "extension. The only step that needs the right to create (a schema, and the extension the first time). A "
        "database whose locale would give Arabic no trigrams is refused.",
    )
    p.add_argument("url", metavar="URL", help=_URL_HELP)
    p.add_argument(
        "--roles",
        action="store_true",
        help="also create the roles tmkit_reader (SELECT) and tmkit_writer (SELECT, INSERT, UPDATE, DELETE) and "
        "grant them on the schema",
    )
    p.set_defaults(handler=cmd_db_init)

    p = sub.add_parser(
        "import",
        help="add TMX memories to a shared memory",
        description="Add every unit of the TMX files to the shared memory (streamed with COPY, one transaction a "
        "file), losslessly: variants, props, notes, inline markup, statuses, ids and dates.",
    )
    p.add_argument("url", metavar="URL", help=_URL_HELP)
    p.add_argument("files", nargs="+", metavar="FILE", help="TMX files (.tmx or .tmx.gz)")
    p.add_argument(
        "--policy",
        choices=[c.value for c in ConflictPolicy],
        default=DEFAULT_CONFLICT_POLICY.value,
        help="what to do with a file's translation of a source the memory holds other translations of, as tmkit "
        "merge does with the memory first and the file last: add it beside them (default), keep the memory's "
        "(first), take the file's (last), take the one changed last (newest), or import nothing and list them (fail)",
    )
    add_reader_options(p)
    p.set_defaults(handler=cmd_db_import)

    p = sub.add_parser(
        "export",
        help="write a shared memory as TMX",
        description="Write every unit of the shared memory, in its order, to a TMX file (atomically).",
    )
    p.add_argument("url", metavar="URL", help=_URL_HELP)
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="the TMX file to write")
    p.set_defaults(handler=cmd_db_export)
    db.set_defaults(handler=_needs_subcommand(db))


def _needs_subcommand(parser: argparse.ArgumentParser) -> Any:
    def handler(args: argparse.Namespace) -> int:
        parser.error("give a db command: init, import or export")
        return 2  # parser.error exits

    return handler


def _database_url(url: str) -> str:
    from tmkit.shared.urls import is_database_url

    if not is_database_url(url):
        raise InputError("not a database URL (postgresql://…)", path=url)
    return url


def cmd_db_init(args: argparse.Namespace) -> int:
    from tmkit.shared.schema import SCHEMA_VERSION, migrate
    from tmkit.shared.urls import connect, database_errors, redacted

    url = _database_url(args.url)
    with connect(url) as conn, database_errors(url, doing="cannot prepare the schema"):
        applied = migrate(conn, create_roles=args.roles)
    name = redacted(url)
    if applied:
        steps = ", ".join(str(m.version) for m in applied)
        print(f"{name}: tmkit schema at version {SCHEMA_VERSION} (applied {steps})", file=sys.stderr)
    else:
        print(f"{name}: tmkit schema already at version {SCHEMA_VERSION}", file=sys.stderr)
    return EXIT_OK


def cmd_db_import(args: argparse.Namespace) -> int:
    from tmkit.shared.store import SharedMemory
    from tmkit.shared.urls import database_errors

    url = _database_url(args.url)
    policy = ConflictPolicy(args.policy)
    with SharedMemory(url) as memory, database_errors(url, doing="cannot import"):
        for number, path in enumerate(args.files):
            with progress_for(path, f"importing {path}") as on_progress:
                reader = make_reader(path, args, on_progress)
                units = iter(reader)
                first = next(units, None)  # the header is read before the first unit
                rest = () if first is None else _chained(first, units)
                imported = memory.import_units(rest, header=reader.header, policy=policy)
            report_reader(reader)
            if imported.conflict_count:
                print_conflicts(list(imported.conflicts), imported.conflict_count, (memory.name, path))
                later = args.files[number + 1 :]
                error(
                    f"{path}: {plural(imported.conflict_count, 'translation')} of sources {memory.name} holds other "
                    "translations of; nothing imported from it (choose another --policy)"
                    + (f", nor from {', '.join(later)}" if later else "")
                )
                return EXIT_CHECK_FAILED
            print(f"{path}: {_imported_line(imported, memory.name, policy)}", file=sys.stderr)
    return EXIT_OK


def _imported_line(imported: Imported, name: str, policy: ConflictPolicy) -> str:
    """What an import did, in one line: added, held (and updated), replaced, left out."""
    line = f"{plural(imported.added, 'unit')} imported into {name}"
    if imported.held:
        updated = f"; {imported.updated:,} updated from the file's later copy" if imported.updated else ""
        line += f", {plural(imported.held, 'unit')} held already (not added again{updated})"
    if imported.replaced:
        replaced = plural(imported.replaced, "unit")
        line += f", {replaced} of other translations replaced by the file's (--policy {policy})"
    if imported.left_out:
        kept = "later-changed translations" if policy is ConflictPolicy.NEWEST else "translations"
        line += (
            f", {plural(imported.left_out, 'unit')} left out: {name} keeps its own {kept} of their sources "
            f"(--policy {policy})"
        )
    return line


def _chained(first: TranslationUnit, rest: Iterator[TranslationUnit]) -> Iterator[TranslationUnit]:
    yield first
    yield from rest


def cmd_db_export(args: argparse.Namespace) -> int:
    from tmkit.formats.tmx_writer import write_tmx
    from tmkit.shared.store import SharedMemory
    from tmkit.shared.urls import database_errors

    url = _database_url(args.url)
    with SharedMemory(url) as memory, database_errors(url, doing="cannot export"):
        report = write_tmx(args.output, header=memory.header(), units=memory.units())
    print(f"{args.output}: {report.units:,} units written from {memory.name}", file=sys.stderr)
    if report.illegal_chars_removed:
        print(f"tmkit: warning: {report.illegal_chars_removed} XML-illegal characters removed", file=sys.stderr)
    return EXIT_OK
