"""Drift: what the pages would show, and which tests would fail, with another Prefect.

A drift run (scripts/drift.py) clones the repository into a throwaway folder, pins the
other Prefect there (pyproject.toml, and the versions the pages have the reader type),
runs the whole suite with `--update-examples` so that every shown output is recorded
afresh, and compares what the run rewrote with what the repository shows. An output
counts as changed only where it differs the way the tests would notice (the same
normalisation and rules as the tests': harness/shown_output.py, output_rules.py);
timestamps, ids and run names do not count.

The repository itself is never touched: its pinned versions and recorded outputs stay
as they are.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import tomllib
import xml.etree.ElementTree as ElementTree
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from harness import REPO, page_steps
from harness.output_rules import rule
from harness.page_steps import included_files
from harness.shown_output import difference

# What a drift run never reports as a changed output: written by every refreshing run.
STAMPS = "docs/verified_with.json"
# Recorded outputs: what the pages show under a command, and the `#>` lines under the
# prints of the Python snippets.
OUTPUT_FILE = re.compile(r"^(snippets|exercises)/.+\.(out|py)$")
# Tests a drift run leaves out, as they fail there by design: the stamps' (the lock
# has a Prefect that no journey verified, so the stamps would lie), and the drift
# run's own (they pin an older Prefect themselves, and take the repository's pin to
# be another).
LEFT_OUT = ["tests/site/test_verified_with.py", "tests/tools/test_drift.py"]


def today() -> str:
    return datetime.now(UTC).date().isoformat()


class DriftError(Exception):
    """A drift run that could not be made: the message says why, in one line."""


def locked_version(package: str, lock: Path = REPO / "uv.lock") -> str:
    """The version of `package` that a uv.lock pins."""
    for locked in tomllib.loads(lock.read_text())["package"]:
        if locked["name"] == package:
            return locked["version"]
    raise DriftError(f"{lock} pins no {package}")


def newest_prefect() -> str:
    """The newest Prefect release the package index offers for this Python."""
    python = (REPO / ".python-version").read_text().strip()
    found = subprocess.run(
        [
            *("uv", "pip", "compile", "-", "--quiet", "--no-header"),
            *("--no-annotate", "--python-version", python),
        ],
        input="prefect\n",
        capture_output=True,
        text=True,
    )
    newest = re.search(r"^prefect==(\S+)$", found.stdout, re.M)
    if found.returncode != 0 or not newest:
        said = found.stderr.strip().splitlines() or ["no answer"]
        raise DriftError(
            f"could not ask the package index for the newest Prefect: {said[-1]}"
        )
    return newest.group(1)


def check_version(version: str) -> str:
    """`version` if it looks like a Prefect 3 release, else a DriftError."""
    if not re.fullmatch(r"3\.\d+\.\d+((a|b|rc|\.dev)\d+)?", version):
        raise DriftError(
            f"{version!r} is not a Prefect 3 version (for example 3.8.8): "
            "the pages teach Prefect 3"
        )
    return version


def pin(copy: Path, version: str, pinned: str) -> list[str]:
    """Pin Prefect `version` in a clone of the repository, where the pinned one was:
    the project's dependency and the versions the pages have the reader type (`uv add
    "prefect..."`, the Docker image's tag, `prefect-version:` in prefect.yaml). The
    recorded outputs are left for the run to refresh. Returns the files changed."""
    spec = next(
        dependency
        for dependency in tomllib.loads((copy / "pyproject.toml").read_text())[
            "project"
        ]["dependencies"]
        if re.match(r"prefect\b(?!-)", dependency)
    )
    bare = re.escape(pinned)
    rewrites = [
        (re.compile(re.escape(spec)), f"prefect=={version}"),
        (re.compile(rf"(?<=prefecthq/prefect:){bare}\b"), version),
        (re.compile(rf"(?<=prefect-version: ){bare}\b"), version),
    ]
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=copy, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    changed = []
    for name in tracked:
        path = copy / name
        if name in ("uv.lock", STAMPS) or name.endswith(".out") or not path.is_file():
            continue
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            continue
        new = text
        for pattern, replacement in rewrites:
            new = pattern.sub(replacement, new)
        if new != text:
            path.write_text(new)
            changed.append(name)
    if "pyproject.toml" not in changed:
        raise DriftError(f"could not pin Prefect {version} in pyproject.toml")
    return changed


@dataclass
class ChangedOutput:
    path: str
    pages: list[str]
    diff: str


# What a page's journey test says when an earlier page stopped the journey: that
# page was not followed, which says nothing of it.
NOT_FOLLOWED = re.compile(r"the journey stopped at (?P<page>\S+\.md): a reader cannot")


@dataclass
class FailedTest:
    test: str
    pages: list[str]
    message: str

    @property
    def not_followed(self) -> bool:
        return bool(NOT_FOLLOWED.search(self.message))


@dataclass
class Report:
    prefect: str
    pinned: str
    day: str
    seconds: float = 0.0
    pinned_in: list[str] = field(default_factory=list)
    could_not_run: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    pytest_exit: int | None = None
    pytest_args: list[str] = field(default_factory=list)
    """What the run gave pytest instead of the whole suite, if anything."""
    changed: list[ChangedOutput] = field(default_factory=list)
    failed: list[FailedTest] = field(default_factory=list)
    rewritten: list[str] = field(default_factory=list)
    """Files the run rewrote with no difference the tests would notice, or that are
    not outputs (figures, stamps): listed, not diffed."""

    @property
    def drifted(self) -> bool:
        return bool(self.could_not_run or self.changed or self.failed)

    def pages(self) -> dict[str, dict[str, list[str]]]:
        """Page -> the changed outputs, the failed tests that concern it, and the
        tests that did not get to it (an earlier page stopped the journey)."""
        found: dict[str, dict[str, list[str]]] = {}

        def add(pages: list[str], what: str, name: str) -> None:
            for page in pages or ["(no page)"]:
                found.setdefault(
                    page, {"outputs": [], "tests": [], "not followed": []}
                )[what].append(name)

        for output in self.changed:
            add(output.pages, "outputs", output.path)
        for test in self.failed:
            add(test.pages, "not followed" if test.not_followed else "tests", test.test)
        order = {page: at for at, page in enumerate(nav_pages(REPO))}
        return dict(sorted(found.items(), key=lambda item: order.get(item[0], 999)))


def nav_pages(repo: Path) -> list[str]:
    """The pages of `repo` (the repository or its clone) in the site's order."""
    return page_steps.nav_pages(repo / "mkdocs.yml")


def pages_showing(repo: Path) -> dict[str, list[str]]:
    """File -> the pages that include it (`--8<-- "file"`)."""
    shown: dict[str, list[str]] = {}
    for page in nav_pages(repo):
        for path in included_files((repo / "docs" / page).read_text()):
            pages = shown.setdefault(path, [])
            pages.append(page)
    return shown


def pages_of_test(test: str, repo: Path, shown: dict[str, list[str]]) -> list[str]:
    """The pages a test is about, from its name: a page in its parameters, its file
    (tests/pages/test_<page>_page.py), or the snippet it runs."""
    pages = nav_pages(repo)
    named = [page for page in pages if re.search(rf"\b{re.escape(page)}\b", test)]
    if named:
        return named
    if found := re.search(r"tests/pages/test_(\w+)_page\.py", test):
        page = f"{found.group(1)}.md"
        if page in pages:
            return [page]
    for path, showing in shown.items():
        if path.removeprefix("snippets/") in test or path in test:
            return showing
    if found := re.search(r"\[(\w+)", test):  # an exercise's or a snippet's page
        page = f"{found.group(1)}.md"
        if page in pages:
            return [page]
    return []


def failed_tests(junit: Path, repo: Path) -> tuple[dict[str, int], list[FailedTest]]:
    """The counts of a pytest JUnit XML report, and its failures and errors."""
    if not junit.exists():
        return {}, []
    suite = ElementTree.parse(junit).getroot()
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    counts = {
        key: int(suite.get(key, 0))
        for key in ("tests", "failures", "errors", "skipped")
    }
    shown = pages_showing(repo)
    failed = []
    for case in suite.iter("testcase"):
        for problem in [*case.findall("failure"), *case.findall("error")]:
            module = case.get("classname", "").replace(".", "/")
            test = f"{module}.py::{case.get('name')}"
            text = (problem.text or "").splitlines()
            # pytest's own lines, `E   ...`, say why; the traceback around them is
            # in junit.xml and pytest.log
            said = [line for line in text if line.startswith("E ")][:15]
            message = "\n".join(said) or (problem.get("message") or "").strip()
            failed.append(FailedTest(test, pages_of_test(test, repo, shown), message))
    return counts, failed


def changed_outputs(copy: Path) -> tuple[list[ChangedOutput], list[str]]:
    """What the refreshing run changed in the clone, since the pin: the outputs that
    differ the way the tests would notice, and the other files it rewrote."""
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=copy,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    shown = pages_showing(copy)
    changed, rewritten = [], []
    for line in status:
        path = line[3:]
        if not OUTPUT_FILE.match(path) or path == STAMPS:
            rewritten.append(path)
            continue
        before = subprocess.run(
            ["git", "show", f"HEAD:{path}"], cwd=copy, capture_output=True, text=True
        )
        fresh = (copy / path).read_text() if (copy / path).exists() else ""
        recorded = before.stdout if before.returncode == 0 else ""
        shown_rule = rule(path)
        diff = difference(
            recorded,
            fresh,
            label=path,
            ordered=shown_rule.ordered,
            optional=shown_rule.optional,
            figures=shown_rule.figures,
        )
        if diff:
            changed.append(ChangedOutput(path, shown.get(path, []), diff))
        else:
            rewritten.append(path)
    return changed, rewritten


def run_suite(copy: Path, out: Path, pytest_args: list[str]) -> int:
    """`uv run pytest --update-examples` in the clone, its output to the terminal and
    to out/pytest.log; returns pytest's exit code."""
    env = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    env.pop("UV_PROJECT_ENVIRONMENT", None)
    env["PYTHONUNBUFFERED"] = "1"  # its progress as it goes, not at the end
    command = [
        *("uv", "run", "pytest", "--update-examples"),
        f"--junitxml={out / 'junit.xml'}",
        *(f"--deselect={test}" for test in LEFT_OUT),
        *pytest_args,
    ]
    with (out / "pytest.log").open("w") as log:
        running = subprocess.Popen(
            command,
            cwd=copy,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for line in running.stdout:
            log.write(line)
            sys.stdout.write(line)
        return running.wait()


def lock(copy: Path, version: str) -> None:
    """`uv lock` in the clone: the other Prefect with the project's other
    dependencies, or a DriftError saying why not."""
    locked = subprocess.run(
        ["uv", "lock"], cwd=copy, capture_output=True, text=True, timeout=600
    )
    if locked.returncode != 0:
        said = [
            line.strip().removeprefix("error: ")
            for line in locked.stderr.splitlines()
            if line.strip() and not line.startswith("Using ")
        ]
        raise DriftError(
            f"Prefect {version} does not install with this project's other "
            "dependencies. uv says: " + " ".join(said)
        )


def drift_run(version: str, workdir: Path, out: Path, pytest_args: list[str]) -> Report:
    """Clone, pin `version`, refresh every output with the suite, and report."""
    pinned = locked_version("prefect")
    report = Report(
        prefect=version,
        pinned=pinned,
        day=today(),
    )
    started = time.monotonic()
    copy = workdir / "repo"
    subprocess.run(
        ["git", "clone", "--quiet", "--no-hardlinks", str(REPO), str(copy)],
        check=True,
    )
    try:
        report.pinned_in = pin(copy, version, pinned)
        lock(copy, version)
    except DriftError as error:
        report.could_not_run = str(error)
        report.seconds = time.monotonic() - started
        return report
    subprocess.run(
        [
            *("git", "-c", "user.name=drift", "-c", "user.email=drift@localhost"),
            *("commit", "--quiet", "--all", "-m", f"Pin Prefect {version}"),
        ],
        cwd=copy,
        check=True,
    )
    report.pytest_args = pytest_args
    report.pytest_exit = run_suite(copy, out, pytest_args)
    report.counts, report.failed = failed_tests(out / "junit.xml", copy)
    report.changed, report.rewritten = changed_outputs(copy)
    report.seconds = time.monotonic() - started
    return report


def markdown(report: Report) -> str:
    """The report a person reads: summary, pages affected, diffs, failures."""
    title = f"# Drift: Prefect {report.prefect} against the pinned {report.pinned}"
    lines = [title, ""]
    if report.could_not_run:
        return "\n".join(
            [*lines, f"The drift run could not be made: {report.could_not_run}", ""]
        )
    counts = report.counts
    failed = counts.get("failures", 0) + counts.get("errors", 0)
    lines += [
        f"Run on {report.day} in {report.seconds / 60:.0f} min: "
        + (
            f"`pytest {' '.join(report.pytest_args)}`"
            if report.pytest_args
            else "the whole suite"
        )
        + f" with Prefect {report.prefect}, every shown output recorded afresh "
        f"(`--update-examples`). {counts.get('tests', 0)} tests, {failed} failed"
        + (
            f", {stopped} of them only because the journey stopped"
            if (stopped := sum(test.not_followed for test in report.failed))
            else ""
        )
        + f" (pytest's exit code: {report.pytest_exit}). "
        f"{len(report.changed)} shown outputs changed the way the tests notice "
        "(timestamps, ids and names do not count).",
        "",
        "Pinned for the run: "
        + ", ".join(f"`{name}`" for name in report.pinned_in)
        + ".",
        "",
        "Left out: "
        + ", ".join(f"`{test}`" for test in LEFT_OUT)
        + ": the stamps say the pinned Prefect until a journey with the new one is "
        "recorded, and the drift run's own tests pin an older Prefect themselves.",
        "",
    ]
    if not report.drifted:
        lines += [
            f"No drift: a reader on Prefect {report.prefect} sees what the pages show.",
            "",
        ]
        return "\n".join(lines)
    lines += ["## Pages affected", ""]
    lines += ["| page | outputs changed | tests failed | not followed |"]
    lines += ["|---|---|---|---|"]
    for page, found in report.pages().items():
        lines.append(
            f"| {page} | {len(found['outputs'])} | {len(found['tests'])} "
            f"| {'yes' if found['not followed'] else ''} |"
        )
    lines.append("")
    if report.changed:
        lines += ["## Outputs that changed", ""]
        for output in report.changed:
            where = ", ".join(output.pages) or "no page"
            lines += [
                f"### `{output.path}` ({where})",
                "",
                "```diff",
                output.diff,
                "```",
                "",
            ]
    not_followed = [test for test in report.failed if test.not_followed]
    if not_followed:
        stopped = NOT_FOLLOWED.search(not_followed[0].message).group("page")
        lines += [
            "## Not followed",
            "",
            f"The journey stopped at {stopped} (below), and a reader cannot go on: "
            "these tests failed for that alone, and say nothing of their pages.",
            "",
            *(f"- `{test.test}`" for test in not_followed),
            "",
        ]
    if failed_here := [test for test in report.failed if not test.not_followed]:
        lines += ["## Tests that failed", ""]
        for test in failed_here:
            where = ", ".join(test.pages) or "no single page"
            lines += [
                f"### `{test.test}` ({where})",
                "",
                "```text",
                test.message,
                "```",
                "",
            ]
    if report.rewritten:
        lines += [
            "## Rewritten with no difference the tests notice",
            "",
            *(f"- `{path}`" for path in report.rewritten),
            "",
        ]
    return "\n".join(lines)


def write(report: Report, out: Path) -> Path:
    """report.md and report.json in `out`; returns report.md's path."""
    out.mkdir(parents=True, exist_ok=True)
    data = asdict(report) | {"drifted": report.drifted, "pages": report.pages()}
    (out / "report.json").write_text(json.dumps(data, indent=2) + "\n")
    (out / "report.md").write_text(markdown(report))
    return out / "report.md"
