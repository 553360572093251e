"""A reader's terminal, as the tests drive it: commands run to their end or left
running in the background, their outputs checked against what the pages show.

Every command runs as it is: `bash -e FILE` in the folder a reader would be in, with
the Prefect server's address and home given through the environment
(`command_env`). What a command left running prints is read as it comes
(`Background`, or `InATerminal` in a pseudo-terminal), and waited for
(`wait_for`); it is stopped by its PID.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from harness import REPO
from harness.journey import journey_outputs
from harness.output_rules import IN_A_TERMINAL, rule
from harness.prefect_server import run_in_group, start_in_group, stop_process
from harness.pty_session import Pty, Question, Session, answer_questions
from harness.shown_output import ANSI, COLUMNS, check_or_update, present
from harness.uv import uv_cache_dir
from harness.waiting import wait_until

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def id_after(label: str, output: str) -> str:
    """The id a command printed right after `label`: "UUID: " in the table of a
    created run, "/runs/flow-run/" in the link a flow run logs."""
    found = re.search(re.escape(label) + f"({UUID})", output)
    assert found, f"no id after {label!r} in:\n{output}"
    return found.group(1)


@dataclass(frozen=True)
class Run:
    """A run of a command snippet that a test makes, and the output its page shows of
    it: by default NAME.out next to the command, if the page shows one."""

    command: str
    output: str | None = None
    """The `.out` file to compare with (None: the page shows no output of this run)."""

    @classmethod
    def of(cls, command: str, output: str | None = None) -> Run:
        shown = output or command.removesuffix(".sh") + ".out"
        return cls(command, shown if output or (REPO / shown).exists() else None)

    @property
    def tty(self) -> bool:
        return self.command in IN_A_TERMINAL

    @property
    def returncode(self) -> int:
        return rule(self.output).returncode


def command_env(*, home: Path, api_url: str | None) -> dict[str, str]:
    """The environment of a reader's terminal, plus the server's address and home."""
    env = dict(os.environ)
    # `uv run pytest` marks its own environment; a reader's shell has no such marks,
    # and `uv run` in another project warns about a VIRTUAL_ENV that is not its own.
    env.pop("VIRTUAL_ENV", None)
    env.pop("PREFECT_API_URL", None)
    # A server-side setting the test servers get at start; a reader who followed
    # the install page has it in their profile instead (quiet_settings.sh).
    # DO_NOT_TRACK=1 stays: the install page has them export it.
    env.pop("PREFECT_SERVER_ANALYTICS_ENABLED", None)
    env["PREFECT_HOME"] = str(home)
    # A HOME of its own, next to the Prefect home: the install page's commands write
    # to ~/.bashrc, which must not be this machine's. uv keeps using this machine's
    # cache.
    env["UV_CACHE_DIR"] = uv_cache_dir()
    env["HOME"] = str(home.parent / f"{home.name}-user-home")
    Path(env["HOME"]).mkdir(parents=True, exist_ok=True)
    if api_url:
        env["PREFECT_API_URL"] = api_url
    # The project's own `python` and `prefect` come first, as in an activated
    # environment; then the `uv` that runs these tests.
    path = [str(Path(sys.executable).parent)]
    if env.get("UV"):
        path.append(str(Path(env["UV"]).parent))
    env["PATH"] = os.pathsep.join([*path, env.get("PATH", "")])
    # Prints and log lines reach a terminal in the order they are made; through a
    # pipe Python would buffer the prints.
    env["PYTHONUNBUFFERED"] = "1"
    # A terminal as wide as the pseudo-terminals of the runs in one: without it,
    # Rich wraps what a command prints at 80 columns when its output is a pipe
    # (shown_output.COLUMNS says why this width).
    env["COLUMNS"] = str(COLUMNS)
    return env


def like_a_terminal() -> None:
    """In the child, before it runs: Ctrl-C (SIGINT) does what it does in a terminal.

    A process started in the background of a non-interactive shell inherits an
    ignored SIGINT, and a Prefect worker then never stops on it.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@dataclass
class Result:
    returncode: int
    output: str
    """stdout and stderr together, in the order a terminal shows them."""


def run_command(
    argv: list[str], *, cwd: Path, env: dict[str, str], timeout: float = 300
) -> Result:
    """Run a command to its end; its output is stdout and stderr together."""
    try:
        done = run_in_group(
            argv,
            cwd=cwd,
            env=env,
            timeout=timeout,
            stop_signals=(),  # straight to SIGKILL: it has already had its time
            merge_stderr=True,
            preexec_fn=like_a_terminal,
        )
    except subprocess.TimeoutExpired as expired:
        raise AssertionError(
            f"{' '.join(argv)} did not finish within {timeout} s:\n{expired.output}"
        ) from None
    return Result(done.returncode, done.stdout)


class Running:
    """A command left running, as in a second terminal: its output read as it comes,
    waited for, and the command stopped by its PID (and its process group)."""

    process: subprocess.Popen

    @property
    def output(self) -> str:
        raise NotImplementedError

    def wait_for(self, pattern: str, timeout: float = 60) -> re.Match:
        """Wait until the output matches `pattern` (a regular expression); fail at
        once if the command ends first."""
        command = shlex.join(map(str, self.process.args))
        return wait_until(
            lambda: re.search(pattern, self.output, re.MULTILINE),
            timeout=timeout,
            interval=0.1,
            what=f"{pattern!r} in the output of `{command}`",
            give_up=lambda: (
                self.process.poll() is not None
                and f"it exited with code {self.process.returncode}"
            ),
            seen=lambda: f"the output so far:\n{self.output}",
        )

    def stop(self) -> str:
        raise NotImplementedError

    def __enter__(self) -> Running:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


class Background(Running):
    """A command left running with its output going to a file, read as it grows: a
    server, a worker, `serve`. `stop()` sends the signals given at start."""

    def __init__(
        self,
        argv: list[str],
        *,
        cwd: Path,
        env: dict[str, str],
        log: Path,
        stop_signals: tuple[int, ...],
    ) -> None:
        self.log = log
        self.stop_signals = stop_signals
        with log.open("wb") as out:
            self.process = start_in_group(
                argv,
                stop_signals=stop_signals,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                preexec_fn=like_a_terminal,
            )

    @property
    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> str:
        stop_process(self.process, self.stop_signals)
        return self.output


class InATerminal(Running):
    """A command left running in a pseudo-terminal, as a reader starts the server.

    `prefect server start` in a terminal first checks the active profile against the
    address it serves (prefect/cli/server.py, `prestart_check`), and may switch
    profiles and say so: not when its output is a pipe. Its output is read as it
    comes (and copied to `log`); `stop()` is Ctrl-C (SIGINT to its process group).
    """

    def __init__(self, terminal: Terminal, snippet: str, log: Path) -> None:
        self.log = log
        self.pty = Pty(
            terminal.argv(snippet),
            cwd=str(terminal.cwd),
            env=terminal.env(),
            rows=50,
            columns=COLUMNS,
        )
        self.process = self.pty.process
        self.raw: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        with self.log.open("w") as log:
            while (chunk := self.pty.read(timeout=0.5)) is not None:
                self.raw.append(chunk)
                log.write(chunk)
                log.flush()

    @property
    def output(self) -> str:
        return ANSI.sub("", "".join(self.raw)).replace("\r", "")

    def stop(self) -> str:
        stop_process(self.process, (signal.SIGINT,))
        self.reader.join(timeout=10)
        self.pty.close()
        return self.output


# The last line of `prefect server start`'s banner: the server is up from there on.
BANNER_END = r"Check out the dashboard at http://[\d.]+:\d+\n"


def start_server(
    terminal: Terminal,
    command: str,
    log: Path,
    healthy: Callable[[], object],
    *,
    in_a_pty: bool = False,
) -> Running:
    """Start a `prefect server start` snippet (in a pseudo-terminal if `in_a_pty`),
    wait for its banner, then until `healthy()` says its API answers."""
    if in_a_pty:
        server: Running = InATerminal(terminal, command, log)
    else:
        # Ctrl-C once stops a server (it prints "Server stopped!").
        server = terminal.start(command, log=log, stop_signals=(signal.SIGINT,))
    try:
        server.wait_for(BANNER_END, timeout=180)
        wait_until(healthy, timeout=90, what=f"the server of {command} answering")
    except BaseException:
        server.stop()
        raise
    return server


def banner(server: Running) -> Result:
    """The server's banner, as the page shows it."""
    end = server.wait_for(BANNER_END).end()
    return Result(0, server.output[:end])


# Lines that only the test harness causes: a reader with the default home has no
# PREFECT_HOME in their environment, so `prefect config view` does not list it.
HARNESS_LINES = [re.compile(r"^PREFECT_HOME='[^']*' \(from env\)$")]


@dataclass
class Terminal:
    """A reader's terminal: a folder, a Prefect home, maybe a server to talk to.

    `wrap` is put in front of every command, to run it somewhere else (in a private
    network namespace, for instance).
    """

    cwd: Path
    home: Path
    api_url: str | None = None
    env_extra: dict[str, str] = field(default_factory=dict)
    wrap: tuple[str, ...] = ()
    server_port: int | None = None
    """The port of the server the reader would have on 4200, if not in `api_url`."""
    shown_project: str = "/home/you/hello-prefect"

    def env(self) -> dict[str, str]:
        return command_env(home=self.home, api_url=self.api_url) | self.env_extra

    def with_env(self, **env: str) -> Terminal:
        """The same terminal, with more variables in its environment."""
        return dataclasses.replace(self, env_extra=self.env_extra | env)

    def argv(self, snippet: str) -> list[str]:
        return [*self.wrap, "bash", "-e", str(REPO / snippet)]

    def run(self, snippet: str, timeout: float = 300) -> Result:
        """Run a command snippet as it is: `bash -e FILE`, in this terminal."""
        return run_command(
            self.argv(snippet), cwd=self.cwd, env=self.env(), timeout=timeout
        )

    def converse(self, snippet: str, questions: list[Question] = ()) -> Session:
        """Run a command snippet in a pseudo-terminal, answering its `questions`."""
        return answer_questions(
            self.argv(snippet), list(questions), cwd=str(self.cwd), env=self.env()
        )

    def start(
        self,
        snippet: str,
        *,
        log: Path,
        stop_signals: tuple[int, ...] = (signal.SIGINT, signal.SIGINT),
    ) -> Background:
        """Start a command snippet and leave it running (Ctrl-C twice stops it)."""
        return Background(
            self.argv(snippet),
            cwd=self.cwd,
            env=self.env(),
            log=log,
            stop_signals=stop_signals,
        )

    def run_as_reader(self, run: Run, questions: list[Question] = ()) -> Result:
        """Run `run.command` in a pipe, or in a pseudo-terminal where it behaves
        differently without one (output_rules.IN_A_TERMINAL)."""
        if run.tty:
            session = self.converse(run.command, questions)
            return Result(session.exitstatus, session.screen)
        return self.run(run.command)

    def shown_paths(self) -> dict[str, str]:
        """Machine-specific text in an output, and what the page shows instead."""
        paths = {
            str(self.home): "~/.prefect",  # Prefect's default home
            str(self.cwd): self.shown_project,
            str(REPO): self.shown_project,
            sys.prefix: ".venv",  # the project's virtual environment
            sys.base_prefix: "…",  # wherever the reader's Python is installed
        }
        # A reader's server listens on Prefect's default port.
        for port in {self.server_port, self.api_url and urlsplit(self.api_url).port}:
            if port and port != 4200:
                paths[f"127.0.0.1:{port}"] = "127.0.0.1:4200"
        return paths

    def present(self, output: str) -> str:
        return present(output, paths=self.shown_paths(), drop=HARNESS_LINES)

    def check(
        self,
        run: Run,
        *,
        update: bool,
        result: Result | None = None,
        questions: list[Question] = (),
    ) -> Result:
        """Run `run.command` (or take the `result` of an earlier run of it), check
        its exit code and the output its page shows."""
        if result is None:
            result = self.run_as_reader(run, questions)
        assert result.returncode == run.returncode, (
            f"{run.command} exited with {result.returncode}, "
            f"expected {run.returncode}:\n{result.output}"
        )
        if run.output:
            variation = rule(run.output)
            assert_shown(
                run.output,
                self.present(result.output),
                update=update,
                ordered=variation.ordered,
                optional=variation.optional,
                figures=variation.figures,
                what=f"the output of {run.command}",
            )
        return result


def assert_shown(
    shown_file: str,
    fresh: str,
    *,
    update: bool,
    ordered: bool = True,
    optional: tuple[str, ...] = (),
    figures: tuple[str, ...] = (),
    what: str = "",
) -> None:
    """`fresh` (already presented) still matches the file a page shows.

    The pages the journey follows are compared by the journey (harness/journey.py),
    with what a reader sees at that point of the course: a page's own test then
    checks what the command did (its exit code, what the server recorded), and leaves
    the file to the journey, which records it too."""
    if shown_file in journey_outputs():
        return
    diff = check_or_update(
        REPO / shown_file,
        fresh,
        update=update,
        ordered=ordered,
        optional=optional,
        figures=figures,
        label=shown_file,
    )
    assert not diff, (
        f"{what or shown_file} no longer matches {shown_file}:\n{diff}\n"
        "If the change is expected, refresh it: uv run pytest --update-examples"
    )


def part(parts: dict[str, Future[Scenario]], name: str) -> Scenario:
    """The scenario `name` of a page whose parts run at the same time, once done."""
    return parts[name].result(timeout=600)


@dataclass
class Scenario:
    """A part of a page followed in one terminal: what its commands printed, and what
    the server answered along the way. Scenarios of a page can run at the same time;
    the page's tests check what they recorded."""

    terminal: Terminal
    results: dict[str, Result] = field(default_factory=dict)
    seen: dict[str, object] = field(default_factory=dict)

    def run(
        self, command: str, questions: list[Question] = (), key: str = ""
    ) -> Result:
        self.results[key or command] = self.terminal.run_as_reader(
            Run.of(command), questions
        )
        return self.results[key or command]

    def check(
        self, command: str, *, update: bool, key: str = "", output: str = ""
    ) -> Result:
        """Check the recorded result of `command` against its shown output."""
        return self.terminal.check(
            Run.of(command, output or None),
            update=update,
            result=self.results[key or command],
        )
