"""Every process a test session starts ends with it, also when it is stopped: Ctrl-C
(SIGINT), or SIGTERM (a CI timeout, `timeout`, an editor's stop button)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from interrupted_session import READY_FILE
from prefect_server import start_in_group, stop_process

REPO = Path(__file__).resolve().parent.parent
MARK = "LEARN_PREFECT_LEFTOVER_MARK"


def marked(mark: str) -> dict[int, str]:
    """The processes with `MARK=mark` in their environment: PID and command line."""
    needle = f"{MARK}={mark}".encode()
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                found[int(entry.name)] = (
                    (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
                )
        except OSError:  # gone, or a zombie
            continue
    return found


# The session's server saves the empty database the child's server starts from.
@pytest.mark.usefixtures("prefect_server")
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name)
def test_a_stopped_session_leaves_no_process_behind(
    stop: signal.Signals, tmp_path: Path, database_template_path: Path | None
) -> None:
    mark = uuid.uuid4().hex
    cache = tmp_path / "cache"
    if database_template_path is not None and database_template_path.exists():
        # The child session's server starts from the cached empty database, as ours.
        copy = cache / "d" / "prefect-database" / database_template_path.name
        copy.parent.mkdir(parents=True)
        shutil.copyfile(database_template_path, copy)
    ready = tmp_path / "ready"
    log = tmp_path / "session.log"
    env = {**os.environ, MARK: mark, READY_FILE: str(ready)}
    with log.open("wb") as out:
        session = start_in_group(
            [
                sys.executable,
                "-m",
                "pytest",
                str(REPO / "tests" / "interrupted_session.py"),
                "-q",
                "-o",
                f"cache_dir={cache}",
            ],
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 240
        while not ready.exists():
            assert session.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.1)
        running = marked(mark)
        assert len(running) >= 4, running  # pytest, its server, two workers

        os.kill(session.pid, stop)  # to pytest alone, as `timeout` does
        try:
            session.wait(timeout=120)
        except subprocess.TimeoutExpired:
            pytest.fail(f"pytest runs on 120 s after {stop.name}:\n{log.read_text()}")
        output = log.read_text(errors="replace")
        assert session.returncode == pytest.ExitCode.INTERRUPTED, output
        assert "KeyboardInterrupt" in output, output
        assert marked(mark) == {}, output
    finally:
        for pid in marked(mark):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        stop_process(session, ())
