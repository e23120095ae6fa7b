"""Which memory names are databases, how they are shown without their password, and how to connect to one."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from tmkit.errors import InputError

if TYPE_CHECKING:
    import psycopg

#: The schemes libpq accepts for a connection URI.
DATABASE_SCHEMES = ("postgresql://", "postgres://")
#: Seconds to wait for a server before saying it does not answer.
CONNECT_TIMEOUT_SECONDS = 10


def is_database_url(name: str | os.PathLike[str]) -> bool:
    """Whether a memory given on the command line names a shared memory on PostgreSQL rather than a file."""
    return isinstance(name, str) and name.lower().startswith(DATABASE_SCHEMES)


def redacted(url: str) -> str:
    """``url`` as it may be shown: a password in it (``user:secret@``, ``?password=``) replaced by ``***``."""
    parts = urlsplit(url)
    if _password_of(url) is None:
        return url
    netloc = parts.netloc
    if "@" in netloc:
        credentials, _, where = netloc.rpartition("@")
        if ":" in credentials:
            credentials = credentials.split(":", 1)[0] + ":***"
        netloc = f"{credentials}@{where}"
    query = "&".join(
        "password=***" if item.split("=", 1)[0].lower() == "password" else item for item in parts.query.split("&")
    )
    # Rebuilt by hand: urlunsplit drops the empty host of postgresql:///db (the socket's default folder).
    return (
        f"{parts.scheme}://{netloc}{parts.path}"
        + (f"?{query}" if parts.query else "")
        + (f"#{parts.fragment}" if parts.fragment else "")
    )


def _password_of(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.password:
        return parts.password
    for item in parts.query.split("&"):
        name, _, value = item.partition("=")
        if name.lower() == "password" and value:
            return value
    return None


def has_password(url: str) -> bool:
    """Whether ``url`` carries a password (``user:secret@`` or ``?password=``)."""
    return _password_of(url) is not None


def connection_error(url: str, problem: BaseException, *, doing: str) -> InputError:
    """One line for a failed database step, naming the database without its password."""
    first = (str(problem).strip().splitlines() or [type(problem).__name__])[0]
    secret = _password_of(url)
    if secret:
        first = first.replace(secret, "***")
    return InputError(f"{doing}: {first}", path=redacted(url))


def connect(url: str, *, autocommit: bool = False) -> psycopg.Connection[tuple[object, ...]]:
    """A connection to the database ``url`` names, with libpq's conventions (PG* variables, ~/.pgpass).

    Raises `InputError` (one line, the URL without its password) when psycopg is not installed or
    the server cannot be reached or refuses the login.
    """
    try:
        import psycopg
    except ImportError as missing:
        raise InputError(
            "a postgresql:// memory needs psycopg: pip install 'tmkit[postgres]'", path=redacted(url)
        ) from missing
    try:
        return psycopg.connect(url, autocommit=autocommit, connect_timeout=CONNECT_TIMEOUT_SECONDS)
    except psycopg.Error as problem:
        raise connection_error(url, problem, doing="cannot connect") from None


@contextmanager
def database_errors(url: str, *, doing: str) -> Iterator[None]:
    """Turn what the server refuses (no permission, a lost connection…) into one `InputError` line."""
    import psycopg

    try:
        yield
    except psycopg.Error as problem:
        raise connection_error(url, problem, doing=doing) from None
