"""A real PostgreSQL server for the test session, started from the system's server binaries.

``pg_config --bindir`` finds them (Debian's ``postgresql`` package; `.ci/run` installs it when
missing). ``initdb`` refuses to run as root, so as root the cluster belongs to ``nobody``. The
cluster lives in a private temporary directory, listens on a Unix socket there only (no TCP),
trusts local connections and skips fsync: it exists for one test process (one per
pytest-xdist worker) and is removed at the end. Each test gets a PostgreSQL schema of its own
(a namespace: tplan's tables created afresh, ~20 ms) in one database, selected by the URL's
``search_path`` option; a whole database per test would cost ~0.5 s each.

Nothing is skipped: when the server cannot start, ``ServerUnavailable`` says why and the tests
that need it fail with that message.
"""

from __future__ import annotations

import fcntl
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg

from tplan.store.postgres import init_schema

SUPERUSER = "tplan_test"
DATABASE = "tplan_tests"


class ServerUnavailable(RuntimeError):
    pass


def server_bindir() -> Path:
    try:
        out = subprocess.run(
            ["pg_config", "--bindir"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as exc:
        raise ServerUnavailable(
            f"pg_config not found ({exc}): install the PostgreSQL server package "
            "(apt-get install -y postgresql; .ci/run does this)"
        ) from None
    bindir = Path(out)
    if not (bindir / "initdb").exists():
        raise ServerUnavailable(
            f"{bindir} has no initdb: install the PostgreSQL server package, not only libpq"
        )
    return bindir


TEMPLATE_ENV = "TPLAN_TEST_PG_TEMPLATE"
"""Where this run's template cluster lives (``make_template_home``)."""


def make_template_home() -> Path:
    """A folder for one initdb'd cluster that every test process of the run copies (~0.05 s)
    instead of running initdb itself (~0.8 s of CPU each, six times on a 2-core run). The
    pytest-xdist controller makes it before the workers start (they inherit the variable)
    and removes it at the end; the first worker that needs a server runs initdb into it."""
    home = Path(tempfile.mkdtemp(prefix="tplan-pg-template-"))
    if os.geteuid() == 0:
        shutil.chown(home, "nobody")  # initdb and cp run as nobody (see TestServer)
    os.environ[TEMPLATE_ENV] = str(home)
    return home


class TestServer:
    """One throwaway cluster; ``url(db)`` names a database on it."""

    __test__ = False

    def __init__(self, *, durable: bool = False) -> None:
        self.durable = durable
        """Keep fsync and synchronous commit on (bench/ measures real save latency)."""
        self.bindir = server_bindir()
        self.root = Path(tempfile.mkdtemp(prefix="tplan-pg-"))
        self.data = self.root / "data"
        self.socket = self.root / "sock"
        self.log = self.root / "server.log"
        self._as_user: list[str] = []
        self._names = itertools.count(1)
        if os.geteuid() == 0:
            self._as_user = ["runuser", "-u", "nobody", "--"]
            nobody = pwd.getpwnam("nobody")
            os.chown(self.root, nobody.pw_uid, nobody.pw_gid)
        os.chmod(self.root, 0o700)

    def _run(self, *argv: str) -> None:
        done = subprocess.run(
            [*self._as_user, *argv], capture_output=True, text=True, timeout=60, check=False
        )
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise ServerUnavailable(
                f"{Path(argv[0]).name} failed ({done.returncode}): "
                f"{(done.stderr or done.stdout).strip()[-2000:]}\n{log}"
            )

    def _initdb(self, data: Path) -> None:
        self._run(
            str(self.bindir / "initdb"), "-D", str(data), "-U", SUPERUSER, "-A", "trust",
            "-E", "UTF8", "--no-locale", "--no-instructions",
            *(() if self.durable else ("--no-sync",)),
        )

    def _copy_template(self, template: Path) -> None:
        """Copy the run's template cluster, the first worker to get here creating it."""
        with (template / "lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            cluster = template / "data"
            if not (template / "ready").exists():
                shutil.rmtree(cluster, ignore_errors=True)  # a half-made one of a failed try
                self._initdb(cluster)
                (template / "ready").touch()
        self._run("cp", "-a", str(cluster), str(self.data))

    def start(self) -> TestServer:
        template = os.environ.get(TEMPLATE_ENV)
        if template and not self.durable:
            self._copy_template(Path(template))
        else:
            self._initdb(self.data)
        self.socket.mkdir()
        if self._as_user:
            shutil.chown(self.socket, "nobody")
            self.log.touch()
            shutil.chown(self.log, "nobody")
        options = f"-k {self.socket} -c listen_addresses='' -c max_connections=200 "
        if self.durable:
            options += "-c shared_buffers=256MB"
        else:
            options += (
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                "-c shared_buffers=32MB"
            )
        self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", options, "-l",
            str(self.log), "-w", "-t", "60", "start",
        )
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {DATABASE}")
        return self

    def url(self, database: str = DATABASE, schema: str | None = None) -> str:
        url = f"postgresql:///{database}?host={self.socket}&user={SUPERUSER}"
        return f"{url}&options=-csearch_path%3D{schema}" if schema else url

    def empty_database(self) -> str:
        """The URL of a fresh namespace without tplan's tables (for `tplan server init`)."""
        schema = f"s{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        return self.url(schema=schema)

    def new_database(self) -> str:
        """The URL of a fresh namespace holding tplan's (empty) tables."""
        url = self.empty_database()
        with psycopg.connect(url, autocommit=True) as conn:
            init_schema(conn, "the test database")
        return url

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run(
                [*self._as_user, str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m",
                 "immediate", "-w", "stop"],
                capture_output=True, timeout=60, check=False,
            )
        shutil.rmtree(self.root, ignore_errors=True)
