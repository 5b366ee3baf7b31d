"""A throwaway PostgreSQL cluster for tests and benchmarks: initdb + pg_ctl into a temporary directory on a free
127.0.0.1 port, one fresh schema per caller (`new_database`), stopped and deleted afterwards.

The server binaries come from Debian's `postgresql` package (`/usr/lib/postgresql/<version>/bin`; `scripts/setup.sh
--for-tests` installs it when missing). PostgreSQL refuses to run as root: under root the cluster runs as the
`postgres` system user the package creates. Settings favour speed over durability (fsync off): the data is thrown
away anyway.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.servers import free_port

MISSING = (
    "PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian's postgresql package "
    "(`apt-get install postgresql`; scripts/setup.sh --for-tests does it as root) or set "
    "BRIDGE_TEST_POSTGRES_BINDIR to their folder"
)


class ClusterUnavailable(RuntimeError):
    """No PostgreSQL server binaries on this machine (or no user to run them as)."""


def find_bindir() -> Path | None:
    """The folder holding initdb and pg_ctl: BRIDGE_TEST_POSTGRES_BINDIR, PATH, or Debian's newest version."""
    configured = os.environ.get("BRIDGE_TEST_POSTGRES_BINDIR")
    candidates = [Path(configured)] if configured else []
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0
    )
    candidates.extend(reversed(debian))
    return next((c for c in candidates if (c / "initdb").is_file() and (c / "pg_ctl").is_file()), None)


class PostgresCluster:
    """Start with `start()`, ask `new_database()` for a URL, `stop()` at the end (also on failure)."""

    def __init__(self, bindir: Path | None = None):
        self.bindir = bindir or find_bindir()
        if self.bindir is None:
            raise ClusterUnavailable(MISSING)
        self._as_user: list[str] = []
        self._owner: tuple[int, int] | None = None
        if os.geteuid() == 0:
            try:
                user = pwd.getpwnam("postgres")
            except KeyError as exc:
                raise ClusterUnavailable(
                    "running as root and there is no `postgres` user to run the server as "
                    "(Debian's postgresql package creates it)"
                ) from exc
            self._as_user, self._owner = ["runuser", "-u", "postgres", "--"], (user.pw_uid, user.pw_gid)
        self.root = Path(tempfile.mkdtemp(prefix="bridge-pg-"))
        self.port = 0
        self._names = itertools.count(1)

    def _run(self, *args: str) -> None:
        done = subprocess.run([*self._as_user, *args], capture_output=True, text=True, cwd="/", check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{Path(args[0]).name} failed ({done.returncode}): {done.stderr[-2000:]}")

    def start(self) -> PostgresCluster:
        if self._owner:
            os.chown(self.root, *self._owner)
        data = self.root / "data"
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            "bridge",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        self.port = free_port()
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=300 -c shared_buffers=32MB"
        )
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(self.root / "server.log"),
            "-o",
            options,
            "-w",
            "start",
        )
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=bridge dbname=postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE bridge")
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://bridge@127.0.0.1:{self.port}/{database}"

    def new_database(self, prefix: str = "bridge") -> str:
        """The SQLAlchemy URL of a new, empty database: a fresh schema of the cluster's `bridge` database, first on the
        search path of every connection made with the URL (a schema costs nothing; a CREATE DATABASE copies ~8 MB)."""
        import psycopg

        name = f"{prefix}_{os.getpid()}_{next(self._names)}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=bridge dbname=bridge", autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{name}"')
        return self.url("bridge") + f"?options=-csearch_path%3D{name}"

    def stop(self) -> None:
        data = self.root / "data"
        if (data / "postmaster.pid").exists():
            try:
                self._run(str(self.bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
            except RuntimeError:
                pass
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> PostgresCluster:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *_exc) -> None:
        self.stop()
