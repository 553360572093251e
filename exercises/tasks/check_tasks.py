"""Check the exercise of "Tasks": run fetch_pages.py, then ask the Prefect server
what its flow run and task runs recorded. Run it in your project folder:

    uv run python check_tasks.py
"""

try:
    from lesson_check import REVISION, Check, run_check
except ImportError as error:
    if error.name != "lesson_check":
        raise
    REVISION = 0  # no lesson_check.py here, or a copy from before revisions
if REVISION < 2:
    raise SystemExit(
        "check_tasks.py needs lesson_check.py next to it, revision 2 or newer: it is in"
        " the lesson's download, and on the install lesson, under its exercise."
    )

SEE_RETRIES = 'See "What a task gives you over a function" on the page.'


def points(check: Check) -> None:
    run = check.the_flow_run(
        "fetch-pages", hint='Keep the flow of the starter, @flow(name="fetch-pages").'
    )
    task_runs = check.task_runs(run, "fetch_page")
    check.needed(
        "its calls of fetch_page are task runs",
        bool(task_runs),
        found="no task run of fetch_page",
        hint="@task above def fetch_page makes every call of it a task run. See "
        '"From functions to tasks" on the page.',
    )
    retried = [task_run for task_run in task_runs if task_run.run_count > 1]
    check.point(
        "a task run that failed ran again, and then worked",
        any(task_run.state_name == "Completed" for task_run in retried),
        found="task runs "
        + ", ".join(
            f"{task_run.state_name} (ran {task_run.run_count}x)"
            for task_run in task_runs
        ),
        hint="A task runs again after it raises only if it has retries: "
        f"@task(retries=1). {SEE_RETRIES}",
    )
    check.point(
        "3 task runs of fetch_page, one per page",
        len(task_runs) == 3,
        found=f"{len(task_runs)} task runs of fetch_page",
        hint="Each call of a task is one task run, and a retry stays in the same "
        "task run: more than 3 means pages were fetched again."
        if len(task_runs) > 3
        else "Fewer than 3: the flow stopped at the page that failed.",
    )
    check.point(
        "the flow run ended Completed",
        run.state_name == "Completed",
        found=f"{run.state_name}: {run.state.message}" if run.state else None,
        hint="The flow fails when a task it calls raises and is not retried.",
    )
    check.point(
        "the flow run ran once",
        run.run_count == 1,
        found=f"it ran {run.run_count} times",
        hint="retries on @flow run the whole flow again, every page with it. Retry "
        f"the step that fails instead: @task(retries=1). {SEE_RETRIES}",
    )


if __name__ == "__main__":
    run_check(lesson="Tasks", script="fetch_pages.py", points=points)
