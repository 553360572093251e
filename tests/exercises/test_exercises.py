"""Every lesson's exercise, checked as a reader checks it: each wrong attempt fails,
with the hint meant for it, and the check says so when it cannot run. The starter
and the solution are on the reader's path: the journey checks them, on their pages.
The outputs are the ones the pages show (harness/exercises.py says which)."""

from __future__ import annotations

import ast
import os
import re
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness import REPO, prefect_api
from harness.exercises import SHARED_CHECK, Exercise, exercises
from harness.journey import journey_outputs
from harness.output_rules import rule
from harness.prefect_server import (
    PATIENT_TEMPORARY_SERVER,
    PrefectServer,
    free_port,
    prefect_executable,
)
from harness.shown_output import check_or_update
from harness.terminal import Background, Result, Terminal, run_command

# The starter's and the solution's checks are on the reader's path, with their
# outputs: the journey runs them on its pages, in the reader's terminals, and compares
# exit status and output (harness/journey.py). Here: the attempts it does not run, the
# wrong ones, which the pages show in a box.
ATTEMPTS = [
    pytest.param(exercise, attempt, id=f"{exercise.page}-{attempt}")
    for exercise in exercises()
    for attempt in exercise.attempts
    if exercise.output(attempt) not in journey_outputs()
]


# Runs on the server of the exercises that need the reader's: a flow run four
# times, the third run failing.
SOME_RUNS = """
from prefect import flow


@flow
def tick(number: int) -> None:
    if number == 2:
        raise ValueError("two")


for number in range(4):
    tick(number, return_state=True)
"""


@pytest.fixture(scope="module")
def reader_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One Prefect home for every attempt, as a reader has one `~/.prefect`, with
    the install page's setting in its profile: no telemetry."""
    home = tmp_path_factory.mktemp("exercises") / "prefect-home"
    terminal = Terminal(cwd=home.parent, home=home)
    quiet = run_command(
        [
            prefect_executable(),
            "config",
            "set",
            "PREFECT_SERVER_ANALYTICS_ENABLED=false",
        ],
        cwd=home.parent,
        env=terminal.env(),
    )
    assert quiet.returncode == 0, quiet.output
    return home


@pytest.fixture(scope="module")
def readers_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[PrefectServer]:
    """A server of its own, as the reader's from the server lesson on, with a few
    runs and the work pool `my-pool`: the session's server gets runs from other
    tests at any time."""
    server = PrefectServer(tmp_path_factory.mktemp("readers-server") / "prefect-home")
    server.running()
    try:
        script = server.home / "some_runs.py"
        script.write_text(SOME_RUNS)
        made = run_command(
            [sys.executable, str(script)],
            cwd=server.home,
            env={**os.environ, **server.client_env()},
        )
        assert made.returncode == 0, made.output
        # The deployments lesson's work pool, which later lessons use.
        created = run_command(
            [
                prefect_executable(),
                "work-pool",
                "create",
                "my-pool",
                "--type",
                "process",
            ],
            cwd=server.home,
            env={**os.environ, **server.client_env()},
        )
        assert created.returncode == 0, created.output
        yield server
    finally:
        server.stop()


class Workers:
    """Workers on the reader's server, one per pool, started when first needed, as
    the reader keeps one running in Terminal 3."""

    def __init__(self, server: PrefectServer, folder: Path) -> None:
        self.server = server
        self.folder = folder
        self.running: dict[str, Background] = {}

    def wait_for_pool(self, pool: str) -> None:
        if pool in self.running:
            return
        env = {**os.environ, **self.server.client_env()}
        worker = Background(
            [prefect_executable(), "worker", "start", "--pool", pool],
            cwd=self.folder,
            env=env,
            log=self.folder / f"worker-{pool}.log",
            stop_signals=(signal.SIGINT, signal.SIGINT),
        )
        self.running[pool] = worker
        worker.wait_for(r"Worker .* started!")

    def stop(self) -> None:
        for worker in self.running.values():
            worker.stop()


@pytest.fixture(scope="module")
def readers_worker(
    readers_server: PrefectServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Workers]:
    workers = Workers(readers_server, tmp_path_factory.mktemp("workers"))
    try:
        yield workers
    finally:
        workers.stop()


def test_the_core_lessons_have_an_exercise() -> None:
    assert {exercise.page for exercise in exercises()} >= {
        "install",
        "flows",
        "tasks",
        "server",
        "deployments",
        "architecture",
        "scheduling",
        "parallel",
        "infrastructure",
    }


@pytest.mark.parametrize("exercise", exercises(), ids=lambda exercise: exercise.page)
def test_the_journey_checks_the_starter_and_the_solution(exercise: Exercise) -> None:
    """Each page has the reader run the check on the starter and on the solution,
    on the reader's path, where the journey follows it; the wrong attempts, off the
    path, are left to the next test."""
    on_the_path = {
        attempt
        for attempt in exercise.attempts
        if exercise.output(attempt) in journey_outputs()
    }
    assert on_the_path == {"starter", "solution"}


@pytest.mark.parametrize(("exercise", "attempt"), ATTEMPTS)
def test_the_check_says_what_the_page_shows(
    exercise: Exercise,
    attempt: str,
    reader_home: Path,
    tmp_path: Path,
    update_outputs: bool,
    request: pytest.FixtureRequest,
) -> None:
    exercise.put_in(tmp_path, attempt)
    terminal = Terminal(
        cwd=tmp_path, home=reader_home, env_extra=PATIENT_TEMPORARY_SERVER
    )
    if exercise.needs_your_server:
        server = request.getfixturevalue("readers_server")
        terminal = Terminal(cwd=tmp_path, home=server.home, api_url=server.api_url)
        # Each attempt as a reader's first: no deployment an earlier attempt made.
        with prefect_api.client(server.api_url) as api:
            for deployment in api.read_deployments():
                api.delete_deployment(deployment.id)
        deploy_earlier(exercise, tmp_path, terminal)
    if exercise.worker_pool:
        request.getfixturevalue("readers_worker").wait_for_pool(exercise.worker_pool)
    result = run_command(
        [sys.executable, exercise.check.name], cwd=tmp_path, env=terminal.env()
    )
    shown = exercise.output(attempt)
    expected = rule(shown)
    assert result.returncode == expected.returncode, result.output
    diff = check_or_update(
        REPO / shown,
        terminal.present(result.output),
        update=update_outputs,
        ordered=expected.ordered,
        optional=expected.optional,
        figures=expected.figures,
    )
    assert not diff, (
        f"{diff}\nIf the change is expected: uv run pytest --update-examples"
    )


# The deployments an earlier lesson made, made again here from the reader's folder.
DEPLOY = """
import sys

from prefect import flow

entrypoint, name, pool = sys.argv[1:]
flow.from_source(source=".", entrypoint=entrypoint).deploy(
    name=name, work_pool_name=pool, print_next_steps=False
)
"""


def deploy_earlier(exercise: Exercise, folder: Path, terminal: Terminal) -> None:
    for name, (entrypoint, pool) in exercise.earlier_deployments.items():
        deployed = run_command(
            [sys.executable, "-c", DEPLOY, entrypoint, name, pool],
            cwd=folder,
            env=terminal.env(),
        )
        assert deployed.returncode == 0, deployed.output


def check_in(folder: Path, page: str, home: Path, **env: str) -> Result:
    """Run the check of `page` in `folder`, as `uv run python check_<page>.py` does."""
    terminal = Terminal(cwd=folder, home=home, env_extra=env)
    return run_command(
        [sys.executable, f"check_{page}.py"], cwd=folder, env=terminal.env()
    )


@pytest.fixture
def flows_exercise(tmp_path: Path) -> Path:
    """A folder with the flows exercise's check and the shared part, no script."""
    folder = tmp_path / "lesson"
    folder.mkdir()
    Exercise("flows").put_in(folder, "starter")
    (folder / "word_count.py").unlink()
    return folder


def test_without_the_script_the_check_says_what_is_missing(
    flows_exercise: Path, reader_home: Path
) -> None:
    result = check_in(flows_exercise, "flows", reader_home)
    assert result.returncode == 2, result.output
    assert "There is no word_count.py in this folder." in result.output
    assert "Traceback" not in result.output


NO_SHARED_PART = (
    "check_flows.py needs lesson_check.py next to it, revision 2 or newer: it is in "
    "the lesson's download, and on the install lesson, under its exercise."
)


def test_without_the_shared_part_the_check_says_where_it_is(
    flows_exercise: Path, reader_home: Path
) -> None:
    (flows_exercise / "lesson_check.py").unlink()
    result = check_in(flows_exercise, "flows", reader_home)
    assert result.returncode == 1, result.output
    assert result.output.strip() == NO_SHARED_PART


# What the checks could use of lesson_check.py at revision 2: the Check's methods
# and the file's functions. What came later is in its ADDED_IN, with its revision.
REVISION_2 = {
    "flow_names",
    "flow_runs",
    "logs_have",
    "needed",
    "point",
    "run_check",
    "task_runs",
    "the_deployment",
    "the_flow_run",
}


def shared_part() -> tuple[set[str], dict[str, int]]:
    """lesson_check.py's public methods and functions, and its ADDED_IN."""
    tree = ast.parse(SHARED_CHECK.read_text())
    names = set()
    added_in = None
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef) and node.name == "Check":
            names |= {n.name for n in node.body if isinstance(n, ast.FunctionDef)}
        elif (
            isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "ADDED_IN"
        ):
            added_in = ast.literal_eval(node.value)
    assert added_in is not None, "lesson_check.py has no ADDED_IN"
    return {name for name in names if not name.startswith("_")}, added_in


def test_what_each_revision_of_the_shared_part_added_is_recorded() -> None:
    names, added_in = shared_part()
    assert names - REVISION_2 == set(added_in)
    assert max(added_in.values(), default=2) == int(
        re.search(r"^REVISION = (\d+)$", SHARED_CHECK.read_text(), re.M).group(1)
    )


@pytest.mark.parametrize("exercise", exercises(), ids=lambda exercise: exercise.page)
def test_a_check_asks_for_the_revision_it_needs(exercise: Exercise) -> None:
    """No newer than it needs (a reader's copy from the install lesson still does),
    no older (that copy would end in an AttributeError)."""
    source = exercise.check.read_text()
    _, added_in = shared_part()
    used = set(re.findall(r"\bcheck\.(\w+)\(", source))
    needs = max([2, *(added_in[name] for name in used & set(added_in))])
    assert re.search(rf"^if REVISION < {needs}:$", source, re.M)
    messages = [
        node.value
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and "needs lesson_check.py" in str(node.value)
    ]
    assert len(messages) == 1
    assert messages[0].startswith(
        f"{exercise.check.name} needs lesson_check.py next to it, revision {needs} or"
        " newer: it is "
    )


def test_an_older_shared_part_is_named_not_a_traceback(tmp_path: Path) -> None:
    """A reader who copied lesson_check.py on the install lesson before the checks
    needed revision 3, then runs the deployments lesson's check."""
    Exercise("deployments").put_in(tmp_path, "solution")
    shared = tmp_path / "lesson_check.py"
    shared.write_text(
        re.sub(r"(?m)^REVISION = \d+$", "REVISION = 2", shared.read_text())
    )
    result = run_command(
        [sys.executable, "check_deployments.py"],
        cwd=tmp_path,
        env=Terminal(cwd=tmp_path, home=tmp_path / "prefect-home").env(),
    )
    assert result.returncode == 1, result.output
    assert result.output.strip() == (
        "check_deployments.py needs lesson_check.py next to it, revision 3 or newer: "
        "it is in the lesson's download, and on the install lesson, under its exercise."
    )


def test_an_older_shared_part_gets_the_same_message(
    flows_exercise: Path, reader_home: Path
) -> None:
    # A copy from before the checks had revisions: no REVISION in it.
    shared = flows_exercise / "lesson_check.py"
    older = shared.read_text().replace("\nREVISION = ", "\nOLD_REVISION = ")
    assert older != shared.read_text()
    shared.write_text(older)
    result = check_in(flows_exercise, "flows", reader_home)
    assert result.returncode == 1, result.output
    assert result.output.strip() == NO_SHARED_PART


def test_a_check_that_needs_your_server_says_so_when_none_is_set(
    tmp_path: Path, reader_home: Path
) -> None:
    Exercise("server").put_in(tmp_path, "solution")
    result = check_in(tmp_path, "server", reader_home)
    assert result.returncode == 2, result.output
    assert "This exercise needs your Prefect server, and PREFECT_API_URL is not" in (
        result.output
    )
    assert "Traceback" not in result.output


def test_a_check_says_so_when_no_server_answers_at_the_address_set(
    tmp_path: Path, reader_home: Path
) -> None:
    Exercise("server").put_in(tmp_path, "solution")
    nobody = f"http://127.0.0.1:{free_port()}/api"
    result = check_in(tmp_path, "server", reader_home, PREFECT_API_URL=nobody)
    assert result.returncode == 2, result.output
    assert f"PREFECT_API_URL is {nobody}, but no Prefect server answers there." in (
        result.output
    )
    assert "Traceback" not in result.output


def test_a_deployment_an_earlier_run_left_does_not_count(
    readers_server: PrefectServer, tmp_path: Path
) -> None:
    # A reader who ran the solution once, then a script that deploys nothing.
    scheduling = Exercise("scheduling")
    scheduling.put_in(tmp_path, "solution")
    terminal = Terminal(
        cwd=tmp_path, home=readers_server.home, api_url=readers_server.api_url
    )
    first = run_command(
        [sys.executable, scheduling.check.name], cwd=tmp_path, env=terminal.env()
    )
    assert first.returncode == 0, first.output
    (tmp_path / scheduling.script).write_text('print("nothing deployed")\n')
    again = run_command(
        [sys.executable, scheduling.check.name], cwd=tmp_path, env=terminal.env()
    )
    assert again.returncode == 1, again.output
    assert (
        "found: one deployed before this check: the script did not deploy it again"
        in again.output
    )
