"""Fetch web pages (articles, feeds, PDFs) over HTTP(S): the one owner of the network and of httpx.

Every way a fetch can fail (no such host, connection refused, timeout, HTTP 4xx/5xx, too many
redirects, a body over the size limit) is an `InputError` with one line that says what to do, so the
caller can report it as a `Failure` and go on with its other inputs.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING

from index.errors import InputError

if TYPE_CHECKING:
    import httpx

__all__ = ["TIMEOUT_SECONDS", "USER_AGENT", "Fetcher", "Page", "clean_url", "host_name", "is_url"]

TIMEOUT_SECONDS = 15.0
USER_AGENT = "newsqa/0.1 (qa index: extractive question answering over news articles)"
ACCEPT = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,application/xml;q=0.9,"
    "application/pdf;q=0.8,*/*;q=0.5"
)
_URL = re.compile(r"\Ahttps?://", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# Query parameters that say how a reader came to a page, not which page it is (Google Analytics' utm_*,
# click ids, the BBC's at_* and ns_*, mailing-list ids).
_TRACKING = re.compile(
    r"\A(?:utm_\w+|at_\w+|ns_\w+|fbclid|gclid|dclid|msclkid|igshid|mc_cid|mc_eid|ocid|cmpid)\Z", re.IGNORECASE
)
# What getaddrinfo says, on Linux, macOS and Windows, when a host name does not resolve.
_NO_SUCH_HOST = (
    "name or service not known",
    "nodename nor servname",
    "temporary failure in name resolution",
    "no address associated",
    "getaddrinfo failed",
)


def is_url(text: str) -> bool:
    """Whether an input names a web page (http:// or https://) rather than a file."""
    return bool(_URL.match(text))


def clean_url(url: str) -> str:
    """`url` without its fragment or tracking parameters, scheme and host in lower case: the one address
    of an article however a feed or a share button linked to it."""
    parts = urllib.parse.urlsplit(url)
    query = "&".join(
        pair for pair in parts.query.split("&") if pair and not _TRACKING.match(pair.split("=", 1)[0])
    )
    return urllib.parse.urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, query, ""))


def host_name(url: str) -> str:
    """The host of `url` without a leading "www." (a site's name when it gives none)."""
    try:
        host = urllib.parse.urlsplit(url).hostname or ""
    except ValueError:  # a malformed address has no host to name
        return ""
    return host.removeprefix("www.")


@dataclass(frozen=True, slots=True)
class Page:
    """A fetched page: `url` is the address after redirects, `media_type` the Content-Type without its
    parameters (lower case, empty when the server sent none)."""

    url: str
    media_type: str
    body: bytes
    charset: str = ""

    def text(self) -> str:
        """The body decoded by the charset of the header, else of a `<meta charset>`, else as UTF-8 (bytes
        that do not decode become U+FFFD rather than failing the page)."""
        head = _META_CHARSET.search(self.body[:4096])
        for charset in (self.charset, head.group(1).decode("ascii") if head else ""):
            if charset:
                try:
                    return self.body.decode(charset, errors="replace")
                except LookupError:  # a charset Python does not know
                    continue
        return self.body.decode("utf-8", errors="replace")


class Fetcher:
    """GETs pages over one connection pool (opened on first use): follows redirects, gives up after
    `timeout` seconds without an answer, and stops reading past `max_bytes` (`max_pdf_bytes` for a PDF,
    whose images make it large). Close it, or use it in a `with` block."""

    def __init__(
        self,
        max_bytes: int,
        max_pdf_bytes: int,
        timeout: float = TIMEOUT_SECONDS,
        user_agent: str = USER_AGENT,
    ) -> None:
        self.max_bytes = max_bytes
        self.max_pdf_bytes = max_pdf_bytes
        self.timeout = timeout
        self.user_agent = user_agent
        self._client: httpx.Client | None = None

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def fetch(self, url: str) -> Page:
        """GET `url`.

        Raises:
            InputError: the page cannot be fetched; the message says why in one line.
        """
        import httpx

        try:
            host = urllib.parse.urlsplit(url).hostname
        except ValueError as error:  # "http://[::1", a bad port
            raise InputError(f"not a valid web address ({error})") from None
        if not host:
            raise InputError("not a web address (no host name); write it as https://host/path")
        try:
            with self._session().stream("GET", url) as response:
                if response.status_code >= 400:
                    raise InputError(_status_line(response.status_code, response.reason_phrase))
                content_type = response.headers.get("content-type", "")
                media_type = content_type.split(";", 1)[0].strip().lower()
                limit = self.max_pdf_bytes if media_type == "application/pdf" else self.max_bytes
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > limit:
                    raise InputError(_too_large(int(declared), limit))
                body = bytearray()
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > limit:
                        raise InputError(_too_large(None, limit))
                return Page(str(response.url), media_type, bytes(body), response.charset_encoding or "")
        except httpx.TimeoutException:
            raise InputError(
                f"no answer in {self.timeout:g} s; the site is slow or down, try again later"
            ) from None
        except httpx.ConnectError as error:
            raise InputError(_connect_line(url, error)) from None
        except httpx.TooManyRedirects:
            raise InputError("too many redirects; open it in a browser to find the page's address") from None
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as error:
            raise InputError(f"not a valid web address ({error})") from None
        except httpx.HTTPError as error:
            raise InputError(
                f"the connection failed ({error or type(error).__name__}); try again later"
            ) from None

    def _session(self) -> httpx.Client:
        import httpx

        if self._client is None:
            self._client = httpx.Client(
                follow_redirects=True,
                timeout=self.timeout,
                headers={"User-Agent": self.user_agent, "Accept": ACCEPT},
            )
        return self._client


def _status_line(status: int, reason: str) -> str:
    if status in (401, 403):
        advice = "the site refuses access (a paywall or login?)"
    elif status == 429:
        advice = "the site limits requests; try again later"
    elif status >= 500:
        advice = "the site failed; try again later"
    else:
        advice = "check the address"
    return f"{f'HTTP {status} {reason}'.strip()}; {advice}"


def _too_large(size: int | None, limit: int) -> str:
    over = f"{size / 1e6:.1f} MB is over" if size is not None else "the page is over"
    limit_text = f"{limit / 1e6:g} MB" if limit >= 1_000_000 else f"{limit / 1e3:g} kB"
    return f"{over} the {limit_text} limit for one page; is it an article?"


def _connect_line(url: str, error: Exception) -> str:
    said = str(error).lower()
    if any(phrase in said for phrase in _NO_SUCH_HOST):
        host = urllib.parse.urlsplit(url).hostname
        return f"cannot find the host '{host}'; check the address (and the network)"
    if "refused" in said:
        return "connection refused; check the address and that the site is up"
    return f"cannot connect ({error}); check the address and the network"
