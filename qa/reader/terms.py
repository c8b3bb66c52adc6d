"""Key terms of a question that an answering article must mention: years, numbers and names.

A question about "the 2011 earthquake", "Verizon" or "Brexit" is not answered by an article that
never mentions 2011, Verizon or Brexit, however close its sentences read: the reader sees one sentence
and its neighbour, so an article about the 2004 tsunami can look like an answer. A missing term does
not decide alone (questions misspell names, "Indian" asks about India); `qa.reader.decide` asks for a
more confident reading when one is missing (docs/reader.md).
"""

from __future__ import annotations

import re

__all__ = ["key_terms", "missing_terms"]

_TERM = re.compile(r"(?<![\w'])(?:[A-Z][\w'&.\-]*[\w]|[A-Z]|\d[\d,.]*\d|\d)(?![\w])")
# Capitalised words a question starts clauses with or that name no particular thing.
_NOT_NAMES = frozenset(
    """what who whom whose when where which why how in on the a an of did does do is was were are by for
    to at as after before during from with i if and or but according since until under over about""".split()
)
_PREFIX = 5  # "Germany" / "German", "Romans" / "Roman": a name is found by its first five letters


def key_terms(question: str) -> list[str]:
    """The years, numbers and capitalised names of `question`, in order, without repeats; the first
    word is left out unless it is a number (it is capitalised as a sentence start)."""
    found: list[str] = []
    for match in _TERM.finditer(question):
        word = re.sub(r"['\u2019]s$", "", match.group()).rstrip(".")
        if not word or (match.start() == 0 and not word[0].isdigit()) or word.lower() in _NOT_NAMES:
            continue
        if word not in found:
            found.append(word)
    return found


def missing_terms(question: str, text: str) -> list[str]:
    """The key terms of `question` that `text` does not mention (numbers whole, names by prefix)."""
    folded = text.lower()
    missing = []
    for term in key_terms(question):
        key = term.lower()
        if not key[0].isdigit():
            key = key[:_PREFIX]
            pattern = rf"(?<!\w){re.escape(key)}"
        else:
            pattern = rf"(?<![\w.,]){re.escape(key)}(?![\w]|[.,]\d)"
        if re.search(pattern, folded) is None:
            missing.append(term)
    return missing
