"""Which memory names are databases, how they are shown without their password, and how to connect to one."""

from __future__ import annotations

import os
import re
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


#: Where a URI's parameters begin: `?` and a parameter's name and `=` (a `?` inside a password is none).
_QUERY_RE = re.compile(r"\?[A-Za-z_][A-Za-z0-9_]*=")


@dataclass(frozen=True, slots=True)
class _UriParts:
    """A connection URI cut for showing it: ``scheme://`` [``user`` [``:password``] ``@``] ``where`` [``?query``].

    Cut so as to hide all a password might be. Its characters are not always percent-encoded: `#`, `?`, `/` and `@`
    in it were read by urllib as a fragment, a query, a path, and libpq ends the credentials at the first `@` (a
    password `Ab#12`, `se/cret` or `Zz@9` was printed whole or in part). So the credentials end at the last `@`
    before the parameters, which begin at a `?` followed by a parameter's name and `=`."""

    scheme: str
    credentials: str | None
    where: str
    query: str | None

    @classmethod
    def of(cls, url: str) -> _UriParts:
        scheme, found, after = url.partition("://")
        if not found:
            return cls("", None, url, None)
        parameters = _QUERY_RE.search(after)
        head, query = (after[: parameters.start()], after[parameters.start() + 1 :]) if parameters else (after, None)
        credentials, at, where = head.rpartition("@")
        return cls(scheme, credentials if at else None, where, query)

    @property
    def password(self) -> str | None:
        """The password as written in the URI (percent-encoded or not)."""
        if self.credentials is None or ":" not in self.credentials:
            return None
        return self.credentials.split(":", 1)[1] or None

    def query_items(self) -> list[str]:
        """The ``name=value`` parameters."""
        return self.query.split("&") if self.query is not None else []


def redacted(url: str) -> str:
    """``url`` as it may be shown: a password in it (``user:secret@``, ``?password=``) replaced by ``***``
    (`_UriParts`: all a password might be is hidden)."""
    if _password_of(url) is None:
        return url
    parts = _UriParts.of(url)
    shown = f"{parts.scheme}://" if parts.scheme else ""
    if parts.credentials is not None:
        user = parts.credentials.split(":", 1)[0]
        shown += (f"{user}:***" if parts.password is not None else parts.credentials) + "@"
    shown += parts.where
    if parts.query is not None:
        # The parameter's own name is kept (`PassWord=***`): a server's complaint about it names it so.
        shown += "?" + "&".join(
            f"{item.split('=', 1)[0]}=***" if item.split("=", 1)[0].lower() == "password" else item
            for item in parts.query_items()
        )
    return shown


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
