"""Every internal link and anchor of the built site resolves, checked by a real link
checker (LinkChecker) crawling the site over HTTP from its home page."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from harness.built_site import serve

CONFIG = Path(__file__).with_name("linkcheckerrc")

# LinkChecker started as root (as the tests are, in a container) switches to the user
# nobody right after reading its config file (drop_privileges() in
# linkcheck/command/linkchecker.py), and only then lists its own plugins folder to
# load AnchorCheck. In a checkout that sits in a folder only root may enter (a clone
# in a `mktemp -d` folder: mode 0700), nobody cannot list .venv/.../linkcheck/plugins:
# pkgutil finds no plugin, without a word, and LinkChecker checks every page but no
# anchor ("0 warnings found. 1 error found." below; the site-wide check passes without
# looking at a single anchor). It reads nothing but our own site on 127.0.0.1, so it
# keeps the user it was started as, wherever the checkout is.
RUN_LINKCHECKER = """
import sys
from linkcheck.command import linkchecker as command
command.drop_privileges  # still there: replacing it below is not a no-op
command.drop_privileges = lambda: None
sys.argv[0] = "linkchecker"
sys.exit(command.linkchecker())
"""


def linkchecker(url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            RUN_LINKCHECKER,
            "--config",
            str(CONFIG),
            "--no-status",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )


def summary(output: str) -> str:
    return next(
        (line for line in output.splitlines() if line.startswith("That's it.")), ""
    )


def test_every_internal_link_and_anchor_resolves(served_site: str) -> None:
    checked = linkchecker(served_site)
    assert checked.returncode == 0, (
        f"broken links in the built site:\n{checked.stdout}\n{checked.stderr}"
    )
    # It crawled the whole site, not just the home page (about 200 links today).
    assert " 0 warnings found. 0 errors found." in summary(checked.stdout)
    links = int(summary(checked.stdout).split()[2])
    assert links > 150, checked.stdout


def test_the_checker_finds_a_broken_page_and_a_broken_anchor(tmp_path: Path) -> None:
    # A site shaped like ours (pages as folder/index.html, links to folder/#anchor),
    # with one good and two broken links.
    (tmp_path / "server").mkdir()
    (tmp_path / "server" / "index.html").write_text(
        '<html><body><h2 id="start-the-server">Start</h2></body></html>'
    )
    (tmp_path / "index.html").write_text(
        "<html><body>"
        '<a href="server/#start-the-server">good</a>'
        '<a href="server/#no-such-heading">broken anchor</a>'
        '<a href="no-such-page/">broken page</a>'
        "</body></html>"
    )
    with serve(tmp_path) as url:
        checked = linkchecker(url)
    assert checked.returncode == 1
    assert f"Real URL   {url}no-such-page/" in checked.stdout
    assert "Error: 404 File not found" in checked.stdout
    assert "Anchor `no-such-heading' (decoded:" in checked.stdout
    assert "start-the-server' (decoded" not in checked.stdout
    assert "1 warning found. 1 error found." in summary(checked.stdout)
