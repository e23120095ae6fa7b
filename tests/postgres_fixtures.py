"""Fixtures for tests against a real PostgreSQL server: a fresh database per test on the server `.ci/postgres` starts."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest

#: The URL of a server the tests may create and drop databases on (set by `.ci/postgres`).
SERVER_VARIABLE = "TMKIT_TEST_POSTGRES"


def _server_url() -> str:
    url = os.environ.get(SERVER_VARIABLE)
    if not url:
        pytest.skip(f"no PostgreSQL server for the tests: run them through .ci/postgres (it sets {SERVER_VARIABLE})")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg is not installed (pip install -e '.[test]')")
    return url


def with_database(url: str, database: str) -> str:
    """``url`` naming another database on the same server (host, port and user kept)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + database, parts.query, parts.fragment))


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A URL of a new, empty database (UTF-8, C.UTF-8 ctype) on the test server, dropped after the test."""
    import psycopg

    server = _server_url()
    try:
        admin = psycopg.connect(server, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as problem:
        pytest.skip(f"the PostgreSQL server in {SERVER_VARIABLE} does not answer: {problem}")
    name = f"tmkit_test_{uuid.uuid4().hex[:12]}"
    with admin:
        admin.execute(
            f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        )
        try:
            yield with_database(server, name)
        finally:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
