"""One real Prefect server for the whole test session.

The server starts right after collection (in the background, while tests that do not
need it run) and is stopped by its PID when the session ends, also when tests fail.
Everything Prefect writes during the session goes to a temporary PREFECT_HOME: nothing
touches the user's ~/.prefect.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import sys
import tempfile
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from harness.built_site import mkdocs_build, serve
from harness.prefect_server import (
    PrefectServer,
    cache_bytecode,
    stop_everything_started,
)
from harness.processes import interrupt_on_sigterm

pytest_plugins = [
    "harness.journey_fixture",
    "harness.reader_fixtures",
    "harness.failure_scenario",
    "harness.redis_scenario",
]

SERVER = pytest.StashKey[PrefectServer]()
SESSION_DIR = pytest.StashKey[Path]()
SIGTERM_BEFORE = pytest.StashKey[object]()


# The session server's background services look for work more often than by default
# (every 60 s for the scheduler, 5 s for late runs): the same decisions, sooner. What
# the pages say about timing is Prefect's defaults.
SOONER = {
    "PREFECT_SERVER_SERVICES_SCHEDULER_LOOP_SECONDS": "2",
    "PREFECT_SERVER_SERVICES_LATE_RUNS_LOOP_SECONDS": "1",
}


# --8<-- [start:configure]
def pytest_configure(config: pytest.Config) -> None:
    # This runs before any test module is imported. Prefect reads its settings once,
    # when it is first imported, and the snippets import it into this process: the
    # environment must point at the session's server and home by then.
    assert "prefect" not in sys.modules, (
        "Prefect was imported before the tests' settings were in place: "
        "a plugin module (pytest_plugins) must import it inside its functions"
    )
    session_dir = Path(tempfile.mkdtemp(prefix="learn-prefect-tests-"))
    server = PrefectServer(home=session_dir / "server-home", settings=SOONER)
    config.stash[SESSION_DIR] = session_dir
    config.stash[SERVER] = server
    os.environ.update(server.client_env())


# --8<-- [end:configure]


def pytest_keyboard_interrupt() -> None:
    # The tests' own `with` blocks and `finally`s have stopped what they started; the
    # background scenarios, in their threads, are not interrupted: stop their servers
    # and workers (and the session's server) now, and start nothing new, so that they
    # end (their fixtures wait for them).
    stop_everything_started()


def pytest_sessionstart(session: pytest.Session) -> None:
    # Before any Prefect process starts, and before the snippets import Prefect here.
    cache_bytecode()
    # SIGTERM ends the session as Ctrl-C does; pytest_unconfigure puts the previous
    # handler back.
    session.config.stash[SIGTERM_BEFORE] = interrupt_on_sigterm()


def needs_server(item: pytest.Item) -> bool:
    return "prefect_server" in getattr(item, "fixturenames", ())


# The built site in a browser and the link check come last, when the early background
# scenarios are over: Chromium wants the CPU the Prefect servers use. So do the checks
# of the UI screenshots and of the benchmark's quick mode, which run in the background
# (LATE, below): their tests wait at the end, for the others to run meanwhile.
# The journey (tests/journey/) runs in the background from the start: its tests wait
# for it after all the others, which run meanwhile.
LAST = [
    "test_browser",
    "test_links",
    "test_screenshots",
    "test_benchmark",
    "test_journey",
]


def last_rank(item: pytest.Item) -> int:
    """0 for a test that does not come last, else 1 + its module's place in LAST."""
    module = Path(str(item.fspath)).stem
    return LAST.index(module) + 1 if module in LAST else 0


def page_order(config: pytest.Config) -> dict[str, int]:
    """The pages in the order of the site's navigation (mkdocs.yml)."""
    mkdocs_yml = (config.rootpath / "mkdocs.yml").read_text()
    nav = re.findall(r"^\s+- [^:]+: (\w+)\.md$", mkdocs_yml, re.M)
    return {page: index for index, page in enumerate(nav)}


def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> None:
    # First the quick tests that need no session server (the build, the lint): they
    # run while it boots. Then the tests of each page in the order of the pages, as a
    # reader goes through them (some pages start servers of their own: not while the
    # session's is booting).
    order = page_order(config)

    def key(item: pytest.Item) -> tuple[int, bool, int]:
        module = Path(str(item.fspath)).stem
        page = module.removeprefix("test_").removesuffix("_page")
        return last_rank(item), needs_server(item) or page in order, order.get(page, -1)

    items.sort(key=key)
    # Where each late scenario starts: at the first test of its page, or of the first
    # page after it that has selected tests.
    keys = [key(item) for item in items]
    starts = {}
    for name, point in LATE.items():
        first = (
            (LAST.index(point) + 1, False, -1)
            if point in LAST
            else (0, True, order[point])
        )
        starts[name] = next(
            (index for index, k in enumerate(keys) if k >= first), len(items)
        )
    config.stash[LATE_STARTS] = starts


def pytest_collection_finish(session: pytest.Session) -> None:
    # Start booting the server now if any selected test needs it: the tests that do
    # not (lint, the build) run while it comes up.
    if session.config.option.collectonly:
        return
    if any(needs_server(item) for item in session.items):
        session.config.stash[SERVER].start(database_template(session.config))


def pytest_unconfigure(config: pytest.Config) -> None:
    server = config.stash.get(SERVER, None)
    if server is not None:
        if server.process is not None and server.process.poll() is None:
            send_pending_prefect_logs_and_events()
        server.stop()
    stop_everything_started()  # whatever a test left running
    session_dir = config.stash.get(SESSION_DIR, None)
    if session_dir is not None:
        shutil.rmtree(session_dir, ignore_errors=True)
    if SIGTERM_BEFORE in config.stash:
        signal.signal(signal.SIGTERM, config.stash[SIGTERM_BEFORE])


def send_pending_prefect_logs_and_events() -> None:
    """Let the snippets' Prefect client (in this process) send what it still holds.

    Without this it tries after the server has stopped, at interpreter exit, and
    retries for over a minute before giving up.
    """
    if "prefect" not in sys.modules:
        return
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all(timeout=10)
    EventsWorker.drain_all(timeout=10)


def database_template(config: pytest.Config) -> Path | None:
    """Where this machine keeps an empty Prefect database, per Prefect version.

    A new server spends about half of its start-up creating its tables; the session
    server starts from a copy of the database an earlier session's server created.
    It lives in pytest's cache folder (`.pytest_cache/`, not committed).
    """
    cache = getattr(config, "cache", None)
    if cache is None:  # pytest -p no:cacheprovider
        return None
    from importlib.metadata import version

    return cache.mkdir("prefect-database") / f"prefect-{version('prefect')}.db"


# --8<-- [start:fixture]
@pytest.fixture(scope="session")
def prefect_server(pytestconfig: pytest.Config) -> PrefectServer:
    """The session's running Prefect server."""
    server = pytestconfig.stash[SERVER]
    template = database_template(pytestconfig)
    if server.process is None:
        server.start(template)
    server.wait_until_ready()
    if template is not None and not template.exists():
        server.save_database(template)
    return server


# --8<-- [end:fixture]


@pytest.fixture(scope="session")
def booting_server(pytestconfig: pytest.Config) -> PrefectServer:
    """The session's server, maybe still starting: for a background scenario that
    waits for it itself, so as not to add its own start to the session's."""
    server = pytestconfig.stash[SERVER]
    if server.process is None:
        server.start(database_template(pytestconfig))
    return server


@pytest.fixture(scope="session")
def database_template_path(pytestconfig: pytest.Config) -> Path | None:
    """The cached empty database, for the other servers a session starts."""
    return database_template(pytestconfig)


@pytest.fixture(scope="session")
def session_dir(pytestconfig: pytest.Config) -> Path:
    return pytestconfig.stash[SESSION_DIR]


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built with `mkdocs build --strict`, as it is published."""
    site = tmp_path_factory.mktemp("site")
    build = mkdocs_build(Path(__file__).parent.parent, site)
    assert build.returncode == 0, f"mkdocs build --strict failed:\n{build.stderr}"
    return site


@pytest.fixture(scope="session")
def served_site(built_site: Path) -> Iterator[str]:
    """The built site's address over HTTP, on 127.0.0.1 and a free port."""
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def update_outputs(pytestconfig: pytest.Config) -> bool:
    """`--update-examples`: rewrite the shown outputs instead of checking them."""
    return bool(pytestconfig.getoption("update_examples"))


# Long scenarios that need nothing from the session's server (they run their own: the
# journey's in a private network, the failure page's and the Redis page's on free
# ports): when a selected test uses one, it starts with the session, in the
# background, and uses the time other tests spend waiting on workers and polls.
EARLY = ["journey", "failure_runs", "without_redis"]


def start_those_used(request: pytest.FixtureRequest, names: list[str]) -> None:
    """Start each of these session fixtures that a selected test uses."""
    for name in names:
        if any(
            name in getattr(item, "fixturenames", ()) for item in request.session.items
        ):
            request.getfixturevalue(name)


@pytest.fixture(scope="session", autouse=True)
def start_early_scenarios(request: pytest.FixtureRequest) -> None:
    start_those_used(request, EARLY)


# Started in the background when the run reaches a page, for the tests from there on to
# run meanwhile: the benchmark's quick mode (its own servers; its figures are only
# checked for form) with the failure page, whose tests may wait for the end of their
# own background scenario (its heartbeat automation takes minutes by design); the UI
# screenshots capture (its own server and Chromium) with the last tests (the built
# site in a browser, the link check).
LATE = {"quick_benchmark": "failure", "ui_capture": LAST[0]}
LATE_STARTS = pytest.StashKey[dict[str, int]]()


@pytest.fixture(autouse=True)
def start_late_scenarios(request: pytest.FixtureRequest) -> None:
    here = request.session.items.index(request.node)
    starts = request.config.stash[LATE_STARTS]
    start_those_used(request, [name for name, at in starts.items() if here >= at])


@pytest.fixture(scope="session")
def ui_capture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Future]:
    """scripts/screenshots.py's capture into a temporary folder: a Future of its
    shots."""
    from harness import screenshots

    with ThreadPoolExecutor(max_workers=1) as pool:
        yield pool.submit(screenshots.capture, tmp_path_factory.mktemp("ui"))


@pytest.fixture(scope="session")
def quick_benchmark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Future]:
    """scripts/benchmark.py --quick into a temporary folder (its figures do not
    matter here, only that they are well-formed): a Future of its run."""
    from harness.quick_benchmark import run_quick

    with ThreadPoolExecutor(max_workers=1) as pool:
        yield pool.submit(run_quick, tmp_path_factory.mktemp("benchmark"))
