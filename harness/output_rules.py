"""How the outputs the pages show may differ from run to run, and which commands fail.

The page itself says which command prints which output: the output block under a
command block (harness/page_steps.py reads them; the journey follows them, and a page's
own test names the commands it runs, once, where it runs them). What a page cannot say
is how a fresh run may differ from the recorded one without being wrong (races,
measurements, process ids), and that a command is meant to fail: `RULES` says so for
each output that needs it, keyed by the shown file. Any other output must match line
for line, from a command that exits with 0.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """How a fresh run's output may differ from the shown one, and its exit status."""

    ordered: bool = True
    """False when the lines come in a different order each time (parallel work)."""
    optional: tuple[str, ...] = ()
    """Patterns of lines that a run prints or not, depending on a race."""
    figures: tuple[str, ...] = ()
    """Patterns of lines whose numbers are measurements (counts, seconds): the page
    shows those of the last refresh; a new run must say the same with its own."""
    returncode: int = 0
    """The exit status of the command whose output this is."""


S = "snippets"
# `--watch` prints the run's events from the moment its subscription is up; on a busy
# machine that can be after the first few. The event lines (and the ends of those the
# terminal wraps) may or may not be there; the rest of the output must match, and the
# tests check the run's end through the API.
WATCH = {
    "ordered": False,
    "optional": (r"^● ", r"^<uuid>$", r"^prefect\.flow-run\.<uuid>$"),
}
# `prefect deploy` ends with a hint to start a worker unless one polled the pool lately:
# whether it does depends on what the reader left running, which the pages leave open.
WORKER_HINT = (
    r"^To execute flow runs from (these deployments|this deployment), start a worker",
    r"^terminal that pulls work from the '[\w-]+' work pool:$",
    r"^work pool:$",
    r"^\s+\$ prefect worker start --pool '[\w-]+'$",
)
DEPLOY = {"optional": WORKER_HINT}
# A Dask scheduler that does not answer: the connection is refused at once or times
# out, depending on the machine's load, and the chain of exceptions under the final
# OSError differs with it. The log lines and the OSError must match.
NO_DASK = {
    "optional": (
        r"^Traceback \(most recent call last\):$",
        r"^  \.\.\.$",
        r"^The above exception was the direct cause of the following exception:$",
        r"^ConnectionRefusedError: ",
        r"^distributed\.comm\.core\.CommClosedError: ",
        r"^asyncio\.exceptions\.CancelledError$",
        r"^TimeoutError$",
    )
}
# A task worker runs the waiting runs at the same time: their lines interleave. Prefect
# warns, for some of them and not others, that it could not send a run's last log
# line to the server (the page says why).
TASK_WORKER = {
    "ordered": False,
    "optional": (
        r"UserWarning: Logger 'prefect\.task_runs' attempted to send logs",
        r"^  self\.logger\.log\(level, msg",
    ),
}
UNRESOLVED = {
    "optional": (
        r"Task run failed with exception: LookupError\('no such item: towel'\)$",
        r"^Traceback \(most recent call last\):$",
        r"^  \.\.\.$",
        r"^LookupError: no such item: towel$",
        r"Finished in state Failed\('Task run encountered an exception LookupError",
        r"Crash detected! Execution was interrupted by an unexpected exception: "
        r"CancelledError: Task run cancelled by the task runner$",
        r"Finished in state Crashed\('Execution was interrupted by an unexpected "
        r"exception: CancelledError: Task run cancelled by the task runner'\)$",
    )
}
# slow_export.py prints a row a second
ROWS = (r"^row \d+ of 60$",)
# slow_count.py prints a number a second
COUNTING = {"optional": (r"Flow run '[^']+' - \d+$",)}
# The load test's measurements: how long it took, and which worker took how many.
LOAD = {
    "figures": (
        r"^Queued \d+ runs of .* in [\d.]+ s$",
        r"^All \d+ ended within \d+ s:$",
        r"^ +worker-[ab] started \d+$",
    )
}
# pytest says how long the session took.
PYTEST = {"figures": (r"^\d+ passed.* in [\d.]+s$",)}
# Retries with jitter: each delay is drawn at random around the backoff.
JITTER = {"figures": (r"Retry \d/\d will start [\d.]+ second\(s\) from now$",)}
# Process ids, which differ from run to run.
PIDS = (r"\bprocess \d+", r"\(PID \d+\)")
# A script that ends right after its last call to the server: Prefect sends the
# events still queued before the process ends, and may say so while it waits.
STILL_SENDING = (
    r"\| WARNING \| EventsWorker - Still processing items: \d+ items remaining\.\.\.$"
)
RULES: dict[str, Rule] = {
    f"{S}/server/docker_server_port_taken.out": Rule(returncode=125),
    # a failure that travels up: the task, the subflow, the parent, the script
    f"{S}/compose/run_sales_report_mars.out": Rule(returncode=1),
    f"{S}/compose/run_logger_outside_a_run.out": Rule(returncode=1),
    # slow_export.py writes a row a second until it is stopped: how many rows come
    # before the stop depends on the machine
    f"{S}/react/slow_export_crashed.out": Rule(optional=ROWS, returncode=130),
    f"{S}/react/serve_cancelled.out": Rule(optional=ROWS),
    f"{S}/react/emit_without_resource.out": Rule(returncode=1),
    f"{S}/human/decide_wrong_type.out": Rule(returncode=1),
    # when each call gets a slot depends on the random Retry-After the server sends
    f"{S}/scaling/run_weather_calls.out": Rule(figures=(r"^call \d at [\d.]+ s$",)),
    # The tag limit promises no more than 2 at once; how many did overlap depends on
    # when the waiting ones asked again (1 on a busy machine). The page's test checks
    # the promise through the API: test_a_tag_limit_caps_the_task_runs_with_that_tag.
    f"{S}/scaling/run_warehouse_loads.out": Rule(
        figures=(r"^\d+ loads, at most \d+ at a time$",)
    ),
    # how long ago the artifacts were updated: "3 seconds ago", or 2
    f"{S}/results/artifact_ls.out": Rule(figures=(r"│ \d+ seconds ago │$",)),
    f"{S}/results/run_library_logs.out": Rule(optional=(STILL_SENDING,)),
    f"{S}/results/run_library_logs_quiet.out": Rule(optional=(STILL_SENDING,)),
    f"{S}/config/deploy_totals.out": Rule(**DEPLOY),
    f"{S}/config/change_variable.out": Rule(returncode=1),
    f"{S}/config/load_missing_secret.out": Rule(returncode=1),
    # the script ends right after saving: Prefect may still be sending its events
    f"{S}/config/run_registry_credentials.out": Rule(optional=(STILL_SENDING,)),
    f"{S}/cloud/managed_pool.out": Rule(returncode=1),
    f"{S}/deployments/deploy_non_interactive.out": Rule(**DEPLOY),
    f"{S}/deployments/deploy_from_yaml.out": Rule(**DEPLOY),
    f"{S}/deployments/worker_stop.out": Rule(figures=PIDS),
    f"{S}/deployments/run_deployment_watch.out": Rule(**WATCH),
    f"{S}/deployments/deploy_greet.out": Rule(**DEPLOY),
    f"{S}/deployments/run_greet.out": Rule(**WATCH),
    f"{S}/deployments/run_greet_wrong_type.out": Rule(returncode=1),
    f"{S}/deployments/run_unknown_deployment.out": Rule(returncode=1),
    f"{S}/deployments/deploy_missing_entrypoint.out": Rule(returncode=1),
    f"{S}/deployments/run_greet_greeting_refused.out": Rule(returncode=1),
    f"{S}/deployments/deploy_greet_again.out": Rule(**DEPLOY),
    f"{S}/deployments/run_greet_greeting.out": Rule(**WATCH),
    # the serving process and each run's process print their process ids
    f"{S}/deployments/serve.out": Rule(figures=PIDS),
    f"{S}/deployments/serve_ran.out": Rule(figures=PIDS),
    # Ctrl-C cuts the pause short at times: then the second line is missing
    f"{S}/deployments/serve_stop.out": Rule(
        optional=("All deployments have been paused!$",)
    ),
    f"{S}/deployments/run_served.out": Rule(**WATCH),
    f"{S}/deployments/deploy_from_python.out": Rule(**DEPLOY),
    f"{S}/git/deploy_from_git.out": Rule(**DEPLOY),
    f"{S}/git/deploy_from_yaml.out": Rule(**DEPLOY),
    f"{S}/git/deploy_wrong_entrypoint.out": Rule(returncode=1),
    f"{S}/git/run_moved_away.out": Rule(returncode=1, **WATCH),
    f"{S}/docker/deploy_to_docker.out": Rule(**DEPLOY),
    f"{S}/docker/run_in_docker.out": Rule(**WATCH),
    # the worker logs the container's status from a thread of its own: "has status
    # 'running'" comes before or after "submitted to infrastructure"
    f"{S}/docker/worker_in_docker.out": Rule(ordered=False),
    f"{S}/docker/worker_job_variables.out": Rule(ordered=False),
    f"{S}/docker/run_missing_image.out": Rule(returncode=1, **WATCH),
    f"{S}/docker/run_without_docker.out": Rule(returncode=1, **WATCH),
    f"{S}/scheduling/deploy_interval.out": Rule(**DEPLOY),
    f"{S}/scheduling/deploy_cron.out": Rule(**DEPLOY),
    f"{S}/scheduling/deploy_rrule.out": Rule(**DEPLOY),
    f"{S}/scheduling/deploy_schedules_yaml.out": Rule(**DEPLOY),
    f"{S}/scheduling/deploy_with_schedules.out": Rule(**DEPLOY),
    f"{S}/infrastructure/send_tasks_no_worker.out": Rule(returncode=1),
    f"{S}/infrastructure/serve_tasks.out": Rule(**TASK_WORKER),
    f"{S}/infrastructure/task_worker.out": Rule(**TASK_WORKER),
    f"{S}/infrastructure/run_dask_no_cluster.out": Rule(returncode=1, **NO_DASK),
    f"{S}/failure/run_retry_states.out": Rule(**JITTER),
    # how far the run counts before it is killed or cancelled varies
    f"{S}/failure/worker_crashed.out": Rule(**COUNTING),
    f"{S}/failure/worker_cancelled.out": Rule(**COUNTING),
    f"{S}/failure/run_without_server.out": Rule(returncode=1),
    f"{S}/failure/deploy_all.out": Rule(returncode=1),
    f"{S}/testing/run_tests.out": Rule(**PYTEST),
    # curl says how long it tried: "after 0 ms"
    f"{S}/security/from_another_machine_refused.out": Rule(
        returncode=7, figures=("^curl: \\(7\\) Failed to connect",)
    ),
    f"{S}/security/run_hello_flow_wrong_auth.out": Rule(returncode=1),
    f"{S}/security/run_deployment_auth.out": Rule(**WATCH),
    # ss lists the two sockets in either order
    f"{S}/security/listening_behind_proxy.out": Rule(ordered=False),
    f"{S}/security/run_hello_flow_untrusted.out": Rule(returncode=1),
    f"{S}/scaling/server_wrong_password.out": Rule(returncode=3),
    f"{S}/redis/server_workers_sqlite.out": Rule(returncode=1),
    f"{S}/redis/server_workers_postgres.out": Rule(returncode=1),
    f"{S}/scaling/load_test_postgres.out": Rule(**LOAD),
    f"{S}/scaling/load_test_sqlite.out": Rule(**LOAD),
    # six tasks fail side by side: their lines come in whatever order they fail
    f"{S}/scaling/limited_queries_no_limit.out": Rule(returncode=1, ordered=False),
    f"{S}/parallel/run_parallel_tasks.out": Rule(ordered=False),
    # forgetful's task fails, or, when the flow returns before it begins, is cancelled
    # by the closing task runner (Crashed): either way the flow Completed
    f"{S}/parallel/run_unresolved_futures.out": Rule(**UNRESOLVED),
    # clean_up and summarize start together once load_rows has failed
    f"{S}/parallel/run_nightly_load.out": Rule(ordered=False),
    # With no limit, every thumbnail starts at once: 6 on a quiet machine; on a busy
    # one, the first may end before the last begins.
    "exercises/parallel/check_wrong_no_limit.out": Rule(
        figures=(r"^      found: \d+ at once$",), returncode=1
    ),
}


# What an exercise's check printed for an attempt (harness/exercises.py): it passes
# (exit 0) on the solution only.
EXERCISE_CHECK = re.compile(r"^exercises/[\w-]+/check_(?P<attempt>\w+)\.out$")


def rule(output: str | None) -> Rule:
    """How a shown output may vary, and the status its command ends with."""
    if output in RULES:
        return RULES[output]
    if found := EXERCISE_CHECK.match(output or ""):
        return Rule(returncode=0 if found.group("attempt") == "solution" else 1)
    return Rule()


# Commands that behave differently without a terminal, run by the tests in a
# pseudo-terminal as a reader runs them (the journey types every command into one).
# `prefect deploy` asks no questions without one, and with a prefect.yaml that holds one
# deployment it starts from that one even for another name.
IN_A_TERMINAL = {
    f"{S}/architecture/deploy_unattended.sh",
    f"{S}/deployments/deploy_from_python.sh",
    f"{S}/deployments/deploy_from_yaml.sh",
    f"{S}/deployments/deploy_greet.sh",
    f"{S}/deployments/deploy_greet_again.sh",
    f"{S}/deployments/deploy_interactive.sh",
    f"{S}/deployments/deploy_missing_entrypoint.sh",
    f"{S}/scheduling/deploy_cron.sh",
    f"{S}/scheduling/deploy_interval.sh",
    f"{S}/scheduling/deploy_rrule.sh",
    f"{S}/scheduling/deploy_schedules_yaml.sh",
    f"{S}/scheduling/deploy_with_schedules.sh",
    f"{S}/security/run_hello_flow_auth.sh",
    f"{S}/security/save_auth_string.sh",
}

# Python snippets that only make sense run by their command, not in the test process:
# they serve until stopped, need a worker, or print what the server holds at that
# point of the course (a variable, a block, a deployment). test_snippets.py leaves
# them to their commands, and checks that a command on their page runs each of them.
COMMAND_ONLY = {
    "snippets/redis/burst.py",
    "snippets/redis/count_records.py",
    "snippets/results/sales_results.py",
    "snippets/results/run_logs.py",
    "snippets/scaling/warehouse_loads.py",
    "snippets/scaling/weather_calls.py",
    "snippets/human/refund.py",
    "snippets/human/decide.py",
    "snippets/human/impatient_refund.py",
    "snippets/human/big_refund.py",
    "snippets/react/hooks.py",
    "snippets/react/slow_export.py",
    "snippets/react/receiver.py",
    "snippets/react/notify_on_failure.py",
    "snippets/react/publish_report.py",
    "snippets/react/serve_reports.py",
    "snippets/config/deployment_parameters.py",
    "snippets/config/regional_totals.py",
    "snippets/config/registry_credentials.py",
    "snippets/config/save_secret.py",
    "snippets/config/use_secret.py",
    "snippets/compose/logger_outside_a_run.py",
    "snippets/deployments/serve_hello.py",
    "snippets/deployments/deploy_from_python.py",
    "snippets/deployments/run_from_python.py",
    "snippets/architecture/run_state.py",
    "snippets/git/deploy_from_git.py",
    "snippets/git/deploy_wrong_entrypoint.py",
    "snippets/docker/deploy_to_docker.py",
    "snippets/docker/last_run.py",
    "snippets/scheduling/upcoming_runs.py",
    "snippets/scheduling/deploy_with_schedules.py",
    "snippets/scheduling/serve_every_minute.py",
    "snippets/infrastructure/send_tasks.py",
    "snippets/infrastructure/task_worker.py",
    "snippets/infrastructure/resend_waiting.py",
    "snippets/infrastructure/gpu_pipeline.py",
    "snippets/infrastructure/deploy_to_gpu.py",
    "snippets/infrastructure/pool_variables.py",
    "snippets/infrastructure/deploy_to_docker.py",
    "snippets/infrastructure/dask_cluster.py",
    "snippets/failure/caching.py",
    "snippets/failure/crash_zombies.py",
    "snippets/failure/run_history.py",
    "snippets/failure/trigger_once.py",
    "snippets/testing/conftest.py",
    "snippets/testing/test_pipeline.py",
    "snippets/scaling/deploy_load_test.py",
    "snippets/scaling/load_test.py",
    "snippets/scaling/limited_queries.py",
}
