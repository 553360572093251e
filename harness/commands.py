"""Shell commands that pages show, and which runs of them the tests make.

Every command a page shows is a file under `snippets/<page>/` (`.sh`), included into the
page as it is, and run as it is by the tests: `bash -e FILE` in the folder a reader
would be in, with the Prefect server's address and home given through the environment.

`RUNS` lists each run of a command that a page's own test makes (`dedicated=True`), in
the context it needs, and how the output of each may vary (races, measurements) and
with which status it ends: the journey (journey.py), which runs every command of the
pages it follows, reads that here too, also for the runs only it makes.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Run:
    command: str
    """The `.sh` snippet, from the repository root."""
    output: str | None = None
    """The `.out` file the page shows, if it shows the output."""
    returncode: int = 0
    ordered: bool = True
    """False when the lines come in a different order each time (parallel work)."""
    optional: tuple[str, ...] = ()
    """Patterns of lines that a run prints or not, depending on a race."""
    figures: tuple[str, ...] = ()
    """Patterns of lines whose numbers are measurements (counts, seconds): the page
    shows those of the last refresh; a new run must say the same with its own."""
    dedicated: bool = False
    """True when a page's own test runs it, in the environment it needs; the others
    only the journey runs (their entry says how the output may vary)."""
    tty: bool = False
    """Run it in a pseudo-terminal, as a reader does. `prefect deploy` behaves
    differently without one: it asks no questions, and with a prefect.yaml that holds
    one deployment it starts from that one even for another name."""

    @property
    def id(self) -> str:
        return self.output or self.command


def _out(command: str) -> str:
    return command.removesuffix(".sh") + ".out"


def shown(command: str, output: str | None = None, **options) -> Run:
    """A run of `command` that only the journey makes, whose output a page shows:
    NAME.out next to it, unless `output` names another file."""
    return Run(command, output or _out(command), **options)


def dedicated(command: str, output: str | bool = True, **options) -> Run:
    """A run that a page's own test makes, in the environment it needs; `output`:
    True for NAME.out, False when the page shows no output, or a file name."""
    if output is True:
        output = _out(command)
    return Run(command, output or None, dedicated=True, **options)


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
# `uvx` installs the tool into its cache on first use, and says so before the tool's
# own output; later runs take it from the cache and say nothing.
UVX = {
    "optional": (
        r"^Installed \d+ packages? in [\d.]+m?s$",
        r"^ *Download(ing|ed) ",
    )
}
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
RUNS = [
    # install.md: the reader's new project, reader_fixtures.installed
    dedicated(f"{S}/install/create_project.sh", output=False),
    dedicated(f"{S}/install/prefect_version.sh"),
    dedicated(f"{S}/install/quiet_settings.sh"),
    # flows.md and tasks.md: the journey runs every command and compares every output
    # (harness/journey.py). These are run again by their pages' own tests:
    # with no server configured, as on a fresh install: reader_fixtures.first_run
    dedicated(
        f"{S}/flows/run_hello_flow.sh", f"{S}/flows/run_hello_flow_temporary_server.out"
    ),
    # copied alone into the install page's new project: test_install_page.py
    shown(f"{S}/flows/run_hello_flow.sh"),
    # a first run on a new home, after one that timed out: test_flows_page.py
    dedicated(f"{S}/flows/run_hello_flow_more_time.sh", output=False),
    # test_tasks_page.py: what reaches the server, checked through the API
    dedicated(f"{S}/tasks/run_task_without_flow.sh"),
    # server.md: in a private network namespace, test_server_page.py
    # started in a pseudo-terminal, where it may switch profiles and say so
    dedicated(f"{S}/server/start_server.sh"),
    # on a free port, out of a terminal: no profile to switch to, and no check
    dedicated(
        f"{S}/server/uvx_server.sh",
        f"{S}/server/start_server.out",
        optional=(*UVX["optional"], r"^Switched to profile 'local'$"),
    ),
    dedicated(f"{S}/server/profile_ls.sh"),
    dedicated(f"{S}/server/use_local_profile.sh"),
    dedicated(f"{S}/server/config_view.sh"),
    dedicated(f"{S}/server/config_view.sh", f"{S}/server/config_view_set.out"),
    dedicated(f"{S}/server/set_api_url.sh"),
    dedicated(f"{S}/server/export_api_url.sh"),
    dedicated(f"{S}/server/server_other_port.sh"),
    dedicated(f"{S}/server/ui_settings.sh"),
    dedicated(f"{S}/server/ui_settings.sh", f"{S}/server/ui_settings_fixed.out"),
    dedicated(f"{S}/server/server_other_port_fixed.sh", output=False),
    dedicated(f"{S}/server/server_port_setting.sh", output=False),
    # another way to start the server: in Docker, in a private network namespace
    dedicated(f"{S}/server/docker_server_exposed.sh", output=False),
    dedicated(f"{S}/server/docker_server_local.sh", output=False),
    # ... while the reader's own server holds port 4200: Docker's error
    dedicated(
        f"{S}/server/docker_server_local.sh",
        f"{S}/server/docker_server_port_taken.out",
        returncode=125,
    ),
    # deployments.md: test_deployments_page.py, against the session's server
    dedicated(f"{S}/deployments/deploy_interactive.sh", tty=True),
    dedicated(
        f"{S}/deployments/deploy_interactive.sh",
        f"{S}/deployments/deploy_interactive_questions.out",
        tty=True,
    ),
    dedicated(f"{S}/deployments/deploy_non_interactive.sh", **DEPLOY),
    dedicated(f"{S}/deployments/deploy_from_yaml.sh", tty=True, **DEPLOY),
    dedicated(f"{S}/deployments/worker_start.sh"),
    # the worker's terminal: the lines of one run, then what Ctrl-C prints
    dedicated(f"{S}/deployments/worker_start.sh", f"{S}/deployments/worker_greet.out"),
    dedicated(
        f"{S}/deployments/worker_start.sh", f"{S}/deployments/worker_greeting.out"
    ),
    dedicated(
        f"{S}/deployments/worker_start.sh",
        f"{S}/deployments/worker_stop.out",
        figures=PIDS,
    ),
    dedicated(f"{S}/deployments/run_deployment.sh"),
    dedicated(f"{S}/deployments/run_deployment_watch.sh", **WATCH),
    dedicated(f"{S}/deployments/deploy_greet.sh", tty=True, **DEPLOY),
    dedicated(f"{S}/deployments/run_greet.sh", **WATCH),
    dedicated(f"{S}/deployments/run_greet_wrong_type.sh", returncode=1),
    dedicated(f"{S}/deployments/run_unknown_deployment.sh", returncode=1),
    dedicated(f"{S}/deployments/deploy_missing_entrypoint.sh", returncode=1, tty=True),
    dedicated(
        f"{S}/deployments/run_greet_greeting.sh",
        f"{S}/deployments/run_greet_greeting_refused.out",
        returncode=1,
    ),
    dedicated(f"{S}/deployments/deploy_greet_again.sh", tty=True, **DEPLOY),
    dedicated(f"{S}/deployments/run_greet_greeting.sh", **WATCH),
    # the serving process and each run's process print their process ids
    dedicated(f"{S}/deployments/serve.sh", figures=PIDS),
    dedicated(
        f"{S}/deployments/serve.sh", f"{S}/deployments/serve_ran.out", figures=PIDS
    ),
    # Ctrl-C cuts the pause short at times: then the second line is missing
    dedicated(
        f"{S}/deployments/serve.sh",
        f"{S}/deployments/serve_stop.out",
        optional=(r"All deployments have been paused!$",),
    ),
    dedicated(f"{S}/deployments/run_served.sh", **WATCH),
    dedicated(f"{S}/deployments/deploy_from_python.sh", tty=True, **DEPLOY),
    dedicated(f"{S}/deployments/run_from_python.sh"),
    # architecture.md: test_architecture_page.py
    dedicated(f"{S}/architecture/create_idle_pool.sh", output=False),
    dedicated(f"{S}/architecture/deploy_unattended.sh", output=False, tty=True),
    dedicated(f"{S}/architecture/run_unattended.sh"),
    dedicated(f"{S}/architecture/run_state.sh"),
    dedicated(f"{S}/architecture/worker_nobody_home.sh"),
    # git.md: only the journey runs it (a repository it serves, a worker elsewhere)
    shown(f"{S}/git/deploy_from_git.sh", **DEPLOY),
    shown(f"{S}/git/deploy_from_yaml.sh", **DEPLOY),
    shown(f"{S}/git/deploy_wrong_entrypoint.sh", returncode=1),
    shown(f"{S}/git/run_moved_away.sh", returncode=1, **WATCH),
    # docker.md: only the journey runs it (a Docker Engine it starts)
    shown(f"{S}/docker/deploy_to_docker.sh", **DEPLOY),
    shown(f"{S}/docker/run_in_docker.sh", **WATCH),
    # the worker logs the container's status from a thread of its own: "has status
    # 'running'" comes before or after "submitted to infrastructure"
    shown(
        f"{S}/docker/docker_worker.sh",
        f"{S}/docker/worker_in_docker.out",
        ordered=False,
    ),
    shown(
        f"{S}/docker/docker_worker.sh",
        f"{S}/docker/worker_job_variables.out",
        ordered=False,
    ),
    shown(f"{S}/docker/run_missing_image.sh", returncode=1, **WATCH),
    shown(f"{S}/docker/last_run.sh", f"{S}/docker/last_run_missing_image.out"),
    shown(
        f"{S}/docker/run_in_docker.sh",
        f"{S}/docker/run_without_docker.out",
        returncode=1,
        **WATCH,
    ),
    shown(f"{S}/docker/last_run.sh", f"{S}/docker/last_run_without_docker.out"),
    # scheduling.md: test_scheduling_page.py
    dedicated(f"{S}/scheduling/deploy_interval.sh", tty=True, **DEPLOY),
    dedicated(f"{S}/scheduling/schedule_ls.sh"),
    dedicated(f"{S}/scheduling/upcoming_runs.sh"),
    dedicated(f"{S}/scheduling/deploy_cron.sh", tty=True, **DEPLOY),
    dedicated(f"{S}/scheduling/deploy_rrule.sh", tty=True, **DEPLOY),
    dedicated(f"{S}/scheduling/pause_schedule.sh"),
    dedicated(f"{S}/scheduling/resume_schedule.sh"),
    dedicated(f"{S}/scheduling/deploy_schedules_yaml.sh", tty=True, **DEPLOY),
    dedicated(f"{S}/scheduling/deploy_with_schedules.sh", tty=True, **DEPLOY),
    dedicated(f"{S}/scheduling/serve_every_minute.sh"),
    # infrastructure.md: test_infrastructure_page.py
    dedicated(f"{S}/infrastructure/add_prefect_dask.sh", output=False),
    dedicated(f"{S}/infrastructure/send_tasks.sh"),
    dedicated(
        f"{S}/infrastructure/send_tasks.sh",
        f"{S}/infrastructure/send_tasks_no_worker.out",
        returncode=1,
    ),
    dedicated(f"{S}/infrastructure/serve_tasks.sh", **TASK_WORKER),
    dedicated(f"{S}/infrastructure/task_worker.sh", **TASK_WORKER),
    # on a server of its own, restarted: test_infrastructure_page.py
    dedicated(f"{S}/infrastructure/resend_waiting.sh"),
    dedicated(f"{S}/infrastructure/deploy_to_gpu.sh"),
    dedicated(f"{S}/infrastructure/gpu_worker.sh", output=False),
    dedicated(f"{S}/infrastructure/run_pipeline.sh"),
    dedicated(f"{S}/infrastructure/create_pool_types.sh"),
    dedicated(f"{S}/infrastructure/pool_variables.sh"),
    dedicated(f"{S}/infrastructure/deploy_to_docker.sh"),
    dedicated(f"{S}/infrastructure/run_dask_no_cluster.sh", returncode=1, **NO_DASK),
    dedicated(f"{S}/infrastructure/dask_scheduler.sh", output=False),
    dedicated(f"{S}/infrastructure/dask_worker.sh", output=False),
    dedicated(f"{S}/infrastructure/run_dask_cluster.sh"),
    # failure.md: test_failure_page.py; the runs on a worker, on a server of their
    # own (harness/failure_scenario.py)
    shown(f"{S}/failure/run_retry_states.sh", **JITTER),
    shown(f"{S}/failure/run_flow_retry.sh"),
    shown(f"{S}/failure/run_timeouts.sh"),
    dedicated(f"{S}/failure/run_caching.sh"),
    dedicated(f"{S}/failure/deploy_slow_count.sh", output=False),
    dedicated(f"{S}/failure/create_automation.sh"),
    # how far the run counts before it is killed or cancelled varies
    dedicated(f"{S}/failure/worker.sh", f"{S}/failure/worker_crashed.out", **COUNTING),
    dedicated(
        f"{S}/failure/worker.sh", f"{S}/failure/worker_cancelled.out", **COUNTING
    ),
    dedicated(f"{S}/failure/run_slow_count.sh"),
    dedicated(f"{S}/failure/run_slow_count_quiet.sh", output=False),
    dedicated(f"{S}/failure/kill_running.sh", output=False),
    dedicated(f"{S}/failure/cancel_running.sh"),
    dedicated(f"{S}/failure/run_history.sh", f"{S}/failure/history_crashed.out"),
    dedicated(f"{S}/failure/run_history.sh", f"{S}/failure/history_cancelled.out"),
    dedicated(f"{S}/failure/run_history.sh", f"{S}/failure/history_orphan.out"),
    dedicated(f"{S}/failure/run_history.sh", f"{S}/failure/history_orphan_quiet.out"),
    dedicated(f"{S}/failure/run_history.sh", f"{S}/failure/history_zombie.out"),
    dedicated(f"{S}/failure/trigger_once.sh"),
    dedicated(f"{S}/failure/run_without_server.sh", returncode=1),
    dedicated(f"{S}/failure/deploy_all.sh", returncode=1),
    # testing.md: test_testing_page.py, in the reader's project
    dedicated(f"{S}/testing/add_pytest.sh", output=False),
    dedicated(f"{S}/testing/run_tests.sh", **PYTEST),
    # security.md: test_security_page.py
    dedicated(f"{S}/security/listening.sh", f"{S}/security/listening_default.out"),
    dedicated(
        f"{S}/security/listening.sh", f"{S}/security/listening_all_interfaces.out"
    ),
    dedicated(f"{S}/security/server_all_interfaces.sh"),
    dedicated(
        f"{S}/security/from_another_machine.sh",
        f"{S}/security/from_another_machine_refused.out",
        returncode=7,
        figures=(r"^curl: \(7\) Failed to connect",),  # "after 0 ms"
    ),
    dedicated(f"{S}/security/from_another_machine.sh"),
    dedicated(f"{S}/security/cors_preflight.sh", f"{S}/security/cors_preflight.out"),
    dedicated(
        f"{S}/security/cors_preflight.sh",
        f"{S}/security/cors_preflight_restricted.out",
    ),
    dedicated(f"{S}/security/save_auth_string.sh", tty=True),
    dedicated(f"{S}/security/server_with_auth.sh", output=False),
    dedicated(f"{S}/security/api_without_auth.sh"),
    dedicated(f"{S}/security/api_wrong_password.sh"),
    dedicated(f"{S}/security/run_hello_flow_auth.sh", tty=True),
    dedicated(f"{S}/security/run_hello_flow_wrong_auth.sh", returncode=1),
    dedicated(f"{S}/security/worker_with_auth.sh", output=False),
    dedicated(f"{S}/security/run_deployment_auth.sh", **WATCH),
    dedicated(f"{S}/security/config_set_auth.sh"),
    dedicated(f"{S}/security/config_unset_auth.sh"),
    dedicated(f"{S}/security/server_csrf.sh", output=False),
    dedicated(f"{S}/security/post_without_csrf_token.sh"),
    dedicated(f"{S}/security/run_hello_flow.sh"),
    dedicated(f"{S}/security/make_certificate.sh", output=False),
    dedicated(f"{S}/security/server_behind_proxy.sh", output=False),
    dedicated(f"{S}/security/nginx_start.sh", output=False),
    # ss lists the two sockets in either order
    dedicated(f"{S}/security/listening_behind_proxy.sh", ordered=False),
    dedicated(f"{S}/security/curl_https.sh"),
    dedicated(f"{S}/security/run_hello_flow_https.sh"),
    dedicated(f"{S}/security/run_hello_flow_untrusted.sh", returncode=1),
    # scaling.md: the journey, on a PostgreSQL it provides; test_scaling_page.py runs
    # the split server again to see what it records
    shown(f"{S}/scaling/server_wrong_password.sh", returncode=3),
    shown(
        f"{S}/scaling/server_workers.sh",
        f"{S}/scaling/server_workers_sqlite.out",
        returncode=1,
    ),
    shown(f"{S}/scaling/server_workers_postgres.sh", returncode=1),
    shown(f"{S}/scaling/load_test.sh", f"{S}/scaling/load_test_postgres.out", **LOAD),
    shown(f"{S}/scaling/load_test.sh", f"{S}/scaling/load_test_sqlite.out", **LOAD),
    shown(f"{S}/scaling/run_limited_queries.sh"),  # once the limit exists
    shown(
        f"{S}/scaling/run_limited_queries.sh",
        f"{S}/scaling/limited_queries_no_limit.out",
        returncode=1,
        # six tasks fail side by side: their lines come in whatever order they fail
        ordered=False,
    ),
    dedicated(f"{S}/scaling/server_api_only.sh", output=False),
    dedicated(f"{S}/scaling/server_services.sh", output=False),
    dedicated(f"{S}/scaling/server_start.sh", output=False),
    # parallel.md
    shown(f"{S}/parallel/run_parallel_tasks.sh", ordered=False),
    # forgetful's task fails, or, when the flow returns before it begins, is
    # cancelled by the closing task runner (Crashed): either way the flow Completed
    shown(f"{S}/parallel/run_unresolved_futures.sh", **UNRESOLVED),
    # costs.md: test_costs_page.py, in the reader's project
    dedicated(f"{S}/costs/compile_bytecode.sh", output=False),
]

# Python snippets that only make sense run by their command, not in the test process:
# they serve until stopped, or need a worker. test_snippets.py leaves them to the
# tests of their page, and checks that a registered command runs each of them.
COMMAND_ONLY = {
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

RUNS_BY_COMMAND: dict[str, list[Run]] = {}
for _run in RUNS:
    RUNS_BY_COMMAND.setdefault(_run.command, []).append(_run)
