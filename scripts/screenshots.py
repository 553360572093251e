"""Screenshots of the Prefect UI for the pages, taken from a real server.

    uv run python scripts/screenshots.py            # into docs/images/ui/
    uv run python scripts/screenshots.py --out DIR  # somewhere else

What it does, and the checks each picture passes before it is saved:
harness/screenshots.py.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from harness import REPO
from harness.prefect_server import cache_bytecode
from harness.screenshots import DEFAULT_OUT, CaptureError, capture, unusable


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        help="folder for the PNGs (default: docs/images/ui/)",
    )
    args = parser.parse_args()
    if problem := unusable(args.out):
        parser.error(f"--out: {problem}")
    cache_bytecode()
    started = time.monotonic()
    try:
        shots = capture(args.out)
    except CaptureError as error:
        sys.exit(f"screenshots: {error}")
    for shot in shots.values():
        size = shot.path.stat().st_size // 1024
        print(
            f"wrote {display(shot.path)} ({shot.width}x{shot.height}, {size} KB): "
            f"shows {', '.join(shot.found)}"
        )
    print(f"{len(shots)} pictures in {time.monotonic() - started:.0f} s")


def display(path: Path) -> str:
    """A path relative to the repository when it is inside it."""
    try:
        return str(path.resolve().relative_to(REPO))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    main()
