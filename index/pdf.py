"""PDF files (press releases, reports) → their text, title and date: the one owner of pypdf.

The text is each page's text layer, pages separated by a blank line, so every page starts a paragraph
and sentences never run across a page break. A PDF without a text layer (a scan) is refused: its words
are pictures, and guessing them is OCR's job, not this one's.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from index.errors import InputError

if TYPE_CHECKING:
    from pypdf import DocumentInformation

__all__ = ["MAX_PDF_BYTES", "PdfText", "read_pdf"]

MAX_PDF_BYTES = 50_000_000  # images make a report's PDF large; its text is what counts (MAX_ARTICLE_BYTES)
# A metadata Title that only names the file the PDF was made from ("Microsoft Word - memo.docx").
_FILE_TITLE = re.compile(
    r"\A(?:microsoft \w+ - .*|.*\.(?:docx?|pdf|pptx?|xlsx?|odt|rtf|indd|txt|qxp))\Z", re.I
)
_PLACEHOLDER_TITLES = {"untitled", "title", "document", "pdf"}
_BLANK_LINES = re.compile(r"\n{3,}")
_LINE_END_SPACE = re.compile(r"[ \t\r\f\v]+\n")


@dataclass(frozen=True, slots=True)
class PdfText:
    """What a PDF holds: `text` (pages separated by a blank line), its metadata `title` ("" when it has
    none worth showing), `published` (its CreationDate as YYYY-MM-DD, or "") and its page count."""

    text: str
    title: str
    published: str
    pages: int


def read_pdf(data: bytes) -> PdfText:
    """The text layer and metadata of a PDF.

    Raises:
        InputError: the PDF is damaged, protected by a password, has no pages or no text layer.
    """
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, PyPdfError

    if b"%PDF-" not in data[:1024]:
        raise InputError("not a PDF file (no %PDF- header); is it another format renamed .pdf?")
    # pypdf logs each repair it makes to a damaged file; the outcome is what the user needs to know.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError("this PDF is protected by a password; save a copy without one, then index it")
        pages = [_page_text(page.extract_text()) for page in reader.pages]
        metadata = reader.metadata
        title = _title(str(metadata.title or "")) if metadata else ""
        published = _creation_date(metadata)
    except DependencyError:
        raise InputError(
            "this PDF is encrypted (AES), which needs the 'cryptography' package: "
            "`pip install cryptography`, or decrypt it first, e.g. `qpdf --decrypt in.pdf out.pdf`"
        ) from None
    except InputError:
        raise
    except (PyPdfError, ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError) as error:
        # pypdf raises all of these on damaged files
        raise InputError(
            f"not a readable PDF ({error or type(error).__name__}); is the file damaged?"
        ) from None
    if not pages:
        raise InputError("this PDF has no pages")
    text = "\n\n".join(page for page in pages if page)
    if not text:
        raise InputError("this PDF has no text layer (a scan?); run OCR first, e.g. ocrmypdf")
    return PdfText(text, title, published, len(pages))


def _page_text(text: str) -> str:
    """A page's text without trailing spaces or runs of blank lines (the page break is the blank line)."""
    text = _LINE_END_SPACE.sub("\n", text.replace("\x00", "") + "\n")
    return _BLANK_LINES.sub("\n\n", text).strip()


def _title(title: str) -> str:
    title = " ".join(title.split())
    if not title or title.lower() in _PLACEHOLDER_TITLES or _FILE_TITLE.match(title):
        return ""
    return title


def _creation_date(metadata: DocumentInformation | None) -> str:
    """The CreationDate as YYYY-MM-DD; "" when there is none or it cannot be read."""
    try:
        created = metadata.creation_date if metadata is not None else None
    except (ValueError, TypeError):  # a malformed date string
        return ""
    return created.date().isoformat() if created is not None else ""
