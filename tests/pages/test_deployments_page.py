"""The deployments page: every command run for real against the session's server,
with a real process worker and a real `serve` process."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from harness import REPO
from harness import prefect_api as api
from harness.prefect_server import FAST_POLLING, prefect_executable
from harness.pty_session import ENTER, Question, answer_questions
from harness.reader_fixtures import Deployed
from harness.terminal import (
    Background,
    Result,
    Run,
    Terminal,
    assert_shown,
    id_after,
    run_command,
)
from harness.waiting import wait_until

D = "snippets/deployments"


@pytest.fixture(scope="module")
def terminal(deployed: Deployed) -> Terminal:
    """The reader's terminal in their project, after the interactive deploy: as wide
    as the pseudo-terminal runs, so that no id, URL or `--watch` event line wraps."""
    return deployed.terminal.with_env(COLUMNS="140")


@pytest.fixture(scope="module")
def worker(terminal: Terminal, session_dir: Path) -> Iterator[Background]:
    """`prefect worker start --pool my-pool`, left running in a second terminal."""
    polling = terminal.with_env(**FAST_POLLING)
    with polling.start(
        f"{D}/worker_start.sh", log=session_dir / "worker.log"
    ) as worker:
        worker.wait_for(r"Worker '.*' started!")
        yield worker
    assert "stopped!" in worker.output, worker.output  # Ctrl-C stopped it cleanly


def created_run_id(output: str) -> str:
    return id_after("UUID: ", output)


def test_the_interactive_deploy_asks_what_the_page_shows(
    deployed: Deployed, project: Path, update_outputs: bool
) -> None:
    terminal = deployed.terminal
    assert_shown(
        f"{D}/deploy_interactive_questions.out",
        terminal.present("\n".join(deployed.session.prompts)),
        update=update_outputs,
        what="the questions `prefect deploy` asks",
    )
    terminal.check(
        Run.of(f"{D}/deploy_interactive.sh", output=f"{D}/deploy_interactive.out"),
        update=update_outputs,
        result=Result(0, deployed.session.screen),
    )
    assert_shown(
        f"{D}/prefect.yaml",
        terminal.present(deployed.prefect_yaml),
        update=update_outputs,
        what="the prefect.yaml that `prefect deploy` saved",
    )
    # What the answers made: a process work pool, a deployment with a paused
    # 60-second schedule, whose workers load the flow from the project folder.
    assert api.work_pool("my-pool").type == "process"
    deployment = api.deployment("hello-flow/hello-deployment")
    assert deployment.work_pool_name == "my-pool"
    assert [
        (s.schedule.interval.total_seconds(), s.active) for s in deployment.schedules
    ] == [(60, False)]
    assert deployment.pull_steps == [
        {"prefect.deployments.steps.set_working_directory": {"directory": str(project)}}
    ]


def test_the_same_deployment_without_questions(
    terminal: Terminal, update_outputs: bool
) -> None:
    terminal.check(Run.of(f"{D}/deploy_non_interactive.sh"), update=update_outputs)
    terminal.check(Run.of(f"{D}/deploy_from_yaml.sh"), update=update_outputs)
    assert api.deployment("hello-flow/hello-deployment").work_pool_name == "my-pool"


def test_no_prompt_starts_from_the_one_deployment_in_prefect_yaml(
    terminal: Terminal, deployed: Deployed, tmp_path: Path
) -> None:
    """The page's warning: with `--no-prompt` and a prefect.yaml that describes one
    deployment, a deployment of another name inherits that one's schedule."""
    shutil.copy(terminal.cwd / "hello_flow.py", tmp_path)
    (tmp_path / "prefect.yaml").write_text(deployed.prefect_yaml)
    argv = [prefect_executable(), "--no-prompt", "deploy", "hello_flow.py:hello_flow"]
    done = run_command(
        [*argv, "-n", "another-name", "-p", "my-pool"],
        cwd=tmp_path,
        env=terminal.env(),
    )
    assert done.returncode == 0, done.output
    try:
        inherited = api.deployment("hello-flow/another-name")
        assert [
            (s.schedule.interval.total_seconds(), s.active) for s in inherited.schedules
        ] == [(60, False)]
    finally:
        with api.client() as client:  # leave the server as it was
            client.delete_deployment(api.deployment("hello-flow/another-name").id)


def test_remote_storage_offers_the_git_remote(
    terminal: Terminal, tmp_path: Path
) -> None:
    """Answering yes to pulling the code from remote storage (in a project with a git
    remote): Prefect offers a git repository or a bucket. Ctrl-C at that menu leaves
    nothing deployed."""
    shutil.copy(terminal.cwd / "hello_flow.py", tmp_path)
    for git in (
        ["init", "-q"],
        ["remote", "add", "origin", "https://example.com/x.git"],
    ):
        subprocess.run(["git", *git], cwd=tmp_path, check=True)
    argv = [prefect_executable(), "deploy", "hello_flow.py:hello_flow"]
    session = answer_questions(
        [*argv, "-n", "storage-menu", "-p", "my-pool"],
        [
            Question("remote storage location", "y" + ENTER, "y"),
            Question("Please select a remote code storage option", "\x03", "Ctrl-C"),
        ],
        cwd=str(tmp_path),
        env=terminal.env(),
    )
    menu = session.screen.split("remote code storage option")[-1]
    for offered in ("Git Repo", "S3", "GCS", "Azure Blob Storage"):
        assert f"│ {offered} " in menu, session.screen
    with api.client() as client:
        names = [found.name for found in client.read_deployments()]
    assert "storage-menu" not in names, session.screen


def test_a_worker_runs_the_deployment(
    terminal: Terminal, worker: Background, update_outputs: bool
) -> None:
    created = terminal.check(Run.of(f"{D}/run_deployment.sh"), update=update_outputs)
    run_id = created_run_id(created.output)
    run = api.wait_for_final_state(run_id)
    assert run.state.type.value == "COMPLETED", run.state
    api.wait_for_log(run_id, "Hello, world!")

    # The worker's terminal, up to the end of that run.
    finished = worker.wait_for(
        rf"Flow run '{run.name}' - Finished in state Completed\(\)\n"
    )
    terminal.check(
        Run.of(f"{D}/worker_start.sh", output=f"{D}/worker_start.out"),
        update=update_outputs,
        result=Result(0, worker.output[: finished.end()]),
    )


def lines_of_run(worker: Background, run_id: str) -> Result:
    """The worker's lines about one run, once it has finished: what its terminal shows
    of that run when nothing else runs at the same time."""
    run = api.flow_run(run_id)
    worker.wait_for(rf"Flow run '{run.name}' - Finished in state ")
    return Result(
        0,
        "".join(
            line
            for line in worker.output.splitlines(keepends=True)
            if f"'{run.name}'" in line or run_id in line
        ),
    )


@pytest.fixture(scope="module")
def at_once(
    terminal: Terminal,
    worker: Background,
    session_dir: Path,
    update_outputs: bool,
) -> Iterator[dict[str, Future[Result]]]:
    """The rest of the page's commands, all started at once, as from several terminals.

    Each is independent of the others once greet.py is deployed; run together they
    take the time of the slowest instead of the sum. Each test below checks its own.
    """
    # At a terminal, `prefect deploy` asks about schedules (none for this one) and
    # offers to save the new deployment in prefect.yaml, next to hello-deployment.
    terminal.check(
        Run.of(f"{D}/deploy_greet.sh"),
        update=update_outputs,
        questions=[
            Question("Would you like to configure schedules", "n" + ENTER, "n"),
            Question("Would you like to save configuration", "y" + ENTER, "y"),
        ],
    )
    polling = terminal.with_env(**FAST_POLLING)
    # `serve` stops on Ctrl-C; SIGTERM is the fallback.
    serving = polling.start(
        f"{D}/serve.sh",
        log=session_dir / "serve.log",
        stop_signals=(signal.SIGINT, signal.SIGTERM),
    )

    def run_served() -> Result:
        serving.wait_for(SERVE_BANNER_END)
        api.wait_until_polled("hello-flow/hello-served")  # as a reader, a moment later
        return terminal.run(f"{D}/run_served.sh")

    def change_greet_signature() -> dict[str, Result]:
        """greet.py gets a new parameter; runs use it only once it is deployed again."""
        shutil.copy(REPO / D / "greet_greeting.py", terminal.cwd / "greet.py")
        done = {"refused": terminal.run(f"{D}/run_greet_greeting.sh")}
        done["deploy_greet_again.sh"] = terminal.run_as_reader(
            Run.of(f"{D}/deploy_greet_again.sh")
        )
        done["run_greet_greeting.sh"] = terminal.run(f"{D}/run_greet_greeting.sh")
        return done

    with serving, ThreadPoolExecutor(max_workers=8) as pool:
        started = {
            command: pool.submit(terminal.run_as_reader, Run.of(f"{D}/{command}"))
            for command in (
                "run_deployment_watch.sh",
                "run_greet.sh",
                "run_greet_wrong_type.sh",
                "run_from_python.sh",
                "run_unknown_deployment.sh",
                "deploy_missing_entrypoint.sh",
                "deploy_from_python.sh",
            )
        }
        started["run_served.sh"] = pool.submit(run_served)
        started["greeting"] = pool.submit(change_greet_signature)
        started["serving"] = serving
        started["serve.sh"] = pool.submit(banner_of, serving)
        yield started


SERVE_BANNER_END = r"You can also run your flow via the Prefect UI: .*\n"


def banner_of(serving: Background) -> Result:
    """What `serve` printed, up to the end of its banner."""
    end = serving.wait_for(SERVE_BANNER_END).end()
    return Result(0, serving.output[:end])


def check(
    terminal: Terminal,
    at_once: dict,
    command: str,
    update: bool,
    *,
    output: str | None = None,
    result: Result | None = None,
) -> Result:
    return terminal.check(
        Run.of(f"{D}/{command}", f"{D}/{output}" if output else None),
        update=update,
        result=result or at_once[command].result(timeout=300),
    )


def test_watch_follows_the_run_to_its_end(
    terminal: Terminal, at_once: dict, update_outputs: bool
) -> None:
    watched = check(terminal, at_once, "run_deployment_watch.sh", update_outputs)
    # The page explains these two event lines: its recording must show them (a run
    # may miss an event line, see WATCH in harness/output_rules.py).
    shown = (REPO / D / "run_deployment_watch.out").read_text()
    assert "prefect.worker.submitted-flow-run * ProcessWorker " in shown
    assert "prefect.flow-run.pull-step.executed * " in shown
    assert "Flow run finished successfully in 'Completed'." in watched.output
    assert api.flow_run(created_run_id(watched.output)).state.type.value == "COMPLETED"


def test_parameters_reach_the_flow(
    terminal: Terminal, worker: Background, at_once: dict, update_outputs: bool
) -> None:
    watched = check(terminal, at_once, "run_greet.sh", update_outputs)
    run_id = created_run_id(watched.output)
    assert api.flow_run(run_id).parameters == {"name": "Marvin", "times": 2}
    api.wait_for_log(run_id, "Hello, Marvin! Hello, Marvin!")
    shown = check(
        terminal,
        at_once,
        "worker_start.sh",
        update_outputs,
        output="worker_greet.out",
        result=lines_of_run(worker, run_id),
    )
    assert " - Hello, Marvin! Hello, Marvin!\n" in shown.output


def test_a_parameter_of_the_wrong_type_creates_no_run(
    terminal: Terminal, at_once: dict, update_outputs: bool
) -> None:
    check(terminal, at_once, "run_greet_wrong_type.sh", update_outputs)
    assert all(
        run.parameters.get("times") != "twice"
        for run in api.flow_runs("greet/greet-deployment")
    )


def test_parameters_are_checked_against_the_deployed_signature(
    terminal: Terminal, worker: Background, at_once: dict, update_outputs: bool
) -> None:
    done = at_once["greeting"].result(timeout=300)
    # greet.py has a `greeting` parameter now, but the deployment's schema, stored
    # when it was deployed, does not: the CLI refuses it and creates no run.
    refused = check(
        terminal,
        at_once,
        "run_greet_greeting.sh",
        update_outputs,
        output="run_greet_greeting_refused.out",
        result=done["refused"],
    )
    assert "'name', 'times'" in refused.output
    assert "Creating flow run" not in refused.output
    # Deployed again from prefect.yaml: the schema has the new parameter, and the
    # same command runs.
    check(
        terminal,
        at_once,
        "deploy_greet_again.sh",
        update_outputs,
        result=done["deploy_greet_again.sh"],
    )
    redeployed = api.deployment("greet/greet-deployment")
    # the same deployment, updated: the id `prefect deploy` printed is the old one
    assert str(redeployed.id) in done["deploy_greet_again.sh"].output
    assert redeployed.updated > redeployed.created
    schema = redeployed.parameter_openapi_schema
    assert set(schema["properties"]) == {"name", "times", "greeting"}
    watched = check(
        terminal,
        at_once,
        "run_greet_greeting.sh",
        update_outputs,
        output="run_greet_greeting.out",
        result=done["run_greet_greeting.sh"],
    )
    run_id = created_run_id(watched.output)
    assert api.flow_run(run_id).parameters == {"name": "Marvin", "greeting": "Hi"}
    api.wait_for_log(run_id, "Hi, Marvin!")
    shown = check(
        terminal,
        at_once,
        "worker_start.sh",
        update_outputs,
        output="worker_greeting.out",
        result=lines_of_run(worker, run_id),
    )
    assert " - Hi, Marvin!\n" in shown.output
    # the refused command created no run: this is the only one with a greeting
    with_greeting = [
        run.id
        for run in api.flow_runs("greet/greet-deployment")
        if "greeting" in run.parameters
    ]
    assert [str(found) for found in with_greeting] == [run_id]


def test_run_deployment_from_python_waits_for_the_result(
    terminal: Terminal, at_once: dict, update_outputs: bool
) -> None:
    ran = check(terminal, at_once, "run_from_python.sh", update_outputs)
    assert ran.output.strip() == "Completed: {'name': 'Arthur'}"


def test_a_deployment_name_that_does_not_exist(
    terminal: Terminal, at_once: dict, update_outputs: bool
) -> None:
    check(terminal, at_once, "run_unknown_deployment.sh", update_outputs)


def test_an_entrypoint_that_does_not_exist(
    terminal: Terminal, at_once: dict, update_outputs: bool
) -> None:
    check(terminal, at_once, "deploy_missing_entrypoint.sh", update_outputs)
    assert (
        api.deployment("hello-flow/hello-deployment").entrypoint
        == "hello_flow.py:hello_flow"
    )


def test_flow_deploy_from_python(
    terminal: Terminal, at_once: dict, update_outputs: bool
) -> None:
    check(terminal, at_once, "deploy_from_python.sh", update_outputs)
    deployment = api.deployment("hello-flow/hello-from-python")
    assert deployment.work_pool_name == "my-pool"
    assert deployment.entrypoint == "hello_flow.py:hello_flow"


def test_serve_runs_each_flow_run_in_a_new_process(
    terminal: Terminal, at_once: dict, update_outputs: bool
) -> None:
    serving: Background = at_once["serving"]
    banner = check(terminal, at_once, "serve.sh", update_outputs, output="serve.out")
    watched = check(terminal, at_once, "run_served.sh", update_outputs)
    run_id = created_run_id(watched.output)
    run = api.flow_run(run_id)
    assert run.state.type.value == "COMPLETED"
    assert api.deployment("hello-flow/hello-served").work_pool_name is None  # no pool

    # The serving terminal, after its banner, up to the end of that run.
    finished = serving.wait_for(
        rf"Flow run '{run.name}' - Finished in state Completed\(\)\n"
    )
    ran = check(
        terminal,
        at_once,
        "serve.sh",
        update_outputs,
        output="serve_ran.out",
        result=Result(0, serving.output[len(banner.output) : finished.end()]),
    )
    # The run's process is a new one, a child of the serving process.
    serving_pid = int(re.search(r"Serving from process (\d+)", banner.output)[1])
    said = r"Hello, world! \(process (\d+), started by process (\d+)\)"
    run_pid, parent_pid = map(int, re.search(said, ran.output).groups())
    assert run_pid != serving_pid and parent_pid == serving_pid, ran.output
    # It imported serve_hello.py again, but not as __main__: no second banner line.
    assert "Serving from process" not in ran.output
    # The same line, with the same ids, is in the run's log on the server.
    wait_until(
        lambda: re.search(said, ran.output)[0] in api.log_messages(run_id),
        timeout=30,
        what="the served run's log line on the server",
    )

    # Ctrl-C alone stops it; its deployment stays, paused when `serve` says so.
    before = len(serving.output)
    os.killpg(serving.process.pid, signal.SIGINT)
    serving.process.wait(timeout=60)
    stopped = check(
        terminal,
        at_once,
        "serve.sh",
        update_outputs,
        output="serve_stop.out",
        result=Result(0, serving.output[before:]),
    )
    api.assert_paused_as_reported("hello-flow/hello-served", stopped.output)


def test_the_worker_stops_on_ctrl_c(
    terminal: Terminal, worker: Background, at_once: dict, update_outputs: bool
) -> None:
    """Last: the page stops the worker once it no longer needs it."""
    before = len(worker.output)
    os.killpg(worker.process.pid, signal.SIGINT)
    worker.process.wait(timeout=60)
    check(
        terminal,
        at_once,
        "worker_start.sh",
        update_outputs,
        output="worker_stop.out",
        result=Result(0, worker.output[before:]),
    )
