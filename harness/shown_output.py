"""Console output that pages show: recorded from real runs, checked against new ones.

A page shows a command's output from a `.out` file next to the command's snippet.
That file holds the real output of the last refresh (`uv run pytest --update-examples`),
passed through `present()`: the same transformation is applied to every fresh run.

A fresh run matches the recorded one when both are equal after `mask()`, which hides
what changes from run to run: times, generated run names, ids and ports.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

# How wide a terminal the tests give every command they record, with or without a
# pseudo-terminal: COLUMNS in the environment (Rich, pytest and argparse read it when
# the output is not a terminal; Rich falls back to 80 without it) and the size of the
# pseudo-terminal. Wide enough that no command, URL, id or `--watch` event line a
# page shows is wrapped; tests/site/test_shown_outputs.py checks that none is.
COLUMNS = 140

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")

# (pattern, replacement) applied in order by mask().
VOLATILE = [
    # an event line of `--watch`: ● 08:28:14.808 782587b1ae24 prefect.flow-run.Pending
    (re.compile(r"^● +[\d:.]+ [0-9a-f]{12} ", re.MULTILINE), "● <time> <run> "),
    # 07:37:24.480 | INFO ...
    (re.compile(r"\b\d\d:\d\d:\d\d\.\d{3}\b"), "HH:MM:SS.mmm"),
    (
        re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"),
        "<uuid>",
    ),
    (re.compile(r"\b(127\.0\.0\.1|localhost):\d+"), r"\1:<port>"),
    # 2026-11-25T08:27:12.653514+00:00, 2026-11-25 08:28:14
    (
        re.compile(r"\b\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?(\+00:00|Z)?"),
        "<datetime>",
    ),
    # a temporary folder Python made: /tmp/tmp6moj9gu6, /tmp/tmp99b0vm8wprefect (a
    # worker's, for each run), /tmp/prefect-workspace-attempt-l4bs59kz
    (re.compile(r"/tmp/(tmp|prefect-[a-z-]+-)[a-z0-9_]{8}"), r"/tmp/\1XXXXXXXX"),
    # the Docker Engine's API version, in docker-py's URLs: the reader's engine may
    # be another release (http+docker://localhost/v1.41/containers/create)
    (re.compile(r"(http\+docker://localhost/v)\d+\.\d+/"), r"\1<n>/"),
    # a container's id, as `docker run` prints it, and the name Docker made up for it
    (re.compile(r"\b[0-9a-f]{64}\b"), "<container id>"),
    (re.compile(r"(on endpoint )[a-z]+_[a-z]+\b"), r"\1<name>"),
    # Task run 'create_hello-a4d': the suffix is random
    (re.compile(r"(Task run '[\w.]+)-[0-9a-f]{3}'"), r"\1-<id>'"),
    # <distributed.comm.tcp.TCPConnector object at 0x7f61b94fe120>
    (re.compile(r" object at 0x[0-9a-f]+>"), " object at 0x…>"),
    # pytest adds the minutes to a session longer than one: "in 73.45s (0:01:13)"
    (re.compile(r" in ([\d.]+s) \(\d+:\d\d:\d\d\)$", re.MULTILINE), r" in \1"),
    (
        re.compile(r"Still processing items: \d+ items"),
        "Still processing items: N items",
    ),
]

# A spinner's frame in front of what a command is doing: "⠸ Checking API
# connectivity...". A terminal shows it turning, then leaves whichever frame was last
# drawn; a page shows the line without it.
SPINNER_FRAME = re.compile(r"^[\u2800-\u28ff] ")

# A process that exits while its events are still on their way to a busy server
# waits for them, and says so. Whether it does is a race, on any command: a refresh
# leaves the line out of what it records, a check ignores it (the tasks page explains
# it in words).
LATE_EVENTS = re.compile(r"\| WARNING \| EventsWorker - Still processing items")

# Names Prefect generates for flow runs: "annoying-kagu", "quiet-quoll".
FLOW_RUN_NAME = re.compile(r"[Ff]low run '([a-z]+-[a-z]+)'")


def present(
    raw: str, *, paths: dict[str, str] | None = None, drop: list[re.Pattern] = ()
) -> str:
    """What a page shows of a raw console output.

    Removes terminal colour codes, replaces machine paths with what a reader has in
    their place (`paths`: machine path -> shown text), shortens each Python
    traceback to its first and last lines (the frames name files deep inside
    site-packages on the machine that made the run), takes the spinner's frame off
    a line that starts with one, and leaves out the lines that match a pattern in
    `drop`.
    """
    text = ANSI.sub("", raw).replace("\r\n", "\n")
    for machine_path, shown in sorted(
        (paths or {}).items(), key=lambda kv: -len(kv[0])
    ):
        text = text.replace(machine_path, shown)
    out: list[str] = []
    in_traceback = False
    for line in text.splitlines():
        # also "ERROR:    Traceback (...)", as uvicorn logs one
        if line.rstrip().endswith("Traceback (most recent call last):"):
            out += [line.rstrip(), "  ..."]
            in_traceback = True
            continue
        if in_traceback and (line.startswith(" ") or not line.strip()):
            continue
        in_traceback = False
        line = SPINNER_FRAME.sub("", line)
        if not any(pattern.search(line) for pattern in drop):
            out.append(line.rstrip())
    return "\n".join(out).strip("\n") + "\n"


def mask(text: str) -> str:
    """Hide what legitimately differs between two runs of the same command."""
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    names: dict[str, str] = {}
    for name in FLOW_RUN_NAME.findall(text):
        names.setdefault(name, f"<flow-run-{len(names) + 1}>")
    for name, placeholder in names.items():
        text = re.sub(rf"(?<![\w-]){re.escape(name)}(?![\w-])", placeholder, text)
    return text


def _blank_runs_as_one(lines: list[str]) -> list[str]:
    """Runs of blank lines count as one: an optional block left out leaves its
    surrounding blank lines behind."""
    text = "\n".join(lines).strip("\n")
    return re.sub(r"\n{3,}", "\n\n", text).splitlines()


def difference(
    recorded: str,
    fresh: str,
    *,
    label: str,
    ordered: bool = True,
    optional: tuple[str, ...] = (),
    figures: tuple[str, ...] = (),
) -> str:
    """An empty string when `fresh` matches `recorded`, else a readable diff.

    Lines matching a pattern in `optional` may be in one and not in the other: they
    are there or not depending on a race, or on what else runs (`--watch` may start
    listening after the run's first events; `prefect deploy` hints at starting a
    worker unless one polled the pool lately).
    """
    old, new = (
        [line for line in mask(text).splitlines() if not LATE_EVENTS.search(line)]
        for text in (recorded, fresh)
    )
    if optional:
        racy = re.compile("|".join(optional))
        old = [line for line in old if not racy.search(line)]
        new = [line for line in new if not racy.search(line)]
    if figures:
        # measurements: the same sentence, whatever the numbers
        measured = re.compile("|".join(figures))
        old, new = (
            [
                re.sub(r"\d+(\.\d+)?", "<n>", line) if measured.search(line) else line
                for line in lines
            ]
            for lines in (old, new)
        )
    old, new = _blank_runs_as_one(old), _blank_runs_as_one(new)
    if not ordered:
        # Parallel work logs in whatever order it finishes: compare the lines, not
        # their order.
        old, new = sorted(old), sorted(new)
    if old == new:
        return ""
    diff = difflib.unified_diff(
        old,
        new,
        fromfile=f"{label} (shown on the page)",
        tofile="this run",
        lineterm="",
    )
    return "\n".join(diff)


def check_or_update(
    output_file: Path,
    fresh: str,
    *,
    update: bool,
    ordered: bool = True,
    optional: tuple[str, ...] = (),
    figures: tuple[str, ...] = (),
    label: str | None = None,
) -> str:
    """Compare a fresh, presented output with the file a page shows.

    With `update`, write the fresh output to the file and return "": a refresh
    rewrites every shown output, so that the outputs on a page all come from the
    same run (the run names a worker's log shows are those `deployment run`
    printed). Otherwise return the diff ("" when they match).
    """
    label = label or output_file.as_posix()
    if update:
        output_file.write_text(
            "".join(
                line
                for line in fresh.splitlines(keepends=True)
                if not LATE_EVENTS.search(line)
            )
        )
        return ""
    if not output_file.exists():
        return f"{label} does not exist: run `uv run pytest --update-examples`"
    return difference(
        output_file.read_text(),
        fresh,
        label=label,
        ordered=ordered,
        optional=optional,
        figures=figures,
    )
