"""Which Prefect each page's samples and outputs were last verified with, and when.

The journey writes it (harness/journey.py) when it follows a page to its end and every
output there matched, or was recorded: `scripts/follow_pages.py` always does, the tests
only with `--update-examples` (a test run leaves the repository as it is). The site
shows each page's stamp (hooks/verified_stamp.py), and
tests/site/test_verified_with.py checks that every page has one, of the Prefect the
project pins.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from importlib.metadata import version

from harness import REPO

RECORD = REPO / "docs" / "verified_with.json"


def stamps() -> dict[str, dict[str, str]]:
    """page -> {"prefect": version, "verified": ISO date}."""
    if not RECORD.exists():
        return {}
    return json.loads(RECORD.read_text())


def stamp(page: str) -> None:
    """Record that `page` was verified today, with the installed Prefect."""
    record = stamps()
    record[page] = {
        "prefect": version("prefect"),
        "verified": datetime.now(UTC).date().isoformat(),
    }
    RECORD.write_text(json.dumps(dict(sorted(record.items())), indent=2) + "\n")
