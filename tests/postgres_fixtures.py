"""Fixtures for tests against a real PostgreSQL server: a fresh database per test on the server `.ci/postgres` starts."""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit, urlunsplit

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
        # A connection of its own: a test may have restarted the server (`restart_server`) meanwhile.
        with psycopg.connect(server, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@dataclass(frozen=True)
class ServerControl:
    """Stops and starts the test server `.ci/postgres` made (its cluster's folder is the URL's socket folder)."""

    pg_ctl: str
    folder: Path
    port: str
    run_as: tuple[str, ...]

    def _pg_ctl(self, *args: str) -> None:
        subprocess.run(
            [*self.run_as, self.pg_ctl, "-D", str(self.folder / "data"), *args], check=True, capture_output=True
        )

    def stop(self) -> None:
        self._pg_ctl("-m", "fast", "-w", "stop")

    def start(self) -> None:
        # The options `.ci/postgres` starts it with: the same socket folder and port, so the URLs stay good.
        options = f"-k {self.folder} -p {self.port} -c listen_addresses='' -c max_connections=60"
        self._pg_ctl("-l", str(self.folder / "server.log"), "-o", options, "-w", "start")


@dataclass(frozen=True)
class PrivateServer:
    """A PostgreSQL cluster of one test's own (`private_postgres`): its control, its server URL, and a database on it."""

    control: ServerControl
    server_url: str
    url: str


@pytest.fixture
def private_postgres() -> Iterator[PrivateServer]:
    """A cluster of the test's own, for a test that stops and starts its server: stopping the one `.ci/postgres`
    started broke the tests other workers ran on it at the same moment (a flaky failure of the mirror's tests).
    Made like `.ci/postgres` makes its own; skips where that server is not there (the same programs are needed)."""
    query = parse_qs(urlsplit(_server_url()).query)
    if not Path(query.get("host", [""])[0]).is_absolute():
        pytest.skip("the test server is not a .ci/postgres cluster: no programs to make another")
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: [int(n) for n in re.findall(r"\d+", p)])
    pg_ctl = found[-1] if found else shutil.which("pg_ctl")
    if pg_ctl is None or not (Path(pg_ctl).parent / "initdb").exists():
        pytest.skip("no pg_ctl and initdb to make a cluster of the test's own")
    run_as = ("runuser", "-u", "postgres", "--") if os.geteuid() == 0 else ()
    # A short folder under /tmp: a unix socket's path may not be longer than 107 bytes, and pytest's are long.
    folder = Path(tempfile.mkdtemp(prefix="tmkit-pg."))
    if run_as:
        shutil.chown(folder, "postgres")
    initdb = str(Path(pg_ctl).parent / "initdb")
    command = [*run_as, initdb, "-D", str(folder / "data"), "-A", "trust", "-U", "tmkit", "--locale=C.UTF-8"]
    subprocess.run([*command, "-E", "UTF8"], check=True, capture_output=True)
    control = ServerControl(pg_ctl, folder, "54330", run_as)
    control.start()
    try:
        server = f"postgresql://tmkit@/postgres?host={folder}&port={control.port}"
        import psycopg

        with psycopg.connect(server, autocommit=True, connect_timeout=5) as admin:
            admin.execute("CREATE DATABASE tmkit_test TEMPLATE template0 ENCODING 'UTF8'")
        yield PrivateServer(control, server, with_database(server, "tmkit_test"))
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):  # (stopped already)
            control.stop()
        shutil.rmtree(folder, ignore_errors=True)
