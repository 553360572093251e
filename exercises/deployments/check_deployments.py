"""Check the exercise of "Deployments": run long_words.py, then ask your server about
the deployment it made and the run a worker made of it. Run it in your project
folder, with your server and a worker of my-pool running:

    uv run python check_deployments.py
"""

try:
    from lesson_check import REVISION, Check, run_check
except ImportError as error:
    if error.name != "lesson_check":
        raise
    REVISION = 0  # no lesson_check.py here, or a copy from before revisions
if REVISION < 3:
    raise SystemExit(
        "check_deployments.py needs lesson_check.py next to it, revision 3 or newer: it"
        " is in the lesson's download, and on the install lesson, under its exercise."
    )

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
    run = check.the_run_of(
        deployment,
        what="a run of it, started by the script",
        hint='run_deployment("word-count/long-words") starts one, and waits for it; '
        'see "Start runs from Python" on the page.',
    )
    check.worker_ran(run, worker=WORKER)
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
