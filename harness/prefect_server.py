"""A real `prefect server start`, on 127.0.0.1 and a free port, stopped by its PID.

Used by the test session (one server for the whole run) and by the repo's scripts.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from harness.waiting import wait_until

# Keep a machine without internet quiet, and send nothing anywhere.
QUIET_ENV = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
}


# Prefect waits 20 s for a temporary server to answer, and the first start on a new
# home (it creates the database) used most of that on this 2-core machine: a busy one
# goes past it. Where a run must not fail for being slow (the tests' first flow run,
# the scripts' measurements), it gets more time; the start itself takes as long. The
# first-flow page gives readers the same setting (run_hello_flow_more_time.sh).
PATIENT_TEMPORARY_SERVER = {"PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90"}

# Workers and `serve` ask the server for work every second instead of every ten to
# fifteen: the same behaviour, sooner.
FAST_POLLING = {
    "PREFECT_WORKER_QUERY_SECONDS": "1",
    "PREFECT_WORKER_PREFETCH_SECONDS": "1",
    "PREFECT_RUNNER_POLL_FREQUENCY": "1",
}


def cache_bytecode() -> None:
    """Let Python cache compiled modules, in this process and the ones it starts.

    A reader's machine does: the first `import prefect` compiles Prefect's modules and
    writes them to `__pycache__/`, later ones load them. This machine (and CI) sets
    PYTHONDONTWRITEBYTECODE=1, and the project's packages are installed without
    bytecode: every process then compiles every module it imports again, and each
    server, worker and flow run starts on twice the CPU (`import prefect`: 2.5 s
    instead of 1.1 s here). The tests and the benchmark run as on a reader's machine.
    """
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    sys.dont_write_bytecode = False


def free_port() -> int:
    """A TCP port that nothing listens on at this moment, on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prefect_executable() -> str:
    """The `prefect` command of the environment this Python runs in."""
    return str(Path(sys.executable).with_name("prefect"))


# Everything started through `start_in_group` (and `remember`) and not stopped yet,
# with how to stop it: what `stop_everything_started` stops when the test session
# ends, also when it is interrupted (Ctrl-C, SIGTERM) while background threads (the
# long scenarios) still have servers and workers running.
_TO_STOP: dict[object, Callable[[], None]] = {}
_TO_STOP_LOCK = threading.Lock()
_ENDING = False


class Ending(RuntimeError):
    """Raised instead of starting something once `stop_everything_started` ran."""

    def __init__(self) -> None:
        super().__init__("the session is ending: nothing new is started")


def remember(key: object, stop: Callable[[], None]) -> None:
    """Have `stop_everything_started` call `stop()` unless `forget(key)` comes
    first. Once it has run, stops at once and raises `Ending`."""
    with _TO_STOP_LOCK:
        if not _ENDING:
            _TO_STOP[key] = stop
            return
    stop()
    raise Ending()


def forget(key: object) -> None:
    with _TO_STOP_LOCK:
        _TO_STOP.pop(key, None)


def start_in_group(
    argv: list[str],
    *,
    stop_signals: tuple[int, ...] = (signal.SIGTERM,),
    **popen: object,
) -> subprocess.Popen:
    """`subprocess.Popen` in a process group of its own (a Ctrl-C in the terminal
    does not reach it: we stop it), remembered until `stop_process` stops it."""
    with _TO_STOP_LOCK:
        if _ENDING:
            raise Ending()
        process = subprocess.Popen(argv, start_new_session=True, **popen)
        _TO_STOP[process] = lambda: stop_process(process, stop_signals)
    return process


def stop_everything_started() -> None:
    """Stop (by PID, and wait for) everything still remembered, all at once, and
    start nothing from now on: for the end of a session, however it ends."""
    global _ENDING
    with _TO_STOP_LOCK:
        _ENDING = True
        stops = list(_TO_STOP.values())
    with ThreadPoolExecutor(max_workers=max(1, len(stops))) as pool:
        for done in [pool.submit(stop) for stop in stops]:
            done.result()


def stop_process(
    process: subprocess.Popen, signals: tuple[int, ...] = (signal.SIGTERM,)
) -> None:
    """Stop a process we started (and its process group) by PID, and wait for it.

    `signals` are the polite requests, in order, each given a grace period: SIGTERM
    for a server, SIGINT then SIGINT again for a worker (its second Ctrl-C makes it
    kill itself), SIGTERM for `serve`. SIGKILL follows if it is still there.
    """
    for sig in (*signals, signal.SIGKILL):
        if process.poll() is not None:
            break
        try:
            os.killpg(process.pid, sig)  # the group we created with start_new_session
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=15)
            break
        except subprocess.TimeoutExpired:
            continue
    else:
        process.wait()
    forget(process)


@dataclass
class Finished:
    """A command run to its end."""

    returncode: int
    stdout: str
    stderr: str
    """Empty when stderr went to stdout (`merge_stderr`)."""


def run_in_group(
    command: list[str],
    *,
    env: dict[str, str],
    cwd: Path,
    timeout: float | None = None,
    stop_signals: tuple[int, ...] = (signal.SIGTERM,),
    merge_stderr: bool = False,
    preexec_fn: Callable[[], None] | None = None,
) -> Finished:
    """Run a command to its end in a process group of its own.

    On a timeout or an interruption (Ctrl-C, an error in this process) the command
    is stopped by its PID, with whatever it started (a temporary server, a worker),
    through `stop_process(stop_signals)`, and waited for; the exception is raised
    again. A timeout raises `subprocess.TimeoutExpired` carrying the output so far.
    """
    process = start_in_group(
        command,
        stop_signals=stop_signals,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT if merge_stderr else subprocess.PIPE,
        text=True,
        preexec_fn=preexec_fn,
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        stop_process(process, stop_signals)
        stdout, stderr = process.communicate()
        raise subprocess.TimeoutExpired(
            command, timeout or 0, output=stdout, stderr=stderr
        ) from None
    except BaseException:
        stop_process(process, stop_signals)
        raise
    forget(process)
    return Finished(process.returncode, stdout, stderr or "")


class PrefectServer:
    """One `prefect server start` process with its own PREFECT_HOME."""

    def __init__(
        self,
        home: Path,
        port: int | None = None,
        settings: dict[str, str] | None = None,
    ) -> None:
        self.home = Path(home)
        self.port = port or free_port()
        self.settings = settings or {}
        self.log_path = self.home / "server.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/api"

    def client_env(self) -> dict[str, str]:
        """What a client (a flow, a worker, the CLI) needs to use this server."""
        return {
            "PREFECT_API_URL": self.api_url,
            "PREFECT_HOME": str(self.home),
            **QUIET_ENV,
        }

    @property
    def database(self) -> Path:
        """The server's SQLite database (Prefect's default location)."""
        return self.home / "prefect.db"

    def start(self, database_template: Path | None = None) -> PrefectServer:
        """Start the server in the background; `wait_until_ready` waits for it.

        `database_template`: a copy of a database that a server of the same Prefect
        version created; the server then skips creating its tables (about 6 s here).
        """
        self.home.mkdir(parents=True, exist_ok=True)
        if database_template is not None and database_template.is_file():
            shutil.copyfile(database_template, self.database)
        env = {
            **os.environ,
            **QUIET_ENV,
            "PREFECT_HOME": str(self.home),
            # The UI asks the API at this port; `--port` alone leaves it at 4200.
            "PREFECT_SERVER_API_HOST": "127.0.0.1",
            "PREFECT_SERVER_API_PORT": str(self.port),
            **self.settings,
        }
        env.pop("PREFECT_API_URL", None)
        with self.log_path.open("wb") as log:
            self.process = start_in_group(
                [
                    prefect_executable(),
                    "server",
                    "start",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                ],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self

    def is_healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as answer:
                return answer.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def wait_until_ready(self, timeout: float = 90) -> PrefectServer:
        if self.process is None:
            raise RuntimeError("the server was never started: call start() first")
        wait_until(
            self.is_healthy,
            timeout=timeout,
            interval=0.1,
            what=f"prefect server answering {self.api_url}/health",
            give_up=lambda: (
                self.process.poll() is not None
                and f"it exited with code {self.process.returncode}"
            ),
            seen=lambda: f"its log ends:\n{self.log_tail()}",
        )
        return self

    def running(
        self, database_template: Path | None = None, timeout: float = 90
    ) -> PrefectServer:
        """`start` and `wait_until_ready`; stopped again if it does not come up."""
        self.start(database_template)
        try:
            return self.wait_until_ready(timeout)
        except BaseException:
            self.stop()
            raise

    def save_database(self, destination: Path) -> None:
        """A consistent copy of the running server's database (SQLite's backup API)."""
        destination.parent.mkdir(parents=True, exist_ok=True)
        partial = destination.with_suffix(".partial")
        with sqlite3.connect(self.database) as source, sqlite3.connect(partial) as copy:
            source.backup(copy)
        partial.replace(destination)

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
