"""Mojibake read back: UTF-8 text once decoded as Windows-1252 ("GÃ¼len" for "Gülen", "itâ€™s" for
"it's"), as scraped news often carries it, repaired for matching names (`qa.answering.reader.terms`).

Only what the answer is checked against is repaired; the stored article text stays exactly as given
(DESIGN.md), so offsets and citations still index the source. A run of non-ASCII characters is
encoded back to the bytes Windows-1252 (or Latin-1, for the five bytes it leaves undefined) gives them
and decoded as UTF-8; a run that does not decode is kept, so correct accents ("é", "’") never change.

Text normalised with NFKC after the damage lost some of the bytes' characters to compatibility forms
("Ã¼" became "Ã1⁄4", "Ãª" became "Ãa"); after the lead characters of a two-byte sequence ("Â", "Ã")
they are put back first.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["repaired"]

# Latin-1 characters NFKC rewrites, as NFKC writes them; restored only right after "Â" or "Ã".
_NFKC_FORMS = {
    "1\u20444": "\u00bc",
    "1\u20442": "\u00bd",
    "3\u20444": "\u00be",
    " \u0308": "\u00a8",
    " \u0304": "\u00af",
    " \u0301": "\u00b4",
    " \u0327": "\u00b8",
    "\u03bc": "\u00b5",
    "a": "\u00aa",
    "o": "\u00ba",
    "1": "\u00b9",
    "2": "\u00b2",
    "3": "\u00b3",
}
_NFKC_DAMAGE = re.compile(
    "([\u00c2\u00c3])(" + "|".join(re.escape(f) for f in sorted(_NFKC_FORMS, key=len, reverse=True)) + ")"
)
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]{2,}")


def repaired(text: str) -> str:
    """`text` with mojibake runs decoded (unchanged when it holds none)."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFC", text)  # "A" + combining tilde is "Ã"
    text = _NFKC_DAMAGE.sub(lambda m: m.group(1) + _NFKC_FORMS[m.group(2)], text)
    return _NON_ASCII_RUN.sub(lambda m: _decoded(m.group(0)), text)


def _decoded(run: str) -> str:
    """The run read as the UTF-8 it was, or the run itself when it is not one."""
    data = bytearray()
    for ch in run:
        try:
            data += ch.encode("cp1252")
        except UnicodeEncodeError:
            if ord(ch) > 0xFF:
                return run
            data.append(ord(ch))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return run
