"""The deployments page: every command run for real against the session's server,
with a real process worker and a real `serve` process."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import prefect_api as api
import pytest
from commands import Background, Result, Terminal, assert_shown, id_after
from pty_session import ENTER, Question
from reader_fixtures import FAST_POLLING, Deployed, the_run

D = "snippets/deployments"


@pytest.fixture(scope="module")
def terminal(deployed: Deployed) -> Terminal:
    """The reader's terminal in their project, after the interactive deploy."""
    return deployed.terminal


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
        the_run(f"{D}/deploy_interactive.sh", output=f"{D}/deploy_interactive.out"),
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
    terminal.check(the_run(f"{D}/deploy_non_interactive.sh"), update=update_outputs)
    terminal.check(the_run(f"{D}/deploy_from_yaml.sh"), update=update_outputs)
    assert api.deployment("hello-flow/hello-deployment").work_pool_name == "my-pool"


def test_a_worker_runs_the_deployment(
    terminal: Terminal, worker: Background, update_outputs: bool
) -> None:
    created = terminal.check(the_run(f"{D}/run_deployment.sh"), update=update_outputs)
    run_id = created_run_id(created.output)
    run = api.wait_for_final_state(run_id)
    assert run.state.type.value == "COMPLETED", run.state
    api.wait_for_log(run_id, "Hello, world!")

    # The worker's terminal, up to the end of that run.
    finished = worker.wait_for(
        rf"Flow run '{run.name}' - Finished in state Completed\(\)\n"
    )
    terminal.check(
        the_run(f"{D}/worker_start.sh"),
        update=update_outputs,
        result=Result(0, worker.output[: finished.end()]),
    )


@pytest.fixture(scope="module")
def at_once(
    terminal: Terminal,
    worker: Background,
    session_dir: Path,
    update_outputs: bool,
    unattended: Future,
) -> Iterator[dict[str, Future[Result]]]:
    """The rest of the page's commands, all started at once, as from several terminals.

    Each is independent of the others once greet.py is deployed; run together they
    take the time of the slowest instead of the sum. Each test below checks its own.
    (`unattended`, the architecture page's Late run, waits in the background too.)
    """
    # At a terminal, `prefect deploy` asks about schedules (none for this one) and
    # offers to save the new deployment in prefect.yaml, next to hello-deployment.
    terminal.check(
        the_run(f"{D}/deploy_greet.sh"),
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

    with serving, ThreadPoolExecutor(max_workers=8) as pool:
        started = {
            command: pool.submit(terminal.run_as_registered, the_run(f"{D}/{command}"))
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
        started["serving"] = serving
        started["serve.sh"] = pool.submit(banner_of, serving)
        yield started


SERVE_BANNER_END = r"You can also run your flow via the Prefect UI: .*\n"


def banner_of(serving: Background) -> Result:
    """What `serve` printed, up to the end of its banner."""
    end = serving.wait_for(SERVE_BANNER_END).end()
    return Result(0, serving.output[:end])


def check(terminal: Terminal, at_once: dict, command: str, update: bool) -> Result:
    return terminal.check(
        the_run(f"{D}/{command}"),
        update=update,
        result=at_once[command].result(timeout=300),
    )


def test_watch_follows_the_run_to_its_end(
    terminal: Terminal, at_once: dict, update_outputs: bool
) -> None:
    watched = check(terminal, at_once, "run_deployment_watch.sh", update_outputs)
    assert "Flow run finished successfully in 'Completed'." in watched.output
    assert api.flow_run(created_run_id(watched.output)).state.type.value == "COMPLETED"


def test_parameters_reach_the_flow(
    terminal: Terminal, at_once: dict, update_outputs: bool
) -> None:
    watched = check(terminal, at_once, "run_greet.sh", update_outputs)
    run_id = created_run_id(watched.output)
    assert api.flow_run(run_id).parameters == {"name": "Marvin", "times": 2}
    api.wait_for_log(run_id, "Hello, Marvin! Hello, Marvin!")


def test_a_parameter_of_the_wrong_type_creates_no_run(
    terminal: Terminal, at_once: dict, update_outputs: bool
) -> None:
    check(terminal, at_once, "run_greet_wrong_type.sh", update_outputs)
    assert all(
        run.parameters.get("times") != "twice"
        for run in api.flow_runs("greet/greet-deployment")
    )


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


def test_serve_runs_its_flow_without_a_worker_or_pool(
    terminal: Terminal, at_once: dict, update_outputs: bool
) -> None:
    check(terminal, at_once, "serve.sh", update_outputs)
    watched = check(terminal, at_once, "run_served.sh", update_outputs)
    run_id = created_run_id(watched.output)
    assert api.flow_run(run_id).state.type.value == "COMPLETED"
    api.wait_for_log(run_id, "Hello, world!")
    assert api.deployment("hello-flow/hello-served").work_pool_name is None  # no pool
    # Ctrl-C stops it; its deployment stays, paused when `serve` says so.
    output = at_once["serving"].stop()
    api.assert_paused_as_reported("hello-flow/hello-served", output)
