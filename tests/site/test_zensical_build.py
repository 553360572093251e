"""The site built with Zensical (`zensical build`, which reads the same mkdocs.yml) and
with MkDocs gives readers the same pages: the same HTML files, headings, included code,
text (the markdown-exec blocks' output among it) and links within the site.

What differs for a reason the site cannot remove is in KNOWN_DIFFERENCES, each with
its why; anything else that differs fails, and so does a known difference that no
longer occurs (the list must stay true).

Zensical puts its output and its cache (`site/`, `.cache/`) beside the config file, and
refuses a `site_dir` outside that folder: it builds a copy of what the site is made
from, in a temporary folder, and nothing lands in the repository.
"""

from __future__ import annotations

import difflib
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from harness import REPO
from harness.page_steps import included_files, nav_pages

DOCS = REPO / "docs"
ZENSICAL_TIMEOUT = 180  # seconds; it builds this site in about one


@dataclass(frozen=True)
class Known:
    """Items of one kind that one build has and the other has not, on any page."""

    kind: str  # "files", "headings", "code blocks", "text" or "links"
    only_in: str  # "MkDocs" or "Zensical"
    pattern: str  # a regular expression the whole item matches
    why: str


HOOKS_IGNORED = (
    "made by an MkDocs hook (mkdocs.yml's `hooks:`), and Zensical runs no MkDocs "
    "hooks: 0.0.73 ignores the setting, 0.1.3 accepts it and runs none either"
)

KNOWN_DIFFERENCES = [
    Known(
        "files",
        "MkDocs",
        r"downloads/learn-prefect-[a-z]+\.zip",
        f"each lesson's download: {HOOKS_IGNORED} (hooks/lesson_downloads.py)",
    ),
    Known(
        "links",
        "MkDocs",
        r"/downloads/learn-prefect-[a-z]+\.zip",
        f"the link to the lesson's download, in a box {HOOKS_IGNORED} "
        "(hooks/lesson_downloads.py)",
    ),
    Known(
        "text",
        "MkDocs",
        r"This lesson's files|learn-prefect-[a-z]+\.zip: .*",
        f"the box that links the lesson's download: {HOOKS_IGNORED} "
        "(hooks/lesson_downloads.py)",
    ),
    Known(
        "text",
        "MkDocs",
        r"Verified with Prefect \S+ on \d{1,2} [A-Z][a-z]+ \d{4}: every command and "
        r"sample on this page ran as shown, .*",
        f"the verified-with line under the lesson's title: {HOOKS_IGNORED} "
        "(hooks/verified_stamp.py)",
    ),
    Known(
        "files",
        "MkDocs",
        r"search/search_index\.json",
        "the search index of MkDocs' search plugin; Zensical writes its own, "
        "search.json",
    ),
    Known(
        "files",
        "Zensical",
        r"search\.json",
        "Zensical's search index (MkDocs': search/search_index.json)",
    ),
    Known(
        "files",
        "MkDocs",
        r"sitemap\.xml\.gz",
        "MkDocs also writes a gzipped sitemap; Zensical writes sitemap.xml only "
        "(both builds have it)",
    ),
    Known(
        "links",
        "MkDocs",
        r"/[^#]*#[\w-]+ \(skip link\)",
        "Material's 'Skip to content' link points at the page's title; Zensical's "
        "theme points it at an anchor of its own (below)",
    ),
    Known(
        "links",
        "Zensical",
        r"/[^#]*#__skip \(skip link\)",
        "Zensical's theme points its 'Skip to content' link at an anchor it puts "
        "before the content, __skip; Material's points at the page's title",
    ),
]

KINDS = ["files", "headings", "code blocks", "text", "links"]


# --- Building with Zensical ------------------------------------------------------


def site_sources() -> list[str]:
    """What the site is built from: the config, the pages, the theme's overrides,
    the folders the pages include from, and each file included from elsewhere."""
    sources = {"mkdocs.yml", "docs", "overrides", "snippets", "exercises"}
    for page in DOCS.rglob("*.md"):
        for path in included_files(page.read_text()):
            if path.split("/")[0] not in sources:
                sources.add(path)
    return sorted(sources)


def zensical_build(project: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "zensical", "build", "--strict"]
    try:
        return subprocess.run(
            command,
            cwd=project,
            capture_output=True,
            text=True,
            timeout=ZENSICAL_TIMEOUT,
        )
    except subprocess.TimeoutExpired as timeout:
        output = (timeout.stdout or b"").decode() + (timeout.stderr or b"").decode()
        pytest.fail(
            f"`zensical build --strict` did not end within {ZENSICAL_TIMEOUT} s:\n"
            f"{plain(output)}"
        )


def plain(output: str) -> str:
    """Zensical colours its diagnostics (NO_COLOR or not): without the escapes."""
    return re.sub(r"\x1b\[[0-9;]*m", "", output)


@pytest.fixture(scope="module")
def zensical_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built with `zensical build --strict`, from a copy of its sources."""
    project = tmp_path_factory.mktemp("zensical-project")
    for source in site_sources():
        here, there = REPO / source, project / source
        there.parent.mkdir(parents=True, exist_ok=True)
        if here.is_dir():
            shutil.copytree(here, there, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(here, there)
    start = time.monotonic()
    build = zensical_build(project)
    seconds = time.monotonic() - start
    assert build.returncode == 0, (
        f"`zensical build --strict` failed (exit {build.returncode}, {seconds:.1f} s):"
        f"\n{plain(build.stdout)}\n{plain(build.stderr)}"
    )
    return project / "site"


# --- Reading a built page -----------------------------------------------------------

VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
    "source", "track", "wbr",
}  # fmt: skip
# Tags that end a run of text: what is inside one is one item of the page's text.
BLOCKS = {
    "p", "li", "td", "th", "dt", "dd", "div", "details", "summary", "table", "tr",
    "ul", "ol", "blockquote", "figcaption", "caption", "h4", "h5", "h6", "br",
}  # fmt: skip
HEADINGS = {"h1", "h2", "h3"}


@dataclass
class Page:
    """What a reader gets from a built page."""

    headings: list[str] = field(default_factory=list)  # "h2 Title", no ¶
    code_blocks: list[str] = field(default_factory=list)  # each <pre>'s text
    text: list[str] = field(default_factory=list)  # the rest of the article's text
    # Every <a href> to a page or an anchor of the site (the navigation's too), as a
    # path from the site's root.
    links: list[str] = field(default_factory=list)


class _PageParser(HTMLParser):
    def __init__(self, url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.url = url
        self.page = Page()
        self.open: list[tuple[str, str]] = []  # (tag, class) of the open elements
        self.in_article = False
        self.heading: tuple[str, list[str]] | None = None
        self.code: list[str] | None = None
        self.run: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        css = attributes.get("class") or ""
        href = attributes.get("href") if tag == "a" else None
        if href is not None and (link := internal(self.url, href)) is not None:
            skip = "md-skip" in css.split()
            self.page.links.append(f"{link} (skip link)" if skip else link)
        if tag == "article" and "md-content__inner" in css:
            self.in_article = True
        if tag in BLOCKS or tag in HEADINGS or tag == "pre":
            self.end_run()
        if self.in_article:
            if tag in HEADINGS:
                self.heading = (tag, [])
            elif tag == "pre":
                self.code = []
        if tag not in VOID:
            self.open.append((tag, css))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID or tag not in [name for name, _ in self.open]:
            return
        while self.open:
            name, _ = self.open.pop()
            self.closed(name)
            if name == tag:
                break

    def closed(self, tag: str) -> None:
        if tag in HEADINGS and self.heading is not None:
            level, words = self.heading
            self.page.headings.append(f"{level} {' '.join(''.join(words).split())}")
            self.heading = None
        elif tag == "pre" and self.code is not None:
            self.page.code_blocks.append("".join(self.code))
            self.code = None
        elif tag == "article":
            self.in_article = False
        if tag in BLOCKS:
            self.end_run()

    def handle_data(self, data: str) -> None:
        if not self.in_article or any(
            name in ("script", "style") or "headerlink" in css
            for name, css in self.open
        ):
            return
        if self.heading is not None:
            self.heading[1].append(data)
        elif self.code is not None:
            self.code.append(data)
        else:
            self.run.append(data)

    def end_run(self) -> None:
        text = " ".join("".join(self.run).split())
        if text:
            self.page.text.append(text)
        self.run = []


SITE = "http://site.invalid/"


def internal(page_url: str, href: str) -> str | None:
    """A link to a page or an anchor of the site, as a path from its root
    (`/tasks/#retries`); None for a link that leaves the site."""
    target = urlsplit(urljoin(SITE + page_url, href))
    if f"{target.scheme}://{target.netloc}/" != SITE:
        return None
    path = target.path.removesuffix("index.html")
    return path + (f"#{target.fragment}" if target.fragment else "")


def read_page(site: Path, page: str) -> Page:
    parser = _PageParser(page)
    parser.feed((site / page).read_text())
    parser.close()
    parser.end_run()
    return parser.page


def html_pages(site: Path) -> set[str]:
    return {path.relative_to(site).as_posix() for path in site.rglob("*.html")}


def site_files(site: Path) -> set[str]:
    """The built files, less the theme's and the plugins' own assets (Material's
    bundles and Zensical's differ by design, named by their hashes); the site's own
    assets, from docs/assets/, count."""
    return {
        name
        for path in site.rglob("*")
        if path.is_file()
        and (
            not (name := path.relative_to(site).as_posix()).startswith("assets/")
            or (DOCS / name).is_file()
        )
    }


# --- Comparing ----------------------------------------------------------------------


@dataclass(frozen=True)
class Difference:
    page: str  # "" for the files of the site
    kind: str
    only_in: str
    item: str

    def __str__(self) -> str:
        where = f"{self.page}: " if self.page else ""
        return f"{where}{self.kind} only in the {self.only_in} build: {self.item!r}"


def differences(
    page: str, kind: str, mkdocs: list[str], zensical: list[str]
) -> list[Difference]:
    """The items one build has and the other has not, in order (an item moved to
    another place shows as one of each)."""
    found = []
    matcher = difflib.SequenceMatcher(a=mkdocs, b=zensical, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op != "equal":
            found += [Difference(page, kind, "MkDocs", item) for item in mkdocs[a1:a2]]
            found += [
                Difference(page, kind, "Zensical", item) for item in zensical[b1:b2]
            ]
    return found


def known(difference: Difference) -> Known | None:
    for rule in KNOWN_DIFFERENCES:
        if (
            rule.kind == difference.kind
            and rule.only_in == difference.only_in
            and re.fullmatch(rule.pattern, difference.item)
        ):
            return rule
    return None


@pytest.fixture(scope="module")
def all_differences(built_site: Path, zensical_site: Path) -> list[Difference]:
    """Every difference between the two builds, known or not."""
    found = differences(
        "", "files", sorted(site_files(built_site)), sorted(site_files(zensical_site))
    )
    for page in sorted(html_pages(built_site) & html_pages(zensical_site)):
        mkdocs, zensical = read_page(built_site, page), read_page(zensical_site, page)
        found += differences(page, "headings", mkdocs.headings, zensical.headings)
        found += differences(
            page, "code blocks", mkdocs.code_blocks, zensical.code_blocks
        )
        found += differences(page, "text", mkdocs.text, zensical.text)
        found += differences(
            page, "links", sorted(mkdocs.links), sorted(zensical.links)
        )
    return found


# --- The tests ----------------------------------------------------------------------


def test_both_builds_have_the_same_pages(built_site: Path, zensical_site: Path) -> None:
    expected = {
        "index.html" if page == "index.md" else page.removesuffix(".md") + "/index.html"
        for page in nav_pages()
    }
    mkdocs, zensical = html_pages(built_site), html_pages(zensical_site)
    assert expected <= mkdocs, f"nav pages the MkDocs build lacks: {expected - mkdocs}"
    assert mkdocs == zensical, (
        f"HTML files only in the MkDocs build: {sorted(mkdocs - zensical)}; "
        f"only in the Zensical build: {sorted(zensical - mkdocs)}"
    )


@pytest.mark.parametrize("kind", KINDS)
def test_both_builds_show_the_same(kind: str, all_differences: list[Difference]):
    unexplained = [d for d in all_differences if d.kind == kind and not known(d)]
    assert not unexplained, (
        f"{len(unexplained)} difference(s) in the {kind} between the MkDocs and the "
        "Zensical build, none in KNOWN_DIFFERENCES:\n"
        + "\n".join(f"  {difference}" for difference in unexplained)
    )


def test_every_known_difference_still_occurs(all_differences: list[Difference]):
    used = {known(difference) for difference in all_differences}
    stale = [rule for rule in KNOWN_DIFFERENCES if rule not in used]
    listed = [f"  {rule.kind} only in {rule.only_in}: {rule.pattern}" for rule in stale]
    assert not stale, "KNOWN_DIFFERENCES that no longer occur (remove them):\n" + (
        "\n".join(listed)
    )


EXEC_BLOCK = re.compile(r'^```python exec="on"[^\n]*\n(.*?)^```', re.M | re.S)


def test_both_builds_ran_the_markdown_exec_blocks(
    built_site: Path, zensical_site: Path
) -> None:
    """A block that ran shows its output (compared above, as text), not its code."""
    pages = {
        page: blocks
        for page in nav_pages()
        if (blocks := EXEC_BLOCK.findall((DOCS / page).read_text()))
    }
    assert "index.md" in pages and "costs.md" in pages, pages.keys()
    for page, blocks in pages.items():
        html = "index.html" if page == "index.md" else f"{page[:-3]}/index.html"
        for name, site in (("MkDocs", built_site), ("Zensical", zensical_site)):
            shown = "\n".join(read_page(site, html).code_blocks)
            for block in blocks:
                first_lines = "\n".join(block.strip().splitlines()[:3])
                assert first_lines not in shown, (
                    f"{html}: the {name} build shows a markdown-exec block as code "
                    f"instead of running it:\n{first_lines}"
                )


def test_each_build_has_its_own_theme_s_search_with_a_name(
    built_site: Path, zensical_site: Path
) -> None:
    """overrides/partials/search.html names Material's search dialog; a Zensical build
    gets Zensical's own search component, which would not work with Material's
    markup (a bare input and icons across the header)."""
    searches = {
        "MkDocs": (built_site, "md-search__input"),
        "Zensical": (zensical_site, "md-search__button"),
    }
    for name, (site, component) in searches.items():
        html = (site / "flows/index.html").read_text()
        dialog = re.search(r'<div class="md-search"[^>]*>', html).group(0)
        assert 'role="dialog" aria-label="Search"' in dialog, (name, dialog)
        assert f'class="{component}"' in html, f"{name}: no {component}"
    assert "md-search__input" not in (zensical_site / "flows/index.html").read_text()
