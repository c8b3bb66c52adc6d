"""Web pages as articles: fetched from a local site on 127.0.0.1, with the metadata the page gives, and a
clear line for each page that cannot be had."""

from __future__ import annotations

import pytest

from index.fetch import Fetcher, Page, _connect_line, clean_url
from index.ingest import MAX_ARTICLE_BYTES, Failure, read_paths, text_digest
from index.models import Article
from index.pdf import MAX_PDF_BYTES
from tests.web import BRIDGE, FERRY, LocalSite, article_page, refused_url


def test_a_page_is_indexed_with_the_title_date_and_source_it_gives(site: LocalSite) -> None:
    canonical = site.url("/news/harbour-bridge")
    url = site.add(
        "/news/harbour-bridge?utm_source=rss",
        article_page(
            "Harbour bridge reopens",
            BRIDGE,
            site_name="Coastal Gazette",
            published="2024-05-03T08:00:00+01:00",
            canonical=canonical,
        ),
    )
    [article] = read_paths([url]).articles
    assert article == Article(
        id=text_digest(canonical)[:16],
        title="Harbour bridge reopens",
        text="Harbour bridge reopens\n" + "\n".join(BRIDGE),
        source="Coastal Gazette",
        url=canonical,
        published="2024-05-03",
    )


def test_a_page_without_a_canonical_link_is_known_by_its_address_without_tracking(site: LocalSite) -> None:
    url = site.add("/ferry?id=7&utm_medium=social", article_page("Ferry sails again", FERRY))
    [article] = read_paths([url + "#top"]).articles
    assert (article.url, article.id) == (site.url("/ferry?id=7"), text_digest(site.url("/ferry?id=7"))[:16])


def test_a_page_that_names_no_site_takes_the_host_name_as_source(site: LocalSite) -> None:
    [article] = read_paths([site.add("/ferry", article_page("Ferry sails again", FERRY))]).articles
    assert (article.title, article.source, article.published) == ("Ferry sails again", "127.0.0.1", "")


def test_a_redirect_is_followed_to_the_page(site: LocalSite) -> None:
    site.add("/2024/ferry", article_page("Ferry sails again", FERRY))
    [article] = read_paths([site.add_redirect("/ferry", "/2024/ferry")]).articles
    assert article.url == site.url("/2024/ferry")


def test_the_fetch_names_the_tool(site: LocalSite) -> None:
    read_paths([site.add("/ferry", article_page("Ferry sails again", FERRY))])
    assert site.user_agents[0].startswith("newsqa/")


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/missing", 404, "HTTP 404 Not Found; check the address"),
        ("/broken", 500, "HTTP 500 Internal Server Error; the site failed; try again later"),
        ("/private", 403, "HTTP 403 Forbidden; the site refuses access (a paywall or login?)"),
    ],
)
def test_an_http_error_is_one_line_and_the_other_inputs_still_go_in(
    site: LocalSite, path: str, status: int, message: str
) -> None:
    good = site.add("/ferry", article_page("Ferry sails again", FERRY))
    bad = site.add_status(path, status)
    result = read_paths([bad, good])
    assert [a.title for a in result.articles] == ["Ferry sails again"]
    assert result.failures == [Failure(bad, message)]
    assert str(result.failures[0]) == f"{bad}: {message}"


def test_a_refused_connection_is_one_line_and_the_other_inputs_still_go_in(site: LocalSite) -> None:
    refused = refused_url()
    result = read_paths([refused, site.add("/ferry", article_page("Ferry sails again", FERRY))])
    assert [a.title for a in result.articles] == ["Ferry sails again"]
    assert result.failures == [
        Failure(refused, "connection refused; check the address and that the site is up")
    ]


def test_a_page_that_does_not_answer_in_time_is_one_line(site: LocalSite) -> None:
    slow = site.add_slow("/slow", seconds=2.0)
    with Fetcher(MAX_ARTICLE_BYTES, MAX_PDF_BYTES, timeout=0.3) as fetcher:
        result = read_paths([slow], fetcher=fetcher)
    assert result.failures == [Failure(slow, "no answer in 0.3 s; the site is slow or down, try again later")]


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (
            b"\x89PNG\r\n\x1a\n",
            "image/png",
            "not an article page (the server sent image/png); give a web page, an RSS/Atom feed or a PDF",
        ),
        (b"<html><body></body></html>", "text/html", "no article text found in this HTML page"),
    ],
    ids=["an-image", "an-empty-page"],
)
def test_a_page_that_is_no_article_is_one_line(
    site: LocalSite, body: bytes, content_type: str, message: str
) -> None:
    url = site.add("/thing", body, content_type)
    assert read_paths([url]).failures == [Failure(url, message)]


@pytest.mark.parametrize("declared", [True, False])
def test_a_page_over_the_size_limit_is_refused_whether_or_not_it_says_its_size(
    site: LocalSite, declared: bool
) -> None:
    url = site.add("/huge", article_page("Huge", ["word " * 1000]), declare_length=declared)
    with Fetcher(max_bytes=2000, max_pdf_bytes=MAX_PDF_BYTES) as fetcher:
        [failure] = read_paths([url], fetcher=fetcher).failures
    said = "0.0 MB is over" if declared else "the page is over"
    assert failure == Failure(url, f"{said} the 2 kB limit for one page; is it an article?")


@pytest.mark.parametrize(
    ("said", "line"),
    [
        (
            "[Errno -2] Name or service not known",
            "cannot find the host 'news.example'; check the address (and the network)",
        ),
        ("[Errno 111] Connection refused", "connection refused; check the address and that the site is up"),
        (
            "[Errno 101] Network is unreachable",
            "cannot connect ([Errno 101] Network is unreachable); check the address and the network",
        ),
    ],
)
def test_a_connection_error_says_what_went_wrong(said: str, line: str) -> None:
    assert _connect_line("https://news.example/story", OSError(said)) == line


@pytest.mark.parametrize(
    ("url", "clean"),
    [
        ("https://News.Example/a/b?utm_source=rss&utm_medium=feed", "https://news.example/a/b"),
        ("https://news.example/a?id=3&fbclid=XYZ&page=2#comments", "https://news.example/a?id=3&page=2"),
        ("https://www.bbc.co.uk/news/x?at_medium=RSS&at_campaign=KARANGA", "https://www.bbc.co.uk/news/x"),
        ("https://news.example/a/b/", "https://news.example/a/b/"),
    ],
)
def test_an_articles_address_leaves_out_tracking_and_fragments(url: str, clean: str) -> None:
    assert clean_url(url) == clean


@pytest.mark.parametrize(
    ("body", "charset", "text"),
    [
        ("Café".encode("latin-1"), "iso-8859-1", "Café"),
        (
            '<meta charset="windows-1252"><p>Caf\xe9</p>'.encode("cp1252"),
            "",
            '<meta charset="windows-1252"><p>Café</p>',
        ),
        ("Café".encode(), "", "Café"),
        (b"Caf\xe9", "no-such-charset", "Caf\ufffd"),
    ],
)
def test_a_page_is_decoded_by_its_header_then_its_meta_charset_then_as_utf8(
    body: bytes, charset: str, text: str
) -> None:
    assert Page("https://news.example/", "text/html", body, charset).text() == text
