"""An article's date (and wire agency) from its dateline or date line, read near its top only.

Three shapes are read, each anchored at the start of one of the first `TOP_LINES` lines:
a wire dateline ("LONDON, March 3, 2021 (Reuters) - ..."; "KYIV (AFP) - ..." gives the agency only),
a labelled date line ("Published: 12 January 2023"), and a line that is nothing but a date
("2023-01-12", "Thursday 12 January 2023 10:32 GMT"). A date deeper in the text is what the story is
about, not when it was written, so it is never taken; nor is a date whose reading is ambiguous
("03/04/2021") or that has no year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

__all__ = ["AGENCIES", "TOP_LINES", "Dateline", "find_dateline", "parse_date"]

TOP_LINES = 5  # a headline, a byline, a date line, the first paragraph's dateline, with room for one more
# Wire agencies as datelines name them, lower case → how the source is written.
AGENCIES = {
    "reuters": "Reuters",
    "ap": "AP",
    "afp": "AFP",
    "bloomberg": "Bloomberg",
    "upi": "UPI",
    "dpa": "dpa",
    "pa": "PA",
    "xinhua": "Xinhua",
    "ansa": "ANSA",
    "efe": "EFE",
    "aap": "AAP",
    "pti": "PTI",
    "ians": "IANS",
    "kyodo": "Kyodo",
    "yonhap": "Yonhap",
    "tass": "TASS",
}
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DAY_MONTH_YEAR = re.compile(_WEEKDAY + r"(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]{3,9})\.?,?\s+(\d{4})", re.I)
_MONTH_DAY_YEAR = re.compile(_WEEKDAY + r"([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})", re.I)
# "LONDON, March 3, 2021 (Reuters) -", "HARTFORD, Conn. (AP) —", "Kyiv (AFP) -": a place of one to four
# capitalised words, an optional region, a date (Reuters leaves out the year: "March 3" is read past,
# not taken) and/or an agency in brackets, then a dash.
_DATELINE = re.compile(
    r"(?:[A-Z][\w.'’-]*\s?){1,4}(?:,\s+[A-Z][a-z]+\.?)?"
    r"(?:,\s*(?:(?P<date>[^()\n]{6,40}?\d{4})|[A-Z][a-z]{2,8}\.?\s+\d{1,2}))?"
    r"\s*(?:\((?P<agency>[A-Za-z .]{2,20})\))?\s*[-–—]+\s"
)
_TIME = r"(?:[\s,|]+(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?"
_LABEL = r"(?:(?:first\s+)?published(?:\s+on)?|posted(?:\s+on)?|dated?)\s*:?\s*"
_DATE_LINE = re.compile(rf"\s*(?:{_LABEL})?(?P<date>[\w ,.-]{{6,40}}?){_TIME}\s*", re.I)


@dataclass(frozen=True, slots=True)
class Dateline:
    """What the top of an article says: `published` (YYYY-MM-DD) and `source` (a wire agency), each
    empty when it does not say it clearly."""

    published: str = ""
    source: str = ""


def find_dateline(text: str) -> Dateline:
    """The date and agency of the first dateline or date line among the first `TOP_LINES` lines."""
    lines = [line.strip() for line in text.splitlines() if line.strip()][:TOP_LINES]
    for line in lines:
        wire = _DATELINE.match(line)
        if wire:
            agency = AGENCIES.get((wire.group("agency") or "").strip().lower(), "")
            published = parse_date(wire.group("date") or "")
            if published or agency:
                return Dateline(published, agency)
        only = _DATE_LINE.fullmatch(line)
        if only:
            published = parse_date(only.group("date"))
            if published:
                return Dateline(published)
    return Dateline()


def parse_date(text: str) -> str:
    """A date written in full ("2023-01-12", "12 January 2023", "Thursday, March 3, 2021") as
    YYYY-MM-DD; "" for anything else, including all-number dates other than ISO (03/04/2021 is March or
    April depending on the country)."""
    text = text.strip().rstrip(",")
    if match := _ISO.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _DAY_MONTH_YEAR.fullmatch(text):
        day, month, year = int(match.group(1)), MONTHS.get(match.group(2).lower(), 0), int(match.group(3))
    elif match := _MONTH_DAY_YEAR.fullmatch(text):
        month, day, year = MONTHS.get(match.group(1).lower(), 0), int(match.group(2)), int(match.group(3))
    else:
        return ""
    if not 1900 <= year <= 2100:
        return ""
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return ""
