"""Processes we did not start ourselves, or no longer can wait for: whether one still
runs, and which ones a test session left running (test_nothing_left_behind.py starts
a session, tests/tools/interrupted_session.py, with a mark in its environment, which
every process it starts inherits, stops it, and looks for the mark)."""

from __future__ import annotations

import signal

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


def running(pid: int) -> bool:
    """Whether `pid` still runs. A process that is not our child (pg_ctl started it,
    a worker started it) cannot be waited for; once it exits, it may linger as a
    zombie until whoever adopted it reaps it, and a zombie runs no more."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"stopped by {signal.Signals(signum).name}")


def interrupt_on_sigterm() -> object:
    """Have SIGTERM (a CI timeout, `timeout`, an editor's stop button) end this
    process as Ctrl-C does: Python's default would end it at once, leaving what it
    started running and its temporary folders behind. Returns the replaced handler."""
    return signal.signal(signal.SIGTERM, interrupt)
