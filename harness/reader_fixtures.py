"""The reader's journey through the first pages, as session fixtures.

A reader creates one project, has one `~/.prefect`, and goes through the pages in
order. The steps that change that state run here, once, in page order, whatever order
the tests run in; each records what its commands printed, and the page's tests check
those records.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness import REPO
from harness.prefect_server import PATIENT_TEMPORARY_SERVER
from harness.pty_session import ENTER, Question, Session, answer_questions
from harness.terminal import Result, Run, Terminal, command_env
from harness.uv import write_locked_versions


@dataclass
class Step:
    """One command a reader typed, and what it printed."""

    run: Run
    result: Result
    terminal: Terminal

    def check(self, *, update: bool) -> Result:
        return self.terminal.check(self.run, update=update, result=self.result)


def step(terminal: Terminal, command: str, output: str | None = None) -> Step:
    """Run `command` as a reader types it; its output is checked later, against
    `output` (by default the NAME.out the page shows under it)."""
    run = Run.of(command, output)
    return Step(run, terminal.run_as_reader(run), terminal)


@dataclass
class Installed:
    project: Path
    """The reader's `hello-prefect` project, made by the install page's commands."""
    home: Path
    """The reader's `~/.prefect`."""
    terminal: Terminal
    steps: dict[str, Step]


@pytest.fixture(scope="session")
def installed(session_dir: Path) -> Installed:
    """The install page, followed literally in a new folder with a new Prefect home."""
    root = session_dir / "reader"
    root.mkdir()
    home = root / "prefect-home"
    # The new project gets the versions this repository is locked to, so that what
    # `prefect version` prints is what the page shows for the pinned release.
    constraints = write_locked_versions(
        root / "constraints.txt", env=command_env(home=home, api_url=None)
    )
    pinned = {"UV_CONSTRAINT": str(constraints)}
    steps = {}
    create = step(
        Terminal(cwd=root, home=home, env_extra=pinned),
        "snippets/install/create_project.sh",
    )
    assert create.result.returncode == 0, create.result.output
    steps[create.run.command] = create
    project = root / "hello-prefect"
    terminal = Terminal(cwd=project, home=home, env_extra=pinned)
    for command in (
        "snippets/install/prefect_version.sh",
        "snippets/install/quiet_settings.sh",
    ):
        steps[command] = step(terminal, command)
    return Installed(project, home, terminal, steps)


@pytest.fixture(scope="session")
def first_run(installed: Installed) -> Step:
    """The first-flow page: hello_flow.py run with no server configured."""
    shutil.copy(REPO / "snippets/flows/hello_flow.py", installed.project)
    # Prefect gives a temporary server 20 s to start. On a machine as busy as this
    # test session makes it, one start took longer; this run alone gets more time
    # (the other terminals, whose `prefect config view` a page shows, do not).
    return step(
        installed.terminal.with_env(**PATIENT_TEMPORARY_SERVER),
        "snippets/flows/run_hello_flow.sh",
        output="snippets/flows/run_hello_flow_temporary_server.out",
    )


@dataclass
class Deployed:
    """The deployments page's first step: the interactive `prefect deploy`."""

    terminal: Terminal
    session: Session
    prefect_yaml: str


DEPLOY_QUESTIONS = [
    Question(r"Would you like to create one\?", "y" + ENTER, "y"),
    Question(r"What infrastructure type would you like to use", ENTER, "process"),
    Question(r"Work pool name:", "my-pool" + ENTER, "my-pool"),
    Question(r"pull your flow code from a remote storage location", "n" + ENTER, "n"),
    Question(r"Would you like to configure schedules", "y" + ENTER, "y"),
    Question(r"What type of schedule would you like to use", ENTER, "Interval"),
    Question(r"Seconds between scheduled runs", "60" + ENTER, "60"),
    Question(r"Would you like to activate this schedule\?", "n" + ENTER, "n"),
    Question(r"Would you like to add another schedule\?", "n" + ENTER, "n"),
    Question(r"Would you like to save configuration", "y" + ENTER, "y"),
]


@pytest.fixture(scope="session")
def project(session_dir: Path) -> Path:
    """The reader's project for the pages on deployments, workers and schedules: the
    files those pages have them write."""
    project = session_dir / "hello-prefect"
    project.mkdir()
    for page in ("deployments", "architecture", "scheduling"):
        for path in (REPO / "snippets" / page).iterdir():
            # the Python files and schedules.yaml; not deployments/prefect.yaml,
            # which the interactive deploy writes (the snippet is its record)
            if path.suffix == ".py" or path.name == "schedules.yaml":
                shutil.copy(path, project)
    return project


@pytest.fixture(scope="session")
def deployed(prefect_server, project: Path) -> Deployed:
    """`prefect deploy` answered at a keyboard, on a server with no work pool yet.

    Every test that creates a work pool on the session's server depends on this
    fixture, so that this step always finds the server as a new reader's is.
    """
    from harness.prefect_api import work_pool_names

    existing = work_pool_names()
    assert existing == [], (
        "the interactive deploy must be the first to create a work pool, found: "
        f"{existing}: make the test that created it depend on the `deployed` fixture"
    )
    terminal = Terminal(
        cwd=project, home=prefect_server.home, api_url=prefect_server.api_url
    )
    session = answer_questions(
        terminal.argv("snippets/deployments/deploy_interactive.sh"),
        DEPLOY_QUESTIONS,
        cwd=str(project),
        env=terminal.env(),
    )
    assert session.exitstatus == 0, session.screen
    return Deployed(terminal, session, (project / "prefect.yaml").read_text())
