"""Each lesson's stamp (hooks/verified_stamp.py): which Prefect its samples
and outputs were verified with, and when, from the record the journey writes
(harness/verified_with.py)."""

from __future__ import annotations

import re
from datetime import date
from importlib.metadata import version
from pathlib import Path

from harness.journey import FOLLOWED
from harness.verified_with import stamps


def test_every_page_the_journey_follows_has_a_stamp() -> None:
    assert set(stamps()) == set(FOLLOWED)


def test_every_stamp_is_of_the_prefect_the_project_pins() -> None:
    # A new Prefect in the lock and no new recording: the stamps would lie.
    pinned = version("prefect")
    stale = {
        page: found for page, found in stamps().items() if found["prefect"] != pinned
    }
    assert not stale, (
        f"verified with another Prefect than {pinned}: {stale}. Follow the pages "
        "again: uv run python scripts/follow_pages.py"
    )
    assert all(
        date.fromisoformat(found["verified"]) <= date.today()
        for found in stamps().values()
    )


def test_each_page_shows_its_stamp_under_its_title(built_site: Path) -> None:
    for page, found in stamps().items():
        html = (built_site / page.removesuffix(".md") / "index.html").read_text()
        day = date.fromisoformat(found["verified"])
        shown = re.search(r'<p class="verified-with">(.*?)</p>', html, re.S)
        assert shown, page
        assert f"Verified with Prefect {found['prefect']}" in shown.group(1)
        assert f"{day:%-d %B %Y}" in shown.group(1)
        # right under the title
        assert html.index("</h1>") < shown.start() < html.index("<h2", shown.start())
