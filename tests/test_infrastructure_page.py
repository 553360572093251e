"""The dedicated infrastructure page: a task worker, a second work pool with its own
worker, work pool types, and a Dask cluster, each run for real against the session's
server."""

from __future__ import annotations

import shutil
import signal
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import prefect_api as api
import pytest
from commands import REPO, Result, Scenario, Terminal, id_after, part
from netns import PrivateNetwork
from reader_fixtures import FAST_POLLING, Deployed, Installed, step

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
        banner = served.wait_for(r"Subscribing to runs of task\(s\): count_words\n")
        scenario.results[f"{INF}/serve_tasks.sh"] = Result(
            0, served.output[: banner.end()]
        )
        # The runs sent while no task worker ran were waiting on the server: the
        # worker runs them as soon as it subscribes.
        waiting = {run.id for run in scenario.seen["waiting"]}
        scenario.seen["caught up"] = api.eventually(
            lambda: all(
                run.state.is_completed()
                for run in api.task_runs("count_words")
                if run.id in waiting
            ),
            timeout=60,
            what="the waiting runs of count_words completing",
        )
        scenario.run(f"{INF}/send_tasks.sh", key="prefect task serve")
    with terminal.start(
        f"{INF}/task_worker.sh", log=logs / "task-worker.log", stop_signals=STOP
    ) as from_python:
        from_python.wait_for(r"Subscribing to runs of task\(s\): count_words\n")
        scenario.run(f"{INF}/send_tasks.sh", key="task_worker.py")
    return scenario


def own_pool(scenario: Scenario, logs: Path) -> Scenario:
    """A step sent to the gpu pool and its own worker; then the other pool types."""
    scenario.run(f"{INF}/deploy_to_gpu.sh")
    polling = scenario.terminal.with_env(**FAST_POLLING)
    with polling.start(f"{INF}/gpu_worker.sh", log=logs / "gpu-worker.log") as worker:
        worker.wait_for(r"Worker '.*' started!")
        scenario.run(f"{INF}/run_pipeline.sh")
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
            with terminal.start(
                f"{INF}/dask_worker.sh", log=logs / "dask-worker.log", stop_signals=STOP
            ) as workers:
                workers.wait_for(r"(?s)Registered to:.*Registered to:")
                scenario.run(f"{INF}/run_dask_cluster.sh")
        scenario.seen["scheduler"] = scheduler.output
    return scenario


@pytest.fixture(scope="module")
def parts(
    deployed: Deployed, prefect_server, session_dir: Path
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

    with ThreadPoolExecutor(max_workers=3) as pool:
        yield {
            "background": pool.submit(background_tasks, new(), logs),
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
    runs = api.task_runs("count_words")
    assert len(runs) == 9  # three sends of three texts, each run once
    assert all(run.state.is_completed() for run in runs)


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
