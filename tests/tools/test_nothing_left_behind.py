"""Every process a test session starts ends with it, also when it is stopped: Ctrl-C
(SIGINT), or SIGTERM (a CI timeout, `timeout`, an editor's stop button)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from harness import REPO
from harness.prefect_server import start_in_group, stop_process
from harness.processes import MARK, READY_FILE, marked
from harness.waiting import wait_until


@dataclass
class ChildSession:
    """`pytest tests/tools/interrupted_session.py`, everything it starts marked with
    `MARK=mark` in its environment, with a cache folder of its own."""

    folder: Path
    template: Path | None
    mark: str = field(default_factory=lambda: uuid.uuid4().hex)

    def start(self) -> ChildSession:
        cache = self.folder / "cache"
        if self.template is not None and self.template.exists():
            # Its server starts from the cached empty database, as the session's.
            copy = cache / "d" / "prefect-database" / self.template.name
            copy.parent.mkdir(parents=True)
            shutil.copyfile(self.template, copy)
        self.ready = self.folder / "ready"
        self.log = self.folder / "session.log"
        env = {**os.environ, MARK: self.mark, READY_FILE: str(self.ready)}
        with self.log.open("wb") as out:
            self.process = start_in_group(
                [
                    *(sys.executable, "-m", "pytest", "-q", "-o", f"cache_dir={cache}"),
                    str(Path(__file__).with_name("interrupted_session.py")),
                ],
                cwd=REPO,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        return self

    @property
    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def is_ready(self) -> bool:
        """Its server and both workers are up, its test waits for a signal."""
        assert self.process.poll() is None, self.output
        return self.ready.exists()

    def clean_up(self) -> None:
        """Whatever is left, by PID: nothing, unless the test failed."""
        for pid in marked(self.mark):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        stop_process(self.process, ())


# The session's server saves the empty database the children's servers start from.
@pytest.mark.usefixtures("prefect_server")
def test_a_stopped_session_leaves_no_process_behind(
    tmp_path: Path, database_template_path: Path | None
) -> None:
    # Both at once: the test takes as long as one.
    sessions: dict[signal.Signals, ChildSession] = {}
    try:
        for stop in (signal.SIGTERM, signal.SIGINT):
            (tmp_path / stop.name).mkdir()
            sessions[stop] = ChildSession(
                tmp_path / stop.name, database_template_path
            ).start()
        wait_until(
            lambda: all(session.is_ready() for session in sessions.values()),
            timeout=240,
            interval=0.1,
            what="both sessions ready to be stopped",
            seen=lambda: "\n".join(s.output for s in sessions.values()),
        )
        for session in sessions.values():
            running = marked(session.mark)
            assert len(running) >= 4, running  # pytest, its server, two workers

        for stop, session in sessions.items():
            os.kill(session.process.pid, stop)  # to pytest alone, as `timeout` does
        for stop, session in sessions.items():
            try:
                session.process.wait(timeout=120)
            except subprocess.TimeoutExpired:
                pytest.fail(f"pytest ran on 120 s after {stop.name}:\n{session.output}")
            assert session.process.returncode == pytest.ExitCode.INTERRUPTED, (
                session.output
            )
            assert "KeyboardInterrupt" in session.output, session.output
            assert marked(session.mark) == {}, f"after {stop.name}:\n{session.output}"
    finally:
        for session in sessions.values():
            session.clean_up()
