"""Transcript lines: a paragraph opened by a speaker's name in capitals and a colon.

Interviews and debates are printed as transcripts (`WALLACE: If I may, sir...`, `MR. O'NEILL: By the
way...`): no quotation marks, the speaker named before the colon. A line counts when its label names
someone the article names elsewhere in ordinary case ("Chris Wallace" for WALLACE), or when the same
label opens two paragraphs or more: a dateline ("LONDON: ...") or a one-off heading in capitals is
neither.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["TranscriptLine", "transcript_lines"]

# A label of capitals (with the dots, apostrophes, hyphens and spaces of names), a colon, then text.
_LINE = re.compile(r"([A-Z][A-Z.'\u2019\- ]{1,40}[A-Z.]):[ \t]+(\S)")
_MIN_LABEL_LETTERS = 3  # "Q:" and "A:" name nobody


@dataclass(frozen=True, slots=True)
class TranscriptLine:
    """One line of a transcript: the label (as printed) and the words said, article offsets."""

    paragraph: int
    label: str
    start: int  # of the words said
    end: int
    repeated: bool  # the label opens two paragraphs or more


def transcript_lines(text: str, bounds: Sequence[tuple[int, int]]) -> list[TranscriptLine]:
    """The paragraphs (`bounds`) of `text` that are transcript lines, in order."""
    found = []
    for number, (start, end) in enumerate(bounds):
        match = _LINE.match(text, start, end)
        if match is None or sum(c.isalpha() for c in match.group(1)) < _MIN_LABEL_LETTERS:
            continue
        found.append((number, match.group(1).strip(), match.start(2), end))
    counts = Counter(label for _, label, _, _ in found)
    return [
        TranscriptLine(number, label, said, end, counts[label] > 1)
        for number, label, said, end in found
        if text[said:end].strip()
    ]
