"""The Library's "Article or feed URL" box: the page or the feed's new items indexed through the same path
as `qa index`, and the report line says what was added or why not (fake encoder, local site)."""

from __future__ import annotations

from pathlib import Path

from index.embedding import HashingEncoder
from qa.engine import QAEngine
from tests.web import BRIDGE, FERRY, LocalSite, article_page, rss_feed
from ui.render import escape_markdown
from ui.session import Session


def session(tmp_path: Path) -> Session:
    return Session(QAEngine(tmp_path / "store", HashingEncoder(32)))


def test_a_url_is_added_by_its_title_and_listed_with_its_address(site: LocalSite, tmp_path: Path) -> None:
    url = site.add(
        "/news/bridge", article_page("Harbour bridge reopens", BRIDGE, site_name="Coastal Gazette")
    )
    library = session(tmp_path)
    assert library.add_url(f"  {url} ") == "**Added** (1): Harbour bridge reopens"
    [row] = library.article_rows()
    assert row[:3] == ["Harbour bridge reopens", url, "Coastal Gazette"]
    assert library.add_url(url) == "**Skipped (unchanged)** (1): Harbour bridge reopens"


def test_a_url_that_fails_says_why(site: LocalSite, tmp_path: Path) -> None:
    missing = site.url("/news/missing")
    why = escape_markdown("HTTP 404 Not Found; check the address")
    assert session(tmp_path).add_url(missing) == f"**Failed** (1): {escape_markdown(missing)} — {why}"


def test_a_feed_url_adds_its_new_items_and_says_how_many_were_indexed_already(
    site: LocalSite, tmp_path: Path
) -> None:
    bridge = site.add("/news/bridge", article_page("Harbour bridge reopens", BRIDGE))
    ferry = site.add("/news/ferry", article_page("Ferry sails again", FERRY))
    feed = site.add("/rss", rss_feed("Gazette", [("B", bridge, "2024-05-02"), ("F", ferry, "2024-05-03")]))
    library = session(tmp_path)
    assert library.add_url(feed) == (
        f"**Feed** {escape_markdown(feed + ': 2 new, 0 already indexed')}\n\n"
        "**Added** (2): Harbour bridge reopens; Ferry sails again"
    )
    assert library.add_url(feed) == f"**Feed** {escape_markdown(feed + ': 0 new, 2 already indexed')}"


def test_text_that_is_no_web_address_is_turned_back(tmp_path: Path) -> None:
    assert session(tmp_path).add_url("news.example/story") == (
        "Give the address of an article or feed, starting with http:// or https://."
    )
