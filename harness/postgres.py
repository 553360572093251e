"""A throwaway PostgreSQL cluster from Debian's packages, for the scaling page.

`initdb` makes a new cluster in a temporary folder and `pg_ctl` starts it, listening on
127.0.0.1 only, inside the private network the page's commands run in (so that it has
PostgreSQL's default port, 5432, as a reader's has). Neither runs as root, so both run
as the `postgres` user that Debian's package creates. The superuser is `postgres`, with
a password, as in the `postgres` container image; `stop()` stops the server by the PID
in its `postmaster.pid` and waits until that process is gone.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from harness.prefect_server import forget, remember
from harness.processes import running
from harness.waiting import WaitedTooLong, wait_until


def postgres_bin() -> Path:
    """Debian keeps initdb and pg_ctl off PATH, in its versioned folder."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parts[-3]),
    )
    if not found:
        raise RuntimeError(
            "PostgreSQL is not installed: `apt-get install postgresql` (.ci/run does)"
        )
    return Path(found[-1]).parent


class ThrowawayPostgres:
    def __init__(self, *, password: str, wrap: tuple[str, ...] = (), port: int = 5432):
        self.password = password
        self.wrap = wrap
        self.port = port
        self.bin = postgres_bin()
        self.root = Path(tempfile.mkdtemp(prefix="learn-prefect-postgres-"))
        self.data = self.root / "data"
        self.pid: int | None = None

    def as_postgres(self, *argv: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*self.wrap, "runuser", "-u", "postgres", "--", *argv],
            capture_output=True,
            text=True,
            timeout=120,
        )

    def start(self) -> None:
        shutil.chown(self.root, "postgres")
        password_file = self.root / "superuser-password"
        password_file.write_text(self.password + "\n")
        shutil.chown(password_file, "postgres")
        made = self.as_postgres(
            str(self.bin / "initdb"),
            "--pgdata",
            str(self.data),
            "--username=postgres",
            f"--pwfile={password_file}",
            "--auth=scram-sha-256",
            "--no-sync",
        )
        assert made.returncode == 0, made.stdout + made.stderr
        started = self.as_postgres(
            str(self.bin / "pg_ctl"),
            "--pgdata",
            str(self.data),
            "--log",
            str(self.root / "postgres.log"),
            "--wait",
            "-o",
            # 127.0.0.1 only; the socket in our folder, not in /var/run/postgresql;
            # no fsync: the data is thrown away anyway
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        )
        assert started.returncode == 0, started.stdout + started.stderr + self.log()
        self.pid = int((self.data / "postmaster.pid").read_text().split()[0])
        remember(self, self.stop)

    def log(self) -> str:
        path = self.root / "postgres.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        # The end of an interrupted session may stop it while its own thread does.
        pid, self.pid = self.pid, None
        if pid is not None:
            # SIGINT: PostgreSQL's fast shutdown (end sessions, then stop).
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGINT)
            with contextlib.suppress(WaitedTooLong):
                wait_until(
                    lambda: not running(pid),
                    timeout=60,
                    interval=0.1,
                    what=f"PostgreSQL (PID {pid}) stopping",
                )
            if running(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        forget(self)
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> ThrowawayPostgres:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
