"""Every output a page shows can be used as shown.

A static check, no Prefect needed: it reads every recorded output (`snippets/**/*.out`,
`exercises/**/*.out`) and every `#>` block of the Python snippets, and fails, naming
file and line, on what a reader cannot use as shown:

- a spinner's or progress bar's frame (`⠸ Checking API connectivity...`): a terminal
  redraws it in place, a page freezes one frame;
- a URL, an id or a command cut by the terminal's line wrap, or an id or URL the wrap
  pushed to the start of the next line: copying it breaks, or the record it belongs to
  reads as two;
- the same `#>` block twice in one snippet: it reads as if it printed twice;
- a chain of exceptions logged twice by the same run, or raised to the top when no
  flow run logged it first (a script whose flow failed ends with the flow's
  exception: Python's own report, which the pages explain where they show it);
- a page that quotes what a command printed ("it answers `Server stopped!`") when
  none of the outputs it shows has it.

`uv run python tests/site/test_shown_outputs.py` lists the offenders, page by page.
"""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness import EXERCISES, REPO, SNIPPETS
from harness.pty_session import answer_questions
from harness.shown_output import COLUMNS, mask, present
from harness.terminal import command_env, run_command

# The widths a recorded output can have been wrapped at: Rich's default for a process
# whose output is not a terminal and that has no COLUMNS (80), and the terminal width
# the tests give every command (shown_output.COLUMNS).
WRAP_WIDTHS = sorted({80, COLUMNS})

# Braille (the dots spinners: ⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏), Rich's progress bar (━╸╺), block
# elements (▏▎▍▌▋▊▉█ ░▒▓) and a carriage return: drawn over in a terminal.
SPINNER = re.compile(r"[\u2800-\u28ff\u2580-\u259f\u2578\u257a\r]|━╸|╺━")

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
URL = re.compile(r"[a-z][a-z0-9+.-]*://[^\s'\"`)>]+")
# A line that is a command a reader would type, as a CLI prints it in its advice:
# "    $ prefect worker start --pool 'my-pool'", "    prefect config set X=Y".
COMMAND = re.compile(
    r"^\s*(\$ )?(prefect|uv|uvx|pip|python|docker|curl|export|kubectl|psql)( |$)"
)
TRACEBACK = "Traceback (most recent call last):"
CHAIN_LINKS = (
    "The above exception was the direct cause of the following exception:",
    "During handling of the above exception, another exception occurred:",
)
# A Prefect log line that reports an exception: the run it names owns the traceback
# under it. "... | ERROR   | Task run 'load-68e' - Task run failed with exception: ..."
EXCEPTION_LOG = re.compile(
    r"\| [A-Z]+ +\| (.+?) - "
    r"(Task run failed with exception|Encountered exception during execution): "
)


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.what}"


@dataclass(frozen=True)
class Shown:
    """One output a page shows: a `.out` file, or a `#>` block of a `.py` file."""

    file: str
    first_line: int
    """The line of the file the output's first line is on."""
    lines: list[str]


def shown_outputs() -> Iterator[Shown]:
    for path in sorted([*SNIPPETS.rglob("*.out"), *EXERCISES.rglob("*.out")]):
        yield Shown(path.relative_to(REPO).as_posix(), 1, path.read_text().split("\n"))
    for path in sorted(SNIPPETS.rglob("*.py")):
        for first, block in printed_blocks(path):
            yield Shown(path.relative_to(REPO).as_posix(), first, block)


def printed_blocks(path: Path) -> list[tuple[int, list[str]]]:
    """The `#>` blocks of a Python snippet: (line of the first, the printed lines)."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    for number, line in enumerate(path.read_text().splitlines() + [""], start=1):
        stripped = line.strip()
        if stripped.startswith("#>"):
            if not current:
                blocks.append((number, current))
            current.append(stripped.removeprefix("#>").removeprefix(" "))
        else:
            current = []
    return blocks


def wrapped(line: str, following: str) -> bool:
    """Would the first word of `following` have fitted on `line` at no wrap width?

    A terminal (Rich, at a width) wraps before a word that does not fit: a line that
    the next line's first word would have fitted on was not wrapped there.
    """
    if not line.strip() or not following.strip():
        return False
    word = following.split()[0]
    return any(len(line) <= width < len(line) + 1 + len(word) for width in WRAP_WIDTHS)


def folded(line: str, following: str) -> bool:
    """Was a word longer than the width cut at the line's end? Rich folds such a
    word: the line is exactly as long as the width, and the word (its end on this
    line and its rest on the next) is longer than the width.
    """
    if not line or line[-1].isspace() or not following or following[0].isspace():
        return False
    word = line.split()[-1] + following.split()[0]
    return any(len(line) == width < len(word) for width in WRAP_WIDTHS)


def indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def continues(command: str, following: str) -> bool:
    """Is `following` the wrapped rest of `command`? A wrapped line starts at the
    left edge, whatever the indentation of the line it continues; the next of a
    list of commands starts where its predecessor did."""
    return indent(following) < indent(command) or (
        indent(following) == indent(command) and not COMMAND.match(following)
    )


def bare(word: str) -> str:
    """A word without the quotes and punctuation around it: 'a-b-c'. -> a-b-c"""
    return word.strip("'\"`.,;:()[]")


def cut_by_wrap(shown: Shown) -> Iterator[Finding]:
    lines = shown.lines
    for index, (line, following) in enumerate(zip(lines, lines[1:], strict=False)):
        where = shown.first_line + index
        joined = line + following
        cut = [
            match.group()
            for pattern in (UUID, URL)
            for match in pattern.finditer(joined)
            if match.start() < len(line) < match.end()
        ]
        if cut and folded(line, following):
            yield Finding(shown.file, where, f"{cut[0]!r} is cut by the line wrap")
            continue
        if not wrapped(line, following):
            continue
        head = following.split()[0]
        if line.startswith("● "):
            # the lines `--watch` prints after the events
            if not following.startswith(("● ", "Flow run finished")):
                yield Finding(
                    shown.file,
                    where,
                    "a `--watch` event line wrapped onto the next line",
                )
        elif COMMAND.match(line) and continues(line, following):
            yield Finding(
                shown.file,
                where,
                f"the command {line.strip()!r} continues on the next line",
            )
        elif (
            (UUID.fullmatch(bare(head)) or URL.fullmatch(bare(head)))
            and not line.rstrip().endswith(":")
            and not URL.fullmatch(bare(line.strip()))
        ):
            # "... see:" then a URL on its own line, or a list of URLs one a line,
            # is how the text is written
            yield Finding(
                shown.file,
                where + 1,
                f"the line wrap pushed {head!r} to the start of this line",
            )


def spinner_frames(shown: Shown) -> Iterator[Finding]:
    for index, line in enumerate(shown.lines):
        if SPINNER.search(line):
            yield Finding(
                shown.file,
                shown.first_line + index,
                f"a spinner or progress frame: {line.strip()[:60]!r}",
            )


@dataclass(frozen=True)
class Chain:
    line: int
    """Index of its first line."""
    exceptions: tuple[str, ...]
    """The last line of each exception in it, masked."""
    owner: str
    """The run whose log line reported it, or "" when it was raised to the top."""


def exception_chains(lines: list[str]) -> list[Chain]:
    """The chains of exceptions in an output, as `present()` leaves them: for each,
    "Traceback (most recent call last):", "  ...", the exception; chained ones joined
    by "The above exception was the direct cause..." with blank lines around it."""
    chains: list[Chain] = []
    index = 0
    while index < len(lines):
        if lines[index].rstrip().endswith(TRACEBACK) or (
            index + 2 < len(lines)
            and lines[index + 1] == ""
            and lines[index + 2] in CHAIN_LINKS
            and lines[index].strip()
        ):
            start = index
            exceptions: list[str] = []
            while True:
                if lines[index].rstrip().endswith(TRACEBACK):
                    index += 2  # the header and "  ..."
                if index >= len(lines):
                    break
                exceptions.append(mask(lines[index]))
                index += 1
                if (
                    index + 2 < len(lines)
                    and lines[index] == ""
                    and lines[index + 1] in CHAIN_LINKS
                ):
                    index += 3  # the blank line, the link, the blank line
                    continue
                break
            before = lines[start - 1] if start else ""
            owner = EXCEPTION_LOG.search(before)
            chains.append(
                Chain(start, tuple(exceptions), owner.group(1) if owner else "")
            )
        else:
            index += 1
    return chains


def chains_twice(shown: Shown) -> Iterator[Finding]:
    """One run logging the same chain twice, or a chain raised to the top that a
    task run's log line already showed. Different runs failing alike (six tasks on
    one missing limit, a task and the flow it failed) are different events; and a
    script whose flow run failed ends with that flow's exception, raised to the top
    after the flow run logged it: Python's report of what ended the script, which a
    reader's terminal shows too, and the page explains."""
    seen: dict[tuple[str, ...], list[Chain]] = {}
    chains = exception_chains(shown.lines)
    for chain in chains:
        earlier = seen.setdefault(chain.exceptions, [])
        flows_end = not chain.owner and chain is chains[-1]
        if flows_end and any(o.owner.startswith("Flow run ") for o in earlier):
            same = []
        else:
            same = [o for o in earlier if not chain.owner or o.owner == chain.owner]
        if same:
            yield Finding(
                shown.file,
                shown.first_line + chain.line,
                f"the exception chain ending in {chain.exceptions[-1][:60]!r} "
                f"is shown a second time (first at line "
                f"{shown.first_line + same[-1].line})",
            )
        earlier.append(chain)


def repeated_blocks(path: Path) -> Iterator[Finding]:
    first_seen: dict[tuple[str, ...], int] = {}
    for line, block in printed_blocks(path):
        key = tuple(block)
        if key in first_seen:
            yield Finding(
                path.relative_to(REPO).as_posix(),
                line,
                f"the same `#>` lines as line {first_seen[key]}: it reads as if "
                "it printed twice",
            )
        first_seen.setdefault(key, line)


def findings() -> list[Finding]:
    found: list[Finding] = []
    for shown in shown_outputs():
        found += spinner_frames(shown)
        found += cut_by_wrap(shown)
        found += chains_twice(shown)
    for path in sorted(SNIPPETS.rglob("*.py")):
        found += repeated_blocks(path)
    for page in PAGES:
        found += quoted_but_not_shown(page)
        found += refers_elsewhere(page)
    return found


CHECKS = {
    "spinner": spinner_frames,
    "wrap": cut_by_wrap,
    "chain": chains_twice,
}


SNIPPET_PAGES = sorted(path.name for path in SNIPPETS.iterdir() if path.is_dir())


@pytest.mark.parametrize("check", CHECKS)
@pytest.mark.parametrize("page", SNIPPET_PAGES)
def test_shown_outputs_are_usable(page: str, check: str) -> None:
    found = [
        finding
        for shown in shown_outputs()
        if shown.file.startswith((f"snippets/{page}/", f"exercises/{page}/"))
        for finding in CHECKS[check](shown)
    ]
    assert not found, "\n".join(map(str, found))


@pytest.mark.parametrize("page", SNIPPET_PAGES)
def test_no_printed_block_is_repeated(page: str) -> None:
    found = [
        finding
        for path in sorted((SNIPPETS / page).glob("*.py"))
        for finding in repeated_blocks(path)
    ]
    assert not found, "\n".join(map(str, found))


# A sentence that tells what a command printed, quoting it: "it answers `Server
# stopped!`", "the output ends with `All deployments have been paused!`". The quote
# must be in one of the outputs the page shows ("..." stands for any text).
QUOTED_OUTPUT = re.compile(
    r"\b(answers|prints|printed|says|said|ends with|starts with|begins with"
    r"|has the line|shows the line|logs|a line such as|the line)\s+`([^`\n]+)`"
)
FENCED = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
PAGES = sorted(path.stem for path in (REPO / "docs").glob("*.md"))


def quoted_but_not_shown(page: str) -> Iterator[Finding]:
    """Quotes of output in the prose (code blocks aside) that no output of the page
    holds: the `.out` files and `#>` lines under snippets/<page>/."""
    doc = REPO / "docs" / f"{page}.md"
    text = FENCED.sub(lambda block: "\n" * block.group().count("\n"), doc.read_text())
    folder = SNIPPETS / page
    outputs = [
        path.read_text()
        for path in [*folder.glob("*.out"), *(EXERCISES / page).glob("*.out")]
    ] + [
        "\n".join(lines)
        for path in folder.glob("*.py")
        for _, lines in printed_blocks(path)
    ]
    for match in QUOTED_OUTPUT.finditer(text):
        quote = match.group(2)
        pattern = re.compile(".*?".join(map(re.escape, quote.split("..."))))
        if not any(pattern.search(output) for output in outputs):
            yield Finding(
                doc.relative_to(REPO).as_posix(),
                text.count("\n", 0, match.start()) + 1,
                f"{match.group(1)} `{quote}`, which no output on the page shows",
            )


@pytest.mark.parametrize("page", PAGES)
def test_quoted_output_is_shown(page: str) -> None:
    found = list(quoted_but_not_shown(page))
    assert not found, "\n".join(map(str, found))


# Pages stand on their own: the reader does not have the tutorial the site began as.
ELSEWHERE = re.compile(
    r"tutorial (this|the) site grew from|the original tutorial", re.I
)


def refers_elsewhere(page: str) -> Iterator[Finding]:
    doc = REPO / "docs" / f"{page}.md"
    for number, line in enumerate(doc.read_text().splitlines(), start=1):
        if ELSEWHERE.search(line):
            yield Finding(
                doc.relative_to(REPO).as_posix(),
                number,
                "refers to a tutorial the reader does not have",
            )


@pytest.mark.parametrize("page", PAGES)
def test_page_stands_on_its_own(page: str) -> None:
    found = list(refers_elsewhere(page))
    assert not found, "\n".join(map(str, found))


def test_a_spinners_frame_is_taken_off_the_line_it_turns_on() -> None:
    raw = "⠸ Checking API connectivity...\nConnected to Prefect server\n"
    assert present(raw) == "Checking API connectivity...\nConnected to Prefect server\n"


def test_every_recorded_command_gets_one_terminal_width(tmp_path: Path) -> None:
    """Rich, in the installed packages, wraps at COLUMNS when its output is a pipe
    (80 without it); the pseudo-terminals of the runs in one are as wide."""
    env = command_env(home=tmp_path, api_url=None)
    width = "from rich.console import Console; print(Console().width)"
    done = run_command([sys.executable, "-c", width], cwd=tmp_path, env=env)
    assert done.output == f"{COLUMNS}\n"
    del env["COLUMNS"]
    done = run_command([sys.executable, "-c", width], cwd=tmp_path, env=env)
    assert done.output == "80\n"
    assert inspect.signature(answer_questions).parameters["columns"].default == COLUMNS


# Each check against lines of the kinds it is for, taken from outputs this site
# showed, and against their neighbours that are fine.
EVENT = "●         .539 dc1790d9f733 prefect.worker.submitted-flow-run * ProcessWorker"
CAUGHT = {
    "spinner": ["⠸ Checking API connectivity...", "ok"],
    "wrap": [
        EVENT,
        "b1e012fc-3e69-4059-b4ca-5f572336f6e3",
        "    prefect config set",
        'PREFECT_SERVER_EVENTS_CAUSAL_ORDERING="prefect_redis.ordering"',
        "https://www.prefect.io/docs/v3/how-to-guides/self-hosted/server-cli#multi-worker",
        "-api-server",
    ],
    "chain": [
        "12:00:00.000 | ERROR   | Task run 'a-1' - Task run failed with "
        "exception: OSError('no')",
        "Traceback (most recent call last):",
        "  ...",
        "OSError: no",
        "12:00:00.100 | ERROR   | Task run 'a-1' - Task run failed with "
        "exception: OSError('no')",
        "Traceback (most recent call last):",
        "  ...",
        "OSError: no",
    ],
}
LET_THROUGH = {
    "spinner": ["┏━━━━━━━━━━━━━━━━━━━━━┓", "│ * ephemeral │"],
    "wrap": [
        EVENT,
        "Flow run finished successfully in 'Completed'.",
        '    prefect config set PREFECT_MESSAGING_BROKER="prefect_redis.messaging"',
        '    prefect config set PREFECT_MESSAGING_CACHE="prefect_redis.messaging"',
        "a great way to get started. See the documentation for more information:",
        "https://www.prefect.io/docs/v3/how-to-guides/deployment_infra/run-flows-in-local-processes",
        "https://www.prefect.io/docs/v3/advanced/self-hosted#redis-setup",
    ],
    "chain": [
        "12:00:00.000 | ERROR   | Task run 'load-1' - Task run failed with "
        "exception: OSError('no')",
        "Traceback (most recent call last):",
        "  ...",
        "OSError: no",
        "12:00:00.100 | ERROR   | Task run 'load-2' - Task run failed with "
        "exception: OSError('no')",
        "Traceback (most recent call last):",
        "  ...",
        "OSError: no",
        "12:00:00.200 | ERROR   | Flow run 'a-b' - Encountered exception during "
        "execution: OSError('no')",
        "Traceback (most recent call last):",
        "  ...",
        "OSError: no",
        "12:00:00.300 | INFO    | Flow run 'a-b' - Finished in state Failed('no')",
        "Traceback (most recent call last):",
        "  ...",
        "OSError: no",
    ],
}


@pytest.mark.parametrize("check", CHECKS)
def test_each_check_catches_its_kind_and_lets_fine_lines_through(check: str) -> None:
    caught = list(CHECKS[check](Shown("caught.out", 1, CAUGHT[check])))
    assert caught, f"{check} missed:\n" + "\n".join(CAUGHT[check])
    through = list(CHECKS[check](Shown("fine.out", 1, LET_THROUGH[check])))
    assert not through, "\n".join(map(str, through))


if __name__ == "__main__":
    by_page: dict[str, list[Finding]] = {}
    for finding in findings():
        page = Path(finding.file).parts[1].removesuffix(".md")
        by_page.setdefault(page, []).append(finding)
    for page, page_findings in sorted(by_page.items()):
        print(f"## {page}")
        print(*page_findings, sep="\n")
        print()
    if not by_page:
        print("Every shown output passes the checks.")
    sys.exit(1 if by_page else 0)
