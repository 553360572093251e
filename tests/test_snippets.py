"""Every Python snippet: linted, then run against the session's server, its printed
output checked against the `#>` lines written under its prints."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest
from commands import COMMAND_ONLY, REPO, RUNS, SNIPPETS
from pytest_examples import EvalExample
from snippet_runner import lint, run_and_check_prints

PYTHON_SNIPPETS = sorted(SNIPPETS.rglob("*.py"))
# The others are run by their commands, in their page's tests (commands.COMMAND_ONLY).
IN_PROCESS = [
    path
    for path in PYTHON_SNIPPETS
    if path.relative_to(REPO).as_posix() not in COMMAND_ONLY
]


@pytest.fixture
def without_flow_heartbeats():
    """Run the snippets' flows without their heartbeat thread.

    At the end of each synchronous flow run, Prefect stops the run's heartbeat thread,
    which checks once a second whether to stop: up to a second per flow run, more than
    ten times the rest of a small run. Heartbeats let a server notice crashed runs; no
    lesson's printed output depends on them. The commands whose output pages show run
    with Prefect's defaults (test_commands.py).
    """
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        yield


def snippet_id(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


@pytest.mark.parametrize("path", IN_PROCESS, ids=snippet_id)
def test_snippet(
    path: Path,
    eval_example: EvalExample,
    prefect_server,
    without_flow_heartbeats,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lint(path, config_root=REPO)
    # As if copied alone into a new folder: no sibling files to import or read.
    monkeypatch.chdir(tmp_path)
    run_and_check_prints(eval_example, path, label=snippet_id(path))


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
        runners = [
            run.command
            for run in RUNS
            if run.command.rsplit("/", 1)[0] == snippet.rsplit("/", 1)[0]
            and runner in (REPO / run.command).read_text()
        ]
        assert runners, f"no registered command runs {snippet}"


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
