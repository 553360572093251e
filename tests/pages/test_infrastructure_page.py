"""The dedicated infrastructure page: a task worker, a second work pool with its own
worker, work pool types, and a Dask cluster, each run for real against the session's
server."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import re
import shutil
import signal
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from uuid import UUID

import prefect.server.api
import pytest

from harness import REPO
from harness import prefect_api as api
from harness.netns import PrivateNetwork
from harness.prefect_server import FAST_POLLING, PrefectServer
from harness.reader_fixtures import Deployed, Installed, step
from harness.terminal import UUID as UUID_PATTERN
from harness.terminal import Result, Scenario, Terminal, id_after, part
from harness.waiting import wait_until

INF = "snippets/infrastructure"
STOP = (signal.SIGINT, signal.SIGTERM)


def background_tasks(scenario: Scenario, logs: Path) -> Scenario:
    """Tasks sent with .delay(): first with no task worker, then with each kind."""
    terminal = scenario.terminal
    scenario.run(f"{INF}/send_tasks.sh", key="no worker")
    scenario.seen["waiting"] = api.task_runs("count_words")
    with terminal.start(
        f"{INF}/serve_tasks.sh", log=logs / "task-serve.log", stop_signals=STOP
    ) as served:
        served.wait_for(r"Subscribing to runs of task\(s\): count_words\n")
        # The runs sent while no task worker ran were waiting on the server: the
        # worker runs them as soon as it subscribes.
        waiting = {run.id for run in scenario.seen["waiting"]}
        scenario.seen["caught up"] = wait_until(
            lambda: all(
                completed(run)
                for run in api.task_runs("count_words")
                if run.id in waiting
            ),
            timeout=60,
            what="the waiting runs of count_words completing",
        )
        # What the page shows of its terminal: up to the third run's last line.
        ran = served.wait_for(r"(?s)(Finished in state Completed\(\)\n.*){3}")
        scenario.results[f"{INF}/serve_tasks.sh"] = Result(
            0, served.output[: ran.end()]
        )
        scenario.run(f"{INF}/send_tasks.sh", key="prefect task serve")
    scenario.seen["serve stopped"] = served.output
    with terminal.start(
        f"{INF}/task_worker.sh", log=logs / "task-worker.log", stop_signals=STOP
    ) as from_python:
        from_python.wait_for(r"Subscribing to runs of task\(s\): count_words\n")
        scenario.run(f"{INF}/send_tasks.sh", key="task_worker.py")
    scenario.seen["task_worker.py stopped"] = from_python.output
    scenario.results[f"{INF}/task_worker.sh"] = Result(0, from_python.output)
    return scenario


def completed(run) -> bool:
    """Whether a task run is Completed. The server records a task run from its
    events, so a run read early may have no state yet."""
    return run.state is not None and run.state.is_completed()


def task_runs_on(api_url: str, ids: set[UUID] | None = None) -> dict[UUID, object]:
    """The runs of count_words on the server at `api_url`, by id (those of `ids`)."""
    runs = api.task_runs("count_words", outside_flows=True, api_url=api_url)
    return {run.id: run for run in runs if ids is None or run.id in ids}


def server_restart(
    project: Path, home: Path, logs: Path, template: Path | None
) -> Scenario:
    """Runs sent with no task worker, then a restart of the server: on a server of
    its own (the session's must stay up), on the same home and port."""
    server = PrefectServer(home=home).start(template)
    try:
        server.wait_until_ready()
        terminal = Terminal(cwd=project, home=home, api_url=server.api_url)
        scenario = Scenario(terminal)
        scenario.run(f"{INF}/send_tasks.sh", key="before restart")
        sent = task_runs_on(server.api_url)
        scenario.seen["sent"] = sent
        # .delay() wrote each run's parameters to task scheduling storage, by
        # default files under the sender's PREFECT_HOME/storage/parameters/
        scenario.seen["parameter files"] = {
            run.id: (
                home
                / "storage/parameters"
                / str(run.state.state_details.task_parameters_id)
            ).is_file()
            for run in sent.values()
        }
        server.stop()
        server = PrefectServer(home=home, port=server.port).start()
        server.wait_until_ready()
        with terminal.start(
            f"{INF}/serve_tasks.sh", log=logs / "after-restart.log", stop_signals=STOP
        ) as worker:
            worker.wait_for(r"Subscribing to runs of task\(s\): count_words\n")
            # The worker is up and takes runs: the ones sent now come back...
            scenario.run(f"{INF}/send_tasks.sh", key="after restart")
            new = set(task_runs_on(server.api_url)) - set(sent)
            wait_until(
                lambda: all(f"Received task run: {id}" in worker.output for id in new),
                timeout=30,
                what="the task worker receiving the runs sent after the restart",
            )
            # ...while the ones sent before the restart are still Scheduled: the
            # server's queue, in memory, started empty. (Without a restart, the
            # worker takes those first: test_a_task_worker_runs_delayed_tasks.)
            scenario.seen["after restart"] = task_runs_on(server.api_url, set(sent))
            scenario.seen["received before resend"] = worker.output
            scenario.run(f"{INF}/resend_waiting.sh")
            scenario.seen["resent"] = wait_until(
                lambda: (
                    all(
                        completed(run)
                        for run in task_runs_on(server.api_url, set(sent)).values()
                    )
                    and task_runs_on(server.api_url, set(sent))
                ),
                timeout=60,
                what="the runs sent again completing",
            )
        # A task worker with a PREFECT_HOME of its own, as on another machine: the
        # arguments .delay() stored are not in its storage.
        elsewhere = dataclasses.replace(terminal, home=home.parent / "other-machine")
        with elsewhere.start(
            f"{INF}/serve_tasks.sh", log=logs / "other-machine.log", stop_signals=STOP
        ) as other:
            other.wait_for(r"Subscribing to runs of task\(s\): count_words\n")
            sent = scenario.run(f"{INF}/send_tasks.sh", key="other machine")
            other.wait_for(r"(?s)(Failed to read parameters for task run.*){3}")
            found = re.findall(f"/runs/task-run/({UUID_PATTERN})", sent.output)
            created = {UUID(id) for id in found}
            scenario.seen["created elsewhere"] = created
            # The worker asks the server to delete them; the event .delay() sent
            # about each run can come after, and record the run again: gone or
            # Scheduled, never run.
            scenario.seen["after other machine"] = task_runs_on(server.api_url, created)
        scenario.seen["other machine"] = other.output
        return scenario
    finally:
        server.stop()


def own_pool(scenario: Scenario, logs: Path) -> Scenario:
    """A step sent to the gpu pool and its own worker; then the other pool types."""
    scenario.run(f"{INF}/deploy_to_gpu.sh")
    polling = scenario.terminal.with_env(**FAST_POLLING)
    with polling.start(f"{INF}/gpu_worker.sh", log=logs / "gpu-worker.log") as worker:
        worker.wait_for(r"Worker '.*' started!")
        scenario.run(f"{INF}/run_pipeline.sh")
        # the page: the training step's log line shows in the worker's terminal
        worker.wait_for(r"Training for 3 epochs on GPU 0")
    scenario.run(f"{INF}/create_pool_types.sh")
    scenario.run(f"{INF}/pool_variables.sh")
    scenario.run(f"{INF}/deploy_to_docker.sh")
    return scenario


def dask_cluster(scenario: Scenario, server_port: int, logs: Path) -> Scenario:
    """An existing Dask cluster on its default port, in a private network where the
    session's Prefect server answers on the reader's 4200."""
    with PrivateNetwork() as network:
        network.forward(4200, server_port)
        terminal = Terminal(
            **{
                **scenario.terminal.__dict__,
                "api_url": "http://127.0.0.1:4200/api",
                "wrap": network.wrap,
            }
        )
        scenario = Scenario(terminal)
        scenario.run(f"{INF}/run_dask_no_cluster.sh")
        with terminal.start(
            f"{INF}/dask_scheduler.sh",
            log=logs / "dask-scheduler.log",
            stop_signals=STOP,
        ) as scheduler:
            scheduler.wait_for(r"Scheduler at:\s+tcp://127\.0\.0\.1:8786")
            # The page: the Dask workers need no PREFECT_API_URL of their own, the
            # settings travel with each task. The square runs land on this server
            # all the same (test_an_existing_dask_cluster).
            no_api_url = dataclasses.replace(terminal, api_url=None)
            with no_api_url.start(
                f"{INF}/dask_worker.sh", log=logs / "dask-worker.log", stop_signals=STOP
            ) as workers:
                workers.wait_for(r"(?s)Registered to:.*Registered to:")
                scenario.run(f"{INF}/run_dask_cluster.sh")
        scenario.seen["scheduler"] = scheduler.output
    return scenario


@pytest.fixture(scope="module")
def parts(
    deployed: Deployed,
    prefect_server,
    session_dir: Path,
    database_template_path: Path | None,
) -> Iterator[dict[str, Future[Scenario]]]:
    """The page's parts, each in a terminal of its own, at the same time. The reader's
    project holds the page's Python files."""
    project = session_dir / "dedicated"
    project.mkdir()
    for path in (REPO / INF).glob("*.py"):
        shutil.copy(path, project)
    logs = session_dir / "infrastructure-logs"
    logs.mkdir()

    def new() -> Scenario:
        return Scenario(
            Terminal(
                cwd=project, home=prefect_server.home, api_url=prefect_server.api_url
            )
        )

    restart = session_dir / "restart"
    restart.mkdir()
    for path in (REPO / INF).glob("*.py"):
        shutil.copy(path, restart)

    with ThreadPoolExecutor(max_workers=4) as pool:
        yield {
            "background": pool.submit(background_tasks, new(), logs),
            "restart": pool.submit(
                server_restart,
                restart,
                session_dir / "restart-home",
                logs,
                database_template_path,
            ),
            "pool": pool.submit(own_pool, new(), logs),
            "dask": pool.submit(dask_cluster, new(), prefect_server.port, logs),
        }


def test_adding_prefect_dask(installed: Installed) -> None:
    added = step(installed.terminal, f"{INF}/add_prefect_dask.sh")
    assert added.result.returncode == 0, added.result.output
    assert "prefect-dask" in (installed.project / "pyproject.toml").read_text()


def test_delay_without_a_task_worker_waits_then_times_out(
    parts: dict, update_outputs: bool
) -> None:
    background = part(parts, "background")
    background.check(
        f"{INF}/send_tasks.sh",
        key="no worker",
        output=f"{INF}/send_tasks_no_worker.out",
        update=update_outputs,
    )
    # the three task runs waited on the server, Scheduled, for a worker
    waiting = background.seen["waiting"]
    assert [run.state.type.value for run in waiting] == ["SCHEDULED"] * 3


def test_a_task_worker_runs_delayed_tasks(parts: dict, update_outputs: bool) -> None:
    background = part(parts, "background")
    background.check(f"{INF}/serve_tasks.sh", update=update_outputs)
    assert background.seen["caught up"]  # the runs sent before it started, too
    background.check(
        f"{INF}/send_tasks.sh", key="prefect task serve", update=update_outputs
    )
    # the worker started from Python serves the same way
    from_python = background.results["task_worker.py"]
    assert from_python.returncode == 0, from_python.output
    assert background.terminal.present(from_python.output).splitlines()[-3:] == [
        "'Prefect runs this elsewhere': 4 words",
        "'one two three': 3 words",
        "'hello': 1 words",
    ]
    # three sends of three texts, each run once (the server records a task run's
    # states from its events, a moment after the worker printed them)
    runs = wait_until(
        lambda: (
            len(runs := api.task_runs("count_words")) == 9
            and all(completed(run) for run in runs)
            and runs
        ),
        timeout=30,
        what="9 completed runs of count_words",
    )
    # The page explains the UserWarning: a delayed run's last log line, "Finished
    # in state ...", is printed by the worker but never reaches the server.
    shown = (REPO / f"{INF}/serve_tasks.out").read_text()
    assert "UserWarning: Logger 'prefect.task_runs' attempted to send logs" in shown
    logged = api.task_run_log_messages(*{run.id for run in runs})
    assert not [message for message in logged if "Finished in state" in message]
    background.check(f"{INF}/task_worker.sh", update=update_outputs)
    # Ctrl-C stops either worker with one line, no traceback
    for stopped in ("serve stopped", "task_worker.py stopped"):
        output = background.seen[stopped]
        assert output.rstrip().endswith("Task worker interrupted, stopping..."), output
        assert "Traceback" not in output, output


def test_a_server_restart_loses_the_waiting_runs(
    parts: dict, update_outputs: bool
) -> None:
    restart = part(parts, "restart")
    before = restart.results["before restart"]
    assert before.returncode == 1, before.output  # no task worker: it gave up
    sent = restart.seen["sent"]
    assert [run.state.type.value for run in sent.values()] == ["SCHEDULED"] * 3
    # the parameters went to task scheduling storage, files in PREFECT_HOME/storage
    assert all(restart.seen["parameter files"].values()), restart.seen
    # After the restart, a task worker ran the runs sent then...
    after = restart.results["after restart"]
    assert after.returncode == 0, after.output
    # ...and never received those sent before it: they stayed Scheduled.
    still = restart.seen["after restart"]
    assert [run.state.type.value for run in still.values()] == ["SCHEDULED"] * 3
    received = restart.seen["received before resend"]
    assert not any(f"Received task run: {id}" in received for id in sent), received
    # Setting their state to Scheduled again put them back in the queue.
    restart.check(f"{INF}/resend_waiting.sh", update=update_outputs)
    assert all(run.state.is_completed() for run in restart.seen["resent"].values())


def test_a_task_worker_without_the_senders_storage(parts: dict) -> None:
    """The page: a worker that cannot read a run's arguments logs it and deletes
    the run."""
    restart = part(parts, "restart")
    sent = restart.results["other machine"]
    assert sent.returncode != 0, sent.output  # its runs never completed
    assert len(restart.seen["created elsewhere"]) == 3, sent.output
    output = restart.seen["other machine"]
    assert output.count("Failed to read parameters for task run") == 3, output
    assert "Received task run" in output and "Submitting task run" not in output
    left = restart.seen["after other machine"].values()
    assert all(run.state.type.value == "SCHEDULED" for run in left), left


def test_a_step_runs_on_its_own_pool(parts: dict, update_outputs: bool) -> None:
    pool = part(parts, "pool")
    pool.check(f"{INF}/deploy_to_gpu.sh", update=update_outputs)
    pool.check(f"{INF}/run_pipeline.sh", update=update_outputs)
    (pipeline,) = api.flow_runs_of("pipeline")
    (training,) = api.flow_runs_of("train-model")
    assert pipeline.state.is_completed() and training.state.is_completed()
    # the gpu pool's worker ran the training step, with the deployment's job
    # variables, as a child of the pipeline's run; the pipeline read its result
    assert training.work_pool_name == "gpu"
    assert training.parameters == {"epochs": 3}
    assert "Training for 3 epochs on GPU 0" in api.log_messages(training.id)
    assert api.task_run(training.parent_task_run_id).flow_run_id == pipeline.id
    assert "Loss after 3 epochs: 0.729" in api.log_messages(pipeline.id)


def test_work_pool_types_and_job_variables(parts: dict, update_outputs: bool) -> None:
    pool = part(parts, "pool")
    pool.check(f"{INF}/create_pool_types.sh", update=update_outputs)
    pool.check(f"{INF}/pool_variables.sh", update=update_outputs)
    pool.check(f"{INF}/deploy_to_docker.sh", update=update_outputs)
    assert {api.work_pool(name).type for name in ("my-docker-pool", "my-k8s-pool")} == {
        "docker",
        "kubernetes",
    }
    # Where `prefect work-pool create` runs with the type's package installed, the
    # template is the package's (these tests' environment has prefect-docker, for the
    # Docker page); without it, the server's: here (no internet) the copy that ships
    # with Prefect. The reader's project has neither package yet: the journey shows
    # its pools' variables, from that copy.
    from prefect_docker.worker import DockerWorker

    assert importlib.util.find_spec("prefect_kubernetes") is None
    shipped = json.loads(
        (
            Path(prefect.server.api.__file__).parent
            / "collections_data/views/aggregate-worker-metadata.json"
        ).read_text()
    )
    expected = {
        "my-docker-pool": DockerWorker.get_default_base_job_template(),
        "my-k8s-pool": shipped["prefect-kubernetes"]["kubernetes"][
            "default_base_job_configuration"
        ],
    }
    for name, template in expected.items():
        assert api.work_pool(name).base_job_template == template, name
    in_docker = api.deployment("train-model/in-docker")
    assert in_docker.job_variables == {
        "image": "registry.example.com/ml/train:2026-11",
        "mem_limit": "4g",
        "env": {"CUDA_VISIBLE_DEVICES": "0"},
    }
    # The server checks job variables against the pool's template: the page says a
    # value of the wrong type is refused before any worker sees it.
    message = api.deployment_refused(
        "train-model",
        "my-docker-pool",
        entrypoint="gpu_pipeline.py:train_model",
        job_variables={"mem_limit": 4},
    )
    assert "4 is not valid under any of the given schemas" in message


def test_an_existing_dask_cluster(parts: dict, update_outputs: bool) -> None:
    dask = part(parts, "dask")
    dask.check(f"{INF}/run_dask_no_cluster.sh", update=update_outputs)
    dask.check(f"{INF}/run_dask_cluster.sh", update=update_outputs)
    shown = dask.results[f"{INF}/run_dask_cluster.sh"].output
    run_id = id_after("/runs/flow-run/", shown)
    assert api.flow_run(run_id).state.is_completed()
    squares = api.task_runs("square", flow_run_id=run_id)
    assert len(squares) == 10 and all(run.state.is_completed() for run in squares)
    # the scheduler saw the flow's tasks: its workers ran them
    assert "Receive client connection" in dask.seen["scheduler"]
