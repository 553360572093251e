"""Debian's Chromium, driven by Playwright: the browser of the browser tests and of
scripts/screenshots.py. Playwright never downloads a browser here."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Playwright

EXECUTABLE = Path("/usr/bin/chromium")

# Headless, and quiet on a machine with no internet: without the background-networking
# flags Chromium keeps trying to reach Google's services. --no-sandbox because the
# tests run as root (as CI does).
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch(playwright: Playwright) -> Browser:
    if not EXECUTABLE.is_file():
        raise RuntimeError(
            f"{EXECUTABLE} not found: install Debian's Chromium "
            "(apt-get install chromium; .ci/run does it)"
        )
    return playwright.chromium.launch(executable_path=str(EXECUTABLE), args=FLAGS)
