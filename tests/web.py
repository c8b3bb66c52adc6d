"""A local web site for the tests: pages and feeds served from 127.0.0.1 (the tests' only network), and
fixture pages, feeds and PDFs written inline."""

from __future__ import annotations

import socket
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True, slots=True)
class Response:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    location: str = ""
    delay: float = 0.0  # seconds before the answer
    declare_length: bool = True  # False: no Content-Length, the body ends when the connection closes


class LocalSite:
    """Pages by path; `url(path)` is where each is served. `requests` lists the paths asked for, in order."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.pages: dict[str, Response] = {}
        self.requests: list[str] = []
        self.user_agents: list[str] = []

    def url(self, path: str) -> str:
        return self.base + path

    def add(
        self,
        path: str,
        body: str | bytes,
        content_type: str = "text/html; charset=utf-8",
        declare_length: bool = True,
    ) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.pages[path] = Response(data, content_type, declare_length=declare_length)
        return self.url(path)

    def add_status(self, path: str, status: int) -> str:
        self.pages[path] = Response(b"<html><body>no</body></html>", status=status)
        return self.url(path)

    def add_slow(self, path: str, seconds: float) -> str:
        self.pages[path] = Response(b"<html><body>late</body></html>", delay=seconds)
        return self.url(path)

    def add_redirect(self, path: str, to: str) -> str:
        self.pages[path] = Response(b"", status=301, location=self.url(to))
        return self.url(path)


@contextmanager
def serve_site() -> Iterator[LocalSite]:
    """A `LocalSite` on 127.0.0.1 at a free port, served from a thread until the block ends."""
    site: LocalSite

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            site.requests.append(self.path)
            site.user_agents.append(self.headers.get("User-Agent", ""))
            page = site.pages.get(self.path) or Response(b"<html><body>Not here</body></html>", status=404)
            time.sleep(page.delay)
            self.send_response(page.status)
            self.send_header("Content-Type", page.content_type)
            if page.declare_length:
                self.send_header("Content-Length", str(len(page.body)))
            if page.location:
                self.send_header("Location", page.location)
            self.end_headers()
            self.wfile.write(page.body)

        def log_message(self, format: str, *args: object) -> None:  # keep the test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    site = LocalSite(f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def article_page(
    title: str,
    paragraphs: list[str],
    site_name: str = "",
    published: str = "",
    canonical: str = "",
    author: str = "",
) -> str:
    """A news page with the metadata news sites give (Open Graph, article:published_time, canonical)."""
    meta = [f'<meta property="og:title" content="{title}">']
    if site_name:
        meta.append(f'<meta property="og:site_name" content="{site_name}">')
    if published:
        meta.append(f'<meta property="article:published_time" content="{published}">')
    if author:
        meta.append(f'<meta name="author" content="{author}">')
    if canonical:
        meta.append(f'<link rel="canonical" href="{canonical}">')
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8">{"".join(meta)}<title>{title}</title></head>'
        f"<body><nav>Home | World | Sport</nav><article><h1>{title}</h1>{body}</article>"
        "<footer>Copyright the publisher</footer></body></html>"
    )


def rss_feed(title: str, items: list[tuple[str, str, str]]) -> str:
    """An RSS 2.0 feed of (title, link, published YYYY-MM-DD) items."""

    def pub(day: str) -> str:
        d = date.fromisoformat(day)
        return format_datetime(datetime(d.year, d.month, d.day, 9, 30, tzinfo=UTC))

    entries = "".join(
        f"<item><title>{t}</title><link>{link}</link><pubDate>{pub(day)}</pubDate>"
        "<description>A summary, not the story.</description></item>"
        for t, link, day in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>http://127.0.0.1/</link><description>News</description>"
        f"{entries}</channel></rss>"
    )


def atom_feed(title: str, items: list[tuple[str, str, str]]) -> str:
    """An Atom feed of (title, link, published YYYY-MM-DD) entries."""
    entries = "".join(
        f'<entry><title>{t}</title><link rel="alternate" type="text/html" href="{link}"/>'
        f"<id>{link}</id><published>{day}T09:30:00Z</published><updated>{day}T10:00:00Z</updated>"
        "<summary>A summary.</summary></entry>"
        for t, link, day in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{title}</title><id>urn:feed</id><updated>2024-01-01T00:00:00Z</updated>{entries}</feed>"
    )


def make_pdf(pages: list[list[str]], title: str = "", created: str = "") -> bytes:
    """A minimal valid PDF: each page's lines drawn as text in Helvetica (a real text layer), an Info
    dictionary with `title` and `created` ("D:20230112093000Z") when given, and an exact xref table. A page
    with no lines has no text layer, like a scan."""
    objects: list[bytes] = []  # object n is objects[n - 1]
    page_ids = [4 + 2 * i for i in range(len(pages))]
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{n} 0 R" for n in page_ids)
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for lines, page_id in zip(pages, page_ids):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
            f"/Contents {page_id + 1} 0 R >>".encode()
        )
        shown = "".join(f"({_pdf_string(line)}) Tj T* " for line in lines)
        content = f"BT /F1 11 Tf 14 TL 72 720 Td {shown}ET".encode() if lines else b""
        stream = zlib.compress(content)
        objects.append(
            f"<< /Length {len(stream)} /Filter /FlateDecode >>\nstream\n".encode() + stream + b"\nendstream"
        )
    info = []
    if title:
        info.append(f"/Title ({_pdf_string(title)})")
    if created:
        info.append(f"/CreationDate ({created})")
    info_id = 0
    if info:
        objects.append(f"<< {' '.join(info)} >>".encode())
        info_id = len(objects)
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    trailer = f"/Size {len(objects) + 1} /Root 1 0 R" + (f" /Info {info_id} 0 R" if info_id else "")
    out += f"trailer\n<< {trailer} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _pdf_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def refused_url(path: str = "/story") -> str:
    """An address on 127.0.0.1 where nothing listens (a port just freed), so connecting is refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


BRIDGE = [
    "The harbour bridge reopened to traffic on Friday after six months of repairs to its steel deck, the "
    "county council said in a statement.",
    '"Traffic is flowing again and the ferries can pass underneath," council leader Mara Voss told '
    "reporters at the reopening ceremony.",
    "The repairs cost four million pounds, a third more than planned, because corrosion was worse than "
    "the first survey had found.",
]
FERRY = [
    "The island ferry sailed again on Monday after a storm kept it in port for a whole week, the operator "
    "said.",
    "Captain Ilse Brandt said the crossing was calm and every seat was taken by islanders going home.",
]
LIBRARY = [
    "The town library will open on Sundays from June, the council announced on Wednesday evening.",
    "Librarian Tom Ashby said the extra day would be staffed by volunteers from the reading club.",
]
