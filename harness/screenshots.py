"""The UI screenshots of the pages, taken from a real server (scripts/screenshots.py
runs `capture`; so does the test session, into a temporary folder).

It starts a `prefect server start` with a throwaway PREFECT_HOME on a free port of
127.0.0.1, fills it by running the site's own snippets (flows, tasks, a deployment
that a process worker runs, a deployment with a cron schedule, a flow run that fails),
then opens the UI that `/` serves in Debian's Chromium through Playwright (no browser
download) and saves one PNG per view. Before saving, it checks that each view shows
what it should: the names of the flows, deployments, pool and runs it made, and no
error. Every process it starts is stopped by its PID at the end, also on failure.

The PNGs land in the output folder only once every view has passed its checks: a
failed run never leaves half a set of pictures behind.
"""

from __future__ import annotations

import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from harness import REPO, chromium
from harness.prefect_server import FAST_POLLING, QUIET_ENV, PrefectServer
from harness.rest import RestApi
from harness.terminal import Background, Terminal, id_after, run_command
from harness.waiting import WaitedTooLong, wait_until

SNIPPETS = REPO / "snippets"
DEFAULT_OUT = REPO / "docs/images/ui"
WIDTH = 1280
# Times in the UI are the browser's: Berlin, as in the scheduling page's cron
# schedule ("0 9 * * 1-5" in Europe/Berlin shows as 09:00).
TIMEZONE = "Europe/Berlin"
# What the UI shows when it cannot render a view (its error pages and boundaries).
ERRORS = (
    "Something went wrong",
    "Unable to connect to Prefect server",
    "Prefect server error",
    "Configuration error",
    "Unexpected error",
    "Not Found",
)
TIMEOUT_MS = 30_000
FINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}


class CaptureError(RuntimeError):
    """A step of the capture failed; the message says which, and what was seen."""


# --- The server's API, read over HTTP ---------------------------------------------


class Api(RestApi):
    """Prefect's REST API, asked directly: no Prefect client (and its settings) in
    this process, which may be a test process with settings of its own."""

    def flow_runs(self, flow: str, *state_types: str) -> list[dict]:
        """The runs of the flow called `flow`, earliest expected start first."""
        body: dict = {
            "flows": {"name": {"any_": [flow]}},
            "sort": "EXPECTED_START_TIME_ASC",
            "limit": 50,
        }
        if state_types:
            body["flow_runs"] = {"state": {"type": {"any_": list(state_types)}}}
        return self.call("/flow_runs/filter", body)

    def deployment(self, name: str) -> dict:
        flow, _, deployment = name.partition("/")
        return self.call(f"/deployments/name/{flow}/{deployment}")

    def scheduled_runs(self, deployment_id: str) -> list[dict]:
        return self.call(
            "/flow_runs/filter",
            {
                "deployments": {"id": {"any_": [deployment_id]}},
                "flow_runs": {"state": {"type": {"any_": ["SCHEDULED"]}}},
                "sort": "EXPECTED_START_TIME_ASC",
                "limit": 10,
            },
        )

    def count_runs(self, start: datetime, end: datetime) -> int:
        window = {"after_": start.isoformat(), "before_": end.isoformat()}
        return self.call(
            "/flow_runs/count", {"flow_runs": {"expected_start_time": window}}
        )

    def until[T](self, check: Callable[[], T | None], what: str, timeout=120) -> T:
        """Ask until `check` returns something truthy."""
        try:
            return wait_until(check, timeout=timeout, what=what)
        except WaitedTooLong as error:
            raise CaptureError(str(error)) from None


# --- Filling the server with the site's snippets ----------------------------------


@dataclass
class Made:
    """What the snippets made, as the UI will show it."""

    started: datetime
    hello_tasks_run: dict
    failed_run: dict
    deployment: dict
    worker_run: dict
    scheduled: dict
    upcoming: list[dict]
    artifacts_run: dict


def run_snippet(terminal: Terminal, snippet: str) -> str:
    """Run a Python snippet (`python FILE`) or a command snippet (`bash -e FILE.sh`)
    in the terminal's folder; fail with its output if it fails."""
    if snippet.endswith(".sh"):
        result = terminal.run(snippet)
    else:
        result = run_command(
            [sys.executable, str(REPO / snippet)], cwd=terminal.cwd, env=terminal.env()
        )
    if result.returncode != 0:
        raise CaptureError(
            f"{snippet} failed (exit code {result.returncode}):\n{result.output}"
        )
    return result.output


def populate(api: Api, terminal: Terminal, stack: ExitStack, logs: Path) -> Made:
    """Run the snippets, as a reader of the pages does, and wait for their runs."""
    started = datetime.now(UTC)
    project = terminal.cwd
    # The reader's project: the flow the deployments and scheduling pages deploy.
    shutil.copy(SNIPPETS / "deployments/hello_flow.py", project)

    # The first pages: a flow, a flow with tasks; the failure page's states.py, whose
    # daily_report("orders") ends Failed with a message of its own; the results
    # page's run that publishes three artifacts.
    for snippet in (
        "snippets/flows/hello_flow.py",
        "snippets/tasks/hello_tasks.py",
        "snippets/failure/states.py",
        "snippets/results/report_artifacts.py",
    ):
        print(f"  running {snippet}")
        run_snippet(terminal, snippet)

    # The deployments page: a process pool, a deployment, a worker, a run.
    print("  deploying hello-flow/hello-deployment to my-pool, starting a worker")
    run_snippet(terminal, "snippets/deployments/deploy_non_interactive.sh")
    polling = terminal.with_env(**FAST_POLLING)
    worker = stack.enter_context(
        polling.start(
            "snippets/deployments/worker_start.sh",
            log=logs / "worker.log",
            # Ctrl-C, then Ctrl-C again: a process worker ignores SIGTERM
            stop_signals=(signal.SIGINT, signal.SIGINT),
        )
    )
    wait_for_worker(worker)
    created = run_snippet(terminal, "snippets/deployments/run_deployment.sh")
    run_id = id_after("UUID: ", created)
    print(f"  waiting for the worker to run flow run {run_id}")
    worker_run = api.until(
        lambda: (
            (run := api.call(f"/flow_runs/{run_id}"))["state_type"] in FINAL and run
        ),
        what=f"the deployment's run {run_id} ending",
    )
    if worker_run["state_type"] != "COMPLETED":
        raise CaptureError(
            f"the deployment's run ended {worker_run['state_name']}: "
            f"{worker_run['state']['message']}\nThe worker said:\n{worker.output}"
        )

    # The scheduling page: a cron schedule; the server plans its coming runs.
    print("  deploying hello-flow/weekday-mornings with a cron schedule")
    run_snippet(terminal, "snippets/scheduling/deploy_cron.sh")
    scheduled = api.deployment("hello-flow/weekday-mornings")
    upcoming = api.until(
        lambda: len(runs := api.scheduled_runs(scheduled["id"])) >= 3 and runs,
        what="three scheduled runs of hello-flow/weekday-mornings",
    )

    failed = api.flow_runs("daily-report", "FAILED")
    if len(failed) != 1:
        raise CaptureError(f"expected one failed run of daily-report, found {failed}")
    (hello_tasks_run,) = api.flow_runs("hello-tasks")
    (artifacts_run,) = api.flow_runs("sales-summary")
    return Made(
        started=started,
        hello_tasks_run=hello_tasks_run,
        failed_run=failed[0],
        deployment=api.deployment("hello-flow/hello-deployment"),
        worker_run=worker_run,
        scheduled=scheduled,
        upcoming=upcoming[:3],
        artifacts_run=artifacts_run,
    )


def wait_for_worker(worker: Background) -> None:
    try:
        worker.wait_for(r"Worker '.*' started!", timeout=120)
    except AssertionError as error:
        raise CaptureError(f"the worker did not start: {error}") from None


# --- The views to capture ----------------------------------------------------------


@dataclass
class View:
    """One picture: where it is in the UI, how tall, and what it must show."""

    name: str
    """The PNG's name, without .png."""
    path: str
    """The address in the UI, under the server's root."""
    height: int
    """The picture's height: the top of the view, down to the end of what matters."""
    expected: list[str]
    """Texts the view must show (names of flows, runs, deployments, the pool)."""
    graph: bool = False
    """The view draws the flow run graph (a canvas): wait for its data too."""
    sidebar: bool = False
    """Keep the UI's sidebar (its list of sections) in the picture. Without it, the
    picture is the view's main part only, and its text shows larger on the page."""


def views(api: Api, made: Made) -> list[View]:
    """The views the pages show, with what each must contain."""
    # The dashboard's default period ("Past day") ends at the start of the current
    # minute: runs of the last minute are not counted yet. Ask for the minutes in
    # which the snippets ran instead.
    start = made.started.replace(second=0, microsecond=0)
    end = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(minutes=2)
    period = urlencode(
        {
            "rangeType": "range",
            "start": start.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "end": end.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        }
    )
    total = api.count_runs(start, end)
    tasks = made.hello_tasks_run
    failed = made.failed_run
    deployment = made.deployment
    scheduled = made.scheduled
    return [
        View(
            "dashboard",
            f"/v2/dashboard?{period}",
            590,
            [f"{total} total", "strict-report", "daily-report", "my-pool"],
            sidebar=True,
        ),
        View(
            "flows",
            "/v2/flows",
            430,
            ["daily-report", "hello-flow", "hello-tasks", "strict-report"],
        ),
        View(
            "flow-run",
            f"/v2/runs/flow-run/{tasks['id']}?tab=TaskRuns",
            860,
            [tasks["name"], "hello-tasks", "create_hello", "create_world", "Completed"],
            graph=True,
        ),
        View(
            "deployments",
            "/v2/deployments",
            350,
            [deployment["name"], scheduled["name"], "hello-flow"],
        ),
        View(
            "work-pool",
            f"/v2/work-pools/work-pool/{deployment['work_pool_name']}?tab=Workers",
            360,
            ["my-pool", "ProcessWorker", "Online", "Ready", "Process"],
        ),
        View(
            "scheduled-runs",
            f"/v2/deployments/deployment/{scheduled['id']}?tab=Upcoming",
            645,
            [
                scheduled["name"],
                "At 09:00 AM, Monday through Friday",
                *(run["name"] for run in made.upcoming),
            ],
        ),
        View(
            "artifacts",
            f"/v2/runs/flow-run/{made.artifacts_run['id']}?tab=Artifacts",
            700,
            [
                made.artifacts_run["name"],
                "orders-by-region",
                "sales-summary",
                "sales-dashboard",
            ],
        ),
        View(
            "failed-run",
            f"/v2/runs/flow-run/{failed['id']}?tab=Details",
            870,
            [failed["name"], "daily-report", "Failed", failed["state"]["message"]],
            graph=True,
        ),
    ]


# --- The browser ---------------------------------------------------------------------


@dataclass
class Shot:
    """A picture taken, and what the check found on it."""

    path: Path
    width: int
    height: int
    found: list[str] = field(default_factory=list)
    """The texts checked on the page: names of flows, runs, deployments, the pool."""


# Resolves once the page's DOM has not changed for 20 animation frames (about a
# third of a second): the charts have finished growing their bars, the lists have
# stopped filling in.
DOM_STABLE = """() => document.fonts.ready.then(() => new Promise(done => {
    let last = null, same = 0;
    const tick = () => {
        const now = document.body.innerHTML;
        same = now === last ? same + 1 : 0;
        last = now;
        if (same >= 20) done(true); else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
}))"""


class Camera:
    """One browser tab on the server's UI; nothing it asks for leaves 127.0.0.1."""

    def __init__(self, page, server_url: str) -> None:
        self.page = page
        self.server_url = server_url
        self.started = 0
        self.in_flight = 0
        # The UI asks an analytics service for its configuration, even with the
        # server's analytics off: refused here, as on a machine without internet.
        page.route("**/*", self._local_only)
        page.on("request", self._request_started)
        page.on("requestfinished", self._request_ended)
        page.on("requestfailed", self._request_ended)

    def _local_only(self, route) -> None:
        if route.request.url.startswith(self.server_url):
            route.continue_()
        else:
            route.abort()

    def _request_started(self, request) -> None:
        self.started += 1
        self.in_flight += 1

    def _request_ended(self, request) -> None:
        self.in_flight -= 1

    def settle(self, view: View) -> None:
        """Wait until no request is under way and the page has stopped changing,
        with no request started meanwhile (an answer may bring more to draw)."""
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while time.monotonic() < deadline:
            started = self.started
            self.page.wait_for_function(DOM_STABLE, timeout=TIMEOUT_MS)
            if self.in_flight == 0 and self.started == started:
                return
        raise CaptureError(
            f"the {view.name} view ({view.path}) kept changing for "
            f"{TIMEOUT_MS / 1000:.0f} s"
        )

    def take(self, view: View, out_dir: Path) -> Shot:
        """Open the view, wait for its content, check it, and save it as a PNG."""
        page = self.page
        # Taller than the picture: the sidebar's bottom links (an upgrade offer, the
        # community) sit at the foot of the window, below the part we keep.
        page.set_viewport_size({"width": WIDTH, "height": view.height + 200})
        if view.graph:
            # The flow run graph draws what /graph-v2 answers, on a canvas.
            with page.expect_response(
                lambda answer: answer.url.endswith("/graph-v2"), timeout=TIMEOUT_MS
            ):
                page.goto(self.server_url + view.path)
        else:
            page.goto(self.server_url + view.path)
        for text in view.expected:
            try:
                page.get_by_text(text).filter(visible=True).first.wait_for(
                    timeout=TIMEOUT_MS
                )
            except Exception:  # Playwright's TimeoutError
                raise CaptureError(
                    f"the {view.name} view ({view.path}) did not show {text!r} "
                    f"within {TIMEOUT_MS / 1000:.0f} s; it showed:\n{self.text()}"
                ) from None
        self.settle(view)
        # Once it has settled: still all there, and no error anywhere on the page.
        text = page.inner_text("body")
        found = [expected for expected in view.expected if expected in text]
        errors = [error for error in ERRORS if error in text]
        if errors or found != view.expected:
            missing = [expected for expected in view.expected if expected not in found]
            raise CaptureError(
                f"the {view.name} view ({view.path}) shows {errors or 'no error'}, "
                f"misses {missing or 'nothing'}:\n{self.text()}"
            )
        path = out_dir / f"{view.name}.png"
        left, width = 0, WIDTH
        if not view.sidebar:
            main = page.locator("main").bounding_box()
            left, width = round(main["x"]), round(main["width"])
        page.screenshot(
            path=path,
            clip={"x": left, "y": 0, "width": width, "height": view.height},
            animations="disabled",
            caret="hide",
        )
        return Shot(path, width, view.height, found)

    def text(self, limit: int = 1500) -> str:
        """What the page says, for an error message."""
        text = self.page.inner_text("body")
        return text if len(text) <= limit else text[:limit] + "\n[...]"


def photograph(server_url: str, views: list[View], out_dir: Path) -> dict[str, Shot]:
    from playwright.sync_api import sync_playwright

    shots = {}
    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        try:
            context = browser.new_context(
                viewport={"width": WIDTH, "height": 800},
                device_scale_factor=1,
                color_scheme="light",
                locale="en-US",
                timezone_id=TIMEZONE,
            )
            camera = Camera(context.new_page(), server_url)
            for view in views:
                print(f"  {view.name}: {view.path}")
                shots[view.name] = camera.take(view, out_dir)
        finally:
            browser.close()
    return shots


# --- All together --------------------------------------------------------------------


def capture(out_dir: Path) -> dict[str, Shot]:
    """Start a server, fill it, photograph its UI into `out_dir`; return the shots.

    Raises CaptureError, naming the step or the view, when something is not as it
    should be; `out_dir` is then left as it was.
    """
    out_dir = Path(out_dir)
    if problem := unusable(out_dir):
        raise CaptureError(problem)
    if not chromium.EXECUTABLE.is_file():
        raise CaptureError(
            f"no Chromium at {chromium.EXECUTABLE}: install Debian's "
            "(apt-get install chromium)"
        )
    with (
        tempfile.TemporaryDirectory(prefix="learn-prefect-screenshots-") as tmp,
        ExitStack() as stack,
    ):
        scratch = Path(tmp)
        server = PrefectServer(home=scratch / "prefect-home")
        print(f"Starting prefect server on {server.url}")
        stack.callback(server.stop)
        server.running()
        project = scratch / "hello-prefect"
        project.mkdir()
        terminal = Terminal(
            cwd=project,
            home=server.home,
            api_url=server.api_url,
            env_extra={"DO_NOT_TRACK": QUIET_ENV["DO_NOT_TRACK"]},
        )
        api = Api(server.api_url)
        print("Running the snippets")
        step = time.monotonic()
        made = populate(api, terminal, stack, logs=scratch)
        print(
            f"Taking the pictures (the snippets took {time.monotonic() - step:.0f} s)"
        )
        step = time.monotonic()
        pictures = scratch / "pictures"
        pictures.mkdir()
        shots = photograph(server.url, views(api, made), pictures)
        print(f"  {len(shots)} views in {time.monotonic() - step:.0f} s")
        # Every view passed: replace the old pictures.
        out_dir.mkdir(parents=True, exist_ok=True)
        for shot in shots.values():
            shot.path = Path(shutil.copy(shot.path, out_dir / shot.path.name))
    return shots


def unusable(out_dir: Path) -> str | None:
    """Why the PNGs cannot go to `out_dir`, if they cannot (checked before the
    minute of work that makes them)."""
    for folder in (out_dir, *out_dir.parents):
        if folder.exists():
            if not folder.is_dir():
                return f"{folder} is a file, not a folder"
            return None
    return None
