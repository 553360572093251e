"""The author's inner loop: the journey's state after a page, saved, so that the next
page can be followed alone (`scripts/follow_pages.py PAGE --from-saved`).

A saved state is the reader's machine as the page left it (`.journey-states/<page>/`,
not in git): the journey's folder (the HOME, the project, its virtual environment,
the Prefect database), each terminal's folder, and the command still running in each
(a server, a worker). Restoring puts the folder back at the same path (paths are in
the virtual environment's scripts, in `prefect.yaml`, in the deployments on the
server), opens the terminals there, and starts those commands again, from the point
where their earlier output was shown.

It is a shortcut, not the journey: what a page shows of a command started on an
earlier page (its first lines), what the server did meanwhile (schedules making runs,
runs turning Late) and the variables a page `export`ed in a terminal (the server
page's PREFECT_API_URL, in Terminal 2) differ from a replay. The tests always replay:
record a page's outputs with a replay before you commit them.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

from harness import REPO
from harness.journey import QUIET, SERVER_API, Journey, JourneyError
from harness.reader_shell import Shell

STATES = REPO / ".journey-states"


def saved(page: str) -> Path:
    return STATES / page.removesuffix(".md")


def save(journey: Journey, page: str) -> Path:
    """Save the state the journey is in after `page`."""
    folder = saved(page)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    copy = folder / "root"
    subprocess.run(["cp", "-a", str(journey.root), str(copy)], check=True)
    # A database in use is copied as SQLite copies it, whole and consistent.
    for database in journey.root.rglob("*.db"):
        target = copy / database.relative_to(journey.root)
        for extra in ("-wal", "-shm", "-journal"):
            Path(f"{target}{extra}").unlink(missing_ok=True)
        target.unlink()
        with sqlite3.connect(database) as source, sqlite3.connect(target) as into:
            source.backup(into)
    terminals = {
        number: {
            "cwd": str(shell.cwd()),
            "running": shell.command if shell.busy and shell.keeps_running else None,
        }
        for number, shell in journey.shells.items()
    }
    last = next((n for n, s in journey.shells.items() if s is journey.last), None)
    (folder / "state.json").write_text(
        json.dumps(
            {
                "root": str(journey.root),
                "terminals": terminals,
                "last": last,
                "written": journey.written,
            },
            indent=2,
        )
    )
    return folder


def restore(page: str, *, update: bool) -> Journey:
    """A journey in the state saved after `page`, its commands running again."""
    folder = saved(page)
    if not (folder / "state.json").exists():
        raise JourneyError(
            f"no state saved after {page}: follow the pages up to it first "
            f"(uv run python scripts/follow_pages.py {page})"
        )
    state = json.loads((folder / "state.json").read_text())
    root = Path(state["root"])
    if root.exists():
        raise JourneyError(
            f"{root} exists: a journey restored from this state is under way, or was "
            "stopped without cleaning up (remove the folder)"
        )
    subprocess.run(["cp", "-a", str(folder / "root"), str(root)], check=True)
    journey = Journey(update=update, root=root, written=state["written"])
    try:
        for number, terminal in sorted(
            state["terminals"].items(), key=lambda item: int(item[0])
        ):
            shell = journey.shell(int(number), cwd=Path(terminal["cwd"]))
            if terminal["running"]:
                command = terminal["running"]
                shell.run(REPO / command, what=command)
                shell.keeps_running = True
                if "server start" in (REPO / command).read_text():
                    journey.network.wait_until_healthy(SERVER_API, timeout=120)
                settle(shell)
        if state["last"] is not None:
            journey.last = journey.shells[int(state["last"])]
    except BaseException:
        journey.close()
        raise
    return journey


def settle(shell: Shell, quiet: float = QUIET, timeout: float = 120) -> None:
    """Wait until a restarted command has been quiet for a moment, and count what it
    printed so far as shown."""
    deadline = time.monotonic() + timeout
    size, since = -1, time.monotonic()
    while time.monotonic() - since < quiet and time.monotonic() < deadline:
        if len(shell.text) != size:
            size, since = len(shell.text), time.monotonic()
        if shell.poll():
            raise JourneyError(
                f"{shell.command} ended when started again in {shell.name}:\n"
                f"{shell.output()[-3000:]}"
            )
        time.sleep(0.2)
    shell.mark_shown(len(shell.text))
