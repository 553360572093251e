"""The GitHub Actions workflows, checked by a linter: publishing (test the pages, then
publish the site to GitHub Pages, and what a published build carries) and the weekly
drift run (scripts/drift.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from harness import REPO

WORKFLOW = REPO / ".github/workflows/publish.yml"
DRIFT = REPO / ".github/workflows/drift.yml"


def lint(workflow: Path) -> subprocess.CompletedProcess:
    """check-jsonschema against GitHub's workflow schema (bundled: no network)."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            str(workflow),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("workflow", [WORKFLOW, DRIFT], ids=lambda path: path.name)
def test_the_workflow_passes_the_linter(workflow: Path) -> None:
    linted = lint(workflow)
    assert linted.returncode == 0, linted.stdout + linted.stderr
    assert "validation done" in linted.stdout


def test_the_linter_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "publish.yml"
    # a job with nowhere to run
    broken.write_text(
        WORKFLOW.read_text().replace("    runs-on: ubuntu-24.04\n", "", 1)
    )
    linted = lint(broken)
    assert linted.returncode == 1, linted.stdout + linted.stderr
    assert "Schema validation errors were encountered" in linted.stdout + linted.stderr


def test_the_workflow_publishes_only_what_passed_the_tests() -> None:
    jobs = yaml.safe_load(WORKFLOW.read_text())["jobs"]
    assert "bash .ci/run" in jobs["test"]["steps"][-1]["run"]
    assert jobs["build"]["needs"] == "test"
    build_steps = jobs["build"]["steps"]
    assert any(
        step.get("run") == "uv run mkdocs build --strict" for step in build_steps
    )
    assert build_steps[-1]["uses"].startswith("actions/upload-pages-artifact@")
    assert jobs["deploy"]["needs"] == "build"
    assert jobs["deploy"]["steps"][-1]["uses"].startswith("actions/deploy-pages@")
    # only the deploy job may write to Pages, and only from main
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert "refs/heads/main" in jobs["deploy"]["if"]
    assert all("permissions" not in jobs[name] for name in ("test", "build"))


def test_a_published_build_has_canonical_urls_and_edit_links(tmp_path: Path) -> None:
    env = dict(os.environ)
    env |= {
        "SITE_URL": "https://example.org/learn-prefect/",
        "REPO_URL": "https://github.com/example/learn-prefect",
        "EDIT_URI": "edit/main/docs/",
        "NO_MKDOCS_2_WARNING": "1",
    }
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr
    page = (tmp_path / "failure/index.html").read_text()
    assert (
        '<link rel="canonical" href="https://example.org/learn-prefect/failure/"'
    ) in page
    assert (
        'href="https://github.com/example/learn-prefect/edit/main/docs/failure.md"'
    ) in page


def test_the_drift_run_is_weekly_and_says_what_it_found_in_an_issue() -> None:
    drift = yaml.safe_load(DRIFT.read_text())
    on = drift[True]  # YAML 1.1 reads the key `on` as true
    (schedule,) = on["schedule"]
    minute, hour, day, month, weekday = schedule["cron"].split()
    assert (day, month, weekday) == ("*", "*", "5")  # Fridays, after Thursday's release
    assert "prefect" in on["workflow_dispatch"]["inputs"]
    assert drift["permissions"] == {"contents": "read"}
    jobs = drift["jobs"]
    run = next(step for step in jobs["drift"]["steps"] if step.get("id") == "drift")
    assert "source .ci/setup" in run["run"]
    assert "scripts/drift.py --out drift-report" in run["run"]
    # the version typed in the form reaches the script as a variable, never as code
    assert "${{" not in run["run"]
    assert run["env"]["PREFECT_VERSION"] == "${{ inputs.prefect }}"
    upload = jobs["drift"]["steps"][-1]
    assert upload["uses"].startswith("actions/upload-artifact@")
    assert upload["with"]["path"] == "drift-report/" and upload["if"] == "always()"
    # only the issue job writes, and only issues, and only when the run found drift
    assert "permissions" not in jobs["drift"]
    assert jobs["issue"]["permissions"] == {"issues": "write"}
    assert jobs["issue"]["if"] == "needs.drift.outputs.status != '0'"
    script = jobs["issue"]["steps"][-1]["run"]
    assert "gh issue edit" in script and "gh issue create" in script
    assert "--label drift" in script
