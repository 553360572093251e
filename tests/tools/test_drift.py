"""The drift run (scripts/drift.py, harness/drift.py): another Prefect pinned in a
throwaway clone, the outputs it changes told apart from those that only differ by a
timestamp or a run name, failures put on their pages, and bad input refused in one
line. The repository itself is left as it is."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness import REPO
from harness.drift import (
    FailedTest,
    changed_outputs,
    failed_tests,
    locked_version,
    pages_of_test,
    pages_showing,
    pin,
)

PINNED = locked_version("prefect")
OLDER = "3.8.8"
SCRIPT = REPO / "scripts/drift.py"


def clone(tmp_path: Path) -> Path:
    copy = tmp_path / "repo"
    subprocess.run(
        ["git", "clone", "--quiet", str(REPO), str(copy)], check=True, timeout=120
    )
    return copy


def repository_state() -> str:
    """What git says of the repository's tracked files (its pins, its recorded
    outputs): a drift run must not change it."""
    return subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_the_clone_pins_the_other_prefect_where_the_pages_name_the_pinned_one(
    tmp_path: Path,
) -> None:
    copy = clone(tmp_path)
    changed = pin(copy, OLDER, PINNED)
    assert {
        "pyproject.toml",
        "snippets/install/create_project.sh",
        "snippets/docker/Dockerfile",
        "snippets/deployments/prefect.yaml",
    } <= set(changed)
    assert not [name for name in changed if name.endswith(".out")]
    assert f'"prefect=={OLDER}"' in (copy / "pyproject.toml").read_text()
    assert f'uv add "prefect=={OLDER}"' in (
        (copy / "snippets/install/create_project.sh").read_text()
    )
    assert (
        (copy / "snippets/docker/Dockerfile")
        .read_text()
        .startswith(f"FROM prefecthq/prefect:{OLDER}-python3.13\n")
    )
    # the recorded outputs are the run's to refresh
    assert f"Version:              {PINNED}" in (
        (copy / "snippets/install/prefect_version.out").read_text()
    )
    assert '"prefect>=' in (REPO / "pyproject.toml").read_text()


def test_only_what_the_tests_would_notice_counts_as_a_changed_output(
    tmp_path: Path,
) -> None:
    copy = clone(tmp_path)
    version = copy / "snippets/install/prefect_version.out"
    version.write_text(
        version.read_text().replace(
            f"Version:              {PINNED}", f"Version:              {OLDER}"
        )
    )
    # a run name and a timestamp: another run of the same command prints others
    shown = pages_showing(copy)
    with_a_run = next(
        path
        for path in sorted(shown)
        if path.endswith(".out")
        and re.search(r"\d\d:\d\d:\d\d\.\d{3}", (copy / path).read_text())
        and re.search(r"Beginning flow run '[a-z]+-[a-z]+'", (copy / path).read_text())
    )
    text = (copy / with_a_run).read_text()
    run_name = re.search(r"Beginning flow run '([a-z]+-[a-z]+)'", text).group(1)
    (copy / with_a_run).write_text(
        re.sub(r"\d\d:\d\d:\d\d\.\d{3}", "23:59:59.999", text).replace(
            run_name, "quiet-otter"
        )
    )

    changed, rewritten = changed_outputs(copy)

    assert [output.path for output in changed] == [
        "snippets/install/prefect_version.out"
    ]
    assert changed[0].pages == ["install.md"]
    assert f"-Version:              {PINNED}" in changed[0].diff
    assert f"+Version:              {OLDER}" in changed[0].diff
    assert rewritten == [with_a_run]


def test_a_failed_test_is_put_on_the_pages_it_is_about(tmp_path: Path) -> None:
    failing = tmp_path / "test_on_a_page.py"
    failing.write_text(
        "import pytest\n\n"
        "@pytest.mark.parametrize('page', ['flows.md', 'tasks.md'])\n"
        "def test_follows(page):\n"
        "    assert page == 'tasks.md', f'{page} printed something else'\n"
    )
    subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"),
            *("-c", "/dev/null", "--rootdir", str(tmp_path)),
            f"--junitxml={tmp_path / 'junit.xml'}",
            str(failing),
        ],
        cwd=tmp_path,
        capture_output=True,
        timeout=120,
    )
    counts, failed = failed_tests(tmp_path / "junit.xml", REPO)
    assert counts == {"tests": 2, "failures": 1, "errors": 0, "skipped": 0}
    assert [(test.test, test.pages) for test in failed] == [
        ("test_on_a_page.py::test_follows[flows.md]", ["flows.md"])
    ]
    assert "flows.md printed something else" in failed[0].message
    assert failed[0].message.startswith("E ")  # pytest's lines, not the traceback
    assert not failed[0].not_followed
    stopped = FailedTest(
        "tests/journey/test_journey.py::test_a_reader_follows[parallel.md]",
        ["parallel.md"],
        "E   harness.journey.JourneyError: the journey stopped at scheduling.md: a "
        "reader cannot go on",
    )
    assert stopped.not_followed  # parallel.md was not followed: not its drift

    shown = pages_showing(REPO)
    snippet = "snippets/tasks/retries.py"
    assert "tasks.md" in shown[snippet]
    for test, pages in [
        (
            "tests/journey/test_journey.py::test_a_reader_follows[deployments.md]",
            ["deployments.md"],
        ),
        ("tests/pages/test_scheduling_page.py::test_the_cron_runs", ["scheduling.md"]),
        (f"tests/snippets/test_snippets.py::test_snippet[{snippet}]", shown[snippet]),
    ]:
        assert pages_of_test(test, REPO, shown) == pages, test


@pytest.mark.parametrize(
    ("version", "said"),
    [
        ("banana", "'banana' is not a Prefect 3 version (for example 3.8.8)"),
        ("2.20.0", "'2.20.0' is not a Prefect 3 version"),
        (
            "3.99.0",
            "Prefect 3.99.0 does not install with this project's other dependencies."
            " uv says: No solution found",
        ),
    ],
)
def test_a_version_that_cannot_be_run_gets_one_line_and_exit_status_2(
    tmp_path: Path, version: str, said: str
) -> None:
    before = repository_state()
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--prefect", version, "--out", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.startswith(f"drift.py: {said}"), done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["drifted"] and said in report["could_not_run"]
    assert "could not be made" in (tmp_path / "report.md").read_text()
    assert repository_state() == before


def test_a_drift_run_against_an_older_prefect_runs_the_suite_in_a_clone(
    tmp_path: Path,
) -> None:
    """A real drift run, with a few of the suite's tests: the clone has the older
    Prefect installed, the report says what ran and found, and the repository's
    own pins and outputs are as they were."""
    before = repository_state()
    out = tmp_path / "report"
    done = subprocess.run(
        [
            *(sys.executable, str(SCRIPT), "--prefect", OLDER, "--out", str(out)),
            *("--keep", "--", "tests/pages/test_install_page.py", "-q"),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
    )
    kept = re.search(r"^The clone is kept: (.+)$", done.stdout, re.M)
    assert kept, done.stdout[-3000:] + done.stderr
    copy = Path(kept.group(1))
    try:
        installed = subprocess.run(
            [
                str(copy / ".venv/bin/python"),
                "-c",
                "import prefect; print(prefect.__version__)",
            ],
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout.strip()
    finally:
        shutil.rmtree(copy.parent)
    assert installed == OLDER
    report = json.loads((out / "report.json").read_text())
    assert report["prefect"] == OLDER and report["pinned"] == PINNED
    assert report["pytest_args"] == ["tests/pages/test_install_page.py", "-q"]
    assert report["counts"]["tests"] >= 5, done.stdout[-3000:]
    assert done.returncode == (1 if report["drifted"] else 0), done.stderr
    log = (out / "pytest.log").read_text()
    assert re.search(r"\d+ passed", log), log[-3000:]
    # the page's tests ran with what the clone pinned: `uv add "prefect==3.8.8"`
    assert "tests/pages/test_install_page.py" in report["pinned_in"]
    assert (
        (out / "report.md")
        .read_text()
        .startswith(f"# Drift: Prefect {OLDER} against the pinned {PINNED}\n")
    )
    assert repository_state() == before
