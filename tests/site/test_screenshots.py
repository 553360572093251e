"""The UI screenshots on the pages: scripts/screenshots.py, run for real.

The capture starts a Prefect server of its own (a throwaway home, a free port of
127.0.0.1), runs the site's snippets against it, and photographs its UI in Chromium;
here it writes into a temporary folder, never over the committed pictures.
"""

from __future__ import annotations

import struct
import subprocess
import sys
from concurrent.futures import Future
from pathlib import Path

import pytest

from harness import REPO, screenshots

SCRIPT = REPO / "scripts/screenshots.py"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# What each picture must show, as the pages describe it.
SHOWN = {
    "dashboard": {"my-pool", "strict-report", "daily-report"},
    "flows": {"hello-flow", "hello-tasks", "daily-report", "strict-report"},
    "flow-run": {"hello-tasks", "create_hello", "create_world", "Completed"},
    "deployments": {"hello-deployment", "weekday-mornings"},
    "work-pool": {"my-pool", "Online"},
    "scheduled-runs": {"weekday-mornings", "At 09:00 AM, Monday through Friday"},
    "artifacts": {"orders-by-region", "sales-summary", "sales-dashboard"},
    "failed-run": {
        "daily-report",
        "Failed",
        "no report today: table 'orders' is locked",
    },
}


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's header (its IHDR chunk comes first)."""
    header = path.read_bytes()[:24]
    assert header[:8] == PNG_SIGNATURE, f"{path.name} is not a PNG"
    assert header[12:16] == b"IHDR", f"{path.name} has no IHDR chunk first"
    return struct.unpack(">II", header[16:24])


@pytest.fixture(scope="module")
def shots(ui_capture: Future) -> dict[str, screenshots.Shot]:
    # started in the background with the browser tests (conftest.py)
    return ui_capture.result(timeout=600)


def test_every_view_is_a_png_of_its_size(shots: dict[str, screenshots.Shot]) -> None:
    assert set(shots) == set(SHOWN)
    folder = {shot.path.parent for shot in shots.values()}
    assert len(folder) == 1, folder
    assert sorted(path.name for path in folder.pop().iterdir()) == sorted(
        f"{name}.png" for name in SHOWN
    )
    for name, shot in shots.items():
        assert shot.path.name == f"{name}.png"
        assert png_size(shot.path) == (shot.width, shot.height)
        # the window is 1280 wide; all but the dashboard leave the UI's sidebar out
        assert shot.width == (1280 if name == "dashboard" else 1024), name
        # cropped to what matters, small enough for a page
        assert 300 <= shot.height <= 1000, (name, shot.height)
        assert shot.path.stat().st_size < 400_000, name


def test_every_view_showed_what_the_pages_describe(
    shots: dict[str, screenshots.Shot],
) -> None:
    for name, expected in SHOWN.items():
        missing = expected - set(shots[name].found)
        assert not missing, f"{name}: not checked on the page: {missing}"


def test_an_output_folder_that_is_a_file_is_refused(tmp_path: Path) -> None:
    a_file = tmp_path / "pictures"
    a_file.write_text("not a folder")
    refused = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(a_file)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 2, refused.stderr
    assert f"--out: {a_file} is a file, not a folder" in refused.stderr
    assert a_file.read_text() == "not a folder"
    with pytest.raises(screenshots.CaptureError, match="is a file, not a folder"):
        screenshots.capture(a_file / "ui")
