"""Run the suite against another Prefect and report what drifts from the pages.

    uv run python scripts/drift.py                  # the newest Prefect release
    uv run python scripts/drift.py --prefect 3.8.8  # a given one
    uv run python scripts/drift.py --prefect 3.8.8 --out drift -- tests/snippets

In a throwaway clone of the repository (its last commit), with that Prefect pinned, the
whole suite runs with `--update-examples` (about 30 minutes), and the report says which
shown outputs changed (as diffs), which tests failed and why, and which pages that
concerns: report.md and report.json in --out, beside pytest.log and junit.xml.
Arguments after `--` go to pytest instead of the whole suite. The repository's pinned
versions and recorded outputs are left as they are (harness/drift.py).

Exit status: 0 no drift, 1 drift found, 2 the run could not be made (a version that
does not exist or does not install with the project's other dependencies).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

from harness.drift import (
    DriftError,
    Report,
    check_version,
    drift_run,
    locked_version,
    newest_prefect,
    today,
    write,
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--prefect",
        metavar="VERSION",
        help="the Prefect to run against (default: the newest on the package index)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="where to write the report (default: a new folder in the temp folder)",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the throwaway clone (its path is printed) to look at its files",
    )
    parser.add_argument("pytest_args", nargs="*", help="after --: pytest's arguments")
    args = parser.parse_args()

    pinned = locked_version("prefect")
    out = (args.out or Path(tempfile.mkdtemp(prefix="learn-prefect-drift-"))).resolve()
    out.mkdir(parents=True, exist_ok=True)
    try:
        version = check_version(args.prefect) if args.prefect else newest_prefect()
    except DriftError as error:
        report = Report(prefect=args.prefect or "newest", pinned=pinned, day=today())
        report.could_not_run = str(error)
        write(report, out)
        print(f"drift.py: {error}", file=sys.stderr)
        return 2
    if version == pinned and not args.prefect:
        (out / "report.md").write_text(
            f"# No drift run: the newest Prefect, {version}, is the one pinned\n"
        )
        (out / "report.json").write_text(
            json.dumps({"prefect": version, "pinned": pinned, "drifted": False}) + "\n"
        )
        print(f"The newest Prefect, {version}, is the one the repository pins.")
        return 0
    workdir = Path(tempfile.mkdtemp(prefix="learn-prefect-drift-clone-"))
    print(f"Prefect {version} against the pinned {pinned}, in {workdir}", flush=True)
    try:
        report = drift_run(version, workdir, out, args.pytest_args)
    finally:
        if args.keep:
            print(f"The clone is kept: {workdir / 'repo'}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    written = write(report, out)
    if report.could_not_run:
        print(f"drift.py: {report.could_not_run}", file=sys.stderr)
        return 2
    pages = report.pages()
    print(
        f"\n{len(report.changed)} shown outputs changed, {len(report.failed)} tests "
        f"failed, {len(pages)} pages affected"
        + (": " + ", ".join(pages) if pages else "")
        + f". Report: {written}"
    )
    return 1 if report.drifted else 0


if __name__ == "__main__":
    sys.exit(main())
