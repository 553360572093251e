"""The built site in a real browser: Debian's Chromium, driven by Playwright, on the
site served from 127.0.0.1 with no internet. Every page loads cleanly and passes an
accessibility check (axe-core, from the npm registry); diagrams, search, the copy
button and the palette toggle work."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Request, sync_playwright

from harness import REPO
from harness.chromium import launch
from harness.waiting import wait_until

HERE = Path(__file__).parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"


def nav_pages() -> list[str]:
    """Each page of the navigation, as its path in the built site."""
    files = re.findall(
        r"^\s+- [^:]+: (\w+)\.md$", (REPO / "mkdocs.yml").read_text(), re.M
    )
    return ["" if name == "index" else f"{name}/" for name in files]


PAGES = nav_pages()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def axe() -> str:
    """axe-core's script, installed from the npm registry at the version that
    tests/site/package-lock.json pins (once per machine: tests/site/node_modules)."""
    if not AXE.is_file():
        installed = subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
            cwd=HERE,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert installed.returncode == 0, (
            f"npm ci (axe-core) failed in {HERE}:\n{installed.stderr}"
        )
    return AXE.read_text()


class Visit:
    """A page opened in a fresh browser context, with what it asked for and what it
    complained about recorded."""

    def __init__(self, browser: Browser, site: str, *, scheme: str = "light") -> None:
        self.site = site
        self.context = browser.new_context(
            color_scheme=scheme, viewport={"width": 1280, "height": 900}
        )
        self.page: Page = self.context.new_page()
        self.elsewhere: list[str] = []
        self.errors: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        # Every request the page makes passes here: anything not for our server is
        # recorded and refused (the machine has no internet anyway).
        self.page.route("**/*", self._request)

    def _console(self, message) -> None:
        if message.type == "error":
            self.errors.append(f"{message.text} ({message.location.get('url')})")

    def _request(self, route, request: Request) -> None:
        url = urlsplit(request.url)
        if url.scheme in ("data", "blob") or request.url.startswith(self.site):
            route.continue_()
        else:
            self.elsewhere.append(request.url)
            route.abort()

    def open(self, path: str) -> Page:
        """Go to `path`; what is recorded from here on is about this page."""
        self.errors.clear()
        self.elsewhere.clear()
        self.page.goto(self.site + path, wait_until="networkidle")
        return self.page

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser: Browser, served_site: str) -> Iterator[Visit]:
    visit = Visit(browser, served_site)
    yield visit
    visit.close()


# Material keeps the reader's palette choice in localStorage; each page's test starts
# from the palette the system asks for, as on a first visit.
FORGET_PALETTE = "localStorage.clear()"


@pytest.fixture(scope="module")
def reader(browser: Browser, served_site: str) -> Iterator[Visit]:
    """One tab going from page to page, as a reader's does: the pages' tests share
    it (a fresh browser context per page costs each page a new renderer process,
    about twice the CPU of the page itself)."""
    visit = Visit(browser, served_site)
    visit.context.add_init_script(FORGET_PALETTE)
    yield visit
    visit.close()


def broken_images(page: Page) -> list[str]:
    return page.evaluate(
        """() => [...document.images]
            .filter((img) => !img.complete || img.naturalWidth === 0)
            .map((img) => img.currentSrc || img.src)"""
    )


def serious_violations(
    page: Page, axe: str, rules: list[str] | None = None
) -> list[str]:
    """What axe-core finds serious or critical on the page as it is now."""
    if not page.evaluate("() => 'axe' in window"):
        page.add_script_tag(content=axe)
    # Only the violations are used: axe then skips listing every passing node (half
    # of its time on a long page).
    options = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = rules
    violations = page.evaluate(
        "(options) => axe.run(document, options).then((r) => r.violations)", options
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} - "
        + "; ".join(node["target"][0] for node in violation["nodes"][:5])
        for violation in violations
        if violation["impact"] in ("serious", "critical")
    ]


# The rules whose outcome depends on the palette: checked again in the dark one.
PALETTE_RULES = ["color-contrast", "link-in-text-block"]


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_offline_cleanly_and_accessibly(
    reader: Visit, axe: str, path: str
) -> None:
    page = reader.open(path)
    assert page.get_attribute("body", "data-md-color-scheme") == "default"
    assert page.title().strip(), f"/{path} has no title"
    assert reader.errors == [], f"console errors on /{path}"
    assert reader.elsewhere == [], f"/{path} asked for something off the site"
    assert broken_images(page) == [], f"images of /{path} that did not load"
    assert serious_violations(page, axe) == [], f"axe on /{path}, light palette"
    page.click("label[for='__palette_1']")
    assert page.get_attribute("body", "data-md-color-scheme") == "slate"
    assert serious_violations(page, axe, PALETTE_RULES) == [], (
        f"axe on /{path}, dark palette"
    )
    assert reader.errors == [], f"console errors on /{path}"


MERMAID_OPEN_SHADOW = """
// Mermaid draws into a closed shadow root: open it, so that the test can look in.
const attachShadow = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) {
  return attachShadow.call(this, { ...init, mode: "open" });
};
"""


def test_mermaid_diagrams_render_as_svg(visit: Visit, built_site: Path) -> None:
    with_diagrams = [
        path
        for path in PAGES
        if 'class="mermaid"' in (built_site / path / "index.html").read_text()
    ]
    assert with_diagrams, "no page has a Mermaid diagram any more"
    # Mermaid (3.5 MB) loads only where it draws: overrides/main.html.
    loading_mermaid = [
        path
        for path in PAGES
        if "mermaid.min.js" in (built_site / path / "index.html").read_text()
    ]
    assert loading_mermaid == with_diagrams
    visit.context.add_init_script(MERMAID_OPEN_SHADOW)
    for path in with_diagrams:
        page = visit.open(path)
        diagrams = page.locator("div.mermaid")
        for index in range(diagrams.count()):
            page.wait_for_function(
                "(el) => el.shadowRoot && el.shadowRoot.querySelector('svg g')",
                arg=diagrams.nth(index).element_handle(),
                timeout=15_000,
            )
        assert visit.errors == [], f"console errors on /{path}"


def test_search_finds_the_work_pools_page(visit: Visit) -> None:
    page = visit.open("")
    page.locator("input.md-search__input").click()
    page.keyboard.type("work pool")
    # The results are drawn again as each key arrives: a list counted first and read
    # item by item after can change in between. Read them all at once, until the page
    # is among them.
    shown = "els => els.map(el => el.getAttribute('href'))"

    def links() -> list[str]:
        return page.eval_on_selector_all(".md-search-result__item a", shown)

    found = wait_until(
        lambda: any(urlsplit(h).path.endswith("/architecture/") for h in links()),
        timeout=30,
        what="the work pools page among the search results",
        seen=lambda: f"the results: {links()}",
    )
    assert found
    assert page.locator(".md-search-result__item").first.inner_text().strip()


def test_a_code_blocks_copy_button_copies_the_snippet(visit: Visit) -> None:
    visit.context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=visit.site.rstrip("/")
    )
    page = visit.open("flows/")
    block = page.locator(
        ".highlight", has=page.locator(".filename", has_text="hello_flow.py")
    )
    block.first.hover()
    block.first.locator("button.md-code__button[data-md-type=copy]").click()
    copied = page.evaluate("() => navigator.clipboard.readText()")
    snippet = (REPO / "snippets" / "flows" / "hello_flow.py").read_text()
    assert copied.strip() == snippet.strip()


def test_the_palette_follows_the_system_at_first(
    browser: Browser, served_site: str
) -> None:
    for system, palette in (("light", "default"), ("dark", "slate")):
        visit = Visit(browser, served_site, scheme=system)
        try:
            page = visit.open("")
            assert page.get_attribute("body", "data-md-color-scheme") == palette
        finally:
            visit.close()


def test_the_palette_toggle_switches_light_and_dark(visit: Visit) -> None:
    page = visit.open("")
    assert page.get_attribute("body", "data-md-color-scheme") == "default"
    page.click("label[for='__palette_1']")
    assert page.get_attribute("body", "data-md-color-scheme") == "slate"
    page.click("label[for='__palette_0']")
    assert page.get_attribute("body", "data-md-color-scheme") == "default"
