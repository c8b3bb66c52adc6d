"""Mojibake read back for matching names; correct text is never changed (issue 29)."""

from __future__ import annotations

import pytest

from qa.mojibake import repaired


@pytest.mark.parametrize(
    ("garbled", "meant"),
    [
        ("Anja MÃ¼ller", "Anja Müller"),  # UTF-8 read as Windows-1252
        ("itâ€™s", "it\u2019s"),  # a curly apostrophe: three bytes, one of them 0x80 ("€")
        ("Anja MÃ1⁄4ller", "Anja Müller"),  # then NFKC: "¼" became "1⁄4"
        ("d'Ãatre", "d'être"),  # NFKC: "ª" became "a"
        ("naÃ \u0304ve", "naïve"),  # NFKC: "¯" became a space and a combining macron
        ("PeA\u0303\u00b1a", "Peña"),  # decomposed: "Ã" written as "A" and a combining tilde
    ],
)
def test_mojibake_is_read_back(garbled: str, meant: str) -> None:
    assert repaired(garbled) == meant


@pytest.mark.parametrize(
    "text",
    [
        "Plain ASCII, as most news is.",
        "Café “quoted” — it’s Peña’s São Paulo.",  # correct accents and punctuation
        "Zürich, Kraków and 北京",
        "SÃO PAULO",  # a capital Ã followed by a capital O is Portuguese, not mojibake
        "Ã alone",
    ],
)
def test_correct_text_is_unchanged(text: str) -> None:
    assert repaired(text) == text
