"""What a page asks a reader to do, read from its Markdown, in order.

A reader follows a page from top to bottom: they create each file a page shows, type
each command in the terminal its block is titled with, compare what they see with each
output block, and do what the page's `terminal` notes tell them (press Ctrl-C in a
terminal, wait for a line). This module turns a page into that list of steps; the
journey (`harness/journey.py`) does them.

The blocks it reads:

- a code block titled with a file name (`python title="hello_flow.py"`) that includes
  a snippet: the reader creates that file in the folder they are in;
- a block titled with a file name and "(written by ...)": a file a command wrote, as
  the page shows it (`prefect.yaml (written by prefect deploy)`);
- a `bash` block titled `Terminal`, `Terminal 2`, ...: a command typed there (`Terminal`
  alone is Terminal 1). "(keeps running)" in the title marks a command that does not
  end by itself (a server, a worker): the terminal is busy until a note stops it.
  "(instead of ...)" marks another way to do a step the reader has done (the server
  in Docker instead of `prefect server start`): the journey takes the page's main
  way, the page's own test runs the other;
- a `text` block that includes a `.out` file: what the last command printed. Its title
  says which: `Output` (the last command's), `Terminal 3: the worker` (what the command
  still running in Terminal 3 printed so far), `Output, with a running Prefect server`
  (the same command, run where a server is running: the page says so on purpose),
  `The questions, and the answers` (the questions the last command asks, each with the
  answer the reader gives: the journey answers from it). Any other title names another
  context (`Output, on SQLite`, `python run_history.py ..., after kill -9 on the
  worker`): the page's own tests make it, the journey leaves it to them;
- a note `!!! terminal "Terminal 3: press Ctrl-C"`, `"Terminal 3: wait for `TEXT`"`,
  `"Terminal 1: wait until http://127.0.0.1:4200 answers"` or `"Terminal 2: run it
  again until it prints `TEXT`"`: what a reader does that is not typing a new
  command. Readers see it as a short box.

An exercise ends a lesson: a starter file, a `??? check` box with the files of its
check, the check run on the starter, hints, and a `??? solution` box with the solution,
the check run again and its output. Those two boxes are collapsed to keep the page
short, but they are on the reader's path: the journey creates their files and runs
their commands, as a reader who did the exercise has.

Blocks in any other collapsed box (`??? failure "..."`) are detours the reader takes
only when something goes wrong: their commands are not part of the journey (their own
tests run them), but an output block there with no command of its own before it
(`??? example "The whole terminal session"`) is the last command's output.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from pathlib import Path

from harness import REPO

FENCE = re.compile(r"^(?P<indent>\s*)```(?P<lang>[\w-]*)(?P<attrs>.*)$")
TITLE = re.compile(r'title="(?P<title>[^"]*)"')
INCLUDE = re.compile(r'^\s*--8<-- "(?P<path>[^"]+)"\s*$')
# Anywhere in a page, a whole file or a section of one ("path:section").
INCLUDED = re.compile(r'--8<--\s+"(?P<path>[^":]+)(?::[\w-]+)?"')
BOX = re.compile(
    r"^(?P<indent>\s*)(?P<marker>!!!|\?\?\?\+?)\s+(?P<kind>[\w-]+)"
    r'(\s+"(?P<title>.*)")?\s*$'
)
TERMINAL = re.compile(r"^Terminal(?: (?P<number>\d+))?\b")
# hello_flow.py, prefect.yaml, and a Dockerfile (a name with no extension)
FILE_NAME = re.compile(r"^([\w./-]+\.\w+|([\w.-]+/)*Dockerfile)$")
WRITTEN_BY = re.compile(r"^(?P<name>[\w./-]+\.\w+) \(written by [^)]+\)$")
INSTEAD = "(instead of "
KEEPS_RUNNING = "(keeps running)"
# Collapsed boxes whose blocks are on the reader's path: an exercise's check and its
# solution.
ON_THE_PATH = ("check", "solution")
# Where the files a reader creates come from: the lessons' samples, the exercises.
READER_FILES = ("snippets/", "exercises/")

CTRL_C = re.compile(r"^Terminal (?P<number>\d+): press Ctrl-C\b")
WAIT = re.compile(r"^Terminal (?P<number>\d+): wait for `(?P<text>[^`]+)`")
ANSWERS = re.compile(
    r"^Terminal (?P<number>\d+): wait until (?P<url>https?://\S+) answers"
)
AGAIN = re.compile(
    r"^Terminal (?P<number>\d+): run it again until it prints `(?P<text>[^`]+)`"
)


@dataclass(frozen=True)
class Where:
    page: str
    line: int

    def __str__(self) -> str:
        return f"docs/{self.page}:{self.line}"


@dataclass(frozen=True)
class WriteFile:
    where: Where
    name: str
    """The file's name as the page titles it, relative to the reader's folder."""
    source: str
    """The snippet the page includes, from the repository root."""
    box: str = ""
    """The kind of the collapsed box it is in (`solution`), if any."""


@dataclass(frozen=True)
class ShownFile:
    """A file a command wrote, as the page shows it: `prefect.yaml (written by
    prefect deploy)`. The journey compares it with what the command wrote."""

    where: Where
    name: str
    source: str


@dataclass(frozen=True)
class Command:
    where: Where
    terminal: int
    source: str
    title: str
    answers: str | None = None
    """The `.out` block of the questions this command asks and their answers."""
    box: str = ""
    """The kind of the collapsed box it is in (`solution`), if any."""

    @property
    def keeps_running(self) -> bool:
        """A server, a worker: the page says so in the title, and stops it later
        with a `terminal` note (or leaves it running for the next pages)."""
        return KEEPS_RUNNING in self.title


@dataclass(frozen=True)
class Instead:
    where: Where
    source: str
    title: str


@dataclass(frozen=True)
class Output:
    where: Where
    source: str
    title: str
    terminal: int | None = None
    """For `Terminal N: ...` blocks: the terminal whose running command printed it."""

    @property
    def with_a_server(self) -> bool:
        return self.title.startswith("Output, with a running Prefect server")


@dataclass(frozen=True)
class ShownElsewhere:
    """An output from a context the title names, which is not the reader's at this
    point (`Output, on PostgreSQL`, `python run_history.py ..., after kill -9 on the
    worker`): the page's own tests make that context and compare it."""

    where: Where
    source: str
    title: str


@dataclass(frozen=True)
class PressCtrlC:
    where: Where
    terminal: int


@dataclass(frozen=True)
class WaitFor:
    where: Where
    terminal: int
    text: str


@dataclass(frozen=True)
class WaitUntilAnswers:
    """A server started in `terminal` takes requests at `url` (a reader opens it in
    a browser): its banner comes a moment before it does."""

    where: Where
    terminal: int
    url: str


@dataclass(frozen=True)
class RunAgainUntil:
    """The last command in `terminal` prints what the page shows only once something
    has happened on the server (a run has turned Late): a reader runs it again until
    it does. The output block after it is that last run's."""

    where: Where
    terminal: int
    text: str


Step = (
    WriteFile
    | ShownFile
    | Command
    | Instead
    | Output
    | ShownElsewhere
    | PressCtrlC
    | WaitFor
    | WaitUntilAnswers
    | RunAgainUntil
)


@dataclass
class _Box:
    indent: int
    kind: str
    title: str
    collapsed: bool
    commands: int = 0


@dataclass
class Page:
    name: str
    steps: list[Step] = field(default_factory=list)


def terminal_number(title: str) -> int | None:
    found = TERMINAL.match(title)
    if not found:
        return None
    return int(found.group("number") or 1)


def read_page(name: str, docs: Path = REPO / "docs") -> Page:
    """The steps of docs/`name`, in the order a reader meets them."""
    lines = (docs / name).read_text().splitlines()
    page = Page(name)
    boxes: list[_Box] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        where = Where(name, index + 1)
        indent = len(line) - len(line.lstrip())
        if line.strip():
            while boxes and indent <= boxes[-1].indent:
                boxes.pop()
        if box := BOX.match(line):
            title = box.group("title") or ""
            kind = box.group("kind")
            boxes.append(
                _Box(
                    len(box.group("indent")), kind, title, box.group("marker") != "!!!"
                )
            )
            if kind == "terminal":
                page.steps.append(_note(where, title))
            index += 1
            continue
        fence = FENCE.match(line)
        if not fence or not fence.group("lang"):
            index += 1
            continue
        body: list[str] = []
        index += 1
        while index < len(lines) and lines[index].strip() != "```":
            body.append(lines[index])
            index += 1
        index += 1
        title_found = TITLE.search(fence.group("attrs"))
        title = title_found.group("title") if title_found else ""
        includes = [m.group("path") for b in body if (m := INCLUDE.match(b))]
        if "exec=" in fence.group("attrs") or not includes:
            continue
        if len(includes) > 1:
            if terminal_number(title) is not None and not any(
                box.collapsed for box in boxes
            ):
                raise ValueError(
                    f"{where}: a terminal block with {len(includes)} snippets: give "
                    "each command a block of its own, so that the journey (and the "
                    "reader) knows where one ends"
                )
            continue
        (source,) = includes
        detour = any(box.collapsed and box.kind not in ON_THE_PATH for box in boxes)
        step = _block(where, fence.group("lang"), title, source)
        if step is None:
            continue
        if detour:
            if isinstance(step, Command | Instead):
                boxes[-1].commands += 1
                continue
            if isinstance(step, Output) and any(box.commands for box in boxes):
                continue
            if isinstance(step, WriteFile | ShownFile):
                continue
        if isinstance(step, WriteFile | Command) and (
            kinds := [box.kind for box in boxes if box.collapsed]
        ):
            step = dataclasses.replace(step, box=kinds[-1])
        if isinstance(step, Output) and step.title.startswith("The questions"):
            _attach_answers(page, step)
            continue
        page.steps.append(step)
    return page


def _note(where: Where, title: str) -> Step:
    if found := CTRL_C.match(title):
        return PressCtrlC(where, int(found.group("number")))
    if found := WAIT.match(title):
        return WaitFor(where, int(found.group("number")), found.group("text"))
    if found := ANSWERS.match(title):
        return WaitUntilAnswers(where, int(found.group("number")), found.group("url"))
    if found := AGAIN.match(title):
        return RunAgainUntil(where, int(found.group("number")), found.group("text"))
    raise ValueError(
        f"{where}: a `terminal` note the journey does not understand: {title!r} "
        "(it knows 'Terminal N: press Ctrl-C', 'Terminal N: wait for `TEXT`', "
        "'Terminal N: wait until URL answers' and 'Terminal N: run it again until it "
        "prints `TEXT`')"
    )


def _block(where: Where, lang: str, title: str, source: str) -> Step | None:
    number = terminal_number(title)
    if lang in ("bash", "sh", "console") and number is not None:
        if INSTEAD in title:
            return Instead(where, source, title)
        return Command(where, number, source, title)
    if source.endswith(".out"):
        if (
            number is None
            and title not in ("Output", "")
            and not title.startswith(
                ("Output (", "Output, with a running Prefect server")
            )
            and not title.startswith("The questions")
        ):
            return ShownElsewhere(where, source, title)
        return Output(where, source, title, number)
    if not source.startswith(READER_FILES):
        return None  # this site's own code, quoted (`tests/conftest.py:fixture`)
    if FILE_NAME.match(title):
        return WriteFile(where, title, source)
    if found := WRITTEN_BY.match(title):
        return ShownFile(where, found.group("name"), source)
    return None


def _attach_answers(page: Page, answers: Output) -> None:
    for at in range(len(page.steps) - 1, -1, -1):
        step = page.steps[at]
        if isinstance(step, Command):
            page.steps[at] = dataclasses.replace(step, answers=answers.source)
            return
    raise ValueError(f"{answers.where}: questions and answers with no command before")


def included_files(markdown: str) -> list[str]:
    """The files a page includes (`--8<-- "path"`, or a section of one), each once,
    in the order it first includes them."""
    return list(dict.fromkeys(m.group("path") for m in INCLUDED.finditer(markdown)))


def nav_pages(mkdocs_yml: Path = REPO / "mkdocs.yml") -> list[str]:
    """The pages in the order of the site's navigation."""
    pages = []
    in_nav = False
    for line in mkdocs_yml.read_text().splitlines():
        if line.startswith("nav:"):
            in_nav = True
            continue
        if in_nav:
            if not line.startswith(" "):
                break
            if found := re.search(r":\s*(\S+\.md)\s*$", line):
                pages.append(found.group(1))
    return pages
