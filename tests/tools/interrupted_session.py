"""A test session for test_nothing_left_behind.py to interrupt (not collected on its
own: its name does not start with `test_`).

Its test waits, with a worker running and the session's server up, for a signal;
meanwhile a background thread keeps a worker of its own running and starts a new one
whenever that one ends, as a long scenario of the suite goes on to its next step, and
the journey follows the pages in terminals of its own.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from harness.journey_fixture import Followed
from harness.prefect_server import PrefectServer, prefect_executable
from harness.processes import READY_FILE
from harness.terminal import Background, Terminal
from harness.waiting import wait_until


def worker(terminal: Terminal, pool: str, log: Path) -> Background:
    """`prefect worker start`, left running; Ctrl-C twice stops it."""
    return Background(
        [prefect_executable(), "worker", "start", "--pool", pool, "--type", "process"],
        cwd=terminal.cwd,
        env=terminal.env(),
        log=log,
        stop_signals=(signal.SIGINT, signal.SIGINT),
    )


def keep_a_worker_running(terminal: Terminal, up: threading.Event) -> None:
    for attempt in range(100):
        with worker(terminal, "in-a-thread", terminal.cwd / f"{attempt}.log") as one:
            one.wait_for("started!", timeout=120)
            up.set()
            one.process.wait()


@pytest.fixture(scope="session")
def worker_in_a_thread(
    prefect_server: PrefectServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Future, threading.Event]]:
    cwd = tmp_path_factory.mktemp("thread")
    terminal = Terminal(cwd=cwd, home=cwd / "home", api_url=prefect_server.api_url)
    up = threading.Event()
    with ThreadPoolExecutor(max_workers=1) as pool:
        yield pool.submit(keep_a_worker_running, terminal, up), up


def test_wait_for_a_signal(
    prefect_server: PrefectServer,
    worker_in_a_thread: tuple[Future, threading.Event],
    journey: Followed,
    tmp_path: Path,
) -> None:
    terminal = Terminal(
        cwd=tmp_path, home=tmp_path / "home", api_url=prefect_server.api_url
    )
    running, up = worker_in_a_thread
    with worker(terminal, "in-the-test", tmp_path / "worker.log") as one:
        one.wait_for("started!", timeout=120)
        while not up.wait(timeout=0.1):
            assert not running.done(), running.result()
        # The journey, in the background too, has a command running in a terminal
        # (the install page's, then the first flow with its temporary server).
        wait_until(
            lambda: any(shell.busy for shell in list(journey.journey.shells.values())),
            timeout=120,
            what="a command running in one of the journey's terminals",
        )
        Path(os.environ[READY_FILE]).write_text(f"{os.getpid()}\n")
        # Interrupted here: Ctrl-C (SIGINT) or SIGTERM raise KeyboardInterrupt.
        threading.Event().wait(timeout=300)
    pytest.fail("no signal came within 300 s")
