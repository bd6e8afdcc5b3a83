"""A real PostgreSQL server for the tests: Debian's `initdb` into a temporary folder, started on a free port of
127.0.0.1 (its socket in that folder too), stopped and removed at the end.

PostgreSQL refuses to run as root: as root (CI) the server runs as the `postgres` user, otherwise as whoever runs
the tests. `make test` installs the package when `initdb` is missing (`make postgres-deps`).
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from tests.smtp import free_port

SUPERUSER = "postgres"


def postgres_bin() -> Path | None:
    """The newest installed PostgreSQL's programs (Debian keeps them off the PATH), else those on the PATH."""
    found = sorted(
        (Path(path).parent for path in glob.glob("/usr/lib/postgresql/*/bin/initdb")),
        key=lambda folder: int(folder.parent.name) if folder.parent.name.isdigit() else 0,
    )
    if found:
        return found[-1]
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@dataclass
class Postgres:
    """One server: `start()`, `database()` for a fresh empty database's URL, `stop()`."""

    bin: Path
    root: Path
    port: int = 0

    @property
    def data(self) -> Path:
        return self.root / "data"

    def _run(self, program: str, *args: str) -> subprocess.CompletedProcess:
        command = [str(self.bin / program), *args]
        if os.getuid() == 0:  # never as root: the server would refuse
            command = ["runuser", "-u", SUPERUSER, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=False)

    def start(self) -> Postgres:
        if os.getuid() == 0:
            owner = pwd.getpwnam(SUPERUSER)
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
        done = self._run(
            "initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust", "--encoding=UTF8", "--no-sync"
        )
        if done.returncode:
            raise RuntimeError(f"initdb failed: {done.stderr}")
        self.port = free_port()
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        done = self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-o", options, "-w", "start"
        )
        if done.returncode:
            log = (self.root / "server.log").read_text(errors="replace") if (self.root / "server.log").exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {done.stderr}\n{log}")
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def database(self) -> str:
        """A new, empty database; its collation is ICU's Chinese when the server has ICU (as a bureau's server
        would sort), so nothing may depend on the database sorting text by code point."""
        import psycopg

        name = f"evalaudit_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(host="127.0.0.1", port=self.port, user=SUPERUSER, dbname="postgres", autocommit=True) as c:
            try:
                c.execute(
                    f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8' "
                    "LOCALE_PROVIDER icu ICU_LOCALE 'zh-Hans-CN'"
                )
            except psycopg.Error:
                c.execute(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8'")
        return self.url(name)

    def stop(self) -> None:
        if self.data.exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


def start_postgres() -> Postgres | None:
    """A running server, or None when PostgreSQL is not installed (the caller skips, saying so)."""
    folder = postgres_bin()
    if folder is None or not (folder / "pg_ctl").exists():
        return None
    # /tmp itself, not pytest's per-user folder: the `postgres` user must be able to reach it
    server = Postgres(folder, Path(tempfile.mkdtemp(prefix="evalaudit-pg-")))
    atexit.register(server.stop)  # also when the session ends without its fixtures' teardown (stop is idempotent)
    return server.start()


def column_types(connection) -> dict[str, str]:
    """`table.column` → its PostgreSQL data type, for every column of the connection's schema."""
    return dict(
        connection.exec_driver_sql(
            "SELECT table_name || '.' || column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema()"
        ).all()
    )
