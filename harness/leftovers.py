"""Finding the processes a test session left running: test_nothing_left_behind.py
starts a session (tests/tools/interrupted_session.py) with a mark in its environment,
which every process it starts inherits, stops it, and looks for the mark."""

from __future__ import annotations

import psutil

MARK = "LEARN_PREFECT_LEFTOVER_MARK"
# The file the interrupted session writes its PID to once everything it starts is up.
READY_FILE = "LEARN_PREFECT_READY_FILE"


def marked(mark: str) -> dict[int, str]:
    """The processes with `MARK=mark` in their environment: PID and command line."""
    found = {}
    for process in psutil.process_iter():
        try:
            if process.environ().get(MARK) == mark:
                found[process.pid] = " ".join(process.cmdline())
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found
