"""The course, followed literally: each page's steps, in nav order, as a reader does.

One reader, one machine: a fresh HOME (`<root>/home/you`, shown as `/home/you`), the
project folder the install page creates in it, and a private network namespace in
which Prefect's default ports are free, as on a reader's laptop. Each `Terminal N` a
page names is a bash of its own (reader_shell.py), opened when a page first names it,
in the folder Terminal 1 is in, and left open: a server started on one page still runs
on the next, as does a worker, and a schedule made on one page keeps making runs.

Each output block a page shows is compared with what that step printed, masked as
everywhere on this site (shown_output.py); `--update-examples` records it instead.
An output block titled "..., with a running Prefect server" is the same command run
where a server is running: the journey runs it again in a second namespace, where a
server of its own runs, and compares with that.
"""

from __future__ import annotations

import functools
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from harness import REPO, verified_with
from harness.journey_probes import PROBES, Server
from harness.netns import PrivateNetwork
from harness.output_rules import Rule, rule
from harness.page_steps import (
    Command,
    Instead,
    Output,
    PressCtrlC,
    RunAgainUntil,
    ShownElsewhere,
    ShownFile,
    Step,
    WaitFor,
    WaitUntilAnswers,
    WriteFile,
    read_page,
)
from harness.provisions import Provisions
from harness.reader_environment import reader_environment
from harness.reader_shell import Shell, ShellError, question_of
from harness.shown_output import check_or_update, difference, present
from harness.waiting import wait_until

# How long a reader would wait before deciding something is wrong.
COMMAND_TIMEOUT = 300
OUTPUT_TIMEOUT = 180
QUIET = 4  # seconds without new output: what a refresh takes as "it has shown it all"
SERVER_API = "http://127.0.0.1:4200/api"
# The pages the journey follows, in the order of the navigation. The pages after them
# are checked by their own tests (tests/pages/test_<page>_page.py) until the journey
# reaches them.
FOLLOWED = [
    "install.md",
    "flows.md",
    "tasks.md",
    "server.md",
    "compose.md",
    "deployments.md",
    "architecture.md",
    "git.md",
    "scheduling.md",
    "parallel.md",
    "infrastructure.md",
    "docker.md",
    "config.md",
    "failure.md",
    "react.md",
    "human.md",
    "results.md",
    "testing.md",
    "security.md",
    "scaling.md",
    "redis.md",
    "cloud.md",
    "costs.md",
]
# The password the scaling page types at psql's prompt (harness/provisions.py).
POSTGRES_ANSWERS = "snippets/scaling/create_database_questions.out"
# What `prefect config view` lists of the settings the harness adds (below).
HARNESS_LINES = [
    re.compile(r"^PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS='90' \(from env\)$"),
    re.compile(r"^PREFECT_HOME='[^']*' \(from env\)$"),
]


class JourneyError(AssertionError):
    pass


@functools.cache
def followed_steps() -> tuple[Step, ...]:
    """Every step of the pages the journey follows, in order."""
    return tuple(step for page in FOLLOWED for step in read_page(page).steps)


@functools.cache
def journey_outputs() -> frozenset[str]:
    """Every output and shown file on the pages the journey follows."""
    shown = set()
    for step in followed_steps():
        if isinstance(step, Output | ShownFile):
            shown.add(step.source)
        elif isinstance(step, Command) and step.answers:
            shown.add(step.answers)
    return frozenset(shown)


def journey_commands() -> frozenset[str]:
    """Every command the journey runs (not the detours and the commands not run
    here: their pages' own tests run them)."""
    return frozenset(
        step.source for step in followed_steps() if isinstance(step, Command)
    )


def exit_status(command: str) -> int | None:
    """The exit status every run of `command` the pages show ends with (None: it
    varies): that of the outputs shown under it (harness/output_rules.py), or 0."""
    codes = {rule(output).returncode for output in shown_outputs_of(command)} or {0}
    return codes.pop() if len(codes) == 1 else None


@functools.cache
def shown_outputs_of(command: str) -> frozenset[str]:
    """The outputs the followed pages show under `command`: a plain output block
    shows the output of the command typed last, a "Terminal N: ..." one that of the
    command typed last into Terminal N."""
    shown: set[str] = set()
    last: str | None = None
    in_terminal: dict[int, str] = {}
    for step in followed_steps():
        if isinstance(step, Command):
            last = in_terminal[step.terminal] = step.source
        elif isinstance(step, Output):
            of = in_terminal.get(step.terminal) if step.terminal else last
            if of == command:
                shown.add(step.source)
    return frozenset(shown)


def describe(step: Step) -> str:
    """A step in a few words, for a list of the slowest."""
    match step:
        case PressCtrlC():
            return f"Terminal {step.terminal}: press Ctrl-C"
        case WaitFor():
            return f"Terminal {step.terminal}: wait for {step.text!r}"
        case WaitUntilAnswers():
            return f"Terminal {step.terminal}: wait until {step.url} answers"
        case RunAgainUntil():
            return f"Terminal {step.terminal}: run again until {step.text!r}"
    return step.source


def lines_kept(output: str, options: Rule) -> int:
    """How many lines of an output are there on every run: not those a rule says
    may be missing (a count that depends on the machine's speed, a race)."""
    racy = re.compile("|".join(options.optional)) if options.optional else None
    return sum(1 for line in output.splitlines() if not (racy and racy.search(line)))


def answers_in(shown: str) -> dict[str, str]:
    """Each question of a page's answers block (a `.out` file), and its answer."""
    answers = {}
    for line in (REPO / shown).read_text().splitlines():
        question = question_of(line)
        answers[question] = " ".join(line.split())[len(question) :].strip()
    return answers


def shown_prints(code: str) -> list[str]:
    """The lines a snippet shows its prints print: `#> ...` comments, and the
    quoted blocks pytest-examples writes for an output of several lines."""
    found = re.finditer(
        r"(?m)^[ \t]*#> ?(?P<line>.*)$"
        r"|^[ \t]*(?P<quote>'''|\"\"\")\n(?P<block>(?s:.*?))\n[ \t]*(?P=quote)$",
        code,
    )
    lines = []
    for match in found:
        if match.group("block") is not None:
            lines += [line.strip() for line in match.group("block").splitlines()]
        else:
            lines.append(match.group("line"))
    return lines


@dataclass
class Journey:
    update: bool
    shells: dict[int, Shell] = field(default_factory=dict)
    last: Shell | None = None
    times: dict[str, float] = field(default_factory=dict)
    step_times: dict[str, float] = field(default_factory=dict)
    """How long each step took (where the page has it, and what it is): a step
    that waits, for an output or a line, carries the time of the command it waits
    for."""
    compared: int = 0
    recorded: int = 0
    not_run: list[str] = field(default_factory=list)
    """The commands not run here, and the outputs of other contexts (the pages' own
    tests run and compare them)."""
    failed_at: str | None = None
    closed: bool = False
    root: Path | None = None
    """The reader's machine; None: a new one. (A saved state gives its own.)"""
    written: dict[str, str] = field(default_factory=dict)
    """Each file written on the way (its name in the reader's folder), and its
    snippet."""
    probed: dict[str, object] = field(default_factory=dict)
    """What the server held after a page (harness/journey_probes.py)."""
    stamp: bool | None = None
    """Record in docs/verified_with.json each page followed to its end (None: when
    recording the outputs)."""
    shown_at: dict[str, dict[int, int]] = field(default_factory=dict)
    """Each output compared, and where each terminal's text stood then: what a page's
    own test reads of a terminal between two outputs."""

    def __post_init__(self) -> None:
        if self.stamp is None:
            self.stamp = self.update
        # The reader's machine: a folder of the same length in every run, for what
        # Rich wraps at the terminal's width, as long as the path of a project in it
        # (`/home/you` is where a page shows it).
        if self.root is None:
            self.root = Path(
                tempfile.mkdtemp(prefix="learn-prefect-journey-", dir="/tmp")
            )
        self.home = self.root / "home" / "you"
        self.home.mkdir(parents=True, exist_ok=True)
        self.env = reader_environment(self.home, self.root)
        self.rcfile = self.root / "bashrc-of-the-journey"
        self.network = PrivateNetwork()
        (password,) = answers_in(POSTGRES_ANSWERS).values()
        self.provisions = Provisions(self.network.wrap, self.root, password)
        self._side: tuple[PrivateNetwork, Shell, Path] | None = None
        self.paths = {str(self.root): "", sys.base_prefix: "…"}

    def slowest_steps(self, count: int = 15) -> list[str]:
        """The `count` steps that took longest, one line each: where the
        journey's time goes."""
        slowest = sorted(self.step_times.items(), key=lambda item: -item[1])
        return [f"{seconds:6.1f} s  {step}" for step, seconds in slowest[:count]]

    # terminals -----------------------------------------------------------------
    def shell(self, number: int, cwd: Path | None = None) -> Shell:
        """Terminal `number`, opened (in `cwd`, or where Terminal 1 is) if new."""
        if self.closed:
            raise JourneyError("the journey was stopped")
        if number not in self.shells:
            if cwd is None:
                cwd = self.shells[1].cwd() if 1 in self.shells else self.home
            self.shells[number] = Shell(
                f"Terminal {number}",
                cwd=cwd,
                env=self.env,
                rcfile=self.rcfile,
                wrap=self.network.wrap,
            )
        return self.shells[number]

    def close(self) -> None:
        self.closed = True
        for shell in self.shells.values():
            shell.close()
        if self._side:
            network, server, _ = self._side
            server.close()
            network.close()
        self.provisions.stop()
        self.network.close()
        shutil.rmtree(self.root, ignore_errors=True)

    # pages ---------------------------------------------------------------------
    def follow(self, page: str) -> None:
        if self.failed_at:
            raise JourneyError(
                f"the journey stopped at {self.failed_at}: a reader cannot go on"
            )
        started = time.monotonic()
        try:
            self.provisions.before(page, FOLLOWED)
            for step in read_page(page).steps:
                step_started = time.monotonic()
                try:
                    self.do(step)
                except (AssertionError, ShellError) as error:
                    raise JourneyError(f"{step.where}: {error}") from None
                finally:
                    self.step_times[f"{step.where} {describe(step)}"] = (
                        time.monotonic() - step_started
                    )
            if page in PROBES:
                self.probed[page] = PROBES[page](Server(self.network, SERVER_API))
            if self.stamp:
                # every output on the page matched this run, or comes from it
                verified_with.stamp(page)
        except BaseException:
            self.failed_at = page
            raise
        finally:
            self.times[page] = time.monotonic() - started

    def do(self, step: Step) -> None:
        match step:
            case WriteFile():
                folder = (self.last or self.shell(1)).cwd()
                (folder / step.name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(REPO / step.source, folder / step.name)
                self.written[step.name] = step.source
            case ShownFile():
                written = (self.last or self.shell(1)).cwd() / step.name
                if not written.exists():
                    raise JourneyError(f"no {step.name} was written")
                self.compare(step.source, self.present(written.read_text()))
            case Command():
                self.command(step)
            case Output():
                self.output(step)
            case PressCtrlC():
                shell = self.shell(step.terminal)
                if not shell.busy:
                    raise JourneyError(f"Ctrl-C in Terminal {step.terminal}, idle")
                shell.press_ctrl_c()
                self.last = shell
            case WaitFor():
                shell = self.shell(step.terminal)
                # Printed since the last block the page showed of that command.
                if not shell._wait(
                    lambda _: step.text in shell.output(since_shown=True),
                    OUTPUT_TIMEOUT,
                ):
                    raise JourneyError(
                        f"Terminal {step.terminal} did not show {step.text!r} within "
                        f"{OUTPUT_TIMEOUT} s:\n{shell.output()[-3000:]}"
                    )
            case WaitUntilAnswers():
                shell = self.shell(step.terminal)
                wait_until(
                    # a page's own certificate: whether the server answers at all
                    lambda: (
                        self.network.http(step.url, timeout=2, any_certificate=True)[0]
                        == 200
                    ),
                    timeout=OUTPUT_TIMEOUT,
                    interval=0.2,
                    what=f"{step.url} answering",
                    give_up=lambda: not shell.busy and "the command there ended",
                    seen=lambda: (
                        f"Terminal {step.terminal} shows:\n" + shell.output()[-3000:]
                    ),
                )
            case RunAgainUntil():
                self.run_again_until(self.shell(step.terminal), step.text)
            case Instead() | ShownElsewhere():
                self.not_run.append(step.source)

    def command(self, step: Command) -> None:
        """Type the command, and, unless it keeps running, wait for it to end, as a
        reader does before the next step (answering its questions)."""
        shell = self.shell(step.terminal)
        if shell.busy:
            raise JourneyError(
                f"{step.source} is typed into Terminal {step.terminal}, which "
                f"still runs {shell.command}: the page must stop that first "
                "(a `terminal` note: press Ctrl-C) or use another terminal"
            )
        shell.run(REPO / step.source, what=step.source)
        shell.keeps_running = step.keeps_running
        self.last = shell
        answers = answers_in(step.answers) if step.answers else {}
        if step.keeps_running:
            return
        self.wait_for_end(shell, answers)
        if step.answers:
            self.compare(step.answers, "".join(f"{p}\n" for p in shell.prompts))
        if (prints := self.prints_of(step.source)) and not self.update:
            self.check_prints(shell, prints)

    def prints_of(self, command: str) -> dict[str, list[str]]:
        """The `#>` lines of each file written on the way that `command` runs: what
        its prints print, as the file shows it."""
        words = set((REPO / command).read_text().split())
        return {
            name: lines
            for name, source in self.written.items()
            if name in words and (lines := shown_prints((REPO / source).read_text()))
        }

    def check_prints(self, shell: Shell, prints: dict[str, list[str]]) -> None:
        """Each line a file's `#>` comments show is a line its run printed. (Not in
        order: pytest-examples writes what a function prints both under the print
        and under the call.)"""
        printed = {line.strip() for line in shell.output().splitlines()}
        for name, lines in prints.items():
            for line in dict.fromkeys(line.strip() for line in lines):
                if line not in printed:
                    raise JourneyError(
                        f"{name} shows `#> {line}`, which {shell.command} did not "
                        f"print:\n{self.present(shell.output())}"
                    )
                self.compared += 1

    def run_again_until(self, shell: Shell, text: str) -> None:
        command = shell.command
        if command is None:
            raise JourneyError(f"nothing to run again in {shell.name}")

        def printed() -> bool:
            self.wait_for_end(shell)
            if text in shell.output():
                return True
            shell.run(REPO / command, what=command)
            return False

        wait_until(
            printed,
            timeout=OUTPUT_TIMEOUT,
            interval=2,
            what=f"{command} printing {text!r}",
            seen=lambda: f"{shell.name} shows:\n" + shell.output()[-3000:],
        )
        self.last = shell

    def wait_for_end(
        self,
        shell: Shell,
        answers: dict[str, str] | None = None,
        expected: int | None = None,
    ) -> None:
        """Wait for the command to end (answering its questions) and check its exit
        status: `expected`, or the one its runs always end with."""
        shell.wait(COMMAND_TIMEOUT, answers)
        if expected is None:
            expected = exit_status(shell.command)
        if expected is not None and shell.status != expected:
            raise JourneyError(
                f"{shell.command} exited with {shell.status}, expected {expected}:\n"
                f"{self.present(shell.output())}"
            )

    def output(self, step: Output) -> None:
        options = rule(step.source)
        if step.with_a_server:
            self.compare(step.source, self.with_a_server(), options)
            return
        shell = self.shell(step.terminal) if step.terminal else self.last
        if shell is None or shell.command is None:
            raise JourneyError(f"{step.source} shows the output of no command")
        if shell.keeps_running and shell.busy:
            fresh, upto = self.settle(shell, step.source, options)
        else:
            if shell.busy:
                self.wait_for_end(shell, expected=options.returncode)
            elif shell.status != options.returncode:
                raise JourneyError(
                    f"{shell.command} exited with {shell.status}, but {step.source} "
                    f"is the output of a run that exits with {options.returncode}:\n"
                    f"{self.present(shell.output())[-3000:]}"
                )
            upto = shell.end
            fresh = self.present(shell.output(since_shown=True, upto=upto))
        self.compare(step.source, fresh, options)
        shell.mark_shown(upto)
        self.shown_at[step.source] = {n: len(s.text) for n, s in self.shells.items()}

    def settle(self, shell: Shell, shown: str, options: Rule) -> tuple[str, int]:
        """What a command that keeps running printed since the last block shown of
        it, once it shows what the page shows. A refresh takes what it printed once
        it has been quiet for a few seconds, or has ended."""
        recorded = (REPO / shown).read_text() if (REPO / shown).exists() else None
        deadline = time.monotonic() + OUTPUT_TIMEOUT
        quiet_since, last_size = time.monotonic(), -1
        while True:
            upto = len(shell.text)
            fresh = self.present(shell.output(since_shown=True, upto=upto))
            if upto != last_size:
                quiet_since, last_size = time.monotonic(), upto
            if self.update:
                # Not before it printed something: a page shows no empty output, and a
                # worker may take its polling interval to pick up a run.
                if (
                    fresh.strip()
                    and (time.monotonic() - quiet_since > QUIET or not shell.busy)
                    and (
                        recorded is None
                        or lines_kept(fresh, options) >= lines_kept(recorded, options)
                    )
                ):
                    return fresh, upto
            elif recorded is not None and not self.differs(recorded, fresh, options):
                return fresh, upto
            if not shell.busy or time.monotonic() > deadline:
                why = "ended" if not shell.busy else f"not within {OUTPUT_TIMEOUT} s"
                raise JourneyError(
                    f"{shell.command} in {shell.name} did not print what {shown} "
                    f"shows ({why}):\n{self.differs(recorded or '', fresh, options)}"
                )
            shell._wait(lambda text, n=upto: len(text) > n, 1)

    @staticmethod
    def differs(recorded: str, fresh: str, options: Rule) -> str:
        return difference(
            recorded,
            fresh,
            label="",
            ordered=options.ordered,
            optional=options.optional,
            figures=options.figures,
        )

    def present(self, rendered: str) -> str:
        # `^C` at the start of a line is the terminal's echo of the key pressed, not
        # the command's output.
        rendered = re.sub(r"(?m)^\^C", "", rendered)
        return present(rendered, paths=self.paths, drop=HARNESS_LINES)

    def compare(self, shown: str, fresh: str, options: Rule | None = None) -> None:
        options = options or Rule()
        path = REPO / shown
        if self.update:
            # Every output, even one that says the same once masked: the outputs
            # of a page then all come from one run (the run name a command printed
            # is the one the worker's log shows).
            check_or_update(path, fresh, update=True)
            self.recorded += 1
            return
        self.compared += 1
        if not path.exists():
            raise JourneyError(
                f"{shown} does not exist: run `uv run pytest --update-examples`"
            )
        diff = difference(
            path.read_text(),
            fresh,
            label=shown,
            ordered=options.ordered,
            optional=options.optional,
            figures=options.figures,
        )
        if diff:
            raise JourneyError(
                f"what the reader sees no longer matches {shown}:\n{diff}\n"
                "If the change is expected, refresh it: uv run pytest --update-examples"
            )

    # another context -------------------------------------------------------------
    def with_a_server(self) -> str:
        """The last command again, in its folder, where a Prefect server runs and
        PREFECT_API_URL points at it: what the page shows "with a running server"."""
        assert self.last and self.last.command, "no command to run again"
        network, _, home = self.side()
        shell = Shell(
            "a terminal with a running server",
            cwd=self.last.cwd(),
            env=self.env | {"PREFECT_HOME": str(home), "PREFECT_API_URL": SERVER_API},
            rcfile=self.rcfile,
            wrap=network.wrap,
        )
        try:
            shell.run(REPO / self.last.command, what=self.last.command)
            shell.wait(COMMAND_TIMEOUT)
            return self.present(shell.output())
        finally:
            shell.close()

    def side(self) -> tuple[PrivateNetwork, Shell, Path]:
        if self._side is None:
            network = PrivateNetwork()
            home = self.root / "another-machine"
            home.mkdir()
            server = Shell(
                "a Prefect server elsewhere",
                cwd=self.shell(1).cwd(),
                env=self.env
                | {
                    "PREFECT_HOME": str(home),
                    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                },
                rcfile=self.rcfile,
                wrap=network.wrap,
            )
            self._side = (network, server, home)
            server.type("uv run prefect server start", what="prefect server start")
            network.wait_until_healthy(SERVER_API, timeout=120)
        return self._side
