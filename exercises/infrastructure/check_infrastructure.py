"""Check the exercise of "Running work on dedicated infrastructure": run bonjour.py,
then ask your server about the deployment it made and the run a worker made of it.
Run it in your project folder, with your server and a worker of my-pool running:

    uv run python check_infrastructure.py
"""

try:
    from lesson_check import REVISION, Check, run_check
except ImportError as error:
    if error.name != "lesson_check":
        raise
    REVISION = 0  # no lesson_check.py here, or a copy from before revisions
if REVISION < 3:
    raise SystemExit(
        "check_infrastructure.py needs lesson_check.py next to it, revision 3 or "
        "newer: it is in the lesson's download, and on the install lesson, under its "
        "exercise."
    )

NAME = "greet/in-french"
WORKER = "uv run prefect worker start --pool my-pool"


def points(check: Check) -> None:
    deployment = check.the_deployment(
        NAME,
        hint="flow.from_source(source=..., entrypoint=...).deploy(name=...), as in "
        'the lesson on deployments. The flow is greet, so name="in-french" makes '
        "greet/in-french.",
    )
    check.point(
        "its work pool is my-pool",
        deployment.work_pool_name == "my-pool",
        found=deployment.work_pool_name,
        hint='work_pool_name="my-pool" in .deploy().',
    )
    env = (deployment.job_variables or {}).get("env") or {}
    check.point(
        "its job variables give every run GREETING=Bonjour",
        env.get("GREETING") == "Bonjour",
        found=f"job variables {deployment.job_variables or {}}",
        hint="A run's process gets its environment from the worker and from the job "
        "variable env, not from the script that deployed it. A deployment's job "
        'variables are for every run of it: .deploy(..., job_variables={"env": '
        '{"GREETING": "Bonjour"}}). See "Work pool types and job variables" on the '
        "page.",
    )
    run = check.the_run_of(
        deployment,
        what="a run of it, started by the script",
        hint='run_deployment("greet/in-french", timeout=...) starts one and waits '
        "for it.",
    )
    check.worker_ran(run, worker=WORKER)
    check.logs_have(
        run,
        "Bonjour, world!",
        like=", world!$",
        hint="The run says Hello when GREETING is not in its environment: see the "
        "job variables above.",
    )


if __name__ == "__main__":
    run_check(
        lesson="Running work on dedicated infrastructure",
        script="bonjour.py",
        points=points,
        needs_your_server=True,
    )
