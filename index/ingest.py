"""Read inputs into `Article`s: .txt, .md, .html/.htm, .json, .jsonl and .pdf files, folders, `-` (JSONL on
stdin), web pages (http:// and https://) and RSS/Atom feeds (a URL, or a .xml/.rss/.atom file).

Every problem becomes a `Failure` naming the file (and line) or URL, so one bad input never stops the
others. This module dispatches; `index.fetch` owns the network, `index.feeds` and `index.pdf` their
formats.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import urllib.parse
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from index.dates import find_dateline
from index.errors import InputError
from index.feeds import FEED_SUFFIXES, Feed, FeedItem, is_feed, parse_feed
from index.fetch import Fetcher, Page, clean_url, host_name, is_url
from index.models import Article
from index.pdf import MAX_PDF_BYTES, read_pdf

SUFFIXES = (".txt", ".md", ".html", ".htm", ".json", ".jsonl", ".pdf")
MAX_ARTICLE_BYTES = 5_000_000  # a long news article is ~50 kB; a 5 MB "article" is a dump, not a story
MAX_TITLE_LINE = 150
_HEADING = re.compile(r"\A\s*#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
_DATE = re.compile(r"\A\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True, slots=True)
class Failure:
    """An input that could not be read: `where` names the file (and line) or URL, `message` says why."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True, slots=True)
class FeedRead:
    """What reading one feed did: `new` items fetched (or tried), `known` ones skipped because their URL
    is already indexed."""

    feed: str
    new: int
    known: int

    def __str__(self) -> str:
        return f"{self.feed}: {self.new} new, {self.known} already indexed"


@dataclass(frozen=True, slots=True)
class ReadResult:
    articles: list[Article]
    failures: list[Failure]
    feeds: list[FeedRead] = field(default_factory=list)


def read_paths(
    paths: Iterable[str | Path],
    stdin: IO[str] | None = None,
    indexed: Collection[str] = (),
    fetcher: Fetcher | None = None,
) -> ReadResult:
    """Read every article under `paths`; `-` reads JSONL from `stdin`, a URL is fetched.

    Args:
        paths: files, folders, `-`, web pages and feeds (URLs or .xml/.rss/.atom files).
        stdin: where `-` reads from (default: sys.stdin).
        indexed: URLs already in the store: a feed's items with these links are not fetched again.
        fetcher: fetches the URLs (default: a new `Fetcher`, closed at the end).

    Raises:
        InputError: a path that does not exist.
    """
    articles: list[Article] = []
    failures: list[Failure] = []
    feeds: list[FeedRead] = []
    known = set(indexed)  # grows by each feed item fetched, so an item in two feeds is fetched once
    web = fetcher or Fetcher(MAX_ARTICLE_BYTES, MAX_PDF_BYTES)
    try:
        for raw in paths:
            if str(raw) == "-":
                _collect(_read_jsonl_lines(stdin or sys.stdin, "<stdin>"), articles, failures)
                continue
            if is_url(str(raw)):
                _collect(_read_url(str(raw), web, known, feeds), articles, failures)
                continue
            path = Path(raw)
            if not path.exists():
                raise InputError(f"'{path}' does not exist. Give a file or folder of articles, or a URL.")
            if path.is_file() and path.suffix.lower() in FEED_SUFFIXES:
                _collect(_read_feed_file(path, web, known, feeds), articles, failures)
                continue
            files = _article_files(path) if path.is_dir() else [path]
            if path.is_dir() and not files:
                failures.append(
                    Failure(str(path), f"no article files ({', '.join(SUFFIXES)}) in this folder")
                )
            for file in files:
                try:
                    _collect(read_file(file), articles, failures)
                except InputError as error:
                    failures.append(Failure(str(file), str(error)))
    finally:
        if fetcher is None:
            web.close()
    return ReadResult(articles, failures, feeds)


def _article_files(folder: Path) -> list[Path]:
    """Article files under `folder`, recursively; hidden files and a folder's README (documentation,
    not an article) are left out."""
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUFFIXES
        and p.stem.upper() != "README"
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def _collect(items: Iterable[Article | Failure], articles: list[Article], failures: list[Failure]) -> None:
    for item in items:
        (articles if isinstance(item, Article) else failures).append(item)  # type: ignore[arg-type]


def read_file(path: Path) -> Iterator[Article | Failure]:
    """The articles of one file (JSONL may also yield a `Failure` per broken line).

    Raises:
        InputError: the file is empty, binary, not UTF-8, too large or of an unknown type.
    """
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"unsupported file type '{suffix or path.name}'; use one of {', '.join(SUFFIXES)}")
    size = path.stat().st_size
    if size == 0:
        raise InputError("the file is empty")
    if suffix == ".pdf":  # binary: neither the text checks below nor the text size limit apply
        if size > MAX_PDF_BYTES:
            raise InputError(
                f"{size / 1e6:.1f} MB is over the {MAX_PDF_BYTES // 1_000_000} MB limit for one PDF"
            )
        yield _from_file(_pdf_article(path.read_bytes(), path.stem), path)
        return
    if suffix == ".jsonl":
        with open(path, "rb") as fh:
            _check_binary(fh.read(8192))
        with open(path, encoding="utf-8", errors="strict", newline="") as lines:
            yield from _read_jsonl_lines(lines, str(path))
        return
    if size > MAX_ARTICLE_BYTES:
        raise InputError(
            f"{size / 1e6:.1f} MB is over the {MAX_ARTICLE_BYTES // 1_000_000} MB limit for one file; "
            "split it into articles (one per file, or JSONL)"
        )
    data = path.read_bytes()
    _check_binary(data[:8192])
    text = _decode(data)
    if not text.strip():
        raise InputError("the file holds only whitespace")
    if suffix in (".txt", ".md"):
        yield _from_file(with_dateline(_plain_article(text, path.stem)), path)
    elif suffix in (".html", ".htm"):
        yield _from_file(_html_article(text, path.stem), path)
    else:
        yield from _json_articles(text)


def _check_binary(head: bytes) -> None:
    if b"\x00" in head:
        raise InputError("this is a binary file, not text; give .txt, .md, .html, .json, .jsonl or .pdf")


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            f"not valid UTF-8 (byte {error.start}); convert it, e.g. `iconv -f latin1 -t utf-8`"
        ) from None


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _from_file(article: Article, path: Path) -> Article:
    """A file's article is identified by its URL (the page's own, else the file's), so an edited file
    replaces its earlier version instead of being added again."""
    url = article.url or path.resolve().as_uri()
    return replace(article, id=text_digest(url)[:16], url=url)


def _plain_article(text: str, fallback_title: str) -> Article:
    """Title: a leading `# heading`; a short first line followed by a blank line, whatever its last
    character (news headlines end in "?" or a quote mark too: "Is the boom over?"); a short first line
    with no final punctuation; else the name. The text is kept whole, title line included, so offsets
    index the file."""
    lines = text.strip().splitlines()
    first = lines[0].strip() if lines else ""
    heading = _HEADING.match(text)
    headline = len(lines) > 2 and not lines[1].strip() and any(line.strip() for line in lines[2:])
    if heading and heading.group(0).strip() == first:
        title = heading.group(1)
    elif len(first) <= MAX_TITLE_LINE and (
        headline or (first[-1:] not in ".!?\"'\u201d:;," and len(text.strip()) > len(first))
    ):
        title = first
    else:
        title = fallback_title
    return Article(id=text_digest(text)[:16], title=title, text=text)


def _html_article(html: str, fallback_title: str, url: str = "") -> Article:
    """The main text of a page with its title, date, site name and address (the canonical link, else
    `url`) from the page's metadata; the site name is left empty when the page gives none."""
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=False) or ""
    if not text.strip():
        raise InputError("no article text found in this HTML page")
    meta = trafilatura.bare_extraction(html, url=url or None, with_metadata=True, only_with_metadata=False)
    title = getattr(meta, "title", None) or fallback_title
    url = getattr(meta, "url", None) or url
    date = str(getattr(meta, "date", None) or "")[:10]
    site = str(getattr(meta, "sitename", None) or "")
    # Without a site name trafilatura gives the host ("127.0.0.1:8000"): that is no name the page gave.
    if site.removeprefix("www.") in {host_name(url), urllib.parse.urlsplit(url).netloc.removeprefix("www.")}:
        site = ""
    published = date if _DATE.match(date) else ""
    return Article(
        id=text_digest(text)[:16], title=title, text=text, source=site, url=url, published=published
    )


def _pdf_article(data: bytes, fallback_title: str) -> Article:
    """A PDF's text; title from its metadata, else its first short line, else the name; date from its
    CreationDate, else its dateline."""
    pdf = read_pdf(data)
    title = pdf.title or _plain_article(pdf.text, fallback_title).title
    article = Article(id=text_digest(pdf.text)[:16], title=title, text=pdf.text, published=pdf.published)
    return with_dateline(article)


def with_dateline(article: Article) -> Article:
    """The article with its date and source filled from a dateline near its top when it has none."""
    if article.published and article.source:
        return article
    found = find_dateline(article.text)
    return replace(
        article, published=article.published or found.published, source=article.source or found.source
    )


# -- the web ---------------------------------------------------------------------------------------


def _read_url(
    url: str, fetcher: Fetcher, known: set[str], feeds: list[FeedRead]
) -> Iterator[Article | Failure]:
    """A web page's article, or a feed's new items' articles (the feed's counts go to `feeds`)."""
    try:
        page = fetcher.fetch(url)
        if is_feed(page.body):
            feed = parse_feed(page.body, page.url)
        else:
            yield _page_article(page)
            return
    except InputError as error:
        yield Failure(url, str(error))
        return
    yield from _read_feed(url, feed, fetcher, known, feeds)


def _read_feed_file(
    path: Path, fetcher: Fetcher, known: set[str], feeds: list[FeedRead]
) -> Iterator[Article | Failure]:
    try:
        if path.stat().st_size > MAX_ARTICLE_BYTES:
            raise InputError(f"the feed is over the {MAX_ARTICLE_BYTES // 1_000_000} MB limit")
        feed = parse_feed(path.read_bytes())
    except InputError as error:
        yield Failure(str(path), str(error))
        return
    yield from _read_feed(str(path), feed, fetcher, known, feeds)


def _read_feed(
    where: str, feed: Feed, fetcher: Fetcher, known: set[str], feeds: list[FeedRead]
) -> Iterator[Article | Failure]:
    """The articles of a feed's items whose links are not `known` yet, each fetched from its link."""
    new = [item for item in feed.items if clean_url(item.link) not in known]
    known.update(clean_url(item.link) for item in new)
    feeds.append(FeedRead(where, len(new), len(feed.items) - len(new)))
    if feed.unlinked:
        yield Failure(where, f"{feed.unlinked} item(s) have no link to an article; skipped")
    for item in new:
        if not is_url(item.link):
            yield Failure(item.link, "the feed item's link is not a web address (http:// or https://)")
            continue
        try:
            yield _page_article(fetcher.fetch(item.link), item)
        except InputError as error:
            yield Failure(item.link, str(error))


def _page_article(page: Page, item: FeedItem | None = None) -> Article:
    """The article of a fetched page (HTML or PDF), identified by its URL (the canonical one when the
    page gives it) so fetching it again updates it; what the page lacks comes from the feed's item,
    and the site's host name stands in for a source it names nowhere."""
    given_title = item.title if item else ""
    if page.media_type == "application/pdf" or page.body.startswith(b"%PDF-"):
        name = Path(urllib.parse.unquote(urllib.parse.urlsplit(page.url).path)).stem or page.url
        article = replace(_pdf_article(page.body, given_title or name), url=page.url)
    elif page.media_type in ("text/html", "application/xhtml+xml", "") or _is_html(page.body):
        article = with_dateline(_html_article(page.text(), given_title or page.url, page.url))
    else:
        raise InputError(
            f"not an article page (the server sent {page.media_type}); give a web page, an RSS/Atom feed "
            "or a PDF"
        )
    if item:
        article = replace(
            article, published=article.published or item.published, source=article.source or item.source
        )
    url = clean_url(article.url)
    return replace(article, id=text_digest(url)[:16], url=url, source=article.source or host_name(url))


def _is_html(body: bytes) -> bool:
    """Whether a body sent without a usable Content-Type starts like an HTML page."""
    head = body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html"))


def _json_articles(text: str) -> Iterator[Article | Failure]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"not valid JSON (line {error.lineno}: {error.msg})") from None
    records = data if isinstance(data, list) else [data]
    for i, record in enumerate(records):
        try:
            yield article_from_record(record)
        except InputError as error:
            if len(records) == 1:
                raise
            yield Failure(f"item {i + 1}", str(error))


def _read_jsonl_lines(lines: IO[str], name: str) -> Iterator[Article | Failure]:
    try:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            if len(line) > MAX_ARTICLE_BYTES:
                yield Failure(f"{name}:{number}", "line is over the 5 MB limit for one article")
                continue
            try:
                yield article_from_record(json.loads(line))
            except json.JSONDecodeError as error:
                yield Failure(f"{name}:{number}", f"not valid JSON ({error.msg})")
            except InputError as error:
                yield Failure(f"{name}:{number}", str(error))
    except UnicodeDecodeError as error:
        raise InputError(f"not valid UTF-8 (byte {error.start}); convert it to UTF-8") from None


def article_from_record(record: Any) -> Article:
    """An article from a JSON object per DESIGN.md (`id` or `article_id`, `text`, optional metadata);
    without an id it is identified by its URL, else by its text."""
    if not isinstance(record, dict):
        raise InputError(f"expected a JSON object with a 'text' field, got {type(record).__name__}")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError("the article has no 'text' (a non-empty string is required)")
    if len(text.encode("utf-8")) > MAX_ARTICLE_BYTES:
        raise InputError("the article text is over the 5 MB limit")
    given = record.get("id", record.get("article_id"))
    url = str(record.get("url") or "")
    published = str(record.get("published") or "")
    if published and not _DATE.match(published):
        raise InputError(f"'published' must be a date YYYY-MM-DD, got {published!r}")
    article = Article(
        id=str(given) if given not in (None, "") else text_digest(url or text)[:16],
        title=str(record.get("title") or "").strip() or _plain_article(text, "Untitled").title,
        text=text,
        source=str(record.get("source") or ""),
        url=url,
        published=published[:10],
    )
    return with_dateline(article)


def where(url: str) -> str:
    """An article's file name (for a file indexed from disk) or its URL."""
    if url.startswith("file://"):
        return urllib.parse.unquote(url.rstrip("/").rsplit("/", 1)[-1])
    return url
