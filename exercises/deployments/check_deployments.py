"""Check the exercise of "Deployments": run long_words.py, then ask your server about
the deployment it made and the run a worker made of it. Run it in your project
folder, with your server and a worker of my-pool running:

    uv run python check_deployments.py
"""

from prefect.client.schemas.filters import (
    DeploymentFilter,
    DeploymentFilterId,
    FlowRunFilter,
    FlowRunFilterExpectedStartTime,
)

try:
    from lesson_check import Check, run_check
except ModuleNotFoundError:
    raise SystemExit(
        "check_deployments.py needs lesson_check.py next to it: it is in the "
        "lesson's download, and on the lesson about flows."
    ) from None

NAME = "word-count/long-words"
WORKER = "uv run prefect worker start --pool my-pool"


def points(check: Check) -> None:
    deployment = check.the_deployment(
        NAME,
        hint="flow.from_source(source=..., entrypoint=...).deploy(name=...), as in "
        '"flow.deploy() from Python" on the page. The flow is word-count, so '
        'name="long-words" makes word-count/long-words.',
    )
    check.point(
        "its work pool is my-pool",
        deployment.work_pool_name == "my-pool",
        found=deployment.work_pool_name,
        hint='work_pool_name="my-pool" in .deploy().',
    )
    check.point(
        "its parameters say min_length=7, for every run of it",
        deployment.parameters.get("min_length") == 7,
        found=deployment.parameters,
        hint="The parameters of .deploy() are the deployment's: every run gets "
        "them unless it asks for others. parameters= in run_deployment() are that "
        'one run\'s only: .deploy(..., parameters={"min_length": 7}).',
    )
    runs = check.client.read_flow_runs(
        deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment.id])),
        flow_run_filter=FlowRunFilter(
            expected_start_time=FlowRunFilterExpectedStartTime(after_=check.started)
        ),
    )
    check.needed(
        "a run of it, started by the script",
        bool(runs),
        found="no run since the check started",
        hint='run_deployment("word-count/long-words") starts one, and waits for it; '
        'see "Start runs from Python" on the page.',
    )
    run = runs[0]
    check.point(
        "a worker ran it to Completed",
        run.state_name == "Completed",
        found=run.state_name,
        hint="A deployment's run waits for a worker of its pool. Start one in "
        f"Terminal 3: {WORKER}",
    )
    check.logs_have(
        run,
        "2 words of at least 7 letters",
        hint="The run counts with the deployment's min_length: see the points above.",
    )


if __name__ == "__main__":
    run_check(
        lesson="Deployments",
        script="long_words.py",
        points=points,
        needs_your_server=True,
    )
