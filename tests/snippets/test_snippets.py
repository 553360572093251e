"""Every Python snippet: linted, then run against the session's server, its printed
output checked against the `#>` lines written under its prints (by pytest-examples, in
a few runner processes: snippet_pool.py)."""

from __future__ import annotations

import ast
import os
import re
import sys
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path

import pytest

from harness import REPO, SNIPPETS
from harness.output_rules import COMMAND_ONLY
from harness.snippet_pool import Outcome, SnippetPool
from harness.snippet_runner import check_outcome, lint

PYTHON_SNIPPETS = sorted(SNIPPETS.rglob("*.py"))
# The others are run by their commands (output_rules.COMMAND_ONLY).
RUN_BY_PYTEST_EXAMPLES = [
    path
    for path in PYTHON_SNIPPETS
    if path.relative_to(REPO).as_posix() not in COMMAND_ONLY
]


# Three runners: most snippets wait (retry delays, a timeout, sleeping tasks), and
# while one waits the others run; more would only share the two cores of the machine
# the suite is measured on.
RUNNERS = 3


# How long each snippet's run took in the last session, in pytest's cache folder.
LAST_SECONDS = "learn-prefect/snippet-seconds"


@pytest.fixture(scope="module")
def snippet_runs(
    request: pytest.FixtureRequest,
    booting_server,
    session_dir: Path,
    update_outputs: bool,
) -> Iterator[dict[Path, Future[Outcome]]]:
    """The selected snippets' runs, all queued at once, the longest first (by the
    last session's times; a first session keeps the tests' order): the short ones
    fill the gaps at the end.

    The runners import Prefect while the session's server is still starting; they
    are given the snippets once it answers."""
    selected = [
        item.callspec.params["path"]
        for item in request.session.items
        if item.originalname == "test_snippet"
    ]
    cache = getattr(request.config, "cache", None)  # None with -p no:cacheprovider
    last = cache.get(LAST_SECONDS, {}) if cache is not None else {}
    queued = sorted(selected, key=lambda path: -last.get(snippet_id(path), 0))
    logs = session_dir / "snippet-runners"
    logs.mkdir()
    pool = SnippetPool(min(RUNNERS, len(selected)), env=dict(os.environ), logs=logs)
    runs: dict[Path, Future[Outcome]] = {}
    try:
        request.getfixturevalue("prefect_server")  # waits until it answers
        runs = {path: pool.submit(path, update=update_outputs) for path in queued}
        yield runs
    finally:
        pool.close()
    if cache is not None:
        took = {
            snippet_id(path): run.result().seconds
            for path, run in runs.items()
            if run.done() and not run.cancelled()
        }
        cache.set(LAST_SECONDS, {**last, **took})


def snippet_id(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


@pytest.mark.parametrize("path", RUN_BY_PYTEST_EXAMPLES, ids=snippet_id)
def test_snippet(path: Path, snippet_runs: dict[Path, Future[Outcome]]) -> None:
    lint(path, config_root=REPO)
    outcome = snippet_runs[path].result(timeout=300)
    check_outcome(outcome, label=snippet_id(path))


def test_there_are_snippets() -> None:
    assert len(PYTHON_SNIPPETS) >= 10, PYTHON_SNIPPETS


def test_every_command_only_snippet_is_run_by_its_command() -> None:
    for snippet in sorted(COMMAND_ONLY):
        path = REPO / snippet
        assert path.is_file(), f"{snippet} is listed in COMMAND_ONLY but does not exist"
        assert "#>" not in path.read_text(), (
            f"{snippet}: no test checks #> lines in a snippet only its command runs; "
            "show its output in a .out file instead"
        )
        # a test module and its conftest.py are run by pytest, in their folder
        runner = "pytest" if is_pytest_file(path) else f"python {path.name}"
        # every command is run by the journey or a page's test (test_commands.py)
        runners = [
            command
            for command in path.parent.glob("*.sh")
            if runner in command.read_text()
        ]
        assert runners, f"no command on its page runs {snippet}"


def is_pytest_file(path: Path) -> bool:
    return path.name == "conftest.py" or path.name.startswith("test_")


def imported_packages(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def added_by_the_page(folder: Path) -> set[str]:
    """Packages the page has the reader add (`uv add NAME` in one of its commands),
    as they are imported: prefect-dask is `prefect_dask`."""
    names: set[str] = set()
    for command in folder.glob("*.sh"):
        added = re.finditer(r"^uv add (?:--dev )?([\w-]+)$", command.read_text(), re.M)
        for match in added:
            names.add(match.group(1).replace("-", "_"))
    return names


def test_snippets_need_nothing_but_prefect() -> None:
    # A reader copies a snippet into a project that has only Prefect installed, and
    # what its page has them add; this repository's environment has more (MkDocs,
    # pytest), which must not leak in. A snippet may import the files shown beside
    # it on its page.
    allowed = set(sys.stdlib_module_names) | {"prefect"}
    extra = {
        snippet_id(path): sorted(
            imported_packages(path)
            - allowed
            - added_by_the_page(path.parent)
            - {sibling.stem for sibling in path.parent.glob("*.py")}
        )
        for path in PYTHON_SNIPPETS
    }
    assert {name: pkgs for name, pkgs in extra.items() if pkgs} == {}
