"""MkDocs hook: a line under each lesson's title that says which Prefect its samples
and outputs were last verified with, and when.

The stamps come from docs/verified_with.json, which the journey writes when it has
followed a page and every output on it matched or was recorded
(harness/verified_with.py): nobody types them. A lesson without a stamp fails the
strict build.
"""

from __future__ import annotations

import logging
from datetime import date

from mkdocs.structure.pages import Page

from harness.verified_with import RECORD, stamps

log = logging.getLogger("mkdocs.plugins.verified_stamp")
# Pages with nothing run on them.
NOT_RUN = {"index.md"}

STAMP = (
    '<p class="verified-with">Verified with Prefect {prefect} on {day}: every command '
    "and sample on this page ran as shown, with the outputs shown. The tests run them "
    "again on every change.</p>\n"
)


def on_page_markdown(markdown: str, page: Page, **_: object) -> str:
    name = page.file.src_uri
    if name in NOT_RUN:
        return markdown
    found = stamps().get(name)
    if found is None:
        log.warning(
            "%s has no stamp in %s: record its outputs with the journey "
            "(uv run python scripts/follow_pages.py %s)",
            name,
            RECORD.name,
            name,
        )
        return markdown
    day = date.fromisoformat(found["verified"])
    line = STAMP.format(prefect=found["prefect"], day=f"{day:%-d %B %Y}")
    title_end = markdown.find("\n") + 1 if markdown.startswith("# ") else 0
    return markdown[:title_end] + "\n" + line + markdown[title_end:]
