"""RSS and Atom feeds: their items parsed with the standard library, each item's page fetched from a local
site on 127.0.0.1, and items already indexed never fetched again."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from index.errors import InputError
from index.feeds import Feed, FeedItem, is_feed, parse_feed
from index.ingest import Failure, FeedRead, read_paths
from tests.web import BRIDGE, FERRY, LIBRARY, LocalSite, article_page, atom_feed, rss_feed

FeedWriter = Callable[[str, list[tuple[str, str, str]]], str]
FORMATS = [(rss_feed, "application/rss+xml"), (atom_feed, "application/atom+xml")]


def test_rss_items_give_link_title_date_and_source() -> None:
    rss = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Gazette</title>
<item><title>Bridge  reopens</title><link>https://news.example/bridge</link>
  <pubDate>Fri, 03 May 2024 23:30:00 -0400</pubDate><source url="https://wire.example">Wire</source></item>
<item><title>No link here</title></item>
<item><title>Ferry</title><guid>https://news.example/ferry</guid></item>
<item><title>Bridge again</title><link>https://news.example/bridge</link></item>
</channel></rss>"""
    assert parse_feed(rss) == Feed(
        "Gazette",
        (
            FeedItem("https://news.example/bridge", "Bridge reopens", "2024-05-03", "Wire"),
            FeedItem("https://news.example/ferry", "Ferry"),
        ),
        unlinked=1,
    )


def test_atom_entries_give_their_alternate_link_resolved_against_the_feed() -> None:
    atom = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title type="html">Gazette &lt;b&gt;news&lt;/b&gt;</title>
<entry><title>Bridge reopens</title>
  <link rel="self" href="/api/1"/><link rel="alternate" type="text/html" href="/news/bridge"/>
  <published>2024-05-03T08:00:00+01:00</published><updated>2024-05-09T08:00:00Z</updated>
  <source><title>Wire</title></source></entry>
<entry><title>Ferry</title><link href="https://other.example/ferry"/><updated>2024-05-09T08:00:00Z</updated></entry>
</feed>"""
    assert parse_feed(atom, "https://news.example/feed.atom") == Feed(
        "Gazette news",
        (
            FeedItem("https://news.example/news/bridge", "Bridge reopens", "2024-05-03", "Wire"),
            FeedItem("https://other.example/ferry", "Ferry"),  # an update is not a publication date
        ),
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaa">]><rss><channel>&a;</channel></rss>',
            "the feed declares a DOCTYPE (XML entities), which a feed never needs; refused for safety",
        ),
        (b"<html><body>hello</body></html>", "not an RSS or Atom feed (its root element is <html>)"),
        (b"<rss><channel><item></rss>", "not a valid feed (XML error: mismatched tag, line 1)"),
        (b"<rss version='2.0'></rss>", "not a valid RSS feed: it has no <channel>"),
        (b"", "not a valid feed (XML error: no element found, line 1)"),
    ],
    ids=["doctype", "html", "broken", "no-channel", "empty"],
)
def test_a_bad_feed_is_refused_with_one_line(data: bytes, message: str) -> None:
    with pytest.raises(InputError) as error:
        parse_feed(data)
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("head", "feed"),
    [
        (b'<?xml version="1.0"?>\n<!-- hi -->\n<rss version="2.0">', True),
        (b'\xef\xbb\xbf<feed xmlns="http://www.w3.org/2005/Atom">', True),
        (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">', True),
        (b"<!DOCTYPE html><html><head>", False),
        (b'<?xml version="1.0"?><svg>', False),
    ],
)
def test_a_feed_is_told_by_its_root_element(head: bytes, feed: bool) -> None:
    assert is_feed(head) is feed


def serve_news(site: LocalSite, write: FeedWriter, content_type: str) -> str:
    """Three articles and a feed of them; the library page gives no title, date or site name of its own."""
    bridge = site.add(
        "/news/bridge",
        article_page(
            "Harbour bridge reopens", BRIDGE, site_name="Coastal Gazette", published="2024-05-03T08:00:00Z"
        ),
    )
    ferry = site.add(
        "/news/ferry",
        article_page(
            "Ferry sails again", FERRY, site_name="Coastal Gazette", published="2024-05-06T07:00:00Z"
        ),
    )
    library = site.add(
        "/news/library",
        "<html><body><article>" + "".join(f"<p>{p}</p>" for p in LIBRARY) + "</article></body></html>",
    )
    items = [
        ("Bridge (feed title)", bridge, "2024-05-02"),
        ("Ferry (feed title)", ferry, "2024-05-05"),
        ("Library opens on Sundays", library, "2024-05-08"),
    ]
    return site.add("/feed", write("Coastal Gazette", items), content_type)


@pytest.mark.parametrize(("write", "content_type"), FORMATS, ids=["rss", "atom"])
def test_each_feed_item_is_indexed_from_its_page_and_the_feed_fills_what_the_page_lacks(
    site: LocalSite, write: FeedWriter, content_type: str
) -> None:
    feed = serve_news(site, write, content_type)
    result = read_paths([feed])
    assert [(a.title, a.published, a.source, a.url) for a in result.articles] == [
        ("Harbour bridge reopens", "2024-05-03", "Coastal Gazette", site.url("/news/bridge")),
        ("Ferry sails again", "2024-05-06", "Coastal Gazette", site.url("/news/ferry")),
        ("Library opens on Sundays", "2024-05-08", "127.0.0.1", site.url("/news/library")),
    ]
    assert result.articles[2].text == "\n".join(LIBRARY)
    assert result.feeds == [FeedRead(feed, 3, 0)]
    assert result.failures == []


@pytest.mark.parametrize(("write", "content_type"), FORMATS, ids=["rss", "atom"])
def test_items_already_indexed_are_not_fetched_again(
    site: LocalSite, write: FeedWriter, content_type: str
) -> None:
    feed = serve_news(site, write, content_type)
    first = read_paths([feed])
    site.requests.clear()
    again = read_paths([feed], indexed={a.url for a in first.articles})
    assert (again.articles, again.failures, again.feeds) == ([], [], [FeedRead(feed, 0, 3)])
    assert str(again.feeds[0]) == f"{feed}: 0 new, 3 already indexed"
    assert site.requests == ["/feed"]


def test_an_item_linked_with_tracking_parameters_is_known_by_its_clean_address(site: LocalSite) -> None:
    bridge = site.add("/news/bridge?utm_source=rss", article_page("Harbour bridge reopens", BRIDGE))
    feed = site.add("/feed", rss_feed("Gazette", [("Bridge", bridge, "2024-05-02")]), "application/rss+xml")
    [article] = read_paths([feed]).articles
    assert article.url == site.url("/news/bridge")
    assert read_paths([feed], indexed={article.url}).feeds == [FeedRead(feed, 0, 1)]


def test_a_failed_item_is_one_line_and_the_other_items_go_in(site: LocalSite) -> None:
    ferry = site.add("/news/ferry", article_page("Ferry sails again", FERRY))
    items = [("Gone", site.url("/news/gone"), "2024-05-01"), ("Ferry", ferry, "2024-05-05")]
    feed = site.add("/feed", rss_feed("Gazette", items), "application/xml")
    result = read_paths([feed])
    assert [a.title for a in result.articles] == ["Ferry sails again"]
    assert result.failures == [Failure(site.url("/news/gone"), "HTTP 404 Not Found; check the address")]
    assert result.feeds == [FeedRead(feed, 2, 0)]


@pytest.mark.parametrize("suffix", [".xml", ".rss", ".atom"])
def test_a_feed_file_is_read_like_a_feed_url(site: LocalSite, tmp_path: Path, suffix: str) -> None:
    ferry = site.add("/news/ferry", article_page("Ferry sails again", FERRY))
    path = tmp_path / f"gazette{suffix}"
    path.write_text(atom_feed("Gazette", [("Ferry", ferry, "2024-05-05")]), encoding="utf-8")
    result = read_paths([path])
    assert [(a.title, a.published) for a in result.articles] == [("Ferry sails again", "2024-05-05")]
    assert result.feeds == [FeedRead(str(path), 1, 0)]


def test_an_xml_file_that_is_no_feed_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "sitemap.xml"
    path.write_text('<?xml version="1.0"?><urlset><url/></urlset>', encoding="utf-8")
    assert read_paths([path]).failures == [
        Failure(str(path), "not an RSS or Atom feed (its root element is <urlset>)")
    ]
