"""Which memory names are databases, how they are shown without their password, and how to connect to one."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote

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


@dataclass(frozen=True, slots=True)
class _UriParts:
    """A connection URI cut where libpq cuts it: ``scheme://`` ``user`` [``:password``] ``@`` ``rest``. libpq ends the
    credentials at the first ``@`` before any ``/``, and gives ``#`` and ``?`` in them no meaning (`Ab#12` is a
    password to it, where urllib took `#12@host…` for a fragment and saw no password to hide)."""

    scheme: str
    credentials: str | None
    rest: str

    @classmethod
    def of(cls, url: str) -> _UriParts:
        scheme, found, after = url.partition("://")
        if not found:
            return cls("", None, url)
        cut = next((at for at, char in enumerate(after) if char in "@/"), None)
        if cut is None or after[cut] != "@":
            return cls(scheme, None, after)
        return cls(scheme, after[:cut], after[cut + 1 :])

    @property
    def password(self) -> str | None:
        """The password as written in the URI (percent-encoded or not)."""
        if self.credentials is None or ":" not in self.credentials:
            return None
        return self.credentials.split(":", 1)[1] or None

    def query_items(self) -> list[str]:
        """The ``name=value`` parameters after the first ``?`` of what follows the credentials."""
        _, found, query = self.rest.partition("?")
        return query.split("&") if found else []


def redacted(url: str) -> str:
    """``url`` as it may be shown: a password in it (``user:secret@``, ``?password=``) replaced by ``***``, read as
    libpq reads the URI (`_UriParts`)."""
    if _password_of(url) is None:
        return url
    parts = _UriParts.of(url)
    shown = f"{parts.scheme}://" if parts.scheme else ""
    rest = parts.rest
    if parts.credentials is not None:
        user = parts.credentials.split(":", 1)[0]
        shown += (f"{user}:***" if parts.password is not None else parts.credentials) + "@"
        if parts.password is not None and "@" in rest:
            # Another @ further on: a password with an @ not percent-encoded, of which libpq read only the start.
            # The rest of it is hidden too, up to the last @ (`u:Zz@9/q?x@host` was shown as `u:***@9/q?x@host`).
            rest = rest.rsplit("@", 1)[1]
    where, found, query = rest.partition("?")
    if found:
        # The parameter's own name is kept (`PassWord=***`): a server's complaint about it names it so.
        where += "?" + "&".join(
            f"{item.split('=', 1)[0]}=***" if item.split("=", 1)[0].lower() == "password" else item
            for item in query.split("&")
        )
    return shown + where


def _password_of(url: str) -> str | None:
    parts = _UriParts.of(url)
    if parts.password is not None:
        return parts.password
    for item in parts.query_items():
        name, _, value = item.partition("=")
        if name.lower() == "password" and value:
            return value
    return None


def _secrets_of(url: str) -> list[str]:
    """The password as written and as libpq decodes it (`%23` is `#`): a server's message may quote either."""
    secret = _password_of(url)
    if secret is None:
        return []
    return sorted({secret, unquote(secret)}, key=len, reverse=True)


def has_password(url: str) -> bool:
    """Whether ``url`` carries a password (``user:secret@`` or ``?password=``)."""
    return _password_of(url) is not None


def connection_error(url: str, problem: BaseException, *, doing: str) -> InputError:
    """One line for a failed database step, naming the database without its password."""
    first = (str(problem).strip().splitlines() or [type(problem).__name__])[0]
    for secret in _secrets_of(url):
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
