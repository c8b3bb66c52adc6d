"""RSS 2.0 (and 1.0) and Atom feeds → their items (link, title, date, source), with the standard library.

A feed names articles, it does not hold them (an item's summary is not the story), so `index.ingest`
fetches each item's link and reads it as a page; the item's own title, date and source fill what the
page lacks. A feed with a DOCTYPE is refused before it is parsed: entities can only be declared there, so
a feed without one can neither expand entities ("billion laughs") nor pull in local files.
"""

from __future__ import annotations

import email.utils
import html
import re
import urllib.parse
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from xml.parsers import expat

from index.errors import InputError

__all__ = ["FEED_SUFFIXES", "Feed", "FeedItem", "is_feed", "parse_feed"]

FEED_SUFFIXES = (".xml", ".rss", ".atom")
ATOM = "{http://www.w3.org/2005/Atom}"
RSS1 = "{http://purl.org/rss/1.0/}"
DC = "{http://purl.org/dc/elements/1.1/}"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
# The root element, after an optional BOM, XML declaration, comments, processing instructions and DOCTYPE.
_ROOT = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:(?:<\?.*?\?>|<!--.*?-->)\s*)*(?:<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>\s*)?"
    rb"(?:<!--.*?-->\s*)*<(?:[\w.-]+:)?(rss|feed|RDF)[\s>/]",
    re.DOTALL | re.IGNORECASE,
)
_ISO_DATE = re.compile(r"\s*(\d{4}-\d{2}-\d{2})")
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One item of a feed: the article's address and what the feed says about it (empty when nothing)."""

    link: str
    title: str = ""
    published: str = ""  # YYYY-MM-DD
    source: str = ""


@dataclass(frozen=True, slots=True)
class Feed:
    """A feed's title and items in feed order, duplicates dropped; `unlinked` counts items with no link."""

    title: str
    items: tuple[FeedItem, ...]
    unlinked: int = 0


class _Doctype(Exception):
    pass


class _RootReached(Exception):
    pass


def is_feed(data: bytes) -> bool:
    """Whether `data` looks like an RSS or Atom document (by its root element, not its file name)."""
    return bool(_ROOT.match(data[:8192]))


def parse_feed(data: bytes, base_url: str = "") -> Feed:
    """The items of an RSS 2.0, RSS 1.0 or Atom feed; relative links are resolved against `base_url`.

    Raises:
        InputError: not well-formed XML, a DOCTYPE, or a root element that is not a feed's.
    """
    _refuse_doctype(data)
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        raise InputError(_xml_error(error.code, error.position[0])) from None
    base = urllib.parse.urljoin(base_url, root.get(XML_BASE, ""))
    if root.tag == "rss":
        channel = root.find("channel")
        if channel is None:
            raise InputError("not a valid RSS feed: it has no <channel>")
        title = _text(channel.find("title"))
        found = [_rss_item(item, base, "") for item in channel.findall("item")]
    elif root.tag == f"{ATOM}feed":
        title = _text(root.find(f"{ATOM}title"))
        found = [_atom_entry(entry, base) for entry in root.findall(f"{ATOM}entry")]
    elif root.tag.endswith("}RDF"):
        title = _text(root.find(f"{RSS1}channel/{RSS1}title"))
        found = [_rss_item(item, base, RSS1) for item in root.findall(f"{RSS1}item")]
    else:
        local = root.tag.rsplit("}", 1)[-1]
        raise InputError(f"not an RSS or Atom feed (its root element is <{local}>)")
    items: dict[str, FeedItem] = {}
    for item in found:
        if item is not None:
            items.setdefault(item.link, item)
    return Feed(title, tuple(items.values()), unlinked=sum(item is None for item in found))


def _refuse_doctype(data: bytes) -> None:
    """InputError when the document declares a DOCTYPE; reading stops at the root element, after which
    none can come."""
    parser = expat.ParserCreate()

    def doctype(*_: object) -> None:
        raise _Doctype

    def root(*_: object) -> None:
        raise _RootReached

    parser.StartDoctypeDeclHandler = doctype
    parser.StartElementHandler = root
    try:
        parser.Parse(data, True)
    except _RootReached:
        return
    except _Doctype:
        raise InputError(
            "the feed declares a DOCTYPE (XML entities), which a feed never needs; refused for safety"
        ) from None
    except expat.ExpatError as error:
        raise InputError(_xml_error(error.code, error.lineno)) from None
    raise InputError("not a valid feed: it has no elements")


def _xml_error(code: int, line: int) -> str:
    return f"not a valid feed (XML error: {expat.ErrorString(code)}, line {line})"


def _rss_item(item: ET.Element, base: str, ns: str) -> FeedItem | None:
    link = _text(item.find(f"{ns}link"))
    guid = item.find("guid")
    if not link and guid is not None and guid.get("isPermaLink", "true") == "true":
        link = _text(guid)
    if not link:
        return None
    published = _rfc822_date(_text(item.find("pubDate"))) or _iso_date(_text(item.find(f"{DC}date")))
    return FeedItem(
        urllib.parse.urljoin(base, link),
        _text(item.find(f"{ns}title")),
        published,
        _text(item.find("source")),
    )


def _atom_entry(entry: ET.Element, base: str) -> FeedItem | None:
    base = urllib.parse.urljoin(base, entry.get(XML_BASE, ""))
    links = [link for link in entry.findall(f"{ATOM}link") if link.get("href")]
    alternate = [link for link in links if link.get("rel", "alternate") == "alternate"]
    if not alternate:
        return None
    html_first = sorted(alternate, key=lambda link: link.get("type", "text/html") != "text/html")
    published = _iso_date(_text(entry.find(f"{ATOM}published"))) or _iso_date(_text(entry.find(f"{DC}date")))
    return FeedItem(
        urllib.parse.urljoin(base, html_first[0].get("href", "")),
        _text(entry.find(f"{ATOM}title")),
        published,
        _text(entry.find(f"{ATOM}source/{ATOM}title")),
    )


def _text(element: ET.Element | None) -> str:
    """An element's text with whitespace collapsed; the markup of an Atom `type="html"` text removed."""
    if element is None:
        return ""
    text = "".join(element.itertext())
    if element.get("type") == "html":
        text = html.unescape(_TAG.sub("", text))
    return " ".join(text.split())


def _rfc822_date(text: str) -> str:
    """ "Tue, 03 Mar 2021 08:00:00 +0000" → "2021-03-03" (the date where it was written), else ""."""
    if not text:
        return ""
    try:
        return email.utils.parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return ""


def _iso_date(text: str) -> str:
    """ "2021-03-03T08:00:00Z" → "2021-03-03", else ""."""
    match = _ISO_DATE.match(text)
    if not match:
        return ""
    try:
        return date.fromisoformat(match.group(1)).isoformat()
    except ValueError:
        return ""
