"""Browser tests: one store (seeds + an article full of HTML), one `qa serve`, one headless Chromium.

The store is built with the real model (the answers checked are the real ones); the server is the
`qa serve` command a user runs, on a free port, stopped at the end of the session.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from index.embedding import Encoder
from qa.engine import QAEngine
from tests.serve import qa_serve

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# An article whose text would run script if it were shown as HTML, or link if shown as Markdown.
HOSTILE_ARTICLE = (
    "Harbour notice\n"
    "The harbour master pinned a notice reading <script>window.pwned=1</script> to the ferry board "
    "on Tuesday.\n"
    'A photo tagged <img src=x onerror="window.pwned=1"> showed the [old pier](javascript:alert(1)) '
    "at dawn.\n"
)


@pytest.fixture(scope="session")
def browser_store(real_encoder: Encoder, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the seeds and the hostile article, indexed with the real model."""
    folder = tmp_path_factory.mktemp("browser")
    articles = folder / "articles"
    articles.mkdir()
    (articles / "harbour.txt").write_text(HOSTILE_ARTICLE, encoding="utf-8")
    store = folder / "store"
    report = QAEngine(store, real_encoder).add_paths([str(SEEDS), str(articles)])
    assert not report.failed, report.failed
    return store


@pytest.fixture(scope="session")
def server_url(
    browser_store: Path, real_encoder: Encoder, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """`qa serve` on a free port over the browser store (same model); stopped at the end of the session."""
    env = {**os.environ, "QA_MODEL": real_encoder.name}
    env.pop("QA_AUTH", None)
    with qa_serve(browser_store, env, tmp_path_factory.mktemp("server") / "serve.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"The browser tests need {CHROMIUM}: run `make test`, which installs it "
            "(apt-get install chromium)."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, server_url: str) -> Iterator[Any]:
    """A fresh page on the app, loaded."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(server_url)
    page.wait_for_selector("#question textarea")
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the tests save their screenshots: a temporary folder, so a test run leaves the checkout as
    it was; `make screenshots` sets QA_SCREENSHOTS to refresh the README's pictures in docs/."""
    chosen = os.environ.get("QA_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
